// reset-history's plan, as plain data from the folder and the history (no I/O): which files and clutter go to the
// archive, what is written, what the history loses and gains, and the history it must equal afterwards.
//   reset: one baseline row and file; the pending files named by --keep-pending stay after it, made idempotent and
//          re-stamped newer (so the next db push completes them).
//   align: the files stay; a local file that is a remote-only row under another version (check-sync's `renamed`)
//          takes the applied version, and every row is made to match its file (repair --status applied|reverted).
import type { Folder, MigrationFile } from '../cli/folder.ts'
import type { HistoryRow } from '../cli/history.ts'
import { sameStatements, splitAndTrim } from '../cli/split.ts'
import { nextVersion } from '../cli/version.ts'
import { applyParsableFixes } from '../sql/fix.ts'
import { checkSql, folderContext } from '../sql/idempotency.ts'
import { compareSync, type LocalText } from './sync.ts'

export type ResetMode = 'reset' | 'align'
export type ResetInput = {
  mode: ResetMode
  folder: Folder
  // The text of every file of the folder, by file name.
  texts: ReadonlyMap<string, string>
  history: readonly HistoryRow[]
  // reset only: the baseline's text, and its file when it already sits in the folder (--baseline on a second remote).
  baseline?: { text: string; inFolder?: MigrationFile; name: string }
  keepPending: readonly string[]
  now: Date
}
export type KeptPending = { from: string; to: string; rewritten: number; unfixable: number }
export type ResetPlan = {
  mode: ResetMode
  archive: string[]
  renames: { from: string; to: string }[]
  write: { file: string; text: string }[]
  baselineFile: string | null
  pending: KeptPending[]
  remove: string[]
  add: HistoryRow[]
  expected: HistoryRow[]
  problems: string[]
}

const row = (version: string, name: string, text: string): HistoryRow => ({ version, name, statements: splitAndTrim(text) })

export function planReset(input: ResetInput): ResetPlan {
  return input.mode === 'align' ? planAlign(input) : planBaseline(input)
}

function planBaseline(input: ResetInput): ResetPlan {
  const { folder, history, baseline } = input
  const problems: string[] = []
  if (!baseline) throw new Error('planReset: reset mode needs a baseline')
  const remote = new Set(history.map((r) => r.version))
  const clutter = folder.clutter.map((c) => c.file)
  const write: ResetPlan['write'] = []
  const pending: KeptPending[] = []
  let archive: string[]
  let baselineRow: HistoryRow
  let baselineFile: string

  if (baseline.inFolder) {
    // A second remote onto the file already here: older files go, newer ones stay pending for db push.
    const b = baseline.inFolder
    baselineFile = b.file
    baselineRow = row(b.version, b.name, baseline.text)
    archive = [...folder.files.filter((f) => f.version < b.version).map((f) => f.file), ...clutter]
    if (input.keepPending.length) problems.push('--keep-pending applies to a new baseline; with a baseline from the folder every newer file already stays')
  } else {
    const version = nextVersion(folder.files.map((f) => f.version), [...remote], input.now)
    baselineFile = `${version}_${baseline.name}.sql`
    baselineRow = row(version, baseline.name, baseline.text)
    write.push({ file: baselineFile, text: baseline.text })
    archive = [...folder.files.map((f) => f.file), ...clutter]
    let last = version
    for (const wanted of input.keepPending) {
      const file = folder.files.find((f) => f.version === wanted)
      if (!file) {
        problems.push(`--keep-pending ${wanted}: no local file has this version`)
        continue
      }
      if (remote.has(wanted)) {
        problems.push(`--keep-pending ${wanted}: the remote history lists it as applied, so it is in the baseline already`)
        continue
      }
      last = nextVersion([last], [], input.now)
      const fixed = idempotent(file.file, input.texts.get(file.file) ?? '')
      const to = `${last}_${file.name}.sql`
      write.push({ file: to, text: fixed.text })
      pending.push({ from: file.file, to, rewritten: fixed.rewritten, unfixable: fixed.unfixable })
    }
  }
  return {
    mode: 'reset',
    archive: [...new Set(archive)].sort(),
    renames: [],
    write,
    baselineFile,
    pending,
    remove: history.map((r) => r.version),
    add: [baselineRow],
    expected: [baselineRow],
    problems,
  }
}

// The --fix rewrite of check-idempotent, so that the file completes what was half applied instead of failing on it.
function idempotent(file: string, text: string): { text: string; rewritten: number; unfixable: number } {
  const report = checkSql(text, { context: folderContext([{ file, text }])(file) })
  const fixed = applyParsableFixes(text, report.plans)
  const unfixable = report.findings.filter((f) => f.severity === 'error' && !f.fixable).length + fixed.failures.length
  return { text: fixed.text, rewritten: fixed.applied.length, unfixable }
}

function planAlign(input: ResetInput): ResetPlan {
  const { folder, history } = input
  const problems = folder.duplicates.map((d) => `duplicate version ${d.version} (${d.files.join(', ')}): give one file a new version first`)
  const texts: LocalText[] = folder.files.map((file) => ({ file, statements: splitAndTrim(input.texts.get(file.file) ?? '') }))
  const sync = compareSync(folder, texts, { exists: true, rows: history }, folder.dir)
  // Only renames proven by equal statements: a name alone is not enough to move a file onto an applied version.
  const renames = sync.renamed.filter((r) => r.match === 'statements').map((r) => ({ from: r.local, to: `${r.remote}_${r.local.replace(/^\d+_/, '')}` }))
  const renamedTo = new Map(renames.map((r) => [r.from, r.to]))
  const byVersion = new Map(history.map((r) => [r.version, r]))
  const expected: HistoryRow[] = []
  const add: HistoryRow[] = []
  for (const file of folder.files) {
    const target = renamedTo.get(file.file) ?? file.file
    const version = target.replace(/_.*$/, '')
    if (input.keepPending.includes(file.version)) continue
    const wanted = { version, name: file.name, statements: splitAndTrim(input.texts.get(file.file) ?? '') }
    const existing = byVersion.get(version)
    // A row already equal to its file (as either CLI generation writes it) is kept untouched, extra columns and all.
    if (existing && existing.name === wanted.name && sameStatements(existing.statements, wanted.statements)) expected.push(existing)
    else {
      expected.push(wanted)
      add.push(wanted)
    }
  }
  const keep = new Set(expected.filter((e) => !add.includes(e)).map((e) => e.version))
  for (const v of input.keepPending) if (!folder.files.some((f) => f.version === v)) problems.push(`--keep-pending ${v}: no local file has this version`)
  return {
    mode: 'align',
    archive: folder.clutter.map((c) => c.file).sort(),
    renames,
    write: [],
    baselineFile: null,
    pending: [],
    remove: history.map((r) => r.version).filter((v) => !keep.has(v)),
    add,
    expected,
    problems,
  }
}

export const planChangesNothing = (p: ResetPlan) => p.archive.length + p.renames.length + p.write.length + p.remove.length + p.add.length === 0
