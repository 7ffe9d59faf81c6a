// Each test gets its own database: TEST_DATABASE_URL, else the local server at 127.0.0.1:5432, else an
// embedded PGlite (one instance per database, since PGlite serves a single database). TEST_ENGINE=pglite
// forces the embedded engine.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import type { Test } from 'uvu'
import { startEmbedded, type Embedded } from '../../lib/db/embedded.ts'
import type { Sql } from '../../lib/run/sql.ts'
import { setPlatformSearchPath } from '../../lib/db/platform/shim.ts'
import { registerIf } from './skip.ts'

const LOCAL = 'postgresql://postgres@127.0.0.1:5432/postgres'
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const embedded = new Map<string, Embedded>()

// The admin URL of a real server, or null when only the embedded engine is available. Decided once, when this
// module loads, and synchronously: uvu counts `Skipped:` only for tests registered as skipped, so a test that needs
// a server must know before it is registered, and `npm test` (uvu -r tsx) loads test files as CommonJS, where a
// top-level await does not compile. So the probe is a child process that tries `select 1` for up to 3 s.
function probeServer(): string | null {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL
  // TEST_ENGINE=pglite exercises the no-server path on a machine that has a server.
  if (process.env.TEST_ENGINE === 'pglite') return null
  const probe = `import postgres from 'postgres'
    const sql = postgres(${JSON.stringify(LOCAL)}, { max: 1, connect_timeout: 3, onnotice: () => {} })
    try { await sql\`select 1\` } catch { process.exitCode = 1 } finally { await sql.end({ timeout: 1 }) }`
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: ROOT, timeout: 15_000, stdio: 'ignore' })
  // No local server: fall back to PGlite so the suite still runs on a bare machine.
  return run.status === 0 ? LOCAL : null
}

export const SERVER: string | null = probeServer()

export const testServer = async (): Promise<string | null> => SERVER

export const engineName = async () => (SERVER ? 'server' : 'pglite')

// Registers a test that needs a real server, as skipped on the embedded engine. PGlite has one backend and one
// user and serves one database whatever the URL says: roles, privileges, concurrent sessions, database names,
// startup parameters and engine comparisons need a server.
export const onServer = <T>(t: Test<T>, why: string) => registerIf(t, Boolean(SERVER), `pglite: ${why}`)

export async function createTempDatabase(): Promise<string> {
  const admin = await testServer()
  if (!admin) {
    const e = await startEmbedded()
    embedded.set(e.url, e)
    return e.url
  }
  const name = `smk_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const sql = postgres(admin, { max: 1, onnotice: () => {} })
  try {
    await sql`create database ${sql(name)}`
    // The "remote" gets hosted Supabase's search_path, as the shadow does (lib/shadow.ts); PGlite gets it at start-up.
    await setPlatformSearchPath(sql as unknown as Sql, name)
  } finally {
    await sql.end({ timeout: 5 })
  }
  const url = new URL(admin)
  url.pathname = `/${name}`
  return url.toString()
}

export async function dropTempDatabase(url: string): Promise<void> {
  if (!url) return
  const e = embedded.get(url)
  if (e) {
    embedded.delete(url)
    await e.stop()
    return
  }
  const admin = await testServer()
  if (!admin) return
  const name = new URL(url).pathname.slice(1)
  const sql = postgres(admin, { max: 1, onnotice: () => {} })
  try {
    await sql`drop database if exists ${sql(name)} with (force)`
  } finally {
    await sql.end({ timeout: 5 })
  }
}

// A short-lived client for assertions in tests.
export function client(url: string) {
  return postgres(url, { max: 1, onnotice: () => {} })
}
