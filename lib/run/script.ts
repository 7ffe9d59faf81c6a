// What every script's entry needs: strict flag parsing, the main guard, and the one fatal-error formatter.
import { once } from 'node:events'
import { realpathSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { config as loadDotenv } from 'dotenv'
import { minimist } from 'zx'
import { KitError } from './errors.ts'
import { EXIT } from './output.ts'
import { passwordOf, redact } from './redact.ts'

// `default` holds booleans that are on unless turned off (`--no-verify`), as minimist reads them.
export type FlagSpec = { string?: string[]; boolean?: string[]; alias?: Record<string, string>; default?: Record<string, boolean> }
export type Flags = Record<string, unknown> & { _: string[] }

// Unknown flags and missing values are usage errors that name the flag (minimist alone would accept them).
function parseFlags(args: readonly string[], spec: FlagSpec): Flags {
  const unknown: string[] = []
  const flags = minimist([...args], {
    string: spec.string,
    boolean: spec.boolean,
    alias: spec.alias,
    default: spec.default,
    unknown: (arg) => {
      if (arg.startsWith('-')) unknown.push(arg)
      return !arg.startsWith('-')
    },
  }) as Flags
  if (unknown.length) throw new KitError('USAGE', `unknown flag ${unknown[0].replace(/=.*/, '')}`, 'See --help')
  for (const name of spec.string ?? []) {
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
  let line = `${script}: ${what}.${next ? ` ${next}.` : ''}`.replace(/\.\./g, '.')
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
