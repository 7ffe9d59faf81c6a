// The migrations folder as one commit has it, for the pre-push hook: what is pushed is the commit, not the work
// tree (a file deleted on disk but not in the commit is still pushed; an untracked one is not).
import { spawn } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { KitError } from '../run/errors.ts'
import { git, gitRoot } from './staged.ts'

type TreeEntry = { mode: string; type: string; object: string; name: string }

// The commit a revision names, or a clear error (a typo, a ref that is not fetched, a tag of a tree).
export async function resolveCommit(cwd: string, rev: string): Promise<string> {
  try {
    return (await git(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`])).toString('utf8').trim()
  } catch {
    throw new KitError('GIT', `no commit ${rev} in this repository`, 'Pass a commit, branch or tag that git rev-parse knows')
  }
}

// `git ls-tree -z <commit> -- <dir>/`: the folder's direct children (the CLI reads no subfolders).
async function folderEntries(root: string, commit: string, relDir: string): Promise<TreeEntry[]> {
  const out = (await git(root, ['ls-tree', '-z', commit, '--', `${relDir}/`])).toString('utf8')
  return out
    .split('\0')
    .filter((line) => line !== '')
    .map((line) => {
      const [meta, path] = [line.slice(0, line.indexOf('\t')), line.slice(line.indexOf('\t') + 1)]
      const [mode, type, object] = meta.split(' ')
      return { mode, type, object, name: path.slice(relDir.length + 1) }
    })
}

// Blob contents in one `git cat-file --batch` process, in the order asked (a folder of hundreds of files is one
// process, not hundreds).
function readBlobs(root: string, objects: readonly string[]): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] })
    const chunks: Buffer[] = []
    const errors: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => chunks.push(c))
    child.stderr.on('data', (c: Buffer) => errors.push(c))
    child.on('error', () => reject(new KitError('GIT', 'git is not installed', 'Install git, or run without --commit')))
    child.on('close', (code) => {
      if (code !== 0) return reject(new KitError('GIT', `git cat-file failed: ${Buffer.concat(errors).toString('utf8').trim()}`, 'Run it inside a git work tree'))
      const all = Buffer.concat(chunks)
      const blobs: Buffer[] = []
      // Each answer is "<object> blob <size>\n<bytes>\n".
      for (let at = 0; blobs.length < objects.length; ) {
        const eol = all.indexOf(0x0a, at)
        const size = Number(all.subarray(at, eol).toString('utf8').split(' ')[2])
        blobs.push(all.subarray(eol + 1, eol + 1 + size))
        at = eol + 1 + size + 1
      }
      resolve(blobs)
    })
    child.stdin.end(objects.map((o) => `${o}\n`).join(''))
  })
}

// Writes the folder `dir` as it is in `commit` under `into` and returns the written folder's path (absent when
// the commit has no such folder, which the CLI treats as an empty folder).
export async function exportCommittedFolder(cwd: string, commit: string, dir: string, into: string): Promise<{ path: string; exists: boolean }> {
  const root = await gitRoot(cwd)
  const relDir = relative(root, dir).split(sep).join('/')
  if (relDir === '' || relDir.startsWith('..')) throw new KitError('USAGE', `${dir} is not inside the git work tree ${root}`, 'Run it inside the repository, or drop --commit')
  const sha = await resolveCommit(root, commit)
  const entries = await folderEntries(root, sha, relDir)
  const path = join(into, ...relDir.split('/'))
  if (entries.length === 0) return { path, exists: false }
  mkdirSync(path, { recursive: true })
  const files = entries.filter((e) => e.type === 'blob')
  const blobs = await readBlobs(root, files.map((e) => e.object))
  files.forEach((e, i) => {
    // A committed symlink is its target's path; on disk the CLI would follow it.
    if (e.mode === '120000') symlinkSync(blobs[i].toString('utf8'), join(path, e.name))
    else writeFileSync(join(path, e.name), blobs[i])
  })
  // Subfolders and submodules: present as folders, which the CLI skips.
  for (const e of entries.filter((x) => x.type !== 'blob')) mkdirSync(join(path, e.name), { recursive: true })
  return { path, exists: true }
}
