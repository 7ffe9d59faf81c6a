import { spawn, spawnSync } from 'node:child_process'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connect, describeDbError, isTransactionPooler, openConnection, parseDbUrl } from '../../../lib/db/connect.ts'
import { KitError } from '../../../lib/run/errors.ts'
import { makeProject } from '../../helpers/project.ts'
import { runScript } from '../../helpers/run.ts'
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

// ---
// Local stand-ins for the addresses that made the scripts hang or loop: each counts the connections it receives,
// so "one attempt" is asserted, not assumed. Nothing here leaves this machine.
type Listener = { url: string; connections: () => number; close: () => Promise<void> }

async function listen(onConnection: (socket: Socket) => void): Promise<Listener> {
  let count = 0
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    count++
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
    onConnection(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `postgresql://postgres:s3cret-pw@127.0.0.1:${port}/postgres?connect_timeout=1`,
    connections: () => count,
    close: () => {
      for (const s of sockets) s.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e) => e as KitError)

const deadline = suite('a connect makes one attempt and ends by its deadline with one clear error')

deadline('a port that answers HTTP and closes is "not a PostgreSQL server", after exactly one connection', async () => {
  const http = await listen((socket) => socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'))
  try {
    const err = await failure(openConnection(http.url, { app: 'test' }))
    assert.instance(err, KitError)
    assert.is(err!.code, 'DB_NOT_POSTGRES')
    assert.is(err!.message, `${new URL(http.url).host} is not a PostgreSQL server (it answered "HTTP/1.1 400 Bad Request")`)
    assert.is(http.connections(), 1)
  } finally {
    await http.close()
  }
})

deadline('a port that accepts and closes without a byte is "not a PostgreSQL server" too, after one connection', async () => {
  const closer = await listen((socket) => socket.destroy())
  try {
    const err = await failure(openConnection(closer.url, { app: 'test' }))
    assert.is(err?.code, 'DB_NOT_POSTGRES')
    assert.match(err!.message, /it closed the connection without a PostgreSQL answer/)
    assert.is(closer.connections(), 1)
  } finally {
    await closer.close()
  }
})

deadline('a listener that never answers ends at the URL connect_timeout with "no answer from host:port within N s"', async () => {
  const silent = await listen(() => {})
  try {
    const err = await failure(openConnection(silent.url, { app: 'test' }))
    assert.is(err?.code, 'DB_NO_ANSWER')
    assert.is(err!.message, `no answer from ${new URL(silent.url).host} within 1 s`)
    assert.is(silent.connections(), 1)
  } finally {
    await silent.close()
  }
})

deadline('a port nobody listens on is unreachable (ECONNREFUSED)', async () => {
  const gone = await listen(() => {})
  await gone.close()
  const err = await failure(openConnection(gone.url, { app: 'test' }))
  assert.is(err?.code, 'DB_UNREACHABLE')
  assert.match(err!.message, /\(ECONNREFUSED\)$/)
})

deadline('an address that drops the TCP handshake ends at the deadline too (a listener whose accept queue is full)', async () => {
  // Linux drops SYNs to a listener whose accept queue is full: a real black hole on loopback. Node accepts every
  // connection, so python3 holds the listener (listen(0), never accept) and fills the queue first.
  const python = spawnSync('python3', ['-c', 'print(1)'])
  if (python.status !== 0) {
    console.log('  (no python3: the black-hole listener is not checked here)')
    return
  }
  const hole = spawn('python3', ['-c', BLACK_HOLE], { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const port = await new Promise<string>((resolve) => hole.stdout.once('data', (d) => resolve(String(d).trim())))
    const url = `postgresql://postgres@127.0.0.1:${port}/postgres?connect_timeout=1`
    const err = await failure(openConnection(url, { app: 'test' }))
    assert.is(err?.code, 'DB_NO_ANSWER')
    assert.is(err!.message, `no answer from 127.0.0.1:${port} within 1 s`)
  } finally {
    hole.kill()
  }
})

const BLACK_HOLE = `
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)
fill = []
for _ in range(4):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(s.getsockname())
    except BlockingIOError: pass
    fill.append(c)
time.sleep(0.2)
print(s.getsockname()[1], flush=True)
time.sleep(60)
`

deadline('the password in the URL never shows in the error', async () => {
  const http = await listen((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'))
  try {
    const err = await failure(openConnection(http.url, { app: 'test' }))
    assert.not.match(`${err?.message} ${err?.hint}`, 's3cret-pw')
  } finally {
    await http.close()
  }
})

deadline('check-sync and check-drift exit 2 with one line on stderr, and the process ends (subprocess)', async () => {
  const http = await listen((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'))
  const project = makeProject({ '20250101000000_a.sql': 'select 1;\n' })
  try {
    const host = new URL(http.url).host
    for (const script of ['check-sync', 'check-drift']) {
      const run = await runScript(script, ['--db-url', http.url], { cwd: project.root })
      assert.is(run.code, 2, script)
      assert.is(run.stdout, '', script)
      assert.is(run.stderr, `${script}: ${host} is not a PostgreSQL server (it answered "HTTP/1.1 400 Bad Request"). Check the host and port in the URL (Supabase: 5432 direct or session pooler, 6543 transaction pooler).\n`)
    }
    assert.is(http.connections(), 2)
  } finally {
    project.remove()
    await http.close()
  }
})

deadline.run()
