// Drift between a database and its migration files: replay the files on a shadow while noting which file made each
// catalog item, then sort the differences with the remote into hand edits, missing objects, differing objects,
// half-applied files and pending files.
import { type Catalog, type CatalogItem, itemKey } from '../catalog/model.ts'
import { snapshotCatalog } from '../catalog/snapshot.ts'
import { diffCatalogs, ignoreMatcher, type PropChange } from '../catalog/diff.ts'
import type { Sql } from '../run/sql.ts'
import type { MigrationFile } from '../cli/folder.ts'
import { applyMigration, type ApplyFailure } from '../cli/apply.ts'
import { createHistoryTable } from '../cli/history.ts'

export type FileReplay = {
  catalog: Catalog
  // Item key → the last file that created or changed it; `createdBy` only counts creation.
  producedBy: Record<string, string>
  createdBy: Record<string, string>
  failures: ApplyFailure[]
  applied: string[]
  // Item keys on the shadow before the first file: what the platform shim made. They are the platform's, never a
  // file's, unless a file changes them (then `producedBy` names it). Optional for replays made without it.
  platform?: string[]
}

// Every file in order, one transaction each like db push, but going on after a failure (the failed file's objects
// are simply absent) so one broken file does not hide the drift behind it.
export async function replayWithProvenance(sql: Sql, files: readonly MigrationFile[]): Promise<FileReplay> {
  if (files.length) await createHistoryTable(sql)
  let previous = await snapshotCatalog(sql)
  const platform = previous.items.map(itemKey)
  const producedBy: Record<string, string> = {}
  const createdBy: Record<string, string> = {}
  const failures: ApplyFailure[] = []
  const applied: string[] = []
  for (const file of files) {
    const result = await applyMigration(sql, file, { record: true })
    if (!result.ok) {
      const { ok: _ok, ...failure } = result
      failures.push(failure)
      continue
    }
    applied.push(file.file)
    const current = await snapshotCatalog(sql)
    const existed = new Set(previous.items.map(itemKey))
    for (const key of touchedKeys(previous, current)) {
      producedBy[key] = file.file
      if (!existed.has(key)) createdBy[key] = file.file
    }
    previous = current
  }
  return { catalog: previous, producedBy, createdBy, failures, applied, platform }
}

// Keys added or changed from one snapshot to the next (unfolded: every column of a new table counts).
function touchedKeys(before: Catalog, after: Catalog): string[] {
  const old = new Map(before.items.map((i) => [itemKey(i), JSON.stringify(i.props)]))
  return after.items.filter((i) => old.get(itemKey(i)) !== JSON.stringify(i.props)).map(itemKey)
}

export type DriftItem = { key: string; file?: string; props?: PropChange[] }
// `present`: created by the file and on the remote as the file makes it; `different`: on the remote, but not as
// the file makes it; `missing`: not on the remote.
export type PartialFile = { file: string; present: string[]; different: string[]; missing: string[] }
export type DriftReport = {
  // On the remote, produced by no file: made by hand (dashboard, SQL editor) or by a file since deleted.
  remoteOnly: DriftItem[]
  // Produced by files the remote history lists as applied, absent from the remote.
  missingOnRemote: DriftItem[]
  // On both sides, different.
  differs: DriftItem[]
  // Files without a history row whose objects are partly or wholly on the remote (run by hand, or cut short).
  halfApplied: PartialFile[]
  // Files without a history row and none of their objects on the remote: db push will apply them (not drift).
  pending: string[]
  // Files that failed on the shadow: nothing they would create is compared.
  failures: ApplyFailure[]
  // Platform objects (made by the shim on the shadow, by Supabase on the remote) that differ or are absent on the
  // remote: an older or newer platform, not drift, and no file's doing.
  platform: string[]
  ignored: number
}

export function compareDrift(files: FileReplay, remote: Catalog, appliedVersions: readonly string[], ignore: readonly string[] = []): DriftReport {
  const ignored = ignoreMatcher(ignore)
  const inHistory = (file?: string) => file !== undefined && appliedVersions.includes(file.replace(/_.*$/, ''))
  const local = new Map(files.catalog.items.map((i) => [itemKey(i), i]))
  const theirs = new Map(remote.items.map((i) => [itemKey(i), i]))
  const report: DriftReport = { remoteOnly: [], missingOnRemote: [], differs: [], halfApplied: [], pending: [], failures: files.failures, platform: [], ignored: 0 }
  const platformItem = new Set((files.platform ?? []).filter((key) => !(key in files.producedBy)))

  // Files not in the history: pending when none of the objects they create is on the remote, half-applied otherwise.
  const byFile = new Map<string, string[]>()
  for (const [key, file] of Object.entries(files.createdBy)) if (!inHistory(file)) byFile.set(file, [...(byFile.get(file) ?? []), key])
  for (const file of new Set(Object.values(files.producedBy))) if (!inHistory(file) && !byFile.has(file)) byFile.set(file, [])
  const unrecorded = new Set(Object.entries(files.producedBy).filter(([, file]) => !inHistory(file)).map(([key]) => key))
  for (const [file, keys] of byFile) {
    const onRemote = keys.filter((k) => theirs.has(k))
    if (onRemote.length === 0) {
      report.pending.push(file)
      continue
    }
    const present = onRemote.filter((k) => sameProps(local.get(k), theirs.get(k)))
    const absent = new Set(keys.filter((k) => !theirs.has(k)))
    // A missing table is one entry, not one per column.
    const missing = [...absent].filter((k) => !absent.has(local.get(k)?.parent ?? ''))
    report.halfApplied.push({ file, present, different: onRemote.filter((k) => !present.includes(k)), missing })
  }

  for (const change of diffCatalogs(files.catalog, remote)) {
    if (ignored(change.key)) {
      report.ignored++
      continue
    }
    const file = files.producedBy[change.key] ?? parentFile(files, change.change === 'removed' ? change.item : undefined)
    if (change.change !== 'added' && platformItem.has(change.key)) {
      report.platform.push(change.key)
    } else if (change.change === 'added') {
      report.remoteOnly.push({ key: change.key })
    } else if (unrecorded.has(change.key)) {
      // Made or changed by a file without a history row: reported above as pending or half-applied.
      continue
    } else if (change.change === 'removed') {
      report.missingOnRemote.push({ key: change.key, file })
    } else {
      report.differs.push({ key: change.key, file, props: change.props })
    }
  }
  report.pending.sort()
  report.halfApplied.sort((a, b) => (a.file < b.file ? -1 : 1))
  return report
}

export const driftCount = (r: DriftReport) => r.remoteOnly.length + r.missingOnRemote.length + r.differs.length + r.halfApplied.length + r.failures.length

const sameProps = (a?: CatalogItem, b?: CatalogItem) => Boolean(a && b) && JSON.stringify(a!.props) === JSON.stringify(b!.props)
const parentFile = (files: FileReplay, item?: CatalogItem) => (item?.parent ? files.producedBy[item.parent] : undefined)
