// The files check-idempotent looks at, with the folder around them: either paths on disk, or the staged blobs of
// the migrations folder (for the pre-commit hook) plus the folder checks and the "already committed" check.
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, posix, relative, resolve, sep } from 'node:path'
import { KitError } from '../run/errors.ts'
import { listFolder, MIGRATION_FILE, readMigration, type Folder } from '../cli/folder.ts'
import type { Finding, FolderFile } from '../sql/idempotency.ts'
import { hasNoStatements } from '../cli/split.ts'
import { exportCommittedFolder } from './committed.ts'
import { exportStaged, gitRoot, indexedFiles, stagedChanges, type StagedChange } from './staged.ts'
import { offlineFindings, type FolderText } from './sync.ts'

// One file to check: `display` is what reports show; `text` is absent when the file could not be decoded.
export type InputFile = { display: string; key: string; path?: string; text?: string; problems: Finding[] }
export type Inputs = { files: InputFile[]; folder: FolderFile[]; extra: { display: string; findings: Finding[] }[] }

const fileFinding = (rule: string, severity: Finding['severity'], message: string): Finding => ({ rule, severity, message, line: 1, column: 1, endLine: 1, endColumn: 1, fixable: false })

function readInput(path: string, display: string): InputFile {
  try {
    return { display, key: basename(path), path, text: readMigration(path), problems: [] }
  } catch (err) {
    if (!(err instanceof KitError) || err.code !== 'NOT_UTF8') throw err
    return { display, key: basename(path), path, problems: [fileFinding('not-utf8', 'error', `${err.message}; re-save it as UTF-8`)] }
  }
}

// Positional files and folders, else the migrations folder. The folder around them is the migrations folder.
export function collectPaths(cwd: string, dir: string, paths: readonly string[]): Inputs {
  const show = (p: string) => relative(cwd, p) || p
  const files: InputFile[] = []
  for (const p of paths.length ? paths.map((x) => resolve(cwd, x)) : [dir]) {
    let isDir: boolean
    try {
      isDir = statSync(p).isDirectory()
    } catch {
      throw new KitError('FOLDER_MISSING', `no such file or folder: ${show(p)}`, p === dir ? 'Pass --dir <path> or the files to check' : 'Check the path')
    }
    if (isDir) files.push(...listFolder(p).files.map((f) => readInput(f.path, show(f.path))))
    else files.push(readInput(p, show(p)))
  }
  const folder = [...listFolder(dir).files.map((f) => readInput(f.path, show(f.path))), ...files]
  const seen = new Set<string>()
  const context = folder.filter((f) => f.text !== undefined && !seen.has(f.key) && seen.add(f.key))
  context.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)))
  return { files, folder: context.map((f) => ({ file: f.key, text: f.text! })), extra: [] }
}

// The index, not the work tree: staged migrations to check, folder checks on the staged folder, and changes to
// migrations that were already committed (edited after apply, in the making) unless allowEdit. Deleting or
// renaming what the folder checks ask to remove (an empty file, one of two files sharing a version) is allowed.
export async function collectStaged(cwd: string, dir: string, allowEdit: boolean): Promise<Inputs> {
  const root = await gitRoot(cwd)
  const relDir = relative(root, dir).split(sep).join('/')
  const inDir = (p: string | undefined) => p !== undefined && posix.dirname(p) === relDir
  const show = (p: string) => relative(cwd, join(root, p)) || p
  // Two git processes at once: each costs a spawn of its own (about 5-10 ms), and neither needs the other.
  const [allChanges, indexed] = await Promise.all([stagedChanges(root), indexedFiles(root, relDir)])
  const changes = allChanges.filter((c) => inDir(c.path) || inDir(c.oldPath))
  const isMigration = (p: string) => MIGRATION_FILE.test(posix.basename(p))
  const extra: Inputs['extra'] = []
  const report = (p: string, f: Finding) => {
    const known = extra.find((e) => e.display === show(p))
    if (known) known.findings.push(f)
    else extra.push({ display: show(p), findings: [f] })
  }

  // The staged folder, materialised so lib/folder.ts reads it exactly as the CLI reads a folder.
  const tmp = mkdtempSync(join(tmpdir(), 'smk-staged-'))
  try {
    const stagedDir = join(tmp, 'index', ...relDir.split('/'))
    await exportStaged(root, indexed.filter(inDir), join(tmp, 'index'))
    mkdirSync(stagedDir, { recursive: true })
    const folder = listFolder(stagedDir)
    const found = offlineFindings(folder, readTexts(folder))

    if (!allowEdit) {
      const changed = changes.filter((c) => inDir(c.oldPath ?? c.path) && isMigration(c.oldPath ?? c.path) && c.status !== 'A' && c.status !== 'C')
      const removable = changed.some((c) => c.status === 'D' || c.status === 'R') ? await removableInHead(root, dir, join(tmp, 'head'), folder) : new Set<string>()
      for (const c of changed) {
        const old = c.oldPath ?? c.path
        if ((c.status === 'D' || c.status === 'R') && removable.has(posix.basename(old))) continue
        report(old, fileFinding('committed-migration-changed', 'error', committedChangeMessage(c, show)))
      }
    }

    const staged = new Set(changes.filter((c) => c.status !== 'D').map((c) => posix.basename(c.path)))
    const at = (file: string) => `${relDir}/${file}`
    // Only what this commit brings in: older clutter is check-sync's to report, not a reason to block a commit.
    for (const c of found.clutter) if (staged.has(c.file)) report(at(c.file), fileFinding('folder-clutter', 'error', `${c.file} does not match <timestamp>_name.sql (${c.kind}): the Supabase CLI skips it. Keep it out of the migrations folder (git rm --cached ${show(at(c.file))}, then move it elsewhere)`))
    for (const d of found.duplicates) {
      for (const f of d.files.filter((x) => staged.has(x))) report(at(f), fileFinding('duplicate-version', 'error', `version ${d.version} is used by ${d.files.join(' and ')}: the second one fails db push on the history insert. Give it a new timestamp`))
    }
    for (const b of found.badVersions) if (staged.has(b.file)) report(at(b.file), fileFinding('version-name', 'warning', b.reason))

    const files: InputFile[] = []
    for (const c of changes) {
      if (c.status === 'D' || !inDir(c.path) || !isMigration(c.path)) continue
      const input = readInput(join(stagedDir, posix.basename(c.path)), show(c.path))
      files.push({ ...input, path: undefined })
    }
    const folderFiles = folder.files.map((f) => readInput(f.path, f.file)).filter((f) => f.text !== undefined)
    return { files, folder: folderFiles.map((f) => ({ file: f.key, text: f.text! })), extra }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

// What the folder checks ask of each file: whether the CLI finds no statement in it, or why it cannot be read;
// hasNoStatements answers without the splitter's scan (25–80 ms for the bench's 25 files at load 4–5).
function readTexts(folder: Folder): FolderText[] {
  return folder.files.map((f) => {
    try {
      return { file: f, empty: hasNoStatements(readMigration(f.path)) }
    } catch (err) {
      return { file: f, empty: false, problem: 'notUtf8', message: (err as Error).message }
    }
  })
}

// Committed files whose removal is the fix check-sync asks for: empty files (nothing ran), and files sharing a
// version with another (db push applies one of them; the rest fail on the history insert), as long as the staged
// folder keeps a file of that version.
async function removableInHead(root: string, dir: string, into: string, staged: Folder): Promise<Set<string>> {
  const head = await exportCommittedFolder(root, 'HEAD', dir, into)
  const folder = listFolder(head.path)
  const found = offlineFindings(folder, readTexts(folder))
  const kept = new Set(staged.files.map((f) => f.version))
  return new Set([...found.empty, ...found.duplicates.filter((d) => kept.has(d.version)).flatMap((d) => d.files)])
}

// What to do about a change to a committed migration, for the change it is (each suggestion applies to it).
function committedChangeMessage(c: StagedChange, show: (p: string) => string): string {
  const old = c.oldPath ?? c.path
  const name = posix.basename(old)
  const allow = 'if it never ran on any database, commit with MIGRATION_KIT_ALLOW_EDIT=1'
  if (c.status === 'D') return `${name} was already committed and is now deleted: databases that applied it keep what it made, and its version stays in their history (check-sync reports it as remote only). Restore it (git restore --staged --worktree ${show(old)}); to undo what it made, write a new migration that reverses it (supabase migration new <name>); ${allow}`
  if (c.status === 'R') return `${name} was already committed and is now renamed to ${posix.basename(c.path)}: databases that applied it recorded the old version, so db push would run it again under the new one. Rename it back (git mv ${show(c.path)} ${show(old)}); ${allow}`
  return `${name} was already committed and is now edited: databases that applied it keep the old text (supabase db push never re-runs a recorded version). Restore it (git restore --staged --worktree ${show(old)}) and put the change in a new migration (supabase migration new <name>); ${allow}`
}
