// Applying migration files the way `supabase db push` does (pkg/migration/file.go ExecBatch): RESET ALL, then
// the file's statements and its history row in one transaction, stopping the chain at the first failure. This is
// the one place that applies a file: drift, replay and the tests' seed builder all come through here, so every
// verdict sees the same protocol the CLI uses.
import type { Sql } from '../run/sql.ts'
import { readMigration, type MigrationFile } from './folder.ts'
import { createHistoryTable, insertHistoryRow } from './history.ts'
import { splitAndTrim } from './split.ts'

export type ApplyFailure = {
  file: string
  // 0-based, as the CLI's "At statement: <i>"; equal to the statement count when the history INSERT failed.
  index: number
  statement: string
  code?: string
  message: string
  detail?: string
  position?: number
}
export type ApplyResult = { ok: true } | ({ ok: false } & ApplyFailure)

// `simple` is postgres.js's own switch (src/index.js unsafe()), missing from its type declarations.
const EXTENDED_PROTOCOL = { simple: false, prepare: false } as { prepare: boolean }

type PgError = Error & { code?: string; detail?: string; position?: string }

// One file: its statements (from the CLI's splitter), then, when `record` is set, the history row.
export async function applyMigration(sql: Sql, file: MigrationFile, options: { record: boolean; text?: string }): Promise<ApplyResult> {
  const statements = splitAndTrim(options.text ?? readMigration(file.path))
  await sql`RESET ALL`
  let index = 0
  try {
    // The CLI queues every statement and the history INSERT with pgconn's ExecParams in one batch ended by a
    // single Sync: PostgreSQL runs such a batch as one implicit transaction (PostgreSQL docs, "Extended Query",
    // 55.2.3: everything up to Sync). postgres.js cannot pipeline a batch, so sql.begin stands in for that
    // implicit transaction: the same all-or-nothing outcome for the file and its history row.
    await sql.begin(async (tx) => {
      await runStatements(tx as unknown as Sql, statements ?? [], () => index++)
      if (options.record) await insertHistoryRow(tx as unknown as Sql, { version: file.version, name: file.name, statements })
    })
    return { ok: true }
  } catch (err) {
    const e = err as PgError
    const all = statements ?? []
    return {
      ok: false,
      file: file.file,
      index,
      statement: index < all.length ? all[index] : 'INSERT INTO supabase_migrations.schema_migrations(version, name, statements) VALUES($1, $2, $3)',
      code: e.code,
      message: e.message,
      detail: e.detail,
      position: e.position ? Number(e.position) : undefined,
    }
  }
}

// Each statement alone, over the extended protocol like pgx (Parse/Bind/Execute; postgres.js would use the simple
// protocol for a text without parameters unless told `simple: false`): two commands merged by the splitter fail
// with 42601 "cannot insert multiple commands into a prepared statement", as in db push.
async function runStatements(tx: Sql, statements: readonly string[], ran: () => void): Promise<void> {
  for (const statement of statements) {
    await tx.unsafe(statement, [], EXTENDED_PROTOCOL)
    ran()
  }
}

// `db push` over a list of pending files: create the history table, then apply in order until one fails.
export async function applyChain(sql: Sql, files: readonly MigrationFile[], options: { record: boolean }): Promise<{ applied: string[]; failure?: ApplyFailure }> {
  if (options.record && files.length > 0) await createHistoryTable(sql)
  const applied: string[] = []
  for (const file of files) {
    const result = await applyMigration(sql, file, options)
    if (!result.ok) return { applied, failure: result }
    applied.push(file.file)
  }
  return { applied }
}

// A file's first `count` statements (those that ran before it failed) in a transaction that is always rolled back,
// with `inspect` reading the database in between: what a failing file would have made before its failure, without
// leaving any of it behind (db push leaves nothing of a failed file either).
export async function inspectPartialFile<T>(sql: Sql, file: MigrationFile, count: number, inspect: (tx: Sql) => Promise<T>): Promise<T> {
  const statements = (splitAndTrim(readMigration(file.path)) ?? []).slice(0, count)
  await sql`RESET ALL`
  let seen: { value: T } | undefined
  await sql
    .begin(async (tx) => {
      for (const statement of statements) await tx.unsafe(statement, [], EXTENDED_PROTOCOL)
      seen = { value: await inspect(tx as unknown as Sql) }
      throw ROLLBACK
    })
    .catch((err) => {
      if (err !== ROLLBACK) throw err
    })
  return seen!.value
}

// A file run once more, as db push runs it but without its history row, in a transaction that is always rolled
// back, with `inspect` reading the database when every statement ran: one file's re-run on the state the chain
// left, judged without changing that state for the next file's.
export async function rerunRolledBack<T>(sql: Sql, file: MigrationFile, inspect: (tx: Sql) => Promise<T>): Promise<{ result: ApplyResult; seen?: T }> {
  const statements = splitAndTrim(readMigration(file.path)) ?? []
  await sql`RESET ALL`
  let index = 0
  let seen: { value: T } | undefined
  try {
    await sql.begin(async (tx) => {
      await runStatements(tx as unknown as Sql, statements, () => index++)
      seen = { value: await inspect(tx as unknown as Sql) }
      throw ROLLBACK
    })
  } catch (err) {
    if (err !== ROLLBACK) {
      const e = err as PgError
      return { result: { ok: false, file: file.file, index, statement: statements[index] ?? '', code: e.code, message: e.message, detail: e.detail, position: e.position ? Number(e.position) : undefined } }
    }
  }
  return { result: { ok: true }, seen: seen?.value }
}

const ROLLBACK = new Error('rollback: inspected only')
