import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connect } from '../../../lib/db/connect.ts'
import { KitError } from '../../../lib/run/errors.ts'
import { applyMigration } from '../../../lib/cli/apply.ts'
import { describeShadow, majorSkewWarning, openShadow, shadowSource, type Shadow, type ShadowSource } from '../../../lib/db/shadow.ts'
import { client, onServer, SERVER } from '../../helpers/db.ts'

const databaseExists = async (admin: string, name: string) => {
  const sql = client(admin)
  try {
    return (await sql`select 1 from pg_database where datname = ${name}`).length === 1
  } finally {
    await sql.end({ timeout: 5 })
  }
}

// Two files as a real project writes them: uuid-ossp into `extensions`, then an unqualified uuid_generate_v4(),
// which hosted Supabase resolves through the search_path it gives postgres ("$user", public, extensions).
const UUID_CHAIN = [
  'create extension if not exists "uuid-ossp" with schema extensions;',
  'create table public.notes (id uuid primary key default uuid_generate_v4(), body text);\ninsert into public.notes (body) values (\'hello\');',
]
async function replayUuidChain(url: string): Promise<{ failures: string[]; searchPath: string }> {
  const sql = connect(url, { app: 'shadow-test', onNotice: () => {} })
  try {
    const failures: string[] = []
    for (const [i, text] of UUID_CHAIN.entries()) {
      const version = `2024010100000${i}`
      const r = await applyMigration(sql, { file: `${version}_f.sql`, path: '', version, name: 'f' }, { record: false, text })
      if (!r.ok) failures.push(`${r.file}: ${r.code} ${r.message}`)
    }
    const [row] = await sql<{ path: string }[]>`select current_setting('search_path') as path`
    return { failures, searchPath: row.path }
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

onServer(server, 'a --shadow-url shadow needs a server')('creates a uniquely named, shimmed database and drops it on dispose', async (ctx) => {
  const admin = SERVER!
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

onServer(server, 'a --shadow-url shadow needs a server')('drops its database when the process gets SIGINT', async () => {
  const admin = SERVER!
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../helpers/shadow-child.ts', import.meta.url)), admin], { stdio: ['ignore', 'pipe', 'pipe'] })
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

onServer(server, 'a --shadow-url shadow needs a server')('has hosted Supabase\'s search_path, so an unqualified uuid_generate_v4() replays', async (ctx) => {
  const admin = SERVER!
  ctx.shadow = await openShadow({ serverUrl: admin, app: 'shadow-test', onNotice: () => {} })
  assert.equal(await replayUuidChain(ctx.shadow.url), { failures: [], searchPath: '"$user", public, extensions' })
})

onServer(server, 'a --shadow-url shadow needs a server')('reports pg_net, pg_cron and vector as missing: a plain server cannot install the stubs as extensions', async (ctx) => {
  const admin = SERVER!
  ctx.shadow = await openShadow({ serverUrl: admin, app: 'shadow-test', onNotice: () => {} })
  const status = Object.fromEntries(ctx.shadow.platform.extensions.map((e) => [e.name, e.status]))
  // Unless the server really has them (a supabase/postgres image does): then they are what they are.
  for (const name of ['pg_net', 'pg_cron', 'vector']) assert.ok(status[name] === 'missing' || status[name] === 'available' || status[name] === 'installed', name)
  if (status.pg_net !== 'missing') return
  assert.ok(ctx.shadow.platform.missing.includes('pg_net'))
  const sql = client(ctx.shadow.url)
  try {
    const code = await sql`create extension pg_net`.then(() => 'none', (e) => e.code)
    assert.is(code, '0A000')
  } finally {
    await sql.end({ timeout: 5 })
  }
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
    // A migration's own `create extension pg_trgm with schema public` must really create it: hosted Supabase does not pre-create
    // pg_trgm, and a shadow that did would turn that statement into a no-op.
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

// The libraries are not loaded at start (lib/db/embedded.ts): PostgreSQL loads each the first time a statement needs it.
embedded('loads a contrib extension\'s library when a statement first needs it, also in the pre-installed ones', async (ctx) => {
  const shadow = await ctx.source.open()
  ctx.shadows.push(shadow)
  const sql = connect(shadow.url, { app: 'shadow-test', onNotice: () => {} })
  try {
    const [pre] = await sql`select length(extensions.gen_random_bytes(4)) as bytes, extensions.crypt('pw', extensions.gen_salt('bf', 4)) like '$2a$04$%' as bf,
      extensions.uuid_generate_v4()::text ~ '^[0-9a-f-]{36}$' as uuid`
    assert.equal({ ...pre }, { bytes: 4, bf: true, uuid: true })
    for (const name of ['pg_trgm', 'citext', 'btree_gin', 'btree_gist', 'hstore', 'ltree', 'unaccent', 'fuzzystrmatch', 'moddatetime']) {
      await sql.unsafe(`create extension ${name} with schema extensions`)
    }
    const [row] = await sql`select extensions.similarity('word', 'words') > 0.5 as trgm, 'A'::extensions.citext = 'a'::extensions.citext as citext,
      extensions.akeys('a=>1'::extensions.hstore) as hstore, extensions.nlevel('a.b.c'::extensions.ltree) as ltree,
      extensions.unaccent('crème') as unaccent, extensions.levenshtein('kitten', 'sitting') as levenshtein`
    assert.equal({ ...row }, { trgm: true, citext: true, hstore: ['a'], ltree: 3, unaccent: 'creme', levenshtein: 3 })
    await sql.unsafe(`create table public.events (id int, at timestamptz, tags text, updated_at timestamptz)`)
    await sql.unsafe(`create index on public.events using gist (id, at)`)
    await sql.unsafe(`create index on public.events using gin (id, tags)`)
    await sql.unsafe(`create trigger touch before update on public.events for each row execute procedure extensions.moddatetime(updated_at)`)
    await sql.unsafe(`insert into public.events values (1, now(), 'x', null); update public.events set tags = 'y'`)
    const [touched] = await sql`select updated_at is not null as touched from public.events`
    assert.ok(touched.touched, 'moddatetime set updated_at')
  } finally {
    await sql.end({ timeout: 5 })
  }
})

embedded('has hosted Supabase\'s search_path (also in clones), so an unqualified uuid_generate_v4() replays', async (ctx) => {
  const single = await openShadow({ app: 'shadow-test', onNotice: () => {} })
  const clone = await ctx.source.open()
  ctx.shadows.push(single, clone)
  assert.equal(await replayUuidChain(single.url), { failures: [], searchPath: '"$user", public, extensions' })
  assert.equal(await replayUuidChain(clone.url), { failures: [], searchPath: '"$user", public, extensions' })
})

embedded('stubs cron.job_run_details, vector indexes without options, and vault with a unique name', async (ctx) => {
  const shadow = await ctx.source.open()
  ctx.shadows.push(shadow)
  const sql = connect(shadow.url, { app: 'shadow-test', onNotice: () => {} })
  const code = (p: Promise<unknown>) => p.then(() => 'none', (e) => e.code as string)
  try {
    await sql.unsafe('create extension if not exists pg_cron with schema pg_catalog')
    await sql.unsafe("select cron.schedule('purge', '0 4 * * *', $$delete from cron.job_run_details where end_time < now() - interval '7 days'$$)")
    const cols = await sql`select attname from pg_attribute where attrelid = 'cron.job_run_details'::regclass and attnum > 0 order by attnum`
    assert.equal(cols.map((c) => c.attname), ['jobid', 'runid', 'job_pid', 'database', 'username', 'command', 'status', 'return_message', 'start_time', 'end_time'])
    await sql.unsafe('create extension if not exists vector with schema extensions')
    await sql.unsafe('create table public.docs (id int, embedding extensions.vector(3))')
    await sql.unsafe('create index docs_hnsw on public.docs using hnsw (embedding extensions.vector_cosine_ops)')
    await sql.unsafe('create index docs_ivf on public.docs using ivfflat (embedding extensions.vector_l2_ops)')
    await sql.unsafe("insert into public.docs values (1, '[1,2,3]'), (2, null)")
    // Index options belong to the real handler: the stub's (hash) refuses them, and the replay reports the file.
    assert.is(await code(sql.unsafe('create index on public.docs using hnsw (embedding extensions.vector_cosine_ops) with (m = 16, ef_construction = 64)')), '22023')
    await sql`select vault.create_secret('a', 'api_key')`
    assert.is(await code(sql`select vault.create_secret('b', 'api_key')`), '23505')
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
