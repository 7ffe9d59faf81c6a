// Checks that every migration can run twice (a re-run raises no error), and rewrites the ones that cannot.
import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, join, relative, resolve } from 'node:path'
import { findProjectRoot, resolveMigrationsDir, resolveShadowUrl } from '../lib/run/config.ts'
import { KitError } from '../lib/run/errors.ts'
import { kitCommand } from '../lib/run/kit-command.ts'
import { applyParsableFixes } from '../lib/sql/fix.ts'
import { listFolder, readMigration } from '../lib/cli/folder.ts'
import { checkSql, folderContext, type FileReport, type Finding } from '../lib/sql/idempotency.ts'
import { isIgnored, readIdempotencyConfig, type IdempotencyConfig } from '../lib/run/kit-config.ts'
import { collectPaths, collectStaged, type InputFile, type Inputs } from '../lib/checks/migration-inputs.ts'
import { describeHolds, heldFromFix, type FixHold } from '../lib/checks/fix-targets.ts'
import { describeDbError, openConnection } from '../lib/db/connect.ts'
import { readHistory } from '../lib/cli/history.ts'
import { colors, EXIT, githubAnnotation, toJson, useColor, wantsAnnotations } from '../lib/run/output.ts'
import { loadParser } from '../lib/sql/parse.ts'
import { FILE_CHECKS, RULES } from '../lib/sql/rules/index.ts'
import { missingExtensionsWarning, standInsNote } from '../lib/db/platform/extensions.ts'
import { renderSarif } from '../lib/run/sarif.ts'
import { flagNames, processIo, runMain, scriptBody, type Io } from '../lib/run/script.ts'

export const USAGE = `Usage: npx tsx scripts/check-idempotent.ts [options] [files or folders…]

Parses each migration with PostgreSQL's parser and reports every statement that fails when the file runs a
second time (CREATE POLICY, ADD COLUMN, INSERT INTO storage.buckets, ALTER PUBLICATION … ADD TABLE, …).
With no paths it checks the whole migrations folder.

Options:
  --dir <path>     migrations folder (default: <project root>/supabase/migrations)
  --fix            rewrite failing statements in place into their idempotent form (comments and layout kept);
                   files the database already applied (when a URL is known) or git already committed are
                   left as they are, and said so
  --db-url <url>   with --fix: the database whose history says which files are applied
                   (else SUPABASE_DB_URL, else DATABASE_URL; none: not checked)
  --out <dir>      with --fix: write the rewritten files to <dir> instead of in place
  --json           print one JSON document (findings per file)
  --sarif          print one SARIF 2.1.0 document (for code scanning)
  --staged         check the staged blobs of the migrations folder (pre-commit hook): new and changed
                   migrations, folder clutter, duplicate versions, names, and edits of committed migrations
  --allow-edit     with --staged: accept edits, renames and deletions of already committed migrations;
                   with --fix: rewrite applied and committed files too
  --replay         ask PostgreSQL instead: apply the folder (or the one folder given) on a shadow database as
                   db push does, then every file again; report files whose second run fails or changes the catalog
  --shadow-url <url>
                   with --replay: server where a throwaway database is created and dropped
                   (else SHADOW_DATABASE_URL, else an embedded PGlite)
  --debug          print stack traces on errors
  --help           show this help

Silence one statement with a comment inside it or on its line:  -- idempotent-ignore: <rule> <reason>
Config (optional): package.json "migrationKit": {"idempotency": {"disable": [rules], "ignore": [globs]}},
or the same {"idempotency": …} object in .migration-kit.json (globs are relative to the project root).

Rules: ${RULES.map((r) => r.id).join(', ')}

Exit codes:
  0  every statement can run twice (warnings alone do not fail)
  1  findings: statements that fail on a re-run, unparsable or non-UTF-8 files, refused staged changes;
     with --replay: files that fail or change the catalog when run a second time
  2  usage or runtime error (unknown flag, missing folder, bad config, git failure, unreachable --db-url)

Environment:
  SUPABASE_DB_URL, DATABASE_URL  with --fix: the database when --db-url is absent (.env is read)
  GITHUB_ACTIONS=true          also print GitHub annotations
  NO_COLOR                     disable colour
  SHADOW_DATABASE_URL          with --replay: the shadow server when --shadow-url is absent
  MIGRATION_KIT_ALLOW_EDIT=1   read by .husky/pre-commit: adds --allow-edit to its --staged run
`

export const FLAGS = { string: ['dir', 'out', 'shadow-url', 'db-url'], boolean: ['fix', 'json', 'sarif', 'staged', 'allow-edit', 'replay', 'debug', 'help'] }
export const flags = flagNames(FLAGS)
const SCRIPT = 'check-idempotent'

export type FileResult = { file: string; findings: Finding[]; suppressed: number; fixed?: { statements: number; written: string }; held?: FixHold['reason'] }

export async function main(args: string[], env: NodeJS.ProcessEnv = process.env, io: Io = processIo()): Promise<number> {
  return scriptBody({ script: SCRIPT, usage: USAGE, flags: FLAGS }, args, io, async (f, hide) => {
    // 1. Validate every input before reading anything.
    const usage = (m: string) => new KitError('USAGE', m, 'See --help')
    if (f.json && f.sarif) throw usage('--json and --sarif exclude each other')
    if (f.out && !f.fix) throw usage('--out needs --fix')
    if (f.staged && (f.fix || f._.length)) throw usage('--staged checks the index: it takes no paths and no --fix (fix the work tree, then git add)')
    if (f['allow-edit'] && !f.staged && !f.fix) throw usage('--allow-edit needs --staged or --fix')
    if (f['db-url'] && !f.fix) throw usage('--db-url needs --fix')
    if (f.replay && (f.fix || f.staged || f.sarif || f._.length > 1)) throw usage('--replay takes one folder and excludes --fix, --staged and --sarif')
    if (f['shadow-url'] && !f.replay) throw usage('--shadow-url needs --replay')
    const root = findProjectRoot(io.cwd)
    const dir = resolveMigrationsDir(f.dir as string | undefined, io.cwd)
    const shadowUrl = resolveShadowUrl(f['shadow-url'] as string | undefined, env)
    hide(shadowUrl)
    if (f.replay) return replay(f._.length ? resolve(io.cwd, String(f._[0])) : dir, shadowUrl, Boolean(f.json), io)
    const config = readIdempotencyConfig(root, RULES.map((r) => r.id))

    // 2. Collect the files and the folder around them.
    //    The parser's WebAssembly compiles while git runs (the hook's two slowest steps, overlapped).
    const [, inputs] = await Promise.all([loadParser(), f.staged ? collectStaged(io.cwd, dir, Boolean(f['allow-edit'])) : collectPaths(io.cwd, dir, f._.map(String))])

    // 3. Check each file (the idempotency rules, offline).
    const checker = makeChecker(inputs, config)
    const ignore = (input: InputFile) => isIgnored(config, relative(root, resolve(io.cwd, input.display)).split('\\').join('/'))
    const checked = check(inputs, checker, ignore)
    let results = checked.results

    // 4. Rewrite what fails, then check the rewritten text again; never a file already applied or committed
    //    (unless --allow-edit).
    if (f.fix) {
      const url = (f['db-url'] as string | undefined) || env.SUPABASE_DB_URL || env.DATABASE_URL
      hide(url)
      const applied = url ? await appliedVersions(url) : undefined
      const holds = f['allow-edit'] ? [] : await heldFromFix(inputs.files, { applied, cwd: io.cwd })
      results = fix(inputs, checked, checker, io.cwd, f.out ? resolve(io.cwd, f.out as string) : undefined, holds)
    }

    // 5. Report. (Checks that need a database, such as a replay on a shadow database, slot in before this step.)
    return report(results, inputs, { json: Boolean(f.json), sarif: Boolean(f.sarif), staged: Boolean(f.staged), fix: Boolean(f.fix) }, env, io)
  })
}

type Checker = (input: InputFile, text?: string) => FileReport

// The folder is parsed once; each file is then checked against it.
function makeChecker(inputs: Inputs, config: IdempotencyConfig): Checker {
  const contextOf = folderContext(inputs.folder)
  const disabled = new Set(config.disable)
  return (input, text = input.text) =>
    text === undefined ? { findings: input.problems, plans: [], suppressed: 0, statements: 0 } : checkSql(text, { context: contextOf(input.key), disabled })
}

function check(inputs: Inputs, checker: Checker, ignore: (input: InputFile) => boolean) {
  const results: FileResult[] = inputs.extra.map((e) => ({ file: e.display, findings: e.findings, suppressed: 0 }))
  const byFile = new Map<string, FileResult>()
  for (const r of results) if (!byFile.has(r.file)) byFile.set(r.file, r)
  const plans = new Map<string, FileReport['plans']>()
  for (const input of inputs.files) {
    if (ignore(input)) continue
    const r = checker(input)
    plans.set(input.display, r.plans)
    const known = byFile.get(input.display)
    if (known) known.findings.push(...r.findings)
    else {
      const result = { file: input.display, findings: r.findings, suppressed: r.suppressed }
      results.push(result)
      byFile.set(result.file, result)
    }
  }
  return { results, plans }
}

// The versions the database's history lists (the CLI's query; no table: none applied).
async function appliedVersions(url: string): Promise<Set<string>> {
  const sql = await openConnection(url, { app: SCRIPT, onNotice: () => {} })
  try {
    return new Set((await readHistory(sql)).rows.map((r) => r.version))
  } catch (err) {
    throw describeDbError(err, url)
  } finally {
    await sql.end({ timeout: 5 })
  }
}

function fix(inputs: Inputs, checked: ReturnType<typeof check>, checker: Checker, cwd: string, out: string | undefined, holds: readonly FixHold[]): FileResult[] {
  const held = new Map(holds.map((h) => [h.display, h.reason]))
  return checked.results.map((result) => {
    const input = inputs.files.find((i) => i.display === result.file)
    const plans = checked.plans.get(result.file) ?? []
    if (!input?.text || !input.path || plans.length === 0) return result
    if (held.has(result.file)) return { ...result, held: held.get(result.file) }
    const { text: fixedText, applied, failures } = applyParsableFixes(input.text, plans)
    if (applied.length === 0) return { ...result, findings: [...result.findings, ...failures].sort(byPlace) }
    const again = checker(input, fixedText)
    const target = out ? join(out, basename(input.path)) : input.path
    if (out) mkdirSync(out, { recursive: true })
    writeFileSync(target, fixedText)
    return { file: result.file, findings: [...again.findings, ...failures].sort(byPlace), suppressed: again.suppressed, fixed: { statements: applied.length, written: relative(cwd, target) || target } }
  })
}

const byPlace = (a: Finding, b: Finding) => a.line - b.line || a.column - b.column

type Mode = { json: boolean; sarif: boolean; staged: boolean; fix: boolean }

function report(results: FileResult[], inputs: Inputs, mode: Mode, env: NodeJS.ProcessEnv, io: Io): number {
  const all = results.flatMap((r) => r.findings)
  const errors = all.filter((x) => x.severity === 'error').length
  const warnings = all.length - errors
  const summary = {
    files: inputs.files.length,
    errors,
    warnings,
    fixable: all.filter((x) => x.fixable).length,
    suppressed: results.reduce((n, r) => n + r.suppressed, 0),
    fixedStatements: results.reduce((n, r) => n + (r.fixed?.statements ?? 0), 0),
  }
  if (mode.sarif) {
    const rules = [...RULES, ...Object.entries(FILE_CHECKS).map(([id, c]) => ({ id, ...c }))]
    io.out(toJson(renderSarif(results, rules)))
  } else if (mode.json) {
    const notRewritten = results.filter((r) => r.held).map((r) => ({ file: r.file, reason: r.held }))
    io.out(toJson({ clean: errors === 0, summary, files: results, ...(mode.fix ? { notRewritten } : {}) }))
  } else {
    // A commit that stages no migration gets no output from the hook.
    const quiet = mode.staged && summary.files === 0 && all.length === 0
    if (!quiet) io.out(renderText(results, summary, mode, io.cwd, useColor({ isTTY: io.stdoutIsTTY }, env)))
    if (wantsAnnotations(env)) {
      for (const r of results) for (const x of r.findings) io.out(githubAnnotation({ level: x.severity, file: r.file, line: x.line, col: x.column, title: x.rule, message: x.message }))
    }
  }
  return errors > 0 ? EXIT.findings : EXIT.clean
}

type Summary = { files: number; errors: number; warnings: number; fixable: number; suppressed: number; fixedStatements: number }

function renderText(results: FileResult[], s: Summary, mode: Mode, cwd: string, color: boolean): string {
  const c = colors(color)
  const out: string[] = []
  for (const r of results) {
    if (r.fixed) out.push(`${c.green('fixed')} ${r.file}: ${r.fixed.statements} statement(s) rewritten → ${r.fixed.written}`)
    if (r.findings.length === 0) continue
    out.push(c.bold(r.file))
    const where = r.findings.map((x) => `${x.line}:${x.column}`)
    const width = Math.max(...where.map((w) => w.length))
    const ruleWidth = Math.max(...r.findings.map((x) => x.rule.length))
    r.findings.forEach((x, n) => {
      const level = x.severity === 'error' ? c.red('error  ') : c.yellow('warning')
      out.push(`  ${where[n].padEnd(width)}  ${level}  ${x.rule.padEnd(ruleWidth)}  ${x.message}${x.fixable ? c.dim(' (--fix)') : ''}`)
    })
    out.push('')
  }
  out.push(...describeHolds(results.filter((r) => r.held).map((r) => ({ display: r.file, reason: r.held! }))))
  const checked = mode.staged ? `${s.files} staged migration file(s)` : `${s.files} file(s)`
  if (s.errors === 0) {
    out.push(c.green(`${checked} checked: every statement can run twice.`) + (s.warnings ? ` ${s.warnings} warning(s).` : '') + (s.suppressed ? ` ${s.suppressed} suppressed.` : ''))
  } else {
    // In the hook, name the staged files: a bare --fix would also rewrite older, already applied migrations.
    const fixable = results.filter((r) => r.findings.some((x) => x.fixable)).map((r) => r.file)
    const fixCommand = `${kitCommand(cwd, 'check-idempotent')} --fix${mode.staged ? ` ${fixable.join(' ')}, then git add ${fixable.length > 1 ? 'them' : 'it'}` : ''}`
    const next = s.fixable > 0 && !mode.fix ? ` ${s.fixable} can be rewritten: ${fixCommand}.` : ' Each finding says what to do; a deliberate one can be silenced with -- idempotent-ignore: <rule> <reason>.'
    out.push(c.red(`${s.errors} error(s), ${s.warnings} warning(s) in ${checked}.`) + next)
  }
  return out.join('\n')
}

// --replay: PostgreSQL as the judge (lib/checks/replay-twice.ts); the rules and the parser are not involved.
async function replay(dir: string, shadowUrl: string | undefined, json: boolean, io: Io): Promise<number> {
  // Imported here, not at the top: the shadow brings PGlite (about 50 modules), and the static check, which runs
  // in the pre-commit hook on every commit, must not pay for loading it.
  const { renderReplay, replayClean, replayOnShadow } = await import('../lib/checks/replay-twice.ts')
  const { describeShadow } = await import('../lib/db/shadow.ts')
  const folder = listFolder(dir)
  if (!folder.exists) throw new KitError('FOLDER_MISSING', `no migrations folder at ${dir}`, 'Pass the folder: --replay <dir>')
  const run = await replayOnShadow(folder.files, { serverUrl: shadowUrl, app: SCRIPT, onNotice: () => {} })
  io.err(describeShadow(run.shadow))
  const standIns = standInsNote(run.shadow.stubs ?? [])
  if (standIns) io.err(`${SCRIPT}: ${standIns}.`)
  const lacking = missingExtensionsWarning(folder.files.map((f) => readMigration(f.path)), run.shadow.missing)
  if (lacking) io.err(`${SCRIPT}: warning: ${lacking}.`)
  io.out(json ? toJson({ clean: replayClean(run), shadow: run.shadow, ...run.report }) : renderReplay(run, relative(io.cwd, dir) || '.'))
  return replayClean(run) ? EXIT.clean : EXIT.findings
}

runMain(import.meta.url, SCRIPT, main)
