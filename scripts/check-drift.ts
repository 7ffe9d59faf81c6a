// Finds drift between the database and its migration files: replays the files on a shadow database, snapshots the
// catalog of both, and reports hand edits, objects the files make that the remote lacks, and objects that differ.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { snapshotCatalog } from '../lib/catalog/snapshot.ts'
import { describeProps } from '../lib/catalog/diff.ts'
import { assertDirFlag, resolveDbUrl, resolveMigrationsDir, resolveShadowUrl } from '../lib/run/config.ts'
import { describeDbError, openConnection } from '../lib/db/connect.ts'
import type { Sql } from '../lib/run/sql.ts'
import { exportCommittedFolder } from '../lib/checks/committed.ts'
import { compareDrift, driftCount, replayWithProvenance, type DriftItem, type DriftReport } from '../lib/checks/drift.ts'
import { KitError } from '../lib/run/errors.ts'
import { listFolder, readMigration, skipWarning } from '../lib/cli/folder.ts'
import { readHistory } from '../lib/cli/history.ts'
import { colors, EXIT, toJson, useColor } from '../lib/run/output.ts'
import { missingExtensionsWarning, standInsInUse, standInsNote } from '../lib/db/platform/extensions.ts'
import { passwordOf, redact } from '../lib/run/redact.ts'
import { processIo, runMain, scriptBody, type Io } from '../lib/run/script.ts'
import { describeShadow, majorSkewWarning, openShadow, serverVersion, type Shadow } from '../lib/db/shadow.ts'

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
  --json               print one JSON document instead of the report
  --debug              print stack traces on errors
  --help               show this help

Exit codes:
  0  no drift
  1  drift found (or a file fails on the shadow)
  2  usage or runtime error (bad URL, unreachable database, shadow cannot be created)

Environment:
  SUPABASE_DB_URL, DATABASE_URL   connection URL when --db-url is absent (.env is read)
  SHADOW_DATABASE_URL             shadow server when --shadow-url is absent
  NO_COLOR                        disable colour
`

export const FLAGS = { string: ['db-url', 'shadow-url', 'dir', 'commit', 'ignore'], boolean: ['json', 'debug', 'help'] }
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

      // 2. Snapshot the remote and read its history.
      const [remoteCatalog, history, remoteVersion] = await withDb(url, async (sql) => [await snapshotCatalog(sql), await readHistory(sql), await serverVersion(sql)] as const)

      // 3. Replay the files on the shadow, noting which file made each item.
      let shadow: Shadow | undefined
      let replay: Awaited<ReturnType<typeof replayWithProvenance>>
      try {
        shadow = await openShadow({ serverUrl: shadowUrl, app: SCRIPT, onNotice: () => {} })
        say(describeShadow(shadow))
        const skew = majorSkewWarning(shadow, remoteVersion.major)
        if (skew) say(`${SCRIPT}: warning: ${skew}.`)
        const lacking = missingExtensionsWarning(folder.files.map((f) => readMigration(f.path)), shadow.platform.missing)
        if (lacking) say(`${SCRIPT}: warning: ${lacking}.`)
        // The shadow's notices ("already exists, skipping") are the files' business, not the user's.
        const stubbed = shadow.platform.stubbed
        replay = await withDb(shadow.url, async (sql) => {
          const replayed = await replayWithProvenance(sql, folder.files)
          const standIns = standInsNote(await standInsInUse(sql, stubbed))
          if (standIns) say(`${SCRIPT}: ${standIns}.`)
          return replayed
        }, () => {})
      } finally {
        await shadow?.dispose()
      }

      // 4. Decide and report.
      const report = compareDrift(replay, remoteCatalog, history.rows.map((r) => r.version), ignore)
      const count = driftCount(report)
      if (flags.json) {
        io.out(redact(toJson({ clean: count === 0, shadow: { engine: shadow!.engine, version: shadow!.version }, remoteMajor: remoteVersion.major, ...report }), secrets))
      } else {
        io.out(redact(render(report, relative(io.cwd, dir) || '.', useColor({ isTTY: io.stdoutIsTTY }, env)), secrets))
      }
      return count === 0 ? EXIT.clean : EXIT.findings
    } finally {
      if (tmp) rmSync(tmp, { recursive: true, force: true })
    }
  })

  async function withDb<T>(target: string, body: (sql: Sql) => Promise<T>, onNotice = (m: string) => io.err(m)): Promise<T> {
    const sql = await openConnection(target, { app: SCRIPT, onNotice })
    try {
      return await body(sql)
    } catch (err) {
      throw describeDbError(err, target)
    } finally {
      await sql.end({ timeout: 5 })
    }
  }
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
