// What every script's entry needs: strict flag parsing, the main guard, and the one fatal-error formatter.
import { once } from 'node:events'
import { realpathSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { config as loadDotenv } from 'dotenv'
import { KitError } from './errors.ts'
import { EXIT } from './output.ts'
import { passwordOf, redact } from './redact.ts'

// `default` holds booleans that are on unless turned off (`--no-verify`), as minimist reads them.
export type FlagSpec = { string?: string[]; boolean?: string[]; alias?: Record<string, string>; default?: Record<string, boolean> }
export type Flags = Record<string, unknown> & { _: string[] }

// Unknown flags and missing values are usage errors that name the flag. The grammar is minimist's for the flags a
// script declares (`--name value`, `--name=value`, `--flag`, `--no-flag`, `--` ends the flags, a string flag with
// no value is ''), written here because importing it from zx loads all of zx's vendored packages: about a third of
// the pre-commit hook's start-up (README, Performance).
function parseFlags(args: readonly string[], spec: FlagSpec): Flags {
  const strings = new Set(spec.string ?? [])
  const booleans = new Set(spec.boolean ?? [])
  const canonical = (name: string) => spec.alias?.[name] ?? name
  const flags: Flags = { _: [] }
  for (const name of booleans) flags[name] = spec.default?.[name] ?? false
  const set = (name: string, value: unknown) => {
    const known = flags[name]
    flags[name] = strings.has(name) && known !== undefined ? [known, value].flat() : value
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--') {
      flags._.push(...args.slice(i + 1))
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      flags._.push(arg)
      continue
    }
    const body = arg.replace(/^--?/, '')
    const eq = body.indexOf('=')
    const raw = eq === -1 ? body : body.slice(0, eq)
    const negated = eq === -1 && raw.startsWith('no-') && booleans.has(canonical(raw.slice(3)))
    const name = canonical(negated ? raw.slice(3) : raw)
    if (!strings.has(name) && !booleans.has(name)) throw new KitError('USAGE', `unknown flag ${arg.replace(/=.*/, '')}`, 'See --help')
    if (negated) set(name, false)
    else if (eq !== -1) set(name, booleans.has(name) ? body.slice(eq + 1) !== 'false' : body.slice(eq + 1))
    else if (booleans.has(name)) {
      const next = args[i + 1]
      if (next === 'true' || next === 'false') set(name, args[++i] === 'true')
      else set(name, true)
    } else {
      const next = args[i + 1]
      set(name, next !== undefined && !/^--?[^-]/.test(next) ? args[++i] : '')
    }
  }
  for (const name of strings) {
    if (Array.isArray(flags[name])) throw new KitError('USAGE', `--${name} given twice`, 'See --help')
    if (flags[name] === '') throw new KitError('USAGE', `--${name} needs a value`, 'See --help')
  }
  return flags
}

// Every flag a parser knows must appear in USAGE (a test reads it).
export const flagNames = (spec: FlagSpec) => [...(spec.string ?? []), ...(spec.boolean ?? [])]

// True when this module is the process entry point (compares real paths without extensions, as zx does).
function isMain(metaUrl: string): boolean {
  const entry = process.argv[1]
  if (!entry) return false
  const strip = (p: string) => p.replace(/\.[cm]?[jt]s$/, '')
  try {
    return strip(realpathSync(entry)) === strip(realpathSync(fileURLToPath(metaUrl)))
  } catch {
    // A vanished argv[1] (eval, REPL) is not this module.
    return false
  }
}

// One line on stderr: `<script>: <what happened>. <what to run next>.` A stack only with --debug.
function formatFatal(script: string, err: unknown, debug: boolean, secrets: readonly string[] = []): string {
  const e = err as KitError
  const what = e instanceof KitError ? e.message : `unexpected error: ${(err as Error)?.message ?? String(err)}`
  const next = e instanceof KitError ? e.hint : debug ? undefined : 'Rerun with --debug for details'
  // A period ends each part unless it has one: a path in it (`../../tools/…`) keeps its dots.
  const sentence = (text: string) => (text.endsWith('.') ? text : `${text}.`)
  let line = `${script}: ${sentence(what)}${next ? ` ${sentence(next)}` : ''}`
  if (debug && (err as Error)?.stack) line += `\n${(err as Error).stack}`
  return redact(line, secrets)
}

// Where a script writes: the process streams by default, buffers in tests.
// `stdinIsTTY`/`readLine` serve the typed confirmation of destructive scripts; tests drive them.
export type Io = {
  out: (text: string) => void
  err: (text: string) => void
  cwd: string
  stdoutIsTTY: boolean
  stdinIsTTY?: boolean
  readLine?: () => Promise<string>
}

export const processIo = (): Io => ({
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
  cwd: process.cwd(),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  stdinIsTTY: Boolean(process.stdin.isTTY),
  readLine: async () => {
    const rl = createInterface({ input: process.stdin })
    try {
      const [line] = await once(rl, 'line')
      return String(line)
    } finally {
      rl.close()
    }
  },
})

// Runs a script body; any failure becomes the one-line message on stderr and exit code 2.
export async function guarded(script: string, io: Io, debug: boolean, secrets: () => readonly string[], body: () => Promise<number>): Promise<number> {
  try {
    return await body()
  } catch (err) {
    io.err(formatFatal(script, err, debug, secrets()))
    return 2
  }
}

// The head every script shares: flags parsed strictly, --help answered, and any failure turned into one line
// and exit 2 with the passwords of the URLs handed to `hide` masked.
export function scriptBody(
  spec: { script: string; usage: string; flags: FlagSpec },
  args: readonly string[],
  io: Io,
  body: (flags: Flags, hide: (url: string | undefined) => void) => Promise<number>,
): Promise<number> {
  const secrets: string[] = []
  return guarded(spec.script, io, args.includes('--debug'), () => secrets, async () => {
    const flags = parseFlags(args, spec.flags)
    if (flags.help) {
      io.out(spec.usage)
      return EXIT.clean
    }
    return body(flags, (url) => secrets.push(...passwordOf(url)))
  })
}

export type Main = (args: string[], env?: NodeJS.ProcessEnv, io?: Io) => Promise<number>

// Runs main() when the file is the entry point; the only place that sets process.exitCode.
export function runMain(metaUrl: string, script: string, main: Main): void {
  if (!isMain(metaUrl)) return
  // .env is read here, not at import time, so tests control the environment they pass to main().
  loadDotenv({ quiet: true })
  const args = process.argv.slice(2)
  main(args, process.env).then(
    (code) => {
      process.exitCode = code
    },
    (err) => {
      process.stderr.write(formatFatal(script, err, args.includes('--debug')) + '\n')
      process.exitCode = 2
    },
  )
}

// The typed confirmation of a change to a remote: on a terminal the database's name must be typed; off one (a
// pipe cannot be asked) only the script's --yes goes on.
export async function confirmByName(io: Io, url: string, action: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres'
  if (!io.stdinIsTTY || !io.readLine) throw new KitError('REFUSED', `stdin is not a terminal, so "${action}" cannot be confirmed`, 'Add --yes to confirm it')
  io.err(`Type the database name (${name}) to ${action}:`)
  const typed = (await io.readLine()).trim()
  if (typed !== name) throw new KitError('REFUSED', `"${typed}" is not ${name}; nothing was changed`, 'Run again and type the database name')
}
