import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connect } from '../../lib/db.ts'
import { KitError } from '../../lib/errors.ts'
import { describeShadow, majorSkewWarning, openShadow, shadowSource, type Shadow, type ShadowSource } from '../../lib/shadow.ts'
import { client, testServer } from '../helpers/db.ts'

const databaseExists = async (admin: string, name: string) => {
  const sql = client(admin)
  try {
    return (await sql`select 1 from pg_database where datname = ${name}`).length === 1
  } finally {
    await sql.end({ timeout: 5 })
  }
}

// ---
const server = suite<{ shadow?: Shadow }>('shadow on a --shadow-url server')
server.after.each(async (ctx) => {
  await ctx.shadow?.dispose()
  ctx.shadow = undefined
})

server('creates a uniquely named, shimmed database and drops it on dispose', async (ctx) => {
  const admin = await testServer()
  if (!admin) return console.log('    (no server: skipped)')
  ctx.shadow = await openShadow({ serverUrl: admin, app: 'shadow-test', onNotice: () => {} })
  const other = await openShadow({ serverUrl: admin, app: 'shadow-test', onNotice: () => {} })
  const name = new URL(ctx.shadow.url).pathname.slice(1)
  try {
    assert.match(name, /^smk_shadow_/)
    assert.is.not(name, new URL(other.url).pathname.slice(1))
    assert.is(ctx.shadow.engine, 'server')
    assert.ok(ctx.shadow.major >= 13)
    const sql = client(ctx.shadow.url)
    const [row] = await sql`select to_regclass('auth.users') is not null as users`
    await sql.end({ timeout: 5 })
    assert.is(row.users, true)
    assert.ok(await databaseExists(admin, name))
  } finally {
    await other.dispose()
  }
  await ctx.shadow.dispose()
  assert.not.ok(await databaseExists(admin, name))
})

server('drops its database when the process gets SIGINT', async () => {
  const admin = await testServer()
  if (!admin) return console.log('    (no server: skipped)')
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../helpers/shadow-child.ts', import.meta.url)), admin], { stdio: ['ignore', 'pipe', 'pipe'] })
  const name = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      if (out.includes('\n')) resolve(out.trim())
    })
    child.on('exit', (code) => reject(new Error(`child exited early (${code})`)))
  })
  assert.ok(await databaseExists(admin, name))
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
  child.kill('SIGINT')
  assert.is(await exited, 'SIGINT')
  assert.not.ok(await databaseExists(admin, name))
})

server('an unreachable server is a SHADOW error that does not print the password', async () => {
  try {
    await openShadow({ serverUrl: 'postgresql://kit:s3cretpw@127.0.0.1:1/postgres', app: 'shadow-test' })
    assert.unreachable('should fail')
  } catch (err) {
    assert.instance(err, KitError)
    assert.is((err as KitError).code, 'SHADOW')
    assert.not.match((err as Error).message, 's3cretpw')
  }
})
server.run()

// ---
const embedded = suite<{ source: ShadowSource; shadows: Shadow[] }>('shadow on the embedded PGlite')
embedded.before((ctx) => {
  ctx.source = shadowSource({ app: 'shadow-test', onNotice: () => {} })
  ctx.shadows = []
})
embedded.after(async (ctx) => {
  for (const s of ctx.shadows) await s.dispose()
  await ctx.source.close()
})

embedded('reports PostgreSQL 18 and its start-up time', async (ctx) => {
  const started = Date.now()
  const shadow = await openShadow({ app: 'shadow-test', onNotice: () => {} })
  ctx.shadows.push(shadow)
  console.log(`    PGlite shadow start-up (openShadow, one per run): ${Date.now() - started} ms`)
  assert.is(shadow.engine, 'pglite')
  assert.is(shadow.major, 18)
  assert.match(describeShadow(shadow), /^shadow: embedded PGlite, PostgreSQL 18\.\d+ \(ready in \d+\.\d s\)$/)
})

embedded('offers contrib extensions without creating them, and stubs the platform ones', async (ctx) => {
  const shadow = await ctx.source.open()
  ctx.shadows.push(shadow)
  const status = Object.fromEntries(shadow.platform.extensions.map((e) => [e.name, e.status]))
  assert.is(status.pgcrypto, 'installed')
  assert.is(status.pg_trgm, 'available')
  assert.is(status.citext, 'available')
  assert.is(status.pg_cron, 'stub')
  assert.is(status.vector, 'stub')
  const sql = connect(shadow.url, { app: 'shadow-test', onNotice: () => {} })
  try {
    // A migration's own `create extension pg_trgm with schema public` must really create it (pitfalls.md).
    await sql.unsafe('create extension pg_trgm with schema public')
    await sql.unsafe('create extension if not exists vector with schema extensions')
    await sql.unsafe('create table public.docs (body text, embedding extensions.vector(3))')
    await sql.unsafe('create index on public.docs using gin (body public.gin_trgm_ops)')
    await sql.unsafe('create extension if not exists pg_cron with schema pg_catalog')
    const [job] = await sql`select cron.schedule('nightly', '0 3 * * *', 'select 1') as id`
    assert.ok(job.id)
    await sql.unsafe('create extension if not exists pg_net with schema extensions')
    const [req] = await sql`select net.http_post('https://example.com/hook') as id`
    assert.ok(req.id)
  } finally {
    await sql.end({ timeout: 5 })
  }
})

embedded('clones from one source are isolated from each other', async (ctx) => {
  const a = await ctx.source.open()
  const b = await ctx.source.open()
  ctx.shadows.push(a, b)
  const sa = client(a.url)
  const sb = client(b.url)
  try {
    await sa`create table public.only_in_a (id int)`
    const [row] = await sb`select to_regclass('public.only_in_a') is null as absent`
    assert.is(row.absent, true)
  } finally {
    await sa.end({ timeout: 5 })
    await sb.end({ timeout: 5 })
  }
})
embedded.run()

// ---
const skew = suite('shadow version warnings')
skew('no warning when the majors match', () => {
  assert.is(majorSkewWarning({ engine: 'server', major: 15 }, 15), undefined)
})
skew('a warning naming both majors and the way out', () => {
  assert.match(majorSkewWarning({ engine: 'pglite', major: 18 }, 15)!, /PostgreSQL 18 but the remote runs 15.*--shadow-url/)
})
skew.run()
