// The local half of a history rewrite, run only after the remote COMMIT: files moved into the archive (git mv
// inside a git work tree, so history follows them), renamed in place, and written. Each step is recorded, so a
// failure can say exactly what is done and what is left, and --restore can undo it.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { $ } from 'zx'
import { KitError } from '../run/errors.ts'
import type { LocalActions } from './history-backup.ts'

export type LocalPlan = { root: string; dir: string; archiveDir: string; archive: string[]; renames: { from: string; to: string }[]; write: { file: string; text: string }[] }

// What the plan will do, as paths relative to the project root (stored in the backup before anything changes).
export function plannedActions(plan: LocalPlan): LocalActions {
  const rel = (p: string) => relative(plan.root, p)
  return {
    root: plan.root,
    moved: [
      ...plan.archive.map((f) => ({ from: rel(join(plan.dir, f)), to: rel(join(plan.archiveDir, f)) })),
      ...plan.renames.map((r) => ({ from: rel(join(plan.dir, r.from)), to: rel(join(plan.dir, r.to)) })),
    ],
    written: plan.write.map((w) => rel(join(plan.dir, w.file))),
  }
}

// Paths git tracks under the root, or null outside a git work tree.
async function trackedFiles(root: string): Promise<Set<string> | null> {
  const inside = await $({ cwd: root, quiet: true, nothrow: true })`git rev-parse --is-inside-work-tree`
  if (inside.exitCode !== 0 || inside.stdout.trim() !== 'true') return null
  const top = (await $({ cwd: root, quiet: true })`git rev-parse --show-toplevel`).stdout.trim()
  const listed = (await $({ cwd: top, quiet: true })`git ls-files -z`).stdout.split('\0').filter(Boolean)
  return new Set(listed.map((p) => join(top, p)))
}

async function move(root: string, tracked: Set<string> | null, from: string, to: string): Promise<void> {
  mkdirSync(dirname(to), { recursive: true })
  if (existsSync(to)) throw new KitError('REFUSED', `${relative(root, to)} already exists`, 'Move it away and run the printed commands')
  if (tracked?.has(from)) await $({ cwd: root, quiet: true })`git mv ${from} ${to}`
  else renameSync(from, to)
}

export type LocalStep = { command: string; done: boolean }

// Runs the plan; returns the steps as shell commands. On a failure the error carries the steps (done or not).
export async function applyLocal(plan: LocalPlan): Promise<LocalStep[]> {
  const tracked = await trackedFiles(plan.root)
  const mv = tracked ? 'git mv' : 'mv'
  const rel = (p: string) => relative(plan.root, p)
  const steps: { command: string; run: () => Promise<void> | void }[] = [
    ...plan.archive.map((f) => {
      const [from, to] = [join(plan.dir, f), join(plan.archiveDir, f)]
      return { command: `${tracked?.has(from) ? 'git mv' : 'mv'} ${JSON.stringify(rel(from))} ${JSON.stringify(rel(to))}`, run: () => move(plan.root, tracked, from, to) }
    }),
    ...plan.renames.map((r) => {
      const [from, to] = [join(plan.dir, r.from), join(plan.dir, r.to)]
      return { command: `${mv} ${JSON.stringify(rel(from))} ${JSON.stringify(rel(to))}`, run: () => move(plan.root, tracked, from, to) }
    }),
    ...plan.write.map((w) => ({
      command: `write ${rel(join(plan.dir, w.file))} (its text is in the backup folder's plan)`,
      run: () => writeFileSync(join(plan.dir, w.file), w.text, { flag: 'wx' }),
    })),
  ]
  const done: LocalStep[] = []
  for (const [i, step] of steps.entries()) {
    try {
      await step.run()
      done.push({ command: step.command, done: true })
    } catch (err) {
      const left = steps.slice(i).map((s) => ({ command: s.command, done: false }))
      throw Object.assign(new KitError('FILE_UNREADABLE', `the local step "${step.command}" failed: ${(err as Error).message}`), { steps: [...done, ...left] })
    }
  }
  return done
}

// --restore's local half: written files removed, moved files moved back (only where they still are where the run
// put them). Returns what it did.
export async function undoLocal(actions: LocalActions): Promise<string[]> {
  const tracked = await trackedFiles(actions.root)
  const did: string[] = []
  for (const w of actions.written) {
    const path = join(actions.root, w)
    if (!existsSync(path)) continue
    if (tracked?.has(path)) await $({ cwd: actions.root, quiet: true })`git rm -q -f ${path}`
    else rmSync(path)
    did.push(`removed ${w}`)
  }
  for (const m of [...actions.moved].reverse()) {
    const [from, to] = [join(actions.root, m.to), join(actions.root, m.from)]
    if (!existsSync(from) || existsSync(to)) continue
    await move(actions.root, tracked, from, to)
    did.push(`moved ${m.to} back to ${m.from}`)
  }
  return did
}
