// Local folder × remote history → every disagreement check-sync reports, as plain data (no I/O).
import type { Clutter, Folder, MigrationFile } from '../cli/folder.ts'
import type { HistoryRow } from '../cli/history.ts'
import { listRows, planPush, type ListRow, type PushVerdict } from '../cli/plan.ts'
import { sameStatements } from '../cli/split.ts'

// A local file as read: its statements as the CLI would record them, or why they could not be read.
export type LocalText = { file: MigrationFile; statements: string[] | null; problem?: 'notUtf8' | 'unreadable'; message?: string }

export type FirstDifference = { index: number; local: string | null; remote: string | null }
export type SyncReport = {
  inSync: boolean
  historyTable: boolean
  rows: (ListRow & { status: string })[]
  localOnly: string[]
  remoteOnly: string[]
  outOfOrder: string[]
  duplicates: Folder['duplicates']
  clutter: Clutter[]
  empty: string[]
  unreadable: { file: string; message: string }[]
  badVersions: { file: string; reason: string }[]
  // appliedTextIn: a clutter file (a .backup, say) holding exactly the statements that ran, if there is one.
  edited: { version: string; name: string; firstDifference: FirstDifference; appliedTextIn: string | null }[]
  renamed: { remote: string; local: string; match: 'statements' | 'name' }[]
  push: { ok: boolean; error: string | null; hint: string | null; pending: string[]; pendingWithIncludeAll: string[] }
}

// What the folder-only checks need of a file: whether the CLI finds no statement in it, or why it could not be read
// (the pre-commit hook reads no more, and so runs no splitter).
export type FolderText = { file: MigrationFile; empty: boolean; problem?: LocalText['problem']; message?: string }

// Folder-only findings, for --offline and the pre-commit hook.
export function offlineFindings(folder: Folder, texts: readonly (LocalText | FolderText)[]) {
  const isEmpty = (t: LocalText | FolderText) => !t.problem && ('empty' in t ? t.empty : t.statements === null)
  return {
    duplicates: folder.duplicates,
    clutter: folder.clutter,
    empty: texts.filter(isEmpty).map((t) => t.file.file),
    unreadable: texts.filter((t) => t.problem).map((t) => ({ file: t.file.file, message: t.message ?? t.problem! })),
    badVersions: folder.files.flatMap((f) => versionProblem(f)),
  }
}

export const countOffline = (found: ReturnType<typeof offlineFindings>) =>
  found.duplicates.length + found.clutter.length + found.empty.length + found.unreadable.length + found.badVersions.length

// Versions that are not the CLI's 14-digit timestamp sort differently by filename and by number (CLI PR #6038).
function versionProblem(f: MigrationFile): { file: string; reason: string }[] {
  if (/^\d{14}$/.test(f.version)) return []
  return [{ file: f.file, reason: `version ${f.version} is not a 14-digit timestamp (YYYYMMDDHHMMSS); push and list may order it differently` }]
}

// `clutterTexts`: the statements of the clutter files, to find where an edited file's applied text survives.
export function compareSync(
  folder: Folder,
  texts: readonly LocalText[],
  history: { exists: boolean; rows: readonly HistoryRow[] },
  relativeDir: string,
  clutterTexts: readonly { file: string; statements: string[] | null }[] = [],
): SyncReport {
  const remote = history.rows.map((r) => r.version)
  const remoteSet = new Set(remote)
  const localVersions = folder.files.map((f) => f.version)
  const localSet = new Set(localVersions)
  const localOnly = [...new Set(localVersions.filter((v) => !remoteSet.has(v)))]
  const remoteOnly = remote.filter((v) => !localSet.has(v))
  const newestRemote = remote.reduce((max, v) => (Buffer.compare(Buffer.from(v), Buffer.from(max)) > 0 ? v : max), '')
  const outOfOrder = localOnly.filter((v) => newestRemote && Buffer.compare(Buffer.from(v), Buffer.from(newestRemote)) < 0)
  const byVersion = new Map(history.rows.map((r) => [r.version, r]))
  const edited = texts.flatMap((t) => {
    const row = byVersion.get(t.file.version)
    // Rows written before the CLI stored statements hold NULL: nothing to compare against.
    if (!row || t.problem || row.statements === null) return []
    if (sameStatements(t.statements, row.statements)) return []
    const diff = firstDifference(t.statements ?? [], row.statements)!
    const keeper = clutterTexts.find((c) => c.file.startsWith(`${t.file.version}_`) && sameStatements(c.statements, row.statements))
    return [{ version: t.file.version, name: t.file.name, firstDifference: diff, appliedTextIn: keeper?.file ?? null }]
  })
  const renamed = findRenames(remoteOnly.map((v) => byVersion.get(v)!), texts.filter((t) => localOnly.includes(t.file.version)))
  const verdict = planPush(folder.files, remote, relativeDir)
  const offline = offlineFindings(folder, texts)
  const push = pushSummary(verdict)
  const inSync = localOnly.length === 0 && remoteOnly.length === 0 && edited.length === 0 && countOffline(offline) === 0
  return {
    inSync,
    historyTable: history.exists,
    rows: listRows(folder.files, remote).map((row) => ({ ...row, status: rowStatus(row, new Set(outOfOrder), new Set(edited.map((e) => e.version))) })),
    localOnly,
    remoteOnly,
    outOfOrder,
    ...offline,
    edited,
    renamed,
    push,
  }
}

// Only local files that db push would simply apply: nothing to repair, the database is just behind (the normal
// state between committing a migration and deploying it).
export const onlyPending = (r: SyncReport) =>
  r.push.ok && r.push.pending.length > 0 && r.remoteOnly.length === 0 && r.outOfOrder.length === 0 && r.edited.length === 0 &&
  r.localOnly.length === r.push.pending.length && r.clutter.length + r.duplicates.length + r.empty.length + r.unreadable.length + r.badVersions.length === 0

function rowStatus(row: ListRow, outOfOrder: Set<string>, edited: Set<string>): string {
  if (row.local && row.remote) return edited.has(row.local) ? 'edited after apply' : 'applied'
  if (row.remote) return 'remote only'
  return outOfOrder.has(row.local) ? 'local only, out of order' : 'local only (pending)'
}

export function firstDifference(local: readonly string[], remote: readonly string[]): FirstDifference | null {
  const n = Math.max(local.length, remote.length)
  for (let i = 0; i < n; i++) {
    if (local[i] !== remote[i]) return { index: i, local: local[i] ?? null, remote: remote[i] ?? null }
  }
  return null
}

// A remote-only version whose statements (or, failing that, name) equal a local-only file's: the same migration
// applied under another timestamp, as when a file is renamed after `db push`.
function findRenames(remoteRows: readonly HistoryRow[], localTexts: readonly LocalText[]) {
  const out: SyncReport['renamed'] = []
  for (const row of remoteRows) {
    const same = localTexts.find((t) => row.statements !== null && t.statements !== null && sameStatements(t.statements, row.statements))
    const named = same ?? localTexts.find((t) => row.name !== '' && t.file.name === row.name)
    if (named) out.push({ remote: row.version, local: named.file.file, match: same ? 'statements' : 'name' })
  }
  return out
}

function pushSummary(verdict: PushVerdict): SyncReport['push'] {
  const names = (files: readonly MigrationFile[]) => files.map((f) => f.file)
  if (verdict.ok) return { ok: true, error: null, hint: null, pending: names(verdict.pending), pendingWithIncludeAll: names(verdict.pendingWithIncludeAll) }
  return { ok: false, error: verdict.error, hint: verdict.hint, pending: [], pendingWithIncludeAll: names(verdict.pendingWithIncludeAll) }
}
