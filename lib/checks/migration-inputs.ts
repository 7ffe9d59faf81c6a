// The files check-idempotent looks at, with the folder around them: either paths on disk, or the staged blobs of
// the migrations folder (for the pre-commit hook) plus the folder checks and the "already committed" check.
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, posix, relative, resolve, sep } from 'node:path'
import { KitError } from '../run/errors.ts'
import { listFolder, MIGRATION_FILE, readMigration } from '../cli/folder.ts'
import type { Finding, FolderFile } from '../sql/idempotency.ts'
import { splitAndTrim } from '../cli/split.ts'
import { exportStaged, gitRoot, indexedFiles, stagedChanges } from './staged.ts'
import { offlineFindings, type LocalText } from './sync.ts'

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
// migrations that were already committed (edited after apply, in the making) unless allowEdit.
export async function collectStaged(cwd: string, dir: string, allowEdit: boolean): Promise<Inputs> {
  const root = await gitRoot(cwd)
  const relDir = relative(root, dir).split(sep).join('/')
  const inDir = (p: string | undefined) => p !== undefined && posix.dirname(p) === relDir
  const show = (p: string) => relative(cwd, join(root, p)) || p
  const changes = (await stagedChanges(root)).filter((c) => inDir(c.path) || inDir(c.oldPath))
  const isMigration = (p: string) => MIGRATION_FILE.test(posix.basename(p))
  const extra: Inputs['extra'] = []
  const report = (p: string, f: Finding) => {
    const known = extra.find((e) => e.display === show(p))
    if (known) known.findings.push(f)
    else extra.push({ display: show(p), findings: [f] })
  }

  if (!allowEdit) {
    for (const c of changes) {
      const old = c.oldPath ?? c.path
      if (!inDir(old) || !isMigration(old) || c.status === 'A' || c.status === 'C') continue
      const what = c.status === 'D' ? 'deleted' : c.status === 'R' ? `renamed to ${posix.basename(c.path)}` : 'edited'
      report(old, fileFinding('committed-migration-changed', 'error', `${posix.basename(old)} was already committed and is now ${what}: databases that applied it keep the old version (supabase db push never re-runs it). Put the change in a new migration (supabase migration new <name>); if it never ran anywhere, commit with MIGRATION_KIT_ALLOW_EDIT=1 (or run the check with --allow-edit)`))
    }
  }

  // The staged folder, materialised so lib/folder.ts reads it exactly as the CLI reads a folder.
  const tmp = mkdtempSync(join(tmpdir(), 'smk-staged-'))
  try {
    const stagedDir = join(tmp, ...relDir.split('/'))
    await exportStaged(root, (await indexedFiles(root, relDir)).filter(inDir), tmp)
    mkdirSync(stagedDir, { recursive: true })
    const folder = listFolder(stagedDir)
    const staged = new Set(changes.filter((c) => c.status !== 'D').map((c) => posix.basename(c.path)))
    const texts: LocalText[] = folder.files.map((f) => {
      try {
        return { file: f, statements: splitAndTrim(readMigration(f.path)) }
      } catch (err) {
        return { file: f, statements: null, problem: 'notUtf8', message: (err as Error).message }
      }
    })
    const found = offlineFindings(folder, texts)
    const at = (file: string) => `${relDir}/${file}`
    // Only what this commit brings in: older clutter is check-sync's to report, not a reason to block a commit.
    for (const c of found.clutter) if (staged.has(c.file)) report(at(c.file), fileFinding('folder-clutter', 'error', `${c.file} does not match <timestamp>_name.sql (${c.kind}): the Supabase CLI skips it. Keep it out of the migrations folder`))
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
