// The git index as the pre-commit hook must see it: staged changes and staged blobs, never the work tree.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { KitError } from '../run/errors.ts'

const run = promisify(execFile)

export type StagedChange = { status: string; path: string; oldPath?: string }

export async function git(cwd: string, args: string[]): Promise<Buffer> {
  try {
    const { stdout } = await run('git', args, { cwd, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 })
    return stdout
  } catch (err) {
    const e = err as { code?: string | number; stderr?: Buffer }
    if (e.code === 'ENOENT') throw new KitError('GIT', 'git is not installed', 'Install git, or run without --staged')
    throw new KitError('GIT', `git ${args[0]} failed: ${String(e.stderr ?? '').trim() || String(err)}`, 'Run it inside a git work tree')
  }
}

export async function gitRoot(cwd: string): Promise<string> {
  return (await git(cwd, ['rev-parse', '--show-toplevel'])).toString('utf8').trim()
}

// `git diff --cached --name-status -z`: A/M/D/T plus R/C with old and new path (renames detected).
export async function stagedChanges(root: string): Promise<StagedChange[]> {
  const fields = (await git(root, ['diff', '--cached', '--name-status', '-z', '-M'])).toString('utf8').split('\0').filter((f) => f !== '')
  const out: StagedChange[] = []
  for (let i = 0; i < fields.length; ) {
    const status = fields[i++]
    if (status.startsWith('R') || status.startsWith('C')) out.push({ status: status[0], oldPath: fields[i++], path: fields[i++] })
    else out.push({ status: status[0], path: fields[i++] })
  }
  return out
}

// Paths in the index under a folder (repository-relative, '/'-separated).
export async function indexedFiles(root: string, dir: string): Promise<string[]> {
  return (await git(root, ['ls-files', '-z', '--', dir])).toString('utf8').split('\0').filter((f) => f !== '')
}

// Writes the staged content of `paths` (what `git show :path` prints) under `prefix` (prefix/<path>), in one git
// process rather than one per file; decoding is the caller's (UTF-8 check).
export async function exportStaged(root: string, paths: readonly string[], prefix: string): Promise<void> {
  if (paths.length > 0) await git(root, ['checkout-index', `--prefix=${prefix.endsWith('/') ? prefix : prefix + '/'}`, '--', ...paths])
}

// Which of `paths` (repository-relative) HEAD holds: migrations already committed. A repository without a commit
// yet holds none.
export async function committedPaths(root: string, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set()
  const head = await run('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: root }).then(() => true, () => false)
  if (!head) return new Set()
  return new Set((await git(root, ['ls-tree', '-r', '--name-only', '-z', 'HEAD', '--', ...paths])).toString('utf8').split('\0').filter((f) => f !== ''))
}
