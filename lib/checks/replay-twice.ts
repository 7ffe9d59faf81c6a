// True idempotency, proven by PostgreSQL: apply the chain once as `db push` does, then apply every file a second
// time and compare the catalog after each; a file that errors, or that re-runs cleanly but changes the catalog
// (an old CREATE OR REPLACE FUNCTION restoring an old body), is not safe to run twice.
import { type Catalog, type CatalogItem, itemKey } from '../catalog/model.ts'
import { snapshotCatalog } from '../catalog/snapshot.ts'
import { describeChange, diffCatalogs, type CatalogChange } from '../catalog/diff.ts'
import { connect, describeDbError } from '../db/connect.ts'
import type { Sql } from '../run/sql.ts'
import type { MigrationFile } from '../cli/folder.ts'
import { applyChain, applyMigration, type ApplyFailure } from '../cli/apply.ts'
import { openShadow, type Shadow, type ShadowOptions } from '../db/shadow.ts'

export type ReplayFinding =
  | { file: string; kind: 'error'; failure: ApplyFailure }
  | { file: string; kind: 'changes'; changes: CatalogChange[] }

export type ReplayReport = {
  // Files the first pass applied; the second pass covers exactly these.
  applied: string[]
  // Where the first pass stopped, as `db push` would have (the rest of the chain was not tried).
  firstRunFailure?: ApplyFailure
  findings: ReplayFinding[]
}

// `sql` must point at an empty, shimmed database (a shadow): the first pass writes the history table there.
export async function replayTwice(sql: Sql, files: readonly MigrationFile[]): Promise<ReplayReport> {
  // 1. First pass, exactly like db push: history table, one transaction per file, stop at the first failure.
  const first = await applyChain(sql, files, { record: true })
  const applied = files.filter((f) => first.applied.includes(f.file))
  const once = await snapshotCatalog(sql)

  // 2. Second pass over what applied. No history row: a second INSERT of the version would fail with 23505 and
  //    roll back the file, hiding what its statements do.
  const findings: ReplayFinding[] = []
  let previous = once
  for (const file of applied) {
    const result = await applyMigration(sql, file, { record: false })
    if (!result.ok) {
      const { ok: _ok, ...failure } = result
      findings.push({ file: file.file, kind: 'error', failure })
      continue
    }
    const current = await snapshotCatalog(sql)
    const changes = changesAwayFrom(once, previous, current)
    if (changes.length) findings.push({ file: file.file, kind: 'changes', changes })
    previous = current
  }
  return { applied: first.applied, firstRunFailure: first.failure, findings }
}

// What a re-run changed, minus what it put back as the single run had it: when an old file reverts a function, the
// newer file that re-runs later restores it, and only the old file is to blame.
function changesAwayFrom(once: Catalog, before: Catalog, after: Catalog): CatalogChange[] {
  const reference = new Map(once.items.map((i) => [itemKey(i), i]))
  const now = new Map(after.items.map((i) => [itemKey(i), i]))
  return diffCatalogs(before, after).filter((c) => !sameItem(reference.get(c.key), now.get(c.key)))
}

const sameItem = (a?: CatalogItem, b?: CatalogItem) => JSON.stringify(a?.props ?? null) === JSON.stringify(b?.props ?? null) && Boolean(a) === Boolean(b)

// One line per finding, naming the statement or the objects: what check-idempotent --replay prints.
export function describeReplayFinding(f: ReplayFinding): string {
  if (f.kind === 'error') {
    const { index, code, message } = f.failure
    return `${f.file}: fails when run a second time, at statement ${index + 1}${code ? ` (${code})` : ''}: ${message}`
  }
  return `${f.file}: runs a second time without error but changes the catalog: ${f.changes.map((c) => describeChange(c)).join('; ')}`
}

export type ReplayRun = { shadow: Pick<Shadow, 'engine' | 'version' | 'major' | 'startMs'> & { missing: string[] }; report: ReplayReport }

// The whole --replay check: a fresh shadow (dropped afterwards, also on error), the two passes, the findings.
export async function replayOnShadow(files: readonly MigrationFile[], options: ShadowOptions): Promise<ReplayRun> {
  const shadow = await openShadow(options)
  try {
    // The files' notices ("already exists, skipping") are expected on a second run; they are not the user's business.
    const sql = connect(shadow.url, { app: options.app, onNotice: () => {} })
    try {
      const report = await replayTwice(sql, files)
      const { engine, version, major, startMs } = shadow
      return { shadow: { engine, version, major, startMs, missing: shadow.platform.missing }, report }
    } catch (err) {
      throw describeDbError(err, shadow.url)
    } finally {
      await sql.end({ timeout: 5 })
    }
  } finally {
    await shadow.dispose()
  }
}

// The human report: one line per finding, then a verdict. `relDir` prefixes file names as the user typed them.
export function renderReplay(run: ReplayRun, relDir: string): string {
  const { report } = run
  const out = report.findings.map((f) => `${relDir}/${describeReplayFinding(f)}`)
  if (report.firstRunFailure) {
    const f = report.firstRunFailure
    out.push(`${relDir}/${f.file}: fails on its first run, at statement ${f.index + 1}${f.code ? ` (${f.code})` : ''}: ${f.message}. db push stops there; the files after it were not replayed`)
  }
  const engine = `${run.shadow.engine === 'pglite' ? 'embedded PGlite' : 'a server shadow'}, PostgreSQL ${run.shadow.version}`
  const errors = report.findings.filter((f) => f.kind === 'error').length
  const changes = report.findings.length - errors
  out.push(
    report.findings.length === 0 && !report.firstRunFailure
      ? `${report.applied.length} file(s) applied twice on ${engine}: every file can run again and leaves the catalog as it was.`
      : `${report.applied.length} file(s) applied twice on ${engine}: ${errors} fail on a second run, ${changes} run again but change the catalog${report.firstRunFailure ? ', and the chain fails on its first run' : ''}.`,
  )
  return out.join('\n')
}

export const replayClean = (run: ReplayRun) => run.report.findings.length === 0 && !run.report.firstRunFailure
