// Builds the "remote" database of an example project from its description (remote/history.json next to its
// supabase/ folder): the migrations `db push` applied, each with the text that ran then, and the scripts run by hand
// afterwards with no history row. The demo and the tests start from the state a broken project really reaches.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { listFolder, readMigration, type MigrationFile } from '../cli/folder.ts'
import { createHistoryTable } from '../cli/history.ts'
import { applyMigration } from '../cli/apply.ts'
import { connect } from './connect.ts'
import { applyPlatformShim } from './platform/shim.ts'

export type RemoteHistory = { pushedThrough: string; notPushed: string[]; ranAs: string[]; byHand: string[] }

export const readRemoteHistory = (root: string): RemoteHistory => JSON.parse(readFileSync(join(root, 'remote', 'history.json'), 'utf8')) as RemoteHistory

// The migrations the remote history holds, in the order `db push` applied them, each with the text that ran.
export function pushedMigrations(root: string): { file: MigrationFile; text: string }[] {
  const history = readRemoteHistory(root)
  const ranAs = listFolder(join(root, 'remote')).files.filter((f) => history.ranAs.includes(f.file))
  const local = listFolder(join(root, 'supabase', 'migrations')).files.filter((f) => f.version <= history.pushedThrough && !history.notPushed.includes(f.version))
  const entries = [...local.filter((f) => !ranAs.some((r) => r.version === f.version)), ...ranAs].map((file) => ({ file, text: readMigration(file.path) }))
  // All versions have 14 digits, so text order is the CLI's order.
  return entries.sort((a, b) => (a.file.version < b.file.version ? -1 : 1))
}

// On an empty database: the platform, the pushed history as `db push` wrote it, then the scripts run by hand.
export async function buildExampleRemote(url: string, root: string): Promise<void> {
  const sql = connect(url, { app: 'example-remote', onNotice: () => {} })
  try {
    await applyPlatformShim(sql)
    await createHistoryTable(sql)
    for (const { file, text } of pushedMigrations(root)) {
      const result = await applyMigration(sql, file, { record: true, text })
      if (!result.ok) throw new Error(`example remote: ${result.file} failed at statement ${result.index}: ${result.message} (${result.code})`)
    }
    // Whole scripts over the simple protocol, as the dashboard's SQL editor runs them.
    for (const name of readRemoteHistory(root).byHand) await sql.unsafe(readMigration(join(root, 'remote', name)))
  } finally {
    await sql.end({ timeout: 5 })
  }
}
