// A throwaway "shadow" database with the Supabase platform shim: a uniquely named database on a server the user
// names (always dropped, also on error and on SIGINT/SIGTERM), or an embedded PGlite served on a loopback socket.
import { randomBytes } from 'node:crypto'
import type { PGlite } from '@electric-sql/pglite'
import { connect, describeDbError, openConnection } from './connect.ts'
import { clonePglite, createPglite, serveEmbedded } from './embedded.ts'
import { dataDirKey, readCachedDataDir, storeCachedDataDir, type CachedDataDir } from './data-dir-cache.ts'
import { onInterrupt } from '../run/cleanup.ts'
import { KitError } from '../run/errors.ts'
import { applyPlatformShim, setPlatformSearchPath, type ShimReport } from './platform/shim.ts'
import { passwordOf, redact } from '../run/redact.ts'
import type { Sql } from '../run/sql.ts'

export type ShadowEngine = 'server' | 'pglite'
export type Shadow = {
  url: string
  engine: ShadowEngine
  // server_version as the engine reports it ("18.6", "15.20 (Debian …)") and its major number.
  version: string
  major: number
  platform: ShimReport
  // Milliseconds from the request to a shimmed, connectable database.
  startMs: number
  dispose: () => Promise<void>
}
export type ShadowOptions = { serverUrl?: string; app: string; onNotice?: (message: string) => void }
// Several shadows from one engine: PGlite starts once and each shadow is a clone of its pristine state.
export type ShadowSource = { open: () => Promise<Shadow>; close: () => Promise<void> }

// One shadow for one run (what scripts use).
export async function openShadow(options: ShadowOptions): Promise<Shadow> {
  if (options.serverUrl) return openServerShadow(options.serverUrl, options)
  const started = Date.now()
  const { db, platform } = await shimmedPglite(options)
  return servePglite(db, options, started, platform)
}

// A PGlite with the platform shim already applied: loaded from the cached data directory, else built (initdb, shim)
// and stored for the next run, then loaded from what was stored, so that both paths hand out the same state.
async function shimmedPglite(options: ShadowOptions): Promise<{ db: PGlite; platform: ShimReport }> {
  const key = dataDirKey()
  const cached = readCachedDataDir(key)
  if (cached) return { db: await createPglite(cached.dataDir), platform: cached.platform }
  const fresh = await createPglite()
  const { url, stop } = await serveEmbedded(fresh)
  let entry: CachedDataDir
  try {
    const { platform } = await prepare(url, options)
    entry = { dataDir: await fresh.dumpDataDir('none'), platform }
  } finally {
    await stop()
  }
  await storeCachedDataDir(key, entry)
  return { db: await createPglite(entry.dataDir), platform: entry.platform }
}

// A shadow for the length of `body`: opened, connected, always disconnected and dropped (also when `body` throws).
// The connection drops the files' notices ("already exists, skipping"): on a replay they are expected.
export async function withShadow<T>(options: ShadowOptions, body: (sql: Sql, shadow: Shadow) => Promise<T>): Promise<T> {
  const shadow = await openShadow(options)
  try {
    const sql = connect(shadow.url, { app: options.app, onNotice: () => {} })
    try {
      return await body(sql, shadow)
    } catch (err) {
      throw describeDbError(err, shadow.url)
    } finally {
      await sql.end({ timeout: 5 })
    }
  } finally {
    await shadow.dispose()
  }
}

export function shadowSource(options: ShadowOptions): ShadowSource {
  const serverUrl = options.serverUrl
  if (serverUrl) return { open: () => openServerShadow(serverUrl, options), close: async () => {} }
  let template: Promise<{ db: PGlite; platform: ShimReport }> | undefined
  return {
    open: async () => {
      const started = Date.now()
      template ??= shimmedPglite(options)
      const { db, platform } = await template
      return servePglite(await clonePglite(db), options, started, platform)
    },
    close: async () => {
      if (template) await (await template).db.close()
    },
  }
}

// The warning scripts print when the shadow cannot stand for the remote's PostgreSQL version.
export function majorSkewWarning(shadow: Pick<Shadow, 'engine' | 'major'>, remoteMajor: number): string | undefined {
  if (shadow.major === remoteMajor) return undefined
  return `the shadow (${shadow.engine}) runs PostgreSQL ${shadow.major} but the remote runs ${remoteMajor}: syntax or catalog differences between the two may show up as findings; pass --shadow-url to a PostgreSQL ${remoteMajor} server for an exact replay`
}

export function describeShadow(shadow: Pick<Shadow, 'engine' | 'version' | 'startMs'>): string {
  const name = shadow.engine === 'pglite' ? 'embedded PGlite' : 'server database'
  return `shadow: ${name}, PostgreSQL ${shadow.version} (ready in ${(shadow.startMs / 1000).toFixed(1)} s)`
}

export async function serverVersion(sql: Sql): Promise<{ version: string; major: number }> {
  const [row] = await sql<{ version: string; num: number }[]>`
    select current_setting('server_version') as version, current_setting('server_version_num')::int as num`
  return { version: row.version, major: Math.floor(row.num / 10000) }
}

// `platform`: the shim's report when the data directory already holds the shim (it is not run again).
async function servePglite(db: PGlite, options: ShadowOptions, started: number, shimmed: ShimReport): Promise<Shadow> {
  const { url, stop } = await serveEmbedded(db)
  try {
    const { version, major, platform } = await prepare(url, options, undefined, shimmed)
    return { url, engine: 'pglite', version, major, platform, startMs: Date.now() - started, dispose: stop }
  } catch (err) {
    await stop()
    throw err
  }
}

async function openServerShadow(serverUrl: string, options: ShadowOptions): Promise<Shadow> {
  const started = Date.now()
  const name = `smk_shadow_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const admin = await openConnection(serverUrl, { app: options.app, onNotice: options.onNotice }).catch((err) => {
    const e = describeDbError(err, serverUrl)
    throw new KitError('SHADOW', `cannot connect to the --shadow-url server: ${e.message}`, e.hint ?? 'Check --shadow-url, or omit it to use the embedded PGlite')
  })
  try {
    await admin`create database ${admin(name)}`
  } catch (err) {
    const e = describeDbError(err, serverUrl)
    throw new KitError('SHADOW', `cannot create a shadow database on the --shadow-url server: ${e.message}`, 'The shadow role needs CREATEDB; or omit --shadow-url to use the embedded PGlite')
  } finally {
    await admin.end({ timeout: 5 })
  }
  const target = new URL(serverUrl)
  target.pathname = `/${name}`
  const url = target.toString()
  let dropping: Promise<void> | undefined
  const drop = async () => {
    const sql = connect(serverUrl, { app: options.app, onNotice: options.onNotice })
    try {
      await sql`drop database if exists ${sql(name)} with (force)`
    } finally {
      await sql.end({ timeout: 5 })
    }
  }
  // Once, whoever asks first: the script when it is done, or Ctrl-C during a long replay (lib/run/cleanup.ts).
  const dispose = () => {
    unregister()
    dropping ??= drop()
    return dropping
  }
  const unregister = onInterrupt(dispose)
  try {
    const { version, major, platform } = await prepare(url, options, name)
    return { url, engine: 'server', version, major, platform, startMs: Date.now() - started, dispose }
  } catch (err) {
    await dispose()
    throw err
  }
}

// `database`: the server shadow's name, which gets hosted Supabase's search_path for every later session (hosted
// sets it on the roles, which are cluster-wide: a shadow must not touch them). PGlite gets it at start-up instead.
async function prepare(url: string, options: ShadowOptions, database?: string, shimmed?: ShimReport): Promise<{ version: string; major: number; platform: ShimReport }> {
  const sql = connect(url, { app: options.app, onNotice: options.onNotice })
  try {
    if (database) await setPlatformSearchPath(sql, database)
    const { version, major } = await serverVersion(sql)
    const platform = shimmed ?? (await applyPlatformShim(sql))
    return { version: version.replace(/ .*/, ''), major, platform }
  } catch (err) {
    const e = describeDbError(err, url)
    throw new KitError('SHADOW', `cannot prepare the shadow database: ${redact(e.message, passwordOf(url))}`, e.hint)
  } finally {
    await sql.end({ timeout: 5 })
  }
}
