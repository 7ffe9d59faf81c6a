// Changing the remote history safely: under one advisory lock, with lock_timeout, a copy of the table inside the
// remote first (its own committed transaction), then the rewrite as one transaction that re-checks the table still
// equals the backup, writes rows with the CLI's own SQL (pkg/migration/history.go), and has PostgreSQL confirm the
// result before COMMIT. A connection lost at any step leaves the history entirely old or entirely new.
import { KitError } from '../run/errors.ts'
import type { Sql } from '../run/sql.ts'
import { createHistoryTable, deleteHistoryRows, insertHistoryRow, type HistoryRow } from '../cli/history.ts'
import { restoreHistory, type HistorySnapshot } from './history-backup.ts'

// pg_try_advisory_xact_lock key shared by every history-writing run of the kit: the bytes of "SMKRESET" as a
// bigint. The lock is released by COMMIT or by the end of the session, so a crashed run never leaves it behind.
export const HISTORY_LOCK_KEY = '6002536695077225812'

export type RewriteStep = 'lock' | 'compare' | 'copy' | 'create-table' | 'delete' | 'insert' | 'restore' | 'verify' | 'commit'
export type RewriteOptions = { lockTimeoutMs?: number; onStep?: (step: RewriteStep) => Promise<void> | void }

const TABLE = 'supabase_migrations.schema_migrations'

// Takes the lock for this transaction and bounds every lock wait after it (SET LOCAL: ends with the transaction).
async function lockHistory(tx: Sql, options: RewriteOptions): Promise<void> {
  await options.onStep?.('lock')
  const [{ locked }] = await tx<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(${HISTORY_LOCK_KEY}::bigint) as locked`
  if (!locked) throw new KitError('LOCKED', 'another reset is running on this database (it holds the kit\'s advisory lock)', 'Wait for it to finish, then run again')
  await tx`select set_config('lock_timeout', ${`${options.lockTimeoutMs ?? 10_000}ms`}, true)`
}

// The table still holds exactly the rows the backup holds (to_jsonb of every column, compared by PostgreSQL).
async function assertUnchanged(tx: Sql, backup: HistorySnapshot, options: RewriteOptions): Promise<void> {
  await options.onStep?.('compare')
  const [{ exists }] = await tx<{ exists: boolean }[]>`select to_regclass(${TABLE}) is not null as exists`
  let same = exists === backup.exists
  if (same && exists) {
    ;[{ same }] = await tx<{ same: boolean }[]>`
      select coalesce(jsonb_agg(to_jsonb(t) order by t.version), '[]'::jsonb) = ${JSON.stringify(backup.rows)}::text::jsonb as same
      from supabase_migrations.schema_migrations t`
  }
  if (!same) throw new KitError('REFUSED', 'the history table changed since the backup was taken (a db push or repair ran meanwhile); nothing was changed', 'Run again to plan from the new state')
}

// Step 1: a copy of the table inside the remote, committed on its own, before anything changes.
export async function copyHistory(sql: Sql, copyTable: string, backup: HistorySnapshot, options: RewriteOptions = {}): Promise<void> {
  await sql.begin(async (tx) => {
    await lockHistory(tx as unknown as Sql, options)
    await assertUnchanged(tx as unknown as Sql, backup, options)
    await options.onStep?.('copy')
    if (!backup.exists) return
    await tx`create table ${tx(`supabase_migrations.${copyTable}`)} as table supabase_migrations.schema_migrations`
    const [{ n }] = await tx<{ n: number }[]>`select count(*)::int as n from ${tx(`supabase_migrations.${copyTable}`)}`
    if (n !== backup.rows.length) throw new KitError('VERIFY_FAILED', `the copy ${copyTable} holds ${n} rows, the history ${backup.rows.length}`, 'Rerun with --debug and report it')
  })
}

// The history as (version, name, statements), ordered; what the CLI reads back (SELECT_VERSION_TABLE).
const historyJson = (rows: readonly HistoryRow[]) =>
  JSON.stringify([...rows].sort((a, b) => (a.version < b.version ? -1 : 1)).map((r) => [r.version, r.name, r.statements]))

async function verifyHistory(tx: Sql, expected: readonly HistoryRow[], options: RewriteOptions): Promise<void> {
  await options.onStep?.('verify')
  const [{ same }] = await tx<{ same: boolean }[]>`
    select coalesce(jsonb_agg(jsonb_build_array(version, coalesce(name, ''), statements) order by version), '[]'::jsonb)
           = ${historyJson(expected)}::text::jsonb as same
    from supabase_migrations.schema_migrations`
  if (!same) throw new KitError('VERIFY_FAILED', 'after the rewrite the history was not the planned rows; the transaction was rolled back and nothing changed', 'Rerun with --debug and report it')
}

// Step 2: delete `remove`, insert `add` (the CLI's DELETE and INSERT), and COMMIT only when the table is `expected`.
export async function rewriteHistory(
  sql: Sql,
  change: { backup: HistorySnapshot; remove: readonly string[]; add: readonly HistoryRow[]; expected: readonly HistoryRow[] },
  options: RewriteOptions = {},
): Promise<void> {
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql
    await lockHistory(t, options)
    await assertUnchanged(t, change.backup, options)
    await options.onStep?.('create-table')
    // As db push does when the table is missing (CreateMigrationTable); a no-op on an existing table.
    await createHistoryTable(t)
    await options.onStep?.('delete')
    if (change.remove.length) await deleteHistoryRows(t, change.remove)
    await options.onStep?.('insert')
    for (const row of change.add) await insertHistoryRow(t, row)
    await verifyHistory(t, change.expected, options)
    await options.onStep?.('commit')
  })
}

// --restore: the backup's table back, under the same lock, in one transaction checked before COMMIT.
export async function restoreBackup(sql: Sql, current: HistorySnapshot, backup: HistorySnapshot, options: RewriteOptions = {}): Promise<void> {
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql
    await lockHistory(t, options)
    await assertUnchanged(t, current, options)
    await options.onStep?.('restore')
    await restoreHistory(t, backup)
    await options.onStep?.('commit')
  })
}
