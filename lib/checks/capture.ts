// check-drift --capture: the hand edits of a database as one new migration, proven before anyone writes it. The
// files are replayed on a throwaway shadow (as check-drift does), the drift report's remote-only and differing
// items become SQL (lib/catalog/capture.ts, the database's version winning), and that migration is applied twice on
// the same shadow exactly as `db push` applies a file: the second run must change nothing, and the drift left
// between the shadow and the database must be none (ignored patterns aside). Items the files make but the
// database lacks are not captured; they are returned for the script to list with what to run.
import { readFileSync } from 'node:fs'
import type { Sql } from '../run/sql.ts'
import { KitError } from '../run/errors.ts'
import { applyMigration } from '../cli/apply.ts'
import type { MigrationFile } from '../cli/folder.ts'
import { readHistory, type HistoryRow } from '../cli/history.ts'
import { splitAndTrim } from '../cli/split.ts'
import { nextVersion } from '../cli/version.ts'
import { withShadow, type Shadow, type ShadowEngine } from '../db/shadow.ts'
import { generateCapture, type CaptureWant, type LeftOut } from '../catalog/capture.ts'
import { describeChange, describeProps, diffCatalogs } from '../catalog/diff.ts'
import { renderBaseline } from '../catalog/generate.ts'
import { itemKey } from '../catalog/model.ts'
import { readCatalogModel } from '../catalog/read.ts'
import { projectCatalog, snapshotCatalog } from '../catalog/snapshot.ts'
import { compareDrift, replayWithProvenance, type DriftItem, type DriftReport } from './drift.ts'
import { snapshotHistory, writeBackup } from './history-backup.ts'
import { rewriteHistory, type RewriteOptions } from './history-rewrite.ts'

export type CaptureOptions = {
  files: readonly MigrationFile[]
  name: string
  ignore: readonly string[]
  shadowUrl?: string
  app: string
  // The database's URL with its password masked, for the header.
  source: string
  now: Date
  onShadow?: (shadow: Shadow) => void
}
export type CaptureResult = {
  version: string
  file: string
  text: string
  statements: string[]
  // Drift item keys the migration captures, and those it leaves out (with why).
  captured: string[]
  leftOut: LeftOut[]
  // check-drift's report before the capture; `notCaptured`: made by applied files, absent on the database.
  report: DriftReport
  notCaptured: DriftItem[]
  verified: boolean
  // One sentence per difference left after the files plus the capture ran on the shadow; empty when verified.
  diff: string[]
  shadow: { engine: ShadowEngine; version: string; major: number }
  remoteMajor: number
  // Local files without a history row: recording the capture as applied would put them before it.
  localOnly: string[]
}

const KIT_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
const WORDING = { added: 'on the database, not made by the files and the capture', removed: 'made by the files and the capture, not on the database' }

export async function captureDrift(remote: Sql, options: CaptureOptions): Promise<CaptureResult> {
  // 1. The database as the generator reads it (one consistent transaction), its projection and its history.
  const model = await readCatalogModel(remote, { generator: true })
  const theirs = projectCatalog(model)
  const history = await readHistory(remote)
  const applied = history.rows.map((r) => r.version)
  const version = nextVersion(options.files.map((f) => f.version), applied, options.now)
  const file = `${version}_${options.name}.sql`
  const remoteMajor = Math.floor(model.serverVersionNum / 10000)

  return withShadow({ serverUrl: options.shadowUrl, app: options.app, onNotice: () => {} }, async (sql, shadow) => {
    options.onShadow?.(shadow)
    // 2. Replay the files and sort the drift, as check-drift does.
    const replay = await replayWithProvenance(sql, options.files)
    const report = compareDrift(replay, theirs, applied, options.ignore)
    const local = new Map(replay.catalog.items.map((i) => [itemKey(i), i]))
    const revoked = report.missingOnRemote.filter((i) => local.get(i.key)?.kind === 'privileges')
    const wants: CaptureWant[] = [
      ...report.remoteOnly.map((i) => ({ change: 'added' as const, key: i.key })),
      ...report.differs.map((i) => ({ change: 'changed' as const, key: i.key, props: i.props ?? [] })),
      ...revoked.map((i) => ({ change: 'revoked' as const, key: i.key, parent: local.get(i.key)!.parent! })),
    ]

    // 3. Generate, and check the CLI's splitter cuts the file into exactly these statements.
    const generated = generateCapture(model, wants)
    // Nothing generated but something left out: a draft holding only the header, for the change written by hand.
    const { text, statements } = generated.statements.length
      ? render(generated.statements, generated.captured, options.source)
      : { text: generated.leftOut.length ? `${header(generated.captured, options.source)}\n` : '', statements: [] }
    const split = statements.length ? (splitAndTrim(text) ?? []) : []
    if (split.length !== statements.length || split.some((s, i) => s !== statements[i])) {
      throw new KitError('DB_ERROR', 'the Supabase CLI\'s splitter would cut the captured migration differently', 'Report it with the objects captured; nothing was written')
    }

    // 4. Verify: apply twice on the replayed shadow, then the drift left must be none.
    const diff = statements.length ? await verify(sql, text, file, replay, report, revoked.map((i) => i.key), theirs, applied, options) : leftovers(report, report, [])
    return {
      version, file, text, statements, captured: generated.captured, leftOut: generated.leftOut, report,
      notCaptured: report.missingOnRemote.filter((i) => !revoked.includes(i)),
      verified: diff.length === 0 && generated.leftOut.length === 0, diff: [...generated.leftOut.map((l) => `${l.key}: not captured: ${l.reason}`), ...diff],
      shadow: { engine: shadow.engine, version: shadow.version, major: shadow.major }, remoteMajor,
      localOnly: options.files.filter((f) => !applied.includes(f.version)).map((f) => f.file),
    }
  })
}

async function verify(
  sql: Sql, text: string, name: string, replay: Awaited<ReturnType<typeof replayWithProvenance>>, before: DriftReport,
  revoked: readonly string[], theirs: ReturnType<typeof projectCatalog>, applied: readonly string[], options: CaptureOptions,
): Promise<string[]> {
  const file = { file: name, path: name, version: name.replace(/_.*$/, ''), name: name.replace(/^\d+_|\.sql$/g, '') }
  const snapshots = []
  for (const run of ['first', 'second'] as const) {
    const result = await applyMigration(sql, file, { record: false, text })
    if (!result.ok) {
      const head = result.statement.replace(/^(--[^\n]*\n)+/, '').replace(/\s+/g, ' ').slice(0, 120)
      return [`the ${run} run of the capture fails at statement ${result.index + 1}${result.code ? ` (${result.code})` : ''}: ${result.message}: ${head}`]
    }
    snapshots.push(await snapshotCatalog(sql))
  }
  const rerun = diffCatalogs(snapshots[0], snapshots[1]).map((c) => `the second run of the capture changes ${describeChange(c)}`)
  const after = compareDrift({ ...replay, catalog: snapshots[1] }, theirs, applied, options.ignore)
  return [...rerun, ...leftovers(after, before, revoked)]
}

// The drift left after the capture: none of the remote-only or differing items, and no grant still missing.
function leftovers(after: DriftReport, before: DriftReport, revoked: readonly string[]): string[] {
  const missingBefore = new Set(before.missingOnRemote.map((i) => i.key))
  return [
    ...after.remoteOnly.map((i) => `${i.key}: ${WORDING.added}`),
    ...after.differs.map((i) => `${describeProps(i.key, i.props ?? [])} (files and capture → database)`),
    ...after.missingOnRemote.filter((i) => revoked.includes(i.key) || !missingBefore.has(i.key)).map((i) => `${i.key}: ${WORDING.removed}`),
  ]
}

// The header names the source and every captured item; nothing in it changes between two captures of one state.
function render(generated: readonly string[], captured: readonly string[], source: string): { text: string; statements: string[] } {
  return renderBaseline(header(captured, source), generated)
}

function header(captured: readonly string[], source: string): string {
  return [
    `-- Captured from ${source} by supabase-migration-kit ${KIT_VERSION} (scripts/check-drift.ts --capture):`,
    '-- what the database has that no migration file makes, or has differently, in statements that each run twice.',
    `-- Captured (${captured.length}):`,
    ...captured.map((k) => `--   ${k.replace(/\n/g, ' ')}`),
  ].join('\n')
}

// --mark-applied: the history row `db push` would write for the captured file (pkg/migration/file.go: version, name,
// the splitter's statements), written with reset-history's machinery: a backup of the history first (restorable
// with `reset-history --restore <dir> --apply`), then one transaction under the kit's advisory lock that checks
// the table is still the backup's and COMMITs only when PostgreSQL confirms the history is the old rows plus this.
export async function markCaptureApplied(sql: Sql, capture: { version: string; name: string; text: string }, backup: { dir: string; database: string }, options: RewriteOptions = {}): Promise<{ json: string; sql: string }> {
  const before = await snapshotHistory(sql)
  if (before.rows.some((r) => r.version === capture.version)) {
    throw new KitError('REFUSED', `the history already has a row ${capture.version}; nothing was changed`, 'Run the capture again for a new version')
  }
  const written = writeBackup(backup.dir, { kit: 'reset-history', takenAt: new Date().toISOString(), database: backup.database, copyTable: null, history: before, local: null })
  const row: HistoryRow = { version: capture.version, name: capture.name, statements: splitAndTrim(capture.text) }
  const kept: HistoryRow[] = before.rows.map((r) => ({ version: String(r.version), name: r.name === null || r.name === undefined ? '' : String(r.name), statements: (r.statements as string[] | null) ?? null }))
  await rewriteHistory(sql, { backup: before, remove: [], add: [row], expected: [...kept, row] }, options)
  return written
}
