import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connect, describeDbError, isTransactionPooler, parseDbUrl } from '../../../lib/db/connect.ts'
import { KitError } from '../../../lib/run/errors.ts'
import { client, createTempDatabase, dropTempDatabase, onServer } from '../../helpers/db.ts'

const urls = suite('connection URLs')

urls('a Supabase transaction pooler (port 6543) is recognised so prepared statements are turned off', () => {
  assert.ok(isTransactionPooler(parseDbUrl('postgresql://postgres.ref:pw@aws-0-eu.pooler.supabase.com:6543/postgres')))
  assert.not.ok(isTransactionPooler(parseDbUrl('postgresql://postgres.ref:pw@aws-0-eu.pooler.supabase.com:5432/postgres')))
})

urls('bad URLs are usage errors that never echo the password', () => {
  for (const bad of ['nonsense', 'http://u:pw123@h/d', 'postgresql://u:pw123@/d']) {
    const err = (() => {
      try {
        parseDbUrl(bad)
      } catch (e) {
        return e as KitError
      }
    })()
    assert.instance(err, KitError, bad)
    assert.is(err!.code, 'BAD_DB_URL')
    assert.not.match(err!.message, 'pw123')
  }
})

urls.run()

// ---
type Ctx = { url: string }
const errors = suite<Ctx>('driver failures become one KitError per cause, keyed on SQLSTATE')
errors.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
})
errors.after.each(async (ctx) => {
  await dropTempDatabase(ctx.url)
})

onServer(errors, 'PGlite serves one database whatever the URL says')('3D000 (no such database) → DB_MISSING', async (ctx) => {
  const url = ctx.url.replace(/\/[^/]*$/, '/smk_no_such_database')
  const sql = connect(url, { app: 'test' })
  const err = await sql`select 1`.catch((e) => e)
  await sql.end()
  assert.is(err.code, '3D000')
  assert.is(describeDbError(err, url).code, 'DB_MISSING')
})

onServer(errors, 'roles and concurrent sessions')('42501 (permission denied) → DB_PERMISSION, 55P03 (lock not available) → LOCKED', async (ctx) => {
  const admin = client(ctx.url)
  const role = `smk_limited_${Date.now()}`
  try {
    await admin`create table t (id int)`
    await admin`create role ${admin(role)} login`
    const u = new URL(ctx.url)
    u.username = role
    const limited = connect(u.toString(), { app: 'test', lockTimeoutMs: 100 })
    const denied = await limited`select * from t`.catch((e) => e)
    assert.is(denied.code, '42501')
    assert.is(describeDbError(denied, u.toString()).code, 'DB_PERMISSION')
    await limited.end()

    const holder = connect(ctx.url, { app: 'test' })
    const waiter = connect(ctx.url, { app: 'test', lockTimeoutMs: 100 })
    await holder.begin(async (tx) => {
      await tx`lock table t in access exclusive mode`
      const locked = await waiter`select * from t`.catch((e) => e)
      assert.is(locked.code, '55P03')
      assert.is(describeDbError(locked, ctx.url).code, 'LOCKED')
    })
    await holder.end()
    await waiter.end()
  } finally {
    await admin.end()
    const root = client(ctx.url.replace(/\/[^/]*$/, '/postgres'))
    await dropTempDatabase(ctx.url)
    await root`drop role if exists ${root(role)}`
    await root.end()
    ctx.url = ''
  }
})

onServer(errors, 'pglite-socket ignores startup parameters')('the connection carries the kit timeouts and application name', async (ctx) => {
  const sql = connect(ctx.url, { app: 'check-sync', statementTimeoutMs: 1234, lockTimeoutMs: 567 })
  const [row] = await sql`select current_setting('statement_timeout') as st, current_setting('lock_timeout') as lt, current_setting('application_name') as app`
  await sql.end()
  assert.equal({ ...row }, { st: '1234ms', lt: '567ms', app: 'check-sync' })
})

errors.run()
