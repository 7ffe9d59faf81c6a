// postgres.js connections with the kit's timeouts, and driver failures turned into one clear KitError.
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

// TLS follows the URL's sslmode (postgres.js reads it), as psql does.
export function connect(url: string, options: ConnectOptions): Sql {
  const parsed = parseDbUrl(url)
  return postgres(url, {
    max: 1,
    connect_timeout: 10,
    idle_timeout: 0,
    prepare: !isTransactionPooler(parsed),
    onnotice: (notice) => options.onNotice?.(`${notice.severity ?? 'NOTICE'}: ${notice.message}`),
    connection: {
      application_name: options.app,
      statement_timeout: options.statementTimeoutMs ?? 120_000,
      lock_timeout: options.lockTimeoutMs ?? 10_000,
    },
  }) as unknown as Sql
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
