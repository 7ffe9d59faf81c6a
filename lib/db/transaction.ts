// One transaction on one reserved connection, with BEGIN, COMMIT and ROLLBACK sent by hand, that fails cleanly when
// the server ends the connection (pg_terminate_backend, a failover, a restart). postgres.js 3.4.9 crashes the
// process (TypeError in connection.js nextWrite) when a query is written to a connection it has seen closed: its
// sql.begin() does so with its ROLLBACK, and a reserved connection does so with the next query. Here nothing more
// is sent once the connection is gone; PostgreSQL has rolled the transaction back by then.
import { KitError } from '../run/errors.ts'
import type { Sql } from '../run/sql.ts'

const LOST = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'EPIPE', '57P01', '57P02', '57P03'])
export const isConnectionLost = (err: unknown) => LOST.has((err as { code?: string })?.code ?? '')

type Options = { onclose?: (id: number) => void }
const isTaggedCall = (args: unknown[]) => Array.isArray(args[0]) && 'raw' in (args[0] as object)

// Clients whose transaction lost its connection. postgres.js keeps a query that was in flight when the socket closed
// as pending, so sql.end({ timeout }) then waits out the whole timeout for it; nothing can answer it any more.
const lostClients = new WeakSet<object>()
export const endTimeout = (sql: Sql) => (lostClients.has(sql) ? 0 : 5)

export async function inTransaction<T>(sql: Sql, body: (tx: Sql) => Promise<T>): Promise<T> {
  // postgres.js calls options.onclose when a connection closes; with max: 1 that is this transaction's connection.
  const options = (sql as unknown as { options: Options }).options
  const previous = options.onclose
  let lost = false
  options.onclose = (id) => {
    lost = true
    previous?.(id)
  }
  const gone = () => Promise.reject(new KitError('DB_ERROR', 'the database connection was lost during the transaction; PostgreSQL rolled it back, nothing was changed (CONNECTION_CLOSED)'))
  const reserved = await sql.reserve()
  // Queries (tagged calls and unsafe) refuse to run on a lost connection; identifier helpers pass through.
  const tx = new Proxy(reserved, {
    apply: (target, self, args) => (lost && isTaggedCall(args) ? gone() : Reflect.apply(target as never, self, args)),
    get: (target, prop, receiver) => (prop === 'unsafe' ? (...a: unknown[]) => (lost ? gone() : (target.unsafe as (...x: unknown[]) => unknown)(...a)) : Reflect.get(target, prop, receiver)),
  }) as unknown as Sql
  try {
    await tx`begin`
    let committing = false
    try {
      const result = await body(tx)
      committing = true
      await tx`commit`
      return result
    } catch (err) {
      lost ||= isConnectionLost(err)
      if (!lost) {
        await tx`rollback`
        throw err
      }
      lostClients.add(sql)
      // Lost before COMMIT was sent, PostgreSQL rolled the transaction back; lost during it, nobody can tell.
      if (committing) throw new KitError('DB_ERROR', `the database connection was lost during COMMIT, so whether the change was committed is unknown (${(err as { code?: string }).code ?? 'CONNECTION_CLOSED'})`, 'Check what the database holds now (check-sync) before running again')
      throw err instanceof KitError ? err : new KitError('DB_ERROR', `the database connection was lost during the transaction; PostgreSQL rolled it back, nothing was changed (${(err as { code?: string }).code ?? 'CONNECTION_CLOSED'})`)
    }
  } finally {
    options.onclose = previous
    // A lost connection is not handed back (nothing more may be written to it).
    if (!lost) reserved.release()
  }
}
