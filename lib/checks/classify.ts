// What each migration the remote history does not vouch for really is, judged by replaying the files on a shadow
// and comparing with the remote's catalog (check-drift's report): already there, partly there, not there yet, or
// unable to run at all. Pure: data in, data out.
import type { DriftReport } from './drift.ts'
import type { SyncReport } from './sync.ts'

// applied: every object the file makes is on the remote as the file makes it (it ran, maybe under another version);
// partial: some are, some are missing or different (run by hand in part, or edited after it ran);
// pending: none is there and the file applies on top of the others: `db push` would run it;
// broken: the file fails on the shadow (e.g. 42703 column "github_id" does not exist).
export type FileState = 'applied' | 'partial' | 'pending' | 'broken'

export type ClassifiedFile = {
  file: string
  version: string
  // Why it is looked at: it has no history row, or its text differs from what its row recorded.
  why: 'local only' | 'edited'
  state: FileState
  evidence: string[]
  // The remote version that recorded the same statements (a file renamed after db push).
  appliedAs?: string
}

export function classifyFiles(sync: SyncReport, drift: DriftReport, files: readonly { file: string; version: string }[]): ClassifiedFile[] {
  const edited = new Set(sync.edited.map((e) => e.version))
  const localOnly = new Set(sync.localOnly)
  return files
    .filter((f) => localOnly.has(f.version) || edited.has(f.version))
    .map((f) => classifyOne(f, edited.has(f.version) ? 'edited' : 'local only', sync, drift))
}

function classifyOne(f: { file: string; version: string }, why: ClassifiedFile['why'], sync: SyncReport, drift: DriftReport): ClassifiedFile {
  const base = { file: f.file, version: f.version, why }
  const failure = drift.failures.find((x) => x.file === f.file)
  if (failure) {
    const code = failure.code ? ` (${failure.code})` : ''
    return { ...base, state: 'broken', evidence: [`statement ${failure.index + 1} fails${code}: ${failure.message}`] }
  }
  if (why === 'edited') {
    // An applied file's objects are compared as the local text makes them: what differs is what the edit changed.
    const differs = drift.differs.filter((d) => d.file === f.file).map((d) => d.key)
    const missing = drift.missingOnRemote.filter((d) => d.file === f.file).map((d) => d.key)
    if (differs.length + missing.length === 0) return { ...base, state: 'applied', evidence: ['the edit changes no object: the database is as the local text makes it'] }
    return { ...base, state: 'partial', evidence: [...differs.map((k) => `different on the database: ${k}`), ...missing.map((k) => `missing on the database: ${k}`)] }
  }
  const appliedAs = sync.renamed.find((r) => r.local === f.file && r.match === 'statements')?.remote
  const half = drift.halfApplied.find((h) => h.file === f.file)
  if (half) {
    const evidence = [
      ...half.present.map((k) => `present: ${k}`),
      ...half.different.map((k) => `present but different: ${k}`),
      ...half.missing.map((k) => `missing: ${k}`),
    ]
    if (half.different.length + half.missing.length === 0) {
      return { ...base, state: 'applied', evidence: appliedAs ? [`recorded on the database as ${appliedAs}`, ...evidence] : evidence, ...(appliedAs ? { appliedAs } : {}) }
    }
    return { ...base, state: 'partial', evidence }
  }
  if (drift.pending.includes(f.file)) return { ...base, state: 'pending', evidence: ['none of its objects is on the database, and it applies on top of the other files'] }
  // It applied on the shadow and made or changed no catalog object (data only, comments): db push would run it.
  return { ...base, state: 'pending', evidence: ['it changes no schema object (data or comments only); db push would run it'] }
}
