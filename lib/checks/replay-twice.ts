// True idempotency, proven by PostgreSQL: apply the chain once as `db push` does, then run every file a second
// time, each alone on the state the chain left (rolled back after), and compare the catalog; a file that errors,
// or that re-runs cleanly but changes the catalog (an old CREATE OR REPLACE FUNCTION restoring an old body), is
// not safe to run twice.
import { itemKey } from '../catalog/model.ts'
import { snapshotCatalog, snapshotInTransaction } from '../catalog/snapshot.ts'
import { describeChange, diffCatalogs, type CatalogChange } from '../catalog/diff.ts'
import type { Sql } from '../run/sql.ts'
import type { MigrationFile } from '../cli/folder.ts'
import { applyMigration, inspectPartialFile, rerunRolledBack, type ApplyFailure } from '../cli/apply.ts'
import { createHistoryTable } from '../cli/history.ts'
import { standInsInUse } from '../db/platform/extensions.ts'
import { withShadow, type Shadow, type ShadowOptions } from '../db/shadow.ts'

export type ReplayFinding =
  | { file: string; kind: 'error'; failure: ApplyFailure }
  | { file: string; kind: 'changes'; changes: CatalogChange[] }

// A file that fails on its first run gets no verdict: its failure (statement, SQLSTATE) and the objects its
// statements before the failing one make (rolled back again) are reported instead.
export type NotEvaluated = { file: string; failure: ApplyFailure; objects: string[] }

export type ReplayReport = {
  // Files the first pass applied; the second pass covers exactly these.
  applied: string[]
  // Where `db push` would stop: the first file that fails on its first run (push applies none of the files after
  // it). The replay itself goes on, so every other file still gets a verdict.
  firstRunFailure?: ApplyFailure
  notEvaluated: NotEvaluated[]
  findings: ReplayFinding[]
}

// `sql` must point at an empty, shimmed database (a shadow): the first pass writes the history table there.
export async function replayTwice(sql: Sql, files: readonly MigrationFile[]): Promise<ReplayReport> {
  // 1. First pass like db push (history table, one transaction per file), but going on past a failing file: on
  //    real projects one such file (a table made later, an extension the shadow lacks) would leave every other
  //    file without a verdict. What the failing file's earlier statements make is read and rolled back.
  if (files.length) await createHistoryTable(sql)
  const notEvaluated: NotEvaluated[] = []
  const applied: MigrationFile[] = []
  for (const file of files) {
    const result = await applyMigration(sql, file, { record: true })
    if (result.ok) {
      applied.push(file)
      continue
    }
    const { ok: _ok, ...failure } = result
    notEvaluated.push({ file: file.file, failure, objects: await objectsBeforeFailure(sql, file, failure) })
  }
  const once = await snapshotCatalog(sql)

  // 2. Each applied file once more, alone, on the state the whole chain left, rolled back after: what db push's
  //    chain leaves is what a re-run meets, whatever the other re-runs would do. No history row: a second INSERT
  //    of the version would fail with 23505 and hide what the statements do.
  const findings: ReplayFinding[] = []
  for (const file of applied) {
    const { result, seen } = await rerunRolledBack(sql, file, snapshotInTransaction)
    if (!result.ok) {
      const { ok: _ok, ...failure } = result
      findings.push({ file: file.file, kind: 'error', failure })
      continue
    }
    const changes = seen ? diffCatalogs(once, seen) : []
    if (changes.length) findings.push({ file: file.file, kind: 'changes', changes })
  }
  return { applied: applied.map((f) => f.file), firstRunFailure: notEvaluated[0]?.failure, notEvaluated, findings }
}

// The catalog items a failing file's statements make before the failing one (none when the first one fails).
async function objectsBeforeFailure(sql: Sql, file: MigrationFile, failure: ApplyFailure): Promise<string[]> {
  if (failure.index === 0) return []
  const before = new Set((await snapshotCatalog(sql)).items.map(itemKey))
  const after = await inspectPartialFile(sql, file, failure.index, snapshotInTransaction)
  // A new table is one entry, not one per column.
  const added = after.items.filter((i) => !before.has(itemKey(i)))
  const keys = new Set(added.map(itemKey))
  return added.filter((i) => !keys.has(i.parent ?? '')).map(itemKey)
}

// One line per finding, naming the statement or the objects: what check-idempotent --replay prints.
export function describeReplayFinding(f: ReplayFinding): string {
  if (f.kind === 'error') {
    const { index, code, message } = f.failure
    return `${f.file}: fails when run a second time, at statement ${index + 1}${code ? ` (${code})` : ''}: ${message}`
  }
  return `${f.file}: runs a second time without error but changes the catalog: ${f.changes.map((c) => describeChange(c)).join('; ')}`
}

// `stubs`: the kit's stand-in extensions the replay used (lib/db/platform/stubs.ts).
export type ReplayRun = { shadow: Pick<Shadow, 'engine' | 'version' | 'major' | 'startMs'> & { missing: string[]; stubs?: string[] }; report: ReplayReport }

// The whole --replay check: a fresh shadow (dropped afterwards, also on error), the two passes, the findings.
export async function replayOnShadow(files: readonly MigrationFile[], options: ShadowOptions): Promise<ReplayRun> {
  return withShadow(options, async (sql, shadow) => {
    const report = await replayTwice(sql, files)
    const { engine, version, major, startMs } = shadow
    const stubs = await standInsInUse(sql, shadow.platform.stubbed)
    return { shadow: { engine, version, major, startMs, missing: shadow.platform.missing, stubs }, report }
  })
}

// One line per file that got no verdict: the statement, the SQLSTATE, what it makes before that.
export function describeNotEvaluated(n: NotEvaluated): string {
  const { index, code, message, statement } = n.failure
  const made = n.objects.length ? ` Before that it makes: ${n.objects.join(', ')}` : ''
  return `${n.file}: not evaluated: fails on first run, at statement ${index + 1}${code ? ` (${code})` : ''}: ${message}. Statement: ${firstLine(statement)}.${made}`
}

const firstLine = (statement: string) => {
  const line = statement.split('\n').find((l) => l.trim() && !l.trim().startsWith('--'))?.trim() ?? statement.trim()
  return line.length > 100 ? `${line.slice(0, 100)}…` : line
}

// The human report: one line per finding, then a verdict. `relDir` prefixes file names as the user typed them.
export function renderReplay(run: ReplayRun, relDir: string): string {
  const { report } = run
  const out = report.findings.map((f) => `${relDir}/${describeReplayFinding(f)}`)
  out.push(...report.notEvaluated.map((n) => `${relDir}/${describeNotEvaluated(n)}`))
  if (report.firstRunFailure) {
    const after = report.applied.filter((f) => f > report.firstRunFailure!.file).length
    out.push(`db push stops at ${relDir}/${report.firstRunFailure.file} and applies none of the ${after} file(s) after it; the replay went on, so those got a verdict here.`)
  }
  const engine = `${run.shadow.engine === 'pglite' ? 'embedded PGlite' : 'a server shadow'}, PostgreSQL ${run.shadow.version}`
  const errors = report.findings.filter((f) => f.kind === 'error').length
  const changes = report.findings.length - errors
  const skipped = report.notEvaluated.length ? `, ${report.notEvaluated.length} not evaluated (fail on their first run)` : ''
  out.push(
    report.findings.length === 0 && report.notEvaluated.length === 0
      ? `${report.applied.length} file(s) applied twice on ${engine}: every file can run again and leaves the catalog as it was.`
      : `${report.applied.length} file(s) applied twice on ${engine}: ${errors} fail on a second run, ${changes} run again but change the catalog${skipped}.`,
  )
  return out.join('\n')
}

export const replayClean = (run: ReplayRun) => run.report.findings.length === 0 && run.report.notEvaluated.length === 0
