// Which files `check-idempotent --fix` may rewrite: never one the database already applied (its history row keeps
// the old statements, so check-sync would then call it edited) nor one already committed (the pre-commit hook
// refuses edits of committed migrations), unless the user allows it.
import { relative, sep } from 'node:path'
import type { InputFile } from './migration-inputs.ts'
import { committedPaths, gitRoot } from './staged.ts'

export type FixHold = { display: string; reason: 'applied' | 'committed' }

// `applied`: versions in the remote history, when a database URL is known (else undefined: not checked).
export async function heldFromFix(files: readonly InputFile[], options: { applied?: ReadonlySet<string>; cwd: string }): Promise<FixHold[]> {
  const held = new Map<string, FixHold['reason']>()
  for (const file of files) {
    const version = /^(\d+)_/.exec(file.key)?.[1]
    if (version && options.applied?.has(version)) held.set(file.display, 'applied')
  }
  const root = await gitRoot(options.cwd).catch(() => undefined)
  if (root) {
    const onDisk = files.filter((f) => f.path && !held.has(f.display))
    const repoPath = (p: string) => relative(root, p).split(sep).join('/')
    const committed = await committedPaths(root, onDisk.map((f) => repoPath(f.path!)))
    for (const file of onDisk) if (committed.has(repoPath(file.path!))) held.set(file.display, 'committed')
  }
  return files.filter((f) => held.has(f.display)).map((f) => ({ display: f.display, reason: held.get(f.display)! }))
}

// One line per held file, then what to do instead.
export function describeHolds(holds: readonly FixHold[]): string[] {
  if (holds.length === 0) return []
  const why = {
    applied: 'already applied on the database: its history row keeps the old statements, so check-sync would report it as edited',
    committed: 'already committed: the pre-commit hook refuses edits of committed migrations',
  }
  return [
    ...holds.map((h) => `not rewritten ${h.display}: ${why[h.reason]}`),
    `${holds.length} file(s) not rewritten. To clean up migrations that already ran, reset the baseline (one baseline migration taken from the database, and the history table rewritten to it) instead of editing them; --allow-edit rewrites them anyway.`,
  ]
}
