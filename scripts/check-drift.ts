// Finds drift between the database and its migration files: replays the files on a shadow database, snapshots the
// catalog of both, and reports hand edits, objects the files make that the remote lacks, and objects that differ.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { snapshotCatalog } from '../lib/catalog/snapshot.ts'
import { describeProps } from '../lib/catalog/diff.ts'
import { assertDirFlag, findProjectRoot, resolveDbUrl, resolveMigrationsDir, resolveShadowUrl } from '../lib/run/config.ts'
import { describeDbError, openConnection } from '../lib/db/connect.ts'
import { endTimeout } from '../lib/db/transaction.ts'
import type { Sql } from '../lib/run/sql.ts'
import { exportCommittedFolder } from '../lib/checks/committed.ts'
import { compareDrift, driftCount, replayWithProvenance, type DriftItem, type DriftReport } from '../lib/checks/drift.ts'
import { KitError } from '../lib/run/errors.ts'
import { kitCommand } from '../lib/run/kit-command.ts'
import { listFolder, newFileNameProblem, readMigration, skipWarning, type MigrationFile } from '../lib/cli/folder.ts'
import { formatVersion } from '../lib/cli/version.ts'
import { captureDrift, markCaptureApplied, type CaptureResult } from '../lib/checks/capture.ts'
import { readHistory } from '../lib/cli/history.ts'
import { colors, EXIT, toJson, useColor } from '../lib/run/output.ts'
import { missingExtensionsWarning, standInsInUse, standInsNote } from '../lib/db/platform/extensions.ts'
import { passwordOf, redact } from '../lib/run/redact.ts'
import { confirmByName, processIo, runMain, scriptBody, type Flags, type Io } from '../lib/run/script.ts'
import { describeShadow, majorSkewWarning, serverVersion, withShadow } from '../lib/db/shadow.ts'

export const USAGE = `Usage: npx tsx scripts/check-drift.ts [options]

Replays the local migration files on a shadow database, snapshots the catalog of the shadow and of the
database, and reports what the database has that no file produces (hand edits), what the files produce
that the database lacks, what differs, and files that were half applied by hand.

Options:
  --db-url <url>       database to check (else SUPABASE_DB_URL, else DATABASE_URL)
  --shadow-url <url>   server on which a throwaway database is created and dropped (else SHADOW_DATABASE_URL,
                       else an embedded PGlite, PostgreSQL 18)
  --dir <path>         migrations folder (default: <project root>/supabase/migrations)
  --commit <rev>       replay the migrations folder as it is in that commit, not the work tree (pre-push hook)
  --ignore <patterns>  comma-separated item patterns to leave out, * matching anything
                       (e.g. "column public.repos.*,index public.tmp_*")
  --capture <name>     write the hand edits (remote-only and differing items, the database's version winning) as
                       a new migration <migrations>/<version>_<name>.sql, verified first on the shadow: the files plus
                       it must reproduce the database, twice over; else it is written as <file>.sql.draft (exit 1)
  --dry-run            with --capture: print the SQL and the verdict, write nothing
  --mark-applied       with --capture: also record the new file as applied in the remote history (backup first,
                       one locked transaction, checked before COMMIT), since the database already has its objects;
                       asks for the database name on a terminal
  --yes                with --mark-applied: skip the typed confirmation (needed off a terminal)
  --json               print one JSON document instead of the report
  --debug              print stack traces on errors
  --help               show this help

Exit codes:
  0  no drift
  1  drift found (or a file fails on the shadow)
  2  usage or runtime error (bad URL, unreachable database, shadow cannot be created)
  With --capture: 0 captured and verified (or nothing to capture), 1 the capture did not verify (draft written),
  2 also a refused --mark-applied (local files not applied yet, no confirmation, another run holds the lock)

Environment:
  SUPABASE_DB_URL, DATABASE_URL   connection URL when --db-url is absent (.env is read)
  SHADOW_DATABASE_URL             shadow server when --shadow-url is absent
  NO_COLOR                        disable colour
`

export const FLAGS = { string: ['db-url', 'shadow-url', 'dir', 'commit', 'ignore', 'capture'], boolean: ['dry-run', 'mark-applied', 'yes', 'json', 'debug', 'help'] }
const SCRIPT = 'check-drift'

export async function main(args: string[], env: NodeJS.ProcessEnv = process.env, io: Io = processIo()): Promise<number> {
  return scriptBody({ script: SCRIPT, usage: USAGE, flags: FLAGS }, args, io, async (flags, hide) => {
    // 1. Validate every input before the first connection.
    if (flags._.length) throw new KitError('USAGE', `unexpected argument ${flags._[0]}`, 'See --help')
    const url = resolveDbUrl(flags['db-url'] as string | undefined, env)
    const shadowUrl = resolveShadowUrl(flags['shadow-url'] as string | undefined, env)
    hide(url)
    hide(shadowUrl)
    // The report is redacted too, in case an object on the database (a comment, a setting) quotes the URL.
    const secrets = [...passwordOf(url), ...passwordOf(shadowUrl)]
    if (shadowUrl && sameServerDatabase(url, shadowUrl)) {
      throw new KitError('USAGE', 'the shadow URL points at the database to check', 'Give --shadow-url a different server or database; the shadow database is created there and dropped')
    }
    const ignore = String(flags.ignore ?? '').split(',').map((p) => p.trim()).filter(Boolean)
    const dir = resolveMigrationsDir(flags.dir as string | undefined, io.cwd)
    assertDirFlag(flags.dir as string | undefined, dir)
    // A commit's folder (--commit) is copied out of git for the replay and removed afterwards.
    const tmp = flags.commit ? mkdtempSync(join(tmpdir(), 'smk-commit-')) : undefined
    try {
      const folder = listFolder(tmp ? (await exportCommittedFolder(io.cwd, String(flags.commit), dir, tmp)).path : dir)
      for (const entry of folder.skipped) io.err(skipWarning(entry))
      if (!folder.exists) io.err(`${SCRIPT}: no migrations folder at ${dir}; comparing the database with an empty chain.`)
      const say = (m: string) => io.err(redact(m, secrets))
      if (flags.capture !== undefined) {
        // A capture writes a new file into the folder on disk: it replays the work tree, not a commit.
        if (flags.commit) throw new KitError('USAGE', '--capture and --commit exclude each other', 'See --help')
        return await runCapture(flags, { url, shadowUrl, dir, files: folder.files, ignore, secrets, say }, io)
      }
      for (const flag of ['dry-run', 'mark-applied', 'yes']) if (flags[flag]) throw new KitError('USAGE', `--${flag} only goes with --capture`, 'See --help')

      // 2. Snapshot the remote and read its history while the shadow starts: the first waits on the remote's server,
      // the embedded shadow's start on this process's CPU. Its error is thrown in step 3 (this catch only keeps a
      // remote that fails before the shadow is open from being an unhandled rejection).
      const remote = withDb(url, async (sql) => [await snapshotCatalog(sql), await readHistory(sql), await serverVersion(sql)] as const)
      remote.catch(() => {})

      // 3. Replay the files on the shadow, noting which file made each item; the remote's answer first, so that its
      // error ends the run before the replay.
      const { replay, shadow, remoteCatalog, history, remoteVersion } = await withShadow({ serverUrl: shadowUrl, app: SCRIPT, onNotice: () => {} }, async (sql, shadow) => {
        const [remoteCatalog, history, remoteVersion] = await remote
        say(describeShadow(shadow))
        const skew = majorSkewWarning(shadow, remoteVersion.major)
        if (skew) say(`${SCRIPT}: warning: ${skew}.`)
        const lacking = missingExtensionsWarning(folder.files.map((f) => readMigration(f.path)), shadow.platform.missing)
        if (lacking) say(`${SCRIPT}: warning: ${lacking}.`)
        const replayed = await replayWithProvenance(sql, folder.files)
        const standIns = standInsNote(await standInsInUse(sql, shadow.platform.stubbed))
        if (standIns) say(`${SCRIPT}: ${standIns}.`)
        return { replay: replayed, shadow: { engine: shadow.engine, version: shadow.version }, remoteCatalog, history, remoteVersion }
      })

      // 4. Decide and report.
      const report = compareDrift(replay, remoteCatalog, history.rows.map((r) => r.version), ignore)
      const count = driftCount(report)
      if (flags.json) {
        io.out(redact(toJson({ clean: count === 0, shadow, remoteMajor: remoteVersion.major, ...report }), secrets))
      } else {
        io.out(redact(render(report, relative(io.cwd, dir) || '.', useColor({ isTTY: io.stdoutIsTTY }, env)), secrets))
      }
      return count === 0 ? EXIT.clean : EXIT.findings
    } finally {
      if (tmp) rmSync(tmp, { recursive: true, force: true })
    }
  })

  async function withDb<T>(target: string, body: (sql: Sql) => Promise<T>): Promise<T> {
    const sql = await openConnection(target, { app: SCRIPT, onNotice: (m: string) => io.err(m) })
    try {
      return await body(sql)
    } catch (err) {
      throw describeDbError(err, target)
    } finally {
      await sql.end({ timeout: 5 })
    }
  }
}

type CaptureInputs = { url: string; shadowUrl?: string; dir: string; files: MigrationFile[]; ignore: string[]; secrets: string[]; say: (m: string) => void }

// --capture: the drift as a verified migration (lib/checks/capture.ts); optionally recorded as applied.
async function runCapture(flags: Flags, c: CaptureInputs, io: Io): Promise<number> {
  const name = String(flags.capture)
  const problem = newFileNameProblem('0', name)
  if (problem) throw new KitError('USAGE', `bad --capture name: ${problem}`, 'Use letters, digits and underscores, e.g. capture_dashboard_edits')
  if (flags['dry-run'] && flags['mark-applied']) throw new KitError('USAGE', '--dry-run writes nothing, so it cannot --mark-applied', 'Drop one of the two flags')
  if (flags.yes && !flags['mark-applied']) throw new KitError('USAGE', '--yes only confirms --mark-applied', 'See --help')
  const rel = (p: string) => relative(io.cwd, p) || '.'
  const database = redact(c.url.replace(/^[a-z]+:\/\/[^@/]*@/i, ''), c.secrets)
  const sql = await openConnection(c.url, { app: SCRIPT, onNotice: (m) => /already exists, skipping/.test(m) || c.say(m) })
  try {
    const result = await captureDrift(sql, { files: c.files, name, ignore: c.ignore, shadowUrl: c.shadowUrl, app: SCRIPT, source: database, now: new Date(), onShadow: (s) => c.say(describeShadow(s)) })
    const skew = majorSkewWarning(result.shadow, result.remoteMajor)
    if (skew) c.say(`${SCRIPT}: warning: ${skew}.`)
    const nothing = result.statements.length === 0 && result.diff.length === 0
    if (flags['mark-applied'] && result.verified && !nothing && result.localOnly.length) {
      throw new KitError('REFUSED', `${result.localOnly.length} local file(s) are not applied yet (${result.localOnly.join(', ')}); recording the capture, which is newer, would leave them before the last applied version; nothing was written`, 'Run supabase db push first (or capture without --mark-applied)')
    }
    const path = join(c.dir, result.verified ? result.file : `${result.file}.draft`)
    const write = !flags['dry-run'] && !nothing
    if (flags.json) {
      const { report, text, ...rest } = result
      io.out(redact(toJson({ ...rest, sql: text, path: nothing ? null : rel(path), written: write, draft: !result.verified, halfApplied: report.halfApplied, pending: report.pending, failures: report.failures }), c.secrets))
    } else io.out(redact(renderCapture(result, rel(c.dir), rel(path), Boolean(flags['dry-run']), nothing), c.secrets))
    const mark = flags['mark-applied'] && write && result.verified
    // Asked before anything is written, so a refusal leaves the folder and the history as they were.
    if (mark && !flags.yes) await confirmByName(io, c.url, `write ${result.file} and record it as applied in its migration history`)
    if (write) writeFileSync(path, result.text, { flag: 'wx' })
    if (!result.verified) return EXIT.findings
    if (mark) {
      const backupDir = join(findProjectRoot(io.cwd), 'supabase', '.migration-backups', formatVersion(new Date()))
      try {
        await markCaptureApplied(sql, { version: result.version, name, text: result.text }, { dir: backupDir, database }, { onStep: (step) => c.say(`${SCRIPT}: remote step: ${step}`) })
      } catch (err) {
        // The file is written and whole; only its row is missing (or, if COMMIT was cut off, unknown).
        const why = describeDbError(err, c.url)
        throw new KitError(why.code, `wrote ${rel(path)} but did not record it as applied: ${why.message.replace(/\.$/, '')}`, `Check the history (${kitCommand(io.cwd, 'check-sync')}); if ${result.version} is missing, supabase db push records it (the file runs twice, so it changes nothing on the database)`)
      }
      c.say(`${SCRIPT}: recorded ${result.version} as applied; history backed up to ${rel(backupDir)}; undo: ${kitCommand(io.cwd, 'reset-history')} --restore ${rel(backupDir)} --apply`)
    }
    return EXIT.clean
  } catch (err) {
    throw describeDbError(err, c.url)
  } finally {
    await sql.end({ timeout: endTimeout(sql) })
  }
}

function renderCapture(r: CaptureResult, relDir: string, relPath: string, dryRun: boolean, nothing: boolean): string {
  const out: string[] = []
  const section = (title: string, lines: string[]) => {
    if (lines.length) out.push(title, ...lines.map((l) => `- ${l}`), '')
  }
  section('Captured (on the database, made by no file or made differently; the database wins)', r.captured)
  section('Not captured (made by applied files, missing on the database: pending work or drift the other way)',
    r.notCaptured.map((i) => `${i.key}${i.file ? ` (from ${relDir}/${i.file})` : ''}: re-create it on the database (rerun that statement), or drop it in a new migration`))
  section('Half-applied files (not captured)', r.report.halfApplied.map((h) => `${relDir}/${h.file}: finish or undo it, then supabase migration repair --status applied ${h.file.replace(/_.*$/, '')}`))
  section('Files that fail on the shadow (what they make on the database is captured as made by no file)', r.report.failures.map((f) => `${relDir}/${f.file}: statement ${f.index + 1}${f.code ? ` (${f.code})` : ''}: ${f.message}`))
  if (r.report.pending.length) out.push(`Pending (db push applies them before the capture): ${r.report.pending.join(', ')}`, '')
  if (nothing) return [...out, 'Nothing to capture: no hand edits and no differences on the database.'].join('\n')
  if (dryRun) out.push(r.text)
  if (!r.verified) {
    section('The capture does not reproduce the database (files plus capture replayed on the shadow)', r.diff)
    out.push(`${dryRun ? 'Would write' : 'Wrote'} ${relPath} (a draft: the CLI skips it). Write what is listed by hand into it, rename it to .sql, and check it with check-drift.`)
  } else {
    out.push(`${dryRun ? 'Dry run: would write' : 'Wrote'} ${relPath}: ${r.statements.length} statement(s), verified on the shadow (the files plus it reproduce the database; it runs twice). Next: supabase db push (it changes nothing on the database), or rerun with --mark-applied.`)
  }
  return out.join('\n')
}

// The same host, port and database name: replaying there would write into the database being checked.
function sameServerDatabase(a: string, b: string): boolean {
  try {
    const x = new URL(a)
    const y = new URL(b)
    return x.hostname === y.hostname && (x.port || '5432') === (y.port || '5432') && x.pathname === y.pathname
  } catch {
    // Unparsable URLs are reported by connect() with their own message.
    return false
  }
}

function render(r: DriftReport, relDir: string, color: boolean): string {
  const c = colors(color)
  const out: string[] = []
  const from = (i: DriftItem) => (i.file ? ` (from ${relDir}/${i.file})` : '')
  const section = (title: string, lines: string[]) => {
    if (lines.length) out.push(c.bold(title), ...lines.map((l) => `- ${l}`), '')
  }
  section(
    'Files that fail on the shadow',
    r.failures.map((f) => `${relDir}/${f.file}: statement ${f.index + 1} fails${f.code ? ` (${f.code})` : ''}: ${f.message}. Nothing of this file is on the shadow, so what it made on the database shows below as made by no file`),
  )
  section('On the database, made by no file (hand edits)', r.remoteOnly.map((i) => i.key))
  section('Made by applied files, missing on the database', r.missingOnRemote.map((i) => `${i.key}${from(i)}`))
  section('Different on the database', r.differs.map((i) => `${describeProps(i.key, i.props ?? [])}${from(i)}`))
  section(
    'Half-applied files (objects on the database, no history row)',
    r.halfApplied.map((h) => {
      const version = h.file.replace(/_.*$/, '')
      const parts = [
        h.present.length && `present: ${h.present.join(', ')}`,
        h.different.length && `present but different: ${h.different.join(', ')}`,
        h.missing.length && `missing: ${h.missing.join(', ')}`,
      ].filter(Boolean)
      const next = h.missing.length || h.different.length
        ? `Finish or undo it on the database, then record it: supabase migration repair --status applied ${version}`
        : `It ran in full without a history row (or under another version: see check-sync). Record it: supabase migration repair --status applied ${version}`
      return `${relDir}/${h.file}: ${parts.join('; ')}. ${next}`
    }),
  )
  if (r.pending.length) out.push(c.dim(`Pending (not applied yet, not drift): ${r.pending.join(', ')}`), '')
  if (r.platform.length) out.push(c.dim(`Platform objects, not drift (made by Supabase, stood in for by the shadow's platform shim; no file made them): ${r.platform.join(', ')}`), '')
  if (r.ignored) out.push(c.dim(`${r.ignored} difference(s) left out by --ignore.`), '')
  const count = driftCount(r)
  out.push(
    count === 0
      ? c.green('No drift: the database matches what the migration files produce.')
      : c.yellow(`Drift: ${r.remoteOnly.length} hand edit(s), ${r.missingOnRemote.length} missing, ${r.differs.length} different, ${r.halfApplied.length} half-applied file(s), ${r.failures.length} failing file(s). Put each hand edit in a new migration (supabase migration new <name>), or undo it on the database.`),
  )
  return out.join('\n')
}

runMain(import.meta.url, SCRIPT, main)
