// A backup of the history table that can put it back exactly: every column it has (hosted tables may carry more
// than the three the CLI writes, pkg/migration/history.go), every row as PostgreSQL's own to_jsonb, as a JSON file,
// a psql-runnable SQL script, and a restore inside one transaction.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { KitError } from '../run/errors.ts'
import type { Sql } from '../run/sql.ts'
import { freeDollarTag } from '../sql/lexer.ts'

export type HistoryColumn = { name: string; type: string; notNull: boolean; default: string | null }
export type HistorySnapshot = { exists: boolean; columns: HistoryColumn[]; rows: Record<string, unknown>[] }
// What a run planned on the local side, so --restore can undo it: files moved to the archive, files written.
export type LocalActions = { root: string; moved: { from: string; to: string }[]; written: string[] }
export type BackupManifest = { kit: 'reset-history'; takenAt: string; database: string; copyTable: string | null; history: HistorySnapshot; local: LocalActions | null }

const TABLE = 'supabase_migrations.schema_migrations'

// The table's shape and rows as they are now; a missing table is { exists: false }.
export async function snapshotHistory(sql: Sql): Promise<HistorySnapshot> {
  const [{ oid }] = await sql<{ oid: number | null }[]>`select to_regclass(${TABLE})::oid as oid`
  if (oid === null) return { exists: false, columns: [], rows: [] }
  const columns = await sql<HistoryColumn[]>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as "notNull",
           pg_get_expr(d.adbin, d.adrelid) as default
    from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where a.attrelid = ${oid} and a.attnum > 0 and not a.attisdropped
    order by a.attnum`
  const rows = await sql<{ row: Record<string, unknown> }[]>`
    select to_jsonb(t) as row from supabase_migrations.schema_migrations t order by t.version`
  return { exists: true, columns: [...columns], rows: rows.map((r) => r.row) }
}

export function writeBackup(dir: string, manifest: BackupManifest): { json: string; sql: string } {
  mkdirSync(dir, { recursive: true })
  const json = join(dir, 'history.json')
  const sql = join(dir, 'restore.sql')
  writeFileSync(json, JSON.stringify(manifest, null, 2) + '\n', { flag: 'wx' })
  writeFileSync(sql, restoreScript(manifest), { flag: 'wx' })
  return { json, sql }
}

export function readBackup(path: string): BackupManifest {
  const file = path.endsWith('.json') ? path : join(path, 'history.json')
  let parsed: BackupManifest
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new KitError('FILE_UNREADABLE', `cannot read the backup ${file}: ${(err as Error).message}`, 'Pass the folder reset-history printed (supabase/.migration-backups/<timestamp>)')
  }
  const h = parsed?.history
  if (parsed?.kit !== 'reset-history' || typeof h?.exists !== 'boolean' || !Array.isArray(h.rows) || !Array.isArray(h.columns)) {
    throw new KitError('FILE_UNREADABLE', `${file} is not a reset-history backup`, 'Pass the folder reset-history printed (supabase/.migration-backups/<timestamp>)')
  }
  return parsed
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`

// The columns a restore adds when the table lacks them, as generated SQL (types as format_type printed them).
const addColumns = (columns: readonly HistoryColumn[]) =>
  columns.map((c) => `ALTER TABLE ${TABLE} ADD COLUMN IF NOT EXISTS ${ident(c.name)} ${c.type}${c.default ? ` DEFAULT ${c.default}` : ''}`)

// The same restore as restoreHistory, for psql: no password in it, nothing but the history table touched.
export function restoreScript(m: BackupManifest): string {
  const head = `-- Restores ${TABLE} as reset-history found it on ${m.database} at ${m.takenAt}.\n-- Run: psql "$SUPABASE_DB_URL" -v ON_ERROR_STOP=1 -f restore.sql\nBEGIN;\n`
  if (!m.history.exists) return `${head}DROP TABLE IF EXISTS ${TABLE};\nCOMMIT;\n`
  const data = JSON.stringify(m.history.rows)
  const tag = freeDollarTag(data, 'rows')
  return [
    head.trimEnd(),
    'CREATE SCHEMA IF NOT EXISTS supabase_migrations;',
    `CREATE TABLE IF NOT EXISTS ${TABLE} (version text NOT NULL PRIMARY KEY);`,
    ...addColumns(m.history.columns).map((s) => `${s};`),
    `DELETE FROM ${TABLE};`,
    `INSERT INTO ${TABLE} SELECT * FROM jsonb_populate_recordset(NULL::${TABLE}, ${tag}${data}${tag}::jsonb);`,
    'COMMIT;',
    '',
  ].join('\n')
}

// Inside the caller's transaction: the table back to the backup's rows (or gone, if it did not exist), then a check
// by PostgreSQL that every row equals the backup's, column for column.
export async function restoreHistory(tx: Sql, history: HistorySnapshot): Promise<void> {
  if (!history.exists) {
    await tx`DROP TABLE IF EXISTS supabase_migrations.schema_migrations`
    return
  }
  await tx`CREATE SCHEMA IF NOT EXISTS supabase_migrations`
  await tx`CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY)`
  for (const statement of addColumns(history.columns)) await tx.unsafe(statement)
  await tx`DELETE FROM supabase_migrations.schema_migrations`
  await tx`
    INSERT INTO supabase_migrations.schema_migrations
    SELECT * FROM jsonb_populate_recordset(NULL::supabase_migrations.schema_migrations, ${JSON.stringify(history.rows)}::text::jsonb)`
  const kept = history.columns.map((c) => c.name)
  const [{ same }] = await tx<{ same: boolean }[]>`
    select coalesce(jsonb_agg(to_jsonb(t) - (select coalesce(array_agg(k), '{}') from jsonb_object_keys(to_jsonb(t)) k where k <> all(select jsonb_array_elements_text(${JSON.stringify(kept)}::text::jsonb))) order by t.version), '[]'::jsonb)
           = ${JSON.stringify(history.rows)}::text::jsonb as same
    from supabase_migrations.schema_migrations t`
  if (!same) throw new KitError('VERIFY_FAILED', 'the restored history does not equal the backup; nothing was changed', 'Rerun with --debug and report it')
}
