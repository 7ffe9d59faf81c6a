// PostgreSQL as the judge of idempotency: run a migration's text once, then again, inside savepoints of one
// transaction that is never committed, so many cases share one database and leave nothing behind.
import type postgres from 'postgres'
import { applyPlatformShim } from '../../lib/db/platform/shim.ts'
import type { Sql } from '../../lib/run/sql.ts'
import { splitAndTrim } from '../../lib/cli/split.ts'
import { client, createTempDatabase, dropTempDatabase } from './db.ts'

export type Tx = postgres.TransactionSql<Record<string, never>>
export type RunResult = { ok: true } | { ok: false; code?: string; message: string; index: number }

const ROLLBACK = Symbol('rollback')

// A fresh database with the Supabase platform shim, a transaction on it, and a rollback at the end.
export async function inRolledBackTransaction(body: (tx: Tx) => Promise<void>): Promise<void> {
  const url = await createTempDatabase()
  const sql = client(url)
  try {
    await applyPlatformShim(sql as unknown as Sql)
    await rolledBack(sql, body)
  } finally {
    await sql.end({ timeout: 5 })
    await dropTempDatabase(url)
  }
}

// A transaction on `sql` that is always rolled back: many cases can share one database.
export async function rolledBack(sql: ReturnType<typeof client>, body: (tx: Tx) => Promise<void>): Promise<void> {
  await sql
    .begin(async (tx) => {
      await body(tx as unknown as Tx)
      throw ROLLBACK
    })
    .catch((err) => {
      if (err !== ROLLBACK) throw err
    })
}

// Runs `fn` in a savepoint and undoes it, whatever happens; returns what fn returned.
export async function tryAndUndo<T>(tx: Tx, fn: (sp: Tx) => Promise<T>): Promise<T> {
  let result: T
  await tx
    .savepoint(async (sp) => {
      result = await fn(sp as unknown as Tx)
      throw ROLLBACK
    })
    .catch((err) => {
      if (err !== ROLLBACK) throw err
    })
  return result!
}

// The file as db push runs it: the CLI's statements, one after the other, all-or-nothing (a savepoint here).
export async function runFile(tx: Tx, text: string): Promise<RunResult> {
  const statements = splitAndTrim(text) ?? []
  let index = 0
  try {
    await tx.savepoint(async (sp) => {
      for (const s of statements) {
        await sp.unsafe(s)
        index++
      }
    })
    return { ok: true }
  } catch (err) {
    const e = err as { code?: string; message: string }
    return { ok: false, code: e.code, message: e.message, index }
  }
}

// Each statement alone in its own savepoint (a failure does not stop the rest): true where it raised.
// An internal error (XX000) is no verdict: PostgreSQL 15.20 raises "cannot start a subtransaction when there are
// unprocessed inval messages" for ALTER DOMAIN … ADD CONSTRAINT in a savepoint after ALTER DOMAIN … DROP
// CONSTRAINT in the same transaction, where db push (no savepoints) would succeed.
export async function failingStatements(tx: Tx, statements: readonly string[]): Promise<boolean[]> {
  const out: boolean[] = []
  for (const s of statements) {
    try {
      await tx.savepoint((sp) => sp.unsafe(s))
      out.push(false)
    } catch (err) {
      const e = err as { code?: string; message: string }
      if (e.code === 'XX000') throw new Error(`PostgreSQL internal error, no verdict on ${JSON.stringify(s.slice(0, 80))}: ${e.message}`)
      out.push(true)
    }
  }
  return out
}
