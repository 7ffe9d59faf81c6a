// The migrations folder exactly as the Supabase CLI sees it (pkg/migration/list.go, file.go), plus the clutter
// and duplicates the CLI does not report.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { KitError } from '../run/errors.ts'

// The CLI's filename rule: digits, underscore, any name, ".sql" (case-sensitive).
export const MIGRATION_FILE = /^([0-9]+)_(.*)\.sql$/
const LEGACY_INIT = /([0-9]{14})_init\.sql/

export type MigrationFile = { file: string; path: string; version: string; name: string }
export type SkippedEntry = { file: string; reason: 'pattern' | 'legacy-init' }
export type Clutter = { file: string; kind: 'backup' | 'skip' | 'editor' | 'other' }
export type Folder = {
  dir: string
  exists: boolean
  files: MigrationFile[]
  skipped: SkippedEntry[]
  clutter: Clutter[]
  duplicates: { version: string; files: string[] }[]
}

// Go sorts directory entries by byte-wise name; JS default sort is UTF-16 order, equal for ASCII names.
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))

export function listFolder(dir: string): Folder {
  let entries: { name: string; isDir: boolean }[]
  try {
    entries = readdirSync(dir, { withFileTypes: true }).map((d) => ({ name: d.name, isDir: d.isDirectory() }))
  } catch (err) {
    // The CLI treats a missing folder as zero files.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { dir, exists: false, files: [], skipped: [], clutter: [], duplicates: [] }
    throw new KitError('FILE_UNREADABLE', `cannot read ${dir}: ${(err as Error).message}`)
  }
  entries.sort((a, b) => byteOrder(a.name, b.name))
  const files: MigrationFile[] = []
  const skipped: SkippedEntry[] = []
  entries.forEach((entry, index) => {
    // Only the first entry (directories included) is checked for the pre-2021 "init" name (CLI quirk).
    const legacy = index === 0 ? LEGACY_INIT.exec(entry.name) : null
    if (legacy && legacy[1] < '20211209000000') {
      skipped.push({ file: entry.name, reason: 'legacy-init' })
      return
    }
    if (entry.isDir) return
    const match = MIGRATION_FILE.exec(entry.name)
    if (!match) {
      skipped.push({ file: entry.name, reason: 'pattern' })
      return
    }
    files.push({ file: entry.name, path: join(dir, entry.name), version: match[1], name: match[2] })
  })
  return {
    dir,
    exists: true,
    files,
    skipped,
    clutter: skipped.filter((s) => s.reason === 'pattern').map((s) => ({ file: s.file, kind: clutterKind(s.file) })),
    duplicates: findDuplicateVersions(files),
  }
}

export function clutterKind(file: string): Clutter['kind'] {
  if (/\.(backup|bak|orig|old)$/i.test(file)) return 'backup'
  if (/\.(skip|disabled)$/i.test(file)) return 'skip'
  if (/(~|\.swp|\.tmp)$/i.test(file) || file === '.DS_Store') return 'editor'
  return 'other'
}

function findDuplicateVersions(files: readonly MigrationFile[]): { version: string; files: string[] }[] {
  const byVersion = new Map<string, string[]>()
  for (const f of files) byVersion.set(f.version, [...(byVersion.get(f.version) ?? []), f.file])
  return [...byVersion].filter(([, names]) => names.length > 1).map(([version, names]) => ({ version, files: names }))
}

// The CLI's warning line for a skipped entry, word for word.
export function skipWarning(entry: SkippedEntry): string {
  return entry.reason === 'legacy-init'
    ? `Skipping migration ${entry.file}... (replace "init" with a different file name to apply this migration)`
    : `Skipping migration ${entry.file}... (file name must match pattern "<timestamp>_name.sql")`
}

// Migration text, refusing bytes that are not UTF-8: a lossy decode would change what gets recorded.
export function readMigration(path: string): string {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (err) {
    throw new KitError('FILE_UNREADABLE', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  return decodeUtf8(bytes, path)
}

function decodeUtf8(bytes: Uint8Array, label: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    // Locate the first bad byte by its replacement character in a lossy decode (good enough for a message).
    const lossy = Buffer.from(bytes).toString('utf8')
    const line = lossy.slice(0, lossy.indexOf('\uFFFD')).split('\n').length
    throw new KitError('NOT_UTF8', `${label} is not valid UTF-8 (line ${line})`, 'Re-save the file as UTF-8')
  }
}

// Why `<version>_<name>.sql` would not be a migration the CLI applies, or undefined when it would. The CLI's
// `migration new` does not check (internal/migration/new/new.go); a name with a newline makes a file that
// ListLocalMigrations then skips, and a separator writes outside the folder.
export function newFileNameProblem(version: string, name: string): string | undefined {
  if (name === '') return 'the name is empty'
  if (/[/\\]/.test(name)) return 'the name contains a path separator'
  if (name.includes('\0')) return 'the name contains a NUL byte'
  const file = `${version}_${name}.sql`
  if (!MIGRATION_FILE.test(file)) return `${JSON.stringify(file)} does not match the CLI's pattern "<timestamp>_name.sql" (a line break in the name), so the CLI would skip it`
  return undefined
}
