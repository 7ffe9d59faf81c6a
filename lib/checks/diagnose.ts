// Everything doctor looks at, gathered once: the folder (as the CLI lists it), the static idempotency check of every
// file, and — with a database — the history (check-sync's comparison), the drift of the database from what the files
// produce (check-drift's replay on a shadow), and the classification of every file the history does not vouch for.
import { relative } from 'node:path'
import { snapshotCatalog } from '../catalog/snapshot.ts'
import { listFolder, type Folder } from '../cli/folder.ts'
import { readHistory } from '../cli/history.ts'
import { describeDbError, openConnection } from '../db/connect.ts'
import { withShadow } from '../db/shadow.ts'
import { isIgnored, readIdempotencyConfig } from '../run/kit-config.ts'
import type { Sql } from '../run/sql.ts'
import { checkSql, folderContext } from '../sql/idempotency.ts'
import { loadParser } from '../sql/parse.ts'
import { RULES } from '../sql/rules/index.ts'
import { classifyFiles, type ClassifiedFile } from './classify.ts'
import { compareDrift, replayWithProvenance, type DriftReport } from './drift.ts'
import { clutterTexts, readLocalText } from './local-text.ts'
import { collectPaths } from './migration-inputs.ts'
import { compareSync, type SyncReport } from './sync.ts'

export type Diagnosis = {
  folder: Folder
  // Files with static idempotency errors, and how many.
  notIdempotent: { file: string; errors: number }[]
  sync: SyncReport | null
  drift: DriftReport | null
  classified: ClassifiedFile[]
  shadow: { engine: string; version: string } | null
}

export type DiagnoseOptions = {
  cwd: string
  // The project root (where supabase/config.toml is) and its migrations folder.
  root: string
  dir: string
  // The folder as the CLI names it in its hints (relative to the project root).
  cliDir: string
  url?: string
  shadowUrl?: string
  app: string
  progress: (message: string) => void
}

export async function diagnose(options: DiagnoseOptions): Promise<Diagnosis> {
  const folder = listFolder(options.dir)
  options.progress(`checking ${folder.files.length} migration file(s) for statements that fail on a second run`)
  const notIdempotent = await staticCheck(options, folder)
  if (!options.url) return { folder, notIdempotent, sync: null, drift: null, classified: [], shadow: null }

  options.progress('reading the history table and the catalog of the database')
  const url = options.url
  const remote = await withDb(url, options.app, async (sql) => ({ history: await readHistory(sql), catalog: await snapshotCatalog(sql) }))
  const sync = compareSync(folder, folder.files.map(readLocalText), remote.history, options.cliDir, clutterTexts(options.dir, folder))

  options.progress('replaying the files on a shadow database')
  const { replay, shadow } = await withShadow({ serverUrl: options.shadowUrl, app: options.app, onNotice: () => {} }, async (sql, { engine, version }) => ({
    replay: await replayWithProvenance(sql, folder.files),
    shadow: { engine, version },
  }))
  const drift = compareDrift(replay, remote.catalog, remote.history.rows.map((r) => r.version))
  return { folder, notIdempotent, sync, drift, classified: classifyFiles(sync, drift, folder.files), shadow }
}

// As check-idempotent checks the folder, with the project's own settings (disabled rules, ignored paths).
async function staticCheck(options: DiagnoseOptions, folder: Folder): Promise<Diagnosis['notIdempotent']> {
  if (!folder.exists) return []
  await loadParser()
  const config = readIdempotencyConfig(options.root, RULES.map((r) => r.id))
  const disabled = new Set(config.disable)
  const inputs = collectPaths(options.cwd, options.dir, [])
  const contextOf = folderContext(inputs.folder)
  const ignored = (path?: string) => path !== undefined && isIgnored(config, relative(options.root, path).split('\\').join('/'))
  return inputs.files.flatMap((input) => {
    if (ignored(input.path)) return []
    const findings = input.text === undefined ? input.problems : checkSql(input.text, { context: contextOf(input.key), disabled }).findings
    const errors = findings.filter((f) => f.severity === 'error').length
    return errors ? [{ file: input.key, errors }] : []
  })
}

async function withDb<T>(url: string, app: string, body: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = await openConnection(url, { app, onNotice: () => {} })
  try {
    return await body(sql)
  } catch (err) {
    throw describeDbError(err, url)
  } finally {
    await sql.end({ timeout: 5 })
  }
}
