// The remote history table, supabase_migrations.schema_migrations, read and written as the Supabase CLI does
// (pkg/migration/history.go, list.go, file.go).
import { KitError } from '../run/errors.ts'
import type { Sql } from '../run/sql.ts'

export type HistoryRow = { version: string; name: string; statements: string[] | null }

const isUndefinedTable = (err: unknown) => (err as { code?: string })?.code === '42P01'

// The CLI's SELECT_VERSION_TABLE; a missing schema or table (42P01) is an empty history, not an error.
export async function readHistory(sql: Sql): Promise<{ exists: boolean; rows: HistoryRow[] }> {
  try {
    const rows = await sql<HistoryRow[]>`
      select version, coalesce(name, '') as name, statements
      from supabase_migrations.schema_migrations
      order by version`
    return { exists: true, rows: [...rows] }
  } catch (err) {
    if (isUndefinedTable(err)) return { exists: false, rows: [] }
    // 42703: a table of that name made by hand or by another tool, without the CLI's columns.
    if ((err as { code?: string })?.code === '42703') {
      throw new KitError('HISTORY_COLUMNS', `supabase_migrations.schema_migrations lacks the Supabase CLI's columns (${(err as Error).message})`, 'The CLI reads version text, name text and statements text[]; compare the table with those columns')
    }
    throw err
  }
}

// The CLI's CreateMigrationTable, statement for statement (it sends them as one implicit transaction).
export async function createHistoryTable(sql: Sql): Promise<void> {
  await sql`SET lock_timeout = '4s'`
  await sql`CREATE SCHEMA IF NOT EXISTS supabase_migrations`
  await sql`CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY)`
  await sql`ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[]`
  await sql`ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text`
}

// postgres.js types sql.array() from the server's type list, which it loads only after a connection's first
// query, so a first-query INSERT failed with 42804. A text[] literal sent as text and cast has no such race.
function textArrayLiteral(items: readonly string[] | null): string | null {
  if (items === null) return null
  return `{${items.map((item) => `"${item.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`
}

// The row `db push` writes after a file: a plain INSERT (a duplicate version fails with 23505, as in the CLI).
// `statements` null is how the CLI stores an empty file.
export async function insertHistoryRow(sql: Sql, row: HistoryRow): Promise<void> {
  await sql`
    INSERT INTO supabase_migrations.schema_migrations(version, name, statements)
    VALUES(${row.version}, ${row.name}, ${textArrayLiteral(row.statements)}::text[])`
}

// `migration repair --status applied` from CLI v2.62.1 on.
export async function upsertHistoryRow(sql: Sql, row: HistoryRow): Promise<void> {
  await sql`
    INSERT INTO supabase_migrations.schema_migrations(version, name, statements)
    VALUES(${row.version}, ${row.name}, ${textArrayLiteral(row.statements)}::text[])
    ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, statements = EXCLUDED.statements`
}

// `migration repair --status reverted <versions>`.
export async function deleteHistoryRows(sql: Sql, versions: readonly string[]): Promise<void> {
  await sql`DELETE FROM supabase_migrations.schema_migrations WHERE version = ANY(${textArrayLiteral(versions)}::text[])`
}
