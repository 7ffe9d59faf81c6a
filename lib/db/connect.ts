// postgres.js connections with the kit's timeouts, and driver failures turned into one clear KitError.
import { connect as tcpConnect, type Socket } from 'node:net'
import postgres from 'postgres'
import { KitError } from '../run/errors.ts'
import { passwordOf, redact } from '../run/redact.ts'
import type { Sql } from '../run/sql.ts'

export type ConnectOptions = {
  app: string
  // Notices go to the caller (stderr in scripts): postgres.js prints them to stdout by default.
  onNotice?: (message: string) => void
  statementTimeoutMs?: number
  lockTimeoutMs?: number
}

export function parseDbUrl(url: string): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new KitError('BAD_DB_URL', `not a connection URL: ${redact(url, passwordOf(url))}`, 'Use postgresql://user:password@host:5432/postgres')
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new KitError('BAD_DB_URL', `unsupported URL scheme "${parsed.protocol}" in ${redact(url, passwordOf(url))}`, 'Use a postgresql:// URL')
  }
  if (!parsed.hostname) throw new KitError('BAD_DB_URL', `no host in ${redact(url, passwordOf(url))}`, 'Use postgresql://user:password@host:5432/postgres')
  // postgres.js treats any other sslmode as "try TLS", so a typo became a TLS handshake error; libpq refuses it
  // (PostgreSQL docs, "Connection Strings", sslmode).
  const sslmode = parsed.searchParams.get('sslmode')
  if (sslmode !== null && !SSLMODES.includes(sslmode)) {
    throw new KitError('BAD_DB_URL', `unknown sslmode "${sslmode}" in ${redact(url, passwordOf(url))}`, `Use one of ${SSLMODES.join(', ')}`)
  }
  return parsed
}

const SSLMODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']

// Supabase's transaction-mode pooler (port 6543) cannot keep prepared statements between transactions.
export const isTransactionPooler = (url: URL) => url.port === '6543'

// libpq's connect_timeout in the URL (seconds), else 10 s: the deadline for the whole connect.
export function connectDeadlineSeconds(url: URL): number {
  const given = Number(url.searchParams.get('connect_timeout'))
  return Number.isFinite(given) && given > 0 ? given : 10
}

// The first byte a PostgreSQL server (or pooler) sends on a new connection: 'R' authentication request, 'E' an
// error, 'N'/'S' the answer to an SSLRequest, 'v' NegotiateProtocolVersion (PostgreSQL docs, "Message Formats").
const POSTGRES_FIRST_BYTES = new Set([0x52, 0x45, 0x4e, 0x53, 0x76])

// What the sockets of one client have seen, so a failed first connect is told apart and never retried.
type Watch = { ready: boolean; attempts: number; socket?: Socket; spokePostgres: boolean; notPostgres?: string }

// postgres.js opens its own sockets and, when one closes before the connection is ready, opens the next at once
// (src/connection.js closed(): `if (initial) return reconnect()`): a port that answers with something else and
// closes (an HTTP server) makes thousands of attempts. The socket factory below lets the first attempt through
// and refuses a later one unless the connection was once ready or the server before spoke PostgreSQL (a real
// server that dropped the session may be reconnected to; anything else is one attempt only).
function socketFactory(host: string, port: number, watch: Watch) {
  return () =>
    new Promise<Socket>((resolve, reject) => {
      watch.attempts++
      if (watch.attempts > 1 && !watch.ready && !watch.spokePostgres) {
        reject(notPostgres(host, port, watch.notPostgres ?? 'it closed the connection without a PostgreSQL answer'))
        return
      }
      const socket = tcpConnect({ host, port })
      watch.socket = socket
      watch.spokePostgres = false
      socket.once('data', (chunk: Buffer) => {
        if (POSTGRES_FIRST_BYTES.has(chunk[0])) {
          watch.spokePostgres = true
          return
        }
        watch.notPostgres = `it answered ${JSON.stringify(chunk.subarray(0, 40).toString('latin1').split(/\r?\n/)[0])}`
        socket.destroy()
      })
      socket.once('connect', () => resolve(socket))
      socket.once('error', reject)
    })
}

const notPostgres = (host: string, port: number, why: string) =>
  new KitError('DB_NOT_POSTGRES', `${host}:${port} is not a PostgreSQL server (${why})`, 'Check the host and port in the URL (Supabase: 5432 direct or session pooler, 6543 transaction pooler)')

// TLS follows the URL's sslmode (postgres.js reads it), as psql does.
export function connect(url: string, options: ConnectOptions): Sql {
  return clientFor(url, options).sql
}

// One attempt, a hard deadline for the whole connect (TCP, TLS, startup, authentication): a first query raced
// against a timer that ends the client. What every script uses for a URL the user gave.
export async function openConnection(url: string, options: ConnectOptions): Promise<Sql> {
  const { sql, watch, host, port, seconds } = clientFor(url, options)
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KitError('DB_NO_ANSWER', `no answer from ${host}:${port} within ${seconds} s`, 'Check the host, port and firewall; connect_timeout in the URL sets the deadline')), seconds * 1000)
  })
  try {
    await Promise.race([sql`select 1`, deadline])
    watch.ready = true
    return sql
  } catch (err) {
    watch.socket?.destroy()
    await sql.end({ timeout: 0 })
    if (watch.notPostgres) throw notPostgres(host, port, watch.notPostgres)
    throw err instanceof KitError ? err : describeDbError(err, url)
  } finally {
    clearTimeout(timer)
  }
}

function clientFor(url: string, options: ConnectOptions) {
  const parsed = parseDbUrl(url)
  const seconds = connectDeadlineSeconds(parsed)
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  const port = Number(parsed.port || 5432)
  const watch: Watch = { ready: false, attempts: 0, spokePostgres: false }
  const sql = postgres(url, {
    max: 1,
    connect_timeout: seconds,
    idle_timeout: 0,
    // A recycled connection would be a second attempt; a run is one session.
    max_lifetime: null,
    // `socket` is a documented postgres.js option (its README, "All Postgres options"), absent from its types.
    ...({ socket: socketFactory(host, port, watch) } as object),
    prepare: !isTransactionPooler(parsed),
    onnotice: (notice) => options.onNotice?.(`${notice.severity ?? 'NOTICE'}: ${notice.message}`),
    connection: {
      application_name: options.app,
      statement_timeout: options.statementTimeoutMs ?? 120_000,
      lock_timeout: options.lockTimeoutMs ?? 10_000,
    },
  }) as unknown as Sql
  return { sql, watch, host, port, seconds }
}

type DriverError = Error & { code?: string; errno?: string; address?: string; port?: number }

// One sentence per failure a user can fix, keyed on codes (never on message text).
export function describeDbError(err: unknown, url: string): KitError {
  if (err instanceof KitError) return err
  const e = err as DriverError
  const where = hostOf(url)
  const secrets = passwordOf(url)
  const said = redact(String(e?.message ?? err), secrets)
  // postgres.js starts TLS even when the server answers the SSLRequest with "no" (src/connection.js secure()), and
  // the server then closes the socket: with sslmode=require that reset means "this server has no TLS".
  if (e?.code === 'ECONNRESET' && requiresTls(url)) {
    return new KitError('DB_UNREACHABLE', `${where} closed the connection during the TLS handshake: it does not offer TLS (sslmode=${sslmodeOf(url)})`, 'Use sslmode=disable for a server without TLS (Supabase always has it), or check the host and port')
  }
  switch (e?.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return new KitError('DB_UNREACHABLE', `cannot reach ${where} (${e.code})`, 'Check --db-url or start the database')
    case '28P01':
    case '28000':
      return new KitError('DB_AUTH', `authentication failed for ${where}: ${said}`, 'Check the user and password in the URL')
    case '3D000':
      return new KitError('DB_MISSING', `database does not exist on ${where}: ${said}`, 'Check the database name in the URL')
    case '42501':
      return new KitError('DB_PERMISSION', `permission denied on ${where}: ${said}`, 'Connect as a role that owns the schema (on Supabase: postgres)')
    case '55P03':
      return new KitError('LOCKED', `lock not available on ${where}: ${said}`, 'Another session holds a lock; retry when it is done')
    case '57014':
      return new KitError('DB_TIMEOUT', `statement timed out on ${where}: ${said}`, 'Retry, or raise the timeout')
    default:
      return new KitError('DB_ERROR', `${said}${e?.code ? ` (${e.code})` : ''}`)
  }
}

function sslmodeOf(url: string): string | null {
  try {
    return new URL(url).searchParams.get('sslmode')
  } catch {
    return null
  }
}

const requiresTls = (url: string) => ['require', 'verify-ca', 'verify-full'].includes(sslmodeOf(url) ?? '')

function hostOf(url: string): string {
  try {
    const u = new URL(url)
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`
  } catch {
    return redact(url, passwordOf(url))
  }
}
