// Turns a broken migration history into one baseline file locally and one matching row remotely (or, with
// --mode align, makes the rows match the files), with a dry run, a backup, one locked transaction, and an undo.
import { existsSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { findProjectRoot, resolveDbUrl, resolveMigrationsDir, resolveShadowUrl } from '../lib/run/config.ts'
import { connect, describeDbError } from '../lib/db/connect.ts'
import { endTimeout } from '../lib/db/transaction.ts'
import { KitError } from '../lib/run/errors.ts'
import { kitCommand } from '../lib/run/kit-command.ts'
import { listFolder, readMigration, skipWarning } from '../lib/cli/folder.ts'
import { readHistory } from '../lib/cli/history.ts'
import { formatVersion } from '../lib/cli/version.ts'
import { makeBaseline } from '../lib/checks/baseline.ts'
import { baselineDifferences } from '../lib/checks/baseline-drift.ts'
import { readBackup, snapshotHistory, writeBackup, type HistorySnapshot, type LocalActions } from '../lib/checks/history-backup.ts'
import { copyHistory, restoreBackup, rewriteHistory, type RewriteStep } from '../lib/checks/history-rewrite.ts'
import { applyLocal, plannedActions, undoLocal, type LocalPlan, type LocalStep } from '../lib/checks/local-moves.ts'
import { planChangesNothing, planReset, type ResetMode, type ResetPlan } from '../lib/checks/reset.ts'
import { EXIT, toJson } from '../lib/run/output.ts'
import { redact } from '../lib/run/redact.ts'
import type { Sql } from '../lib/run/sql.ts'
import { flagNames, processIo, runMain, scriptBody, type Io } from '../lib/run/script.ts'

export const USAGE = `Usage: npx tsx scripts/reset-history.ts [options]

Dry run by default: prints the plan and changes nothing. With --apply: backs up the history table, rewrites it
in one transaction under an advisory lock (checked before COMMIT), then archives and writes the local files.
  reset (default)  one baseline file (the remote's schema) and one matching history row
  align            keep the files; rename a file to the version its statements were applied under, and make
                   every row match its file (the safe form of migration repair --status applied|reverted)

Options:
  --db-url <url>           database whose history to rewrite (else SUPABASE_DB_URL, else DATABASE_URL)
  --apply                  carry the plan out (asks for the database name to be typed, on a terminal)
  --yes                    with --apply: skip the typed confirmation (needed off a terminal)
  --keep-pending <v1,v2>   reset: local files the remote has not (fully) applied stay after the baseline,
                           made idempotent and re-stamped newer, for the next supabase db push
  --baseline <file>        reset: the baseline's text from this file (in the folder: reset a second remote onto
                           it) instead of generating it; refused unless the remote's schema equals it
  --mode <reset|align>     what to make of the history (default reset)
  --restore <backup>       put back the history (and undo the local moves) saved in this backup folder
  --shadow-url <url>       server for the throwaway database the baseline is checked on (else
                           SHADOW_DATABASE_URL, else an embedded PGlite)
  --dir <path>             migrations folder (default: <project root>/supabase/migrations)
  --json                   print one JSON document (the plan, and what was done)
  --debug                  print stack traces on errors
  --help                   show this help

Exit codes:
  0  dry run printed, or the plan carried out
  1  the remote's schema differs from the baseline (nothing changed; the differences are listed)
  2  usage or runtime error, refused (no confirmation, another reset is running), or a failed step

Environment:
  SUPABASE_DB_URL, DATABASE_URL   connection URL when --db-url is absent (.env is read)
  SHADOW_DATABASE_URL             shadow server when --shadow-url is absent
`

export const FLAGS = {
  string: ['db-url', 'keep-pending', 'baseline', 'mode', 'restore', 'shadow-url', 'dir'],
  boolean: ['apply', 'yes', 'json', 'debug', 'help'],
}
const SCRIPT = 'reset-history'

export async function main(args: string[], env: NodeJS.ProcessEnv = process.env, io: Io = processIo()): Promise<number> {
  return scriptBody({ script: SCRIPT, usage: USAGE, flags: FLAGS }, args, io, async (flags, hide) => {
    // 1. Validate every input before the first connection.
    const usage = (what: string) => new KitError('USAGE', what, 'See --help')
    if (flags._.length) throw usage(`unexpected argument ${flags._[0]}`)
    const mode = (flags.mode ?? 'reset') as ResetMode
    if (mode !== 'reset' && mode !== 'align') throw usage(`--mode must be reset or align, not ${flags.mode}`)
    if (flags.yes && !flags.apply) throw usage('--yes only confirms --apply')
    if (flags.restore && (flags.baseline || flags['keep-pending'] || flags.mode)) throw usage('--restore takes no --baseline, --keep-pending or --mode')
    if (mode === 'align' && flags.baseline) throw usage('--mode align keeps the files: it takes no --baseline')
    const keepPending = String(flags['keep-pending'] ?? '').split(',').map((v) => v.trim()).filter(Boolean)
    const bad = keepPending.find((v) => !/^\d+$/.test(v))
    if (bad) throw usage(`--keep-pending takes versions (digits), not ${bad}`)
    const url = resolveDbUrl(flags['db-url'] as string | undefined, env)
    const shadowUrl = resolveShadowUrl(flags['shadow-url'] as string | undefined, env)
    hide(url)
    hide(shadowUrl)
    const root = findProjectRoot(io.cwd)
    const dir = resolveMigrationsDir(flags.dir as string | undefined, io.cwd)
    const rel = (p: string) => relative(io.cwd, p) || '.'
    const run = kitCommand(io.cwd, SCRIPT)
    // Two runs in one second (a reset, then its restore) get their own backup folder and copy table.
    const stamp = freshName(join(root, 'supabase', '.migration-backups'), formatVersion(new Date()))
    const backupDir = join(root, 'supabase', '.migration-backups', stamp)
    const database = where(url)
    const progress = (step: RewriteStep) => io.err(`${SCRIPT}: remote step: ${step}`)

    // The CLI drops the "already exists" notices of its own CREATE … IF NOT EXISTS (pkg/pgxv5/connect.go); so do we.
    const sql = connect(url, { app: SCRIPT, onNotice: (m) => /already exists, skipping/.test(m) || io.err(m) })
    try {
      if (flags.restore) return await restore(sql, resolve(io.cwd, String(flags.restore)))

      // 2. Both sides: the folder as the CLI lists it, the history with every column.
      const folder = listFolder(dir)
      for (const entry of folder.skipped) io.err(skipWarning(entry))
      const texts = new Map(folder.files.map((f) => [f.file, readMigration(f.path)]))
      const backup = await snapshotHistory(sql)
      const history = (await readHistory(sql)).rows

      // 3. The baseline: a file proven equal to the remote's schema, or the generator's verified output.
      let baseline: Parameters<typeof planReset>[0]['baseline']
      if (mode === 'reset' && flags.baseline) {
        const path = resolve(io.cwd, String(flags.baseline))
        const text = readMigration(path)
        const inFolder = folder.files.find((f) => resolve(f.path) === path)
        const check = await baselineDifferences(sql, { file: inFolder?.file ?? 'baseline.sql', text }, { serverUrl: shadowUrl, app: SCRIPT, onNotice: () => {} })
        if (check.differences.length) {
          if (flags.json) io.out(toJson({ refused: true, baseline: rel(path), differences: check.differences }))
          else io.out([`The database's schema differs from ${rel(path)} (checked on a ${check.shadow} shadow); nothing was changed:`, ...check.differences.map((d) => `- ${d}`), '', `Put the difference in the baseline (or undo it on the database), then run ${run} again.`].join('\n'))
          return EXIT.findings
        }
        baseline = { text, inFolder, name: inFolder?.name ?? 'baseline' }
      } else if (mode === 'reset') {
        // The generator's output (lib/checks/baseline.ts), applied twice on a shadow and compared strictly with the database.
        const made = await makeBaseline(sql, { verify: true, app: SCRIPT, shadowUrl, source: database, onNotice: (m) => io.err(m) })
        if (!made.verified) throw new KitError('REFUSED', `the generated baseline does not reproduce the schema (${made.diff.slice(0, 3).join('; ')}); nothing was changed`, 'Pass --baseline FILE with a file that does')
        baseline = { text: made.text, name: 'baseline' }
      }

      // 4. The plan, printed; a dry run ends here.
      const plan = planReset({ mode, folder, texts, history, baseline, keepPending, now: new Date() })
      if (plan.problems.length) throw new KitError('REFUSED', plan.problems.join('; '), 'Fix the flags and run again; nothing was changed')
      const local: LocalPlan = { root, dir, archiveDir: join(root, 'supabase', 'migrations_archive', stamp), archive: plan.archive, renames: plan.renames, write: plan.write }
      const copyTable = backup.exists ? `schema_migrations_backup_${stamp}` : null
      const report = { apply: Boolean(flags.apply), database, historyTable: backup.exists, backupDir: rel(backupDir), copyTable, archiveDir: rel(local.archiveDir), ...plan }
      if (!flags.json) io.out(renderPlan(plan, report, backup, rel, local, run))
      if (!flags.apply || planChangesNothing(plan)) {
        if (flags.json) io.out(toJson({ ...report, done: false }))
        return EXIT.clean
      }
      await confirm(flags, io, url)

      // 5. Backup first (files, then a copy inside the remote), then the rewrite in one locked transaction.
      writeBackup(backupDir, { kit: 'reset-history', takenAt: new Date().toISOString(), database, copyTable, history: backup, local: plannedActions(local) })
      io.err(`${SCRIPT}: history backed up to ${rel(backupDir)} (history.json, restore.sql)`)
      if (copyTable) await copyHistory(sql, copyTable, backup, { onStep: progress })
      await rewriteHistory(sql, { backup, remove: plan.remove, add: plan.add, expected: plan.expected }, { onStep: progress })
      io.err(`${SCRIPT}: remote history committed (${plan.expected.length} row(s)); undo: ${run} --restore ${rel(backupDir)} --apply`)

      // 6. Only after COMMIT: the local side.
      let steps: LocalStep[]
      try {
        steps = await applyLocal(local)
      } catch (err) {
        const left = ((err as { steps?: LocalStep[] }).steps ?? []).filter((s) => !s.done)
        io.err([`${SCRIPT}: the remote history is new, but the local side is not finished. To finish, run:`, ...left.map((s) => `  ${s.command}`), `Or undo everything: ${run} --restore ${rel(backupDir)} --apply`].join('\n'))
        throw err
      }
      if (flags.json) io.out(toJson({ ...report, done: true, localSteps: steps.map((s) => s.command) }))
      else io.out(`\nDone. The history holds ${plan.expected.length} row(s); ${steps.length} local step(s) made. Check: ${kitCommand(io.cwd, 'check-sync')}${plan.pending.length ? '; then supabase db push applies the kept pending file(s)' : ''}.`)
      return EXIT.clean
    } catch (err) {
      throw describeDbError(err, url)
    } finally {
      await sql.end({ timeout: endTimeout(sql) })
    }

    // --restore: the backup's history back exactly, after a backup of the current one; then the local moves undone.
    async function restore(sql: Sql, path: string): Promise<number> {
      const saved = readBackup(path)
      const current = await snapshotHistory(sql)
      const undo = saved.local?.moved.length || saved.local?.written.length ? saved.local : null
      const summary = { restore: rel(path), apply: Boolean(flags.apply), database, rows: saved.history.rows.length, tableExisted: saved.history.exists, currentRows: current.rows.length, undoLocal: undo }
      if (!flags.json) io.out(`Restore ${database}: ${current.rows.length} row(s) now → ${saved.history.exists ? `${saved.history.rows.length} row(s) from ${rel(path)} (taken ${saved.takenAt})` : 'no history table, as before the reset'}${undo ? `; undo ${undo.moved.length} move(s) and ${undo.written.length} written file(s)` : ''}.${flags.apply ? '' : '\nDry run: nothing changed. Add --apply to restore.'}`)
      if (!flags.apply) {
        if (flags.json) io.out(toJson({ ...summary, done: false }))
        return EXIT.clean
      }
      await confirm(flags, io, url)
      writeBackup(backupDir, { kit: 'reset-history', takenAt: new Date().toISOString(), database, copyTable: null, history: current, local: null })
      await restoreBackup(sql, current, saved.history, { onStep: progress })
      const did = undo ? await undoLocal(undo as LocalActions) : []
      if (flags.json) io.out(toJson({ ...summary, done: true, backupOfCurrent: rel(backupDir), local: did }))
      else io.out(`Restored ${saved.history.rows.length} row(s)${did.length ? `; ${did.length} local step(s) undone` : ''}. The state before the restore is in ${rel(backupDir)}.`)
      return EXIT.clean
    }
  })
}

// Typed confirmation on a terminal; off a terminal only --yes goes on (a pipe cannot be asked).
async function confirm(flags: Record<string, unknown>, io: Io, url: string): Promise<void> {
  if (flags.yes) return
  const name = decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres'
  if (!io.stdinIsTTY || !io.readLine) throw new KitError('REFUSED', 'stdin is not a terminal, so the change cannot be confirmed', 'Add --yes to confirm --apply')
  io.err(`Type the database name (${name}) to rewrite its migration history:`)
  const typed = (await io.readLine()).trim()
  if (typed !== name) throw new KitError('REFUSED', `"${typed}" is not ${name}; nothing was changed`, 'Run again and type the database name')
}

function freshName(parent: string, base: string): string {
  for (let n = 0; ; n++) if (!existsSync(join(parent, n ? `${base}_${n}` : base))) return n ? `${base}_${n}` : base
}

const where = (url: string) => {
  const u = new URL(url)
  return redact(`${u.hostname}:${u.port || '5432'}${u.pathname}`)
}

function renderPlan(plan: ResetPlan, r: { backupDir: string; copyTable: string | null; archiveDir: string; database: string; apply: boolean }, backup: HistorySnapshot, rel: (p: string) => string, local: LocalPlan, run: string): string {
  const out: string[] = [`${r.apply ? 'Plan' : 'Plan (dry run: nothing changes; add --apply to carry it out)'} for ${r.database}, mode ${plan.mode}:`]
  if (planChangesNothing(plan)) return [...out, 'Nothing to do: the history already matches the folder.'].join('\n')
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`
  let i = 0
  const step = (text: string, items: string[] = []) => out.push(`${++i}. ${text}`, ...items.map((x) => `     ${x}`))
  step(backup.exists
    ? `Back up the history table (${n(backup.rows.length, 'row')}, ${n(backup.columns.length, 'column')}) to ${r.backupDir}/ (history.json, restore.sql) and to supabase_migrations.${r.copyTable}`
    : `Note in ${r.backupDir}/ that there is no history table (a restore drops the one created)`)
  const shown = (v: { version: string; name: string; statements: string[] | null }) => `${v.version} ${v.name} (${n(v.statements?.length ?? 0, 'statement')})`
  step(`In one transaction under the advisory lock${backup.exists ? '' : ', create the history table as db push does'}: delete ${n(plan.remove.length, 'row')}, insert ${n(plan.add.length, 'row')}, check the history is exactly ${n(plan.expected.length, 'row')}, COMMIT`,
    [...(plan.remove.length ? [`delete: ${plan.remove.join(' ')}`] : []), ...plan.add.map((a) => `insert: ${shown(a)}`)])
  if (plan.archive.length) step(`Move ${n(plan.archive.length, 'file')} to ${rel(local.archiveDir)}/`, plan.archive)
  if (plan.renames.length) step(`Rename ${n(plan.renames.length, 'file')} to the version the remote applied them under`, plan.renames.map((x) => `${x.from} → ${x.to}`))
  const written = plan.write.filter((w) => w.file === plan.baselineFile)
  if (written.length) step(`Write ${rel(join(local.dir, plan.baselineFile!))}`)
  if (plan.pending.length) step('Keep pending, after the baseline, for the next supabase db push', plan.pending.map((p) => `${p.from} → ${p.to} (${n(p.rewritten, 'statement')} made idempotent${p.unfixable ? `, ${p.unfixable} not fixable: check it` : ''})`))
  out.push(`Undo afterwards: ${run} --restore ${r.backupDir} --apply`)
  return out.join('\n')
}

export const flags = flagNames(FLAGS)
runMain(import.meta.url, SCRIPT, main)
