import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connect } from '../lib/db/connect.ts'
import { listFolder } from '../lib/cli/folder.ts'
import { applyPlatformShim } from '../lib/db/platform/shim.ts'
import { applyChain } from '../lib/cli/apply.ts'
import { flagNames } from '../lib/run/script.ts'
import { FLAGS, main, USAGE } from '../scripts/check-drift.ts'
import { createTempDatabase, dropTempDatabase, onServer, SERVER } from './helpers/db.ts'
import { captureIo, makeProject } from './helpers/project.ts'
import { runScript } from './helpers/run.ts'
import { buildSeedRemote, SEED_ROOT } from './helpers/seed.ts'

const CLEAN = fileURLToPath(new URL('./fixtures/replay/clean', import.meta.url))

type Ctx = { url: string }

async function runJson(args: string[], cwd = SEED_ROOT) {
  const cap = captureIo(cwd)
  const code = await main([...args, '--json'], {}, cap.io)
  return { code, report: JSON.parse(cap.out()), err: cap.err() }
}

// A database where `db push` applied the given folder (platform first, as on Supabase).
async function pushed(url: string, dir: string) {
  const sql = connect(url, { app: 'drift-test', onNotice: () => {} })
  try {
    await applyPlatformShim(sql)
    const r = await applyChain(sql, listFolder(dir).files, { record: true })
    assert.is(r.failure, undefined)
  } finally {
    await sql.end({ timeout: 5 })
  }
}

// The test server as --shadow-url when there is one (fast); the embedded PGlite otherwise.
const shadowArgs = async () => (SERVER ? ['--shadow-url', SERVER] : [])

// ---
const drift = suite<Ctx>('check-drift')
drift.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
})
drift.after.each(async (ctx) => {
  await dropTempDatabase(ctx.url)
})

drift('on the seed remote (default PGlite shadow) finds the hand-made column and index and the half-applied owner_repo file', async (ctx) => {
  await buildSeedRemote(ctx.url)
  const { code, report, err } = await runJson(['--db-url', ctx.url])
  assert.is(code, 1)
  assert.match(err, /shadow: embedded PGlite, PostgreSQL 18/)
  // The skew warning where the remote is the PostgreSQL 15 test server, none where both sides are PGlite 18.
  if (SERVER) assert.match(err, /warning: the shadow \(pglite\) runs PostgreSQL 18 but the remote runs 15/)
  else assert.not.match(err, /warning: the shadow/)
  const remoteOnly = report.remoteOnly.map((i: { key: string }) => i.key)
  assert.ok(remoteOnly.includes('column public.audits.is_pinned'), remoteOnly.join('\n'))
  assert.ok(remoteOnly.includes('index public.audits_user_id_created_at_idx'), remoteOnly.join('\n'))
  const half = report.halfApplied.find((h: { file: string }) => h.file === '20251214100000_add_owner_repo_to_repos.sql')
  assert.ok(half, JSON.stringify(report.halfApplied))
  assert.equal(half.different, ['column public.repos.owner_repo'])
  assert.ok(half.missing.length > 0)
  // The file edited after it ran: the remote kept the old search_path.
  assert.ok(report.differs.some((d: { key: string; file: string }) => d.key === 'function public.handle_new_user()' && d.file === '20251211000000_fix_function_search_path_security.sql'))
})

onServer(drift, 'an engine comparison needs a server shadow')('on the seed remote, a PostgreSQL 15 server shadow finds exactly what the PGlite shadow finds', async (ctx) => {
  await buildSeedRemote(ctx.url)
  const server = await runJson(['--db-url', ctx.url, '--shadow-url', SERVER!])
  const pglite = await runJson(['--db-url', ctx.url])
  assert.match(server.err, /shadow: server database, PostgreSQL 15/)
  assert.not.match(server.err, /warning: the shadow/)
  const { shadow: _a, ...fromServer } = server.report
  const { shadow: _b, ...fromPglite } = pglite.report
  assert.equal(fromServer, fromPglite)
})

drift('a database pushed from a clean chain reports no drift (exit 0)', async (ctx) => {
  await pushed(ctx.url, CLEAN)
  const { code, report } = await runJson(['--db-url', ctx.url, '--dir', CLEAN, ...(await shadowArgs())])
  assert.is(code, 0, JSON.stringify(report, null, 2))
  assert.is(report.clean, true)
  assert.equal([report.remoteOnly, report.missingOnRemote, report.differs, report.halfApplied, report.pending], [[], [], [], [], []])
})

drift('a hand edit on a clean database is reported, and --ignore leaves it out', async (ctx) => {
  await pushed(ctx.url, CLEAN)
  const sql = connect(ctx.url, { app: 'drift-test', onNotice: () => {} })
  await sql.unsafe(`alter table public.tags add column color text;
    alter policy "Anyone reads tags" on public.tags using (label <> '')`)
  await sql.end({ timeout: 5 })
  const shadow = await shadowArgs()
  const found = await runJson(['--db-url', ctx.url, '--dir', CLEAN, ...shadow])
  assert.is(found.code, 1)
  assert.equal(found.report.remoteOnly, [{ key: 'column public.tags.color' }])
  assert.equal(found.report.differs.map((d: { key: string }) => d.key), ['policy "Anyone reads tags" on public.tags'])
  const ignored = await runJson(['--db-url', ctx.url, '--dir', CLEAN, '--ignore', 'column public.tags.*,policy *', ...shadow])
  assert.is(ignored.code, 0)
  assert.is(ignored.report.ignored, 2)
})

onServer(drift, 'PGlite stubs the extensions a plain server lacks')('a file that needs an extension the shadow lacks is named, with a warning before the replay', async (ctx) => {
  const admin = SERVER!
  const project = makeProject({ '20250101000000_cron.sql': 'create extension if not exists pg_cron with schema pg_catalog;\n' })
  try {
    const remote = connect(ctx.url, { app: 'drift-test', onNotice: () => {} })
    await applyPlatformShim(remote)
    await remote.end({ timeout: 5 })
    const cap = captureIo(project.root)
    const code = await main(['--db-url', ctx.url, '--shadow-url', admin], {}, cap.io)
    assert.is(code, 1)
    assert.match(cap.err(), 'check-drift: warning: the shadow has no pg_cron; the files that create it fail there.')
    assert.match(cap.out(), /supabase\/migrations\/20250101000000_cron\.sql: statement 1 fails \(0A000\)/)
  } finally {
    project.remove()
  }
})

drift('the human report names each finding in one line and ends with a verdict', async (ctx) => {
  await pushed(ctx.url, CLEAN)
  const sql = connect(ctx.url, { app: 'drift-test', onNotice: () => {} })
  await sql.unsafe('create index tags_id_label on public.tags (id, label)')
  await sql.end({ timeout: 5 })
  const cap = captureIo(SEED_ROOT)
  const code = await main(['--db-url', ctx.url, '--dir', CLEAN, ...(await shadowArgs())], {}, cap.io)
  assert.is(code, 1)
  assert.match(cap.out(), '- index public.tags_id_label\n')
  assert.match(cap.out(), /Drift: 1 hand edit\(s\)/)
})
drift.run()

// ---
const usage = suite('check-drift usage')
usage('every flag the parser knows appears in USAGE', () => {
  for (const name of flagNames(FLAGS)) assert.match(USAGE, `--${name}`)
})

usage('a shadow URL equal to the database URL is refused (exit 2) before connecting', async () => {
  const cap = captureIo(SEED_ROOT)
  const url = 'postgresql://u:pw123456@127.0.0.1:1/db'
  const code = await main(['--db-url', url, '--shadow-url', url], {}, cap.io)
  assert.is(code, 2)
  assert.match(cap.err(), /check-drift: the shadow URL points at the database to check/)
  assert.not.match(cap.err(), 'pw123456')
})

usage('as a subprocess: an unreachable database is exit 2 and the password is never printed', async () => {
  const run = await runScript('check-drift', ['--db-url', 'postgresql://kit:s3cretpw@127.0.0.1:1/postgres'], { cwd: SEED_ROOT })
  assert.is(run.code, 2)
  assert.match(run.stderr, /^check-drift: cannot reach 127\.0\.0\.1:1\/postgres \(ECONNREFUSED\)/m)
  assert.not.match(run.stdout + run.stderr, 's3cretpw')
})

usage('as a subprocess with --debug: the error carries a stack trace, still without the password', async () => {
  const run = await runScript('check-drift', ['--db-url', 'postgresql://kit:s3cretpw@127.0.0.1:1/postgres', '--debug'], { cwd: SEED_ROOT })
  assert.is(run.code, 2)
  assert.match(run.stderr, /\n\s+at /)
  assert.not.match(run.stdout + run.stderr, 's3cretpw')
})

usage('--help prints USAGE and exits 0', async () => {
  const cap = captureIo(SEED_ROOT)
  assert.is(await main(['--help'], {}, cap.io), 0)
  assert.is(cap.out(), USAGE)
})
usage.run()

// ---
type PlatformCtx = { url: string; project?: ReturnType<typeof makeProject> }
const platform = suite<PlatformCtx>('check-drift: the platform\'s objects are never blamed on a file')
platform.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
})
platform.after.each(async (ctx) => {
  ctx.project?.remove()
  await dropTempDatabase(ctx.url)
})

platform('with an empty folder, a database that has only the platform shim has no drift', async (ctx) => {
  const sql = connect(ctx.url, { app: 'drift-test', onNotice: () => {} })
  await applyPlatformShim(sql)
  await sql.end({ timeout: 5 })
  ctx.project = makeProject({})
  const { code, report } = await runJson(['--db-url', ctx.url, ...(await shadowArgs())], ctx.project.root)
  assert.is(code, 0)
  assert.equal([report.remoteOnly, report.missingOnRemote, report.differs, report.platform], [[], [], [], []])
})

platform('with an empty folder, platform objects the database lacks are listed as the platform\'s, not as missing', async (ctx) => {
  // A database without the shim's default privileges, publication, RLS flags and extensions: none is a file's.
  ctx.project = makeProject({})
  const { code, report } = await runJson(['--db-url', ctx.url, ...(await shadowArgs())], ctx.project.root)
  assert.is(code, 0)
  assert.equal(report.missingOnRemote, [])
  for (const key of ['publication supabase_realtime', 'row level security auth.users', 'extension pgcrypto', 'privileges on schema public to anon']) {
    assert.ok(report.platform.includes(key), key)
  }
})

platform('an older storage.buckets without file_size_limit and allowed_mime_types is read, and its rows compared', async (ctx) => {
  const sql = connect(ctx.url, { app: 'drift-test', onNotice: () => {} })
  try {
    // storage.buckets as before supabase/storage migration 0013 (the shim keeps a table that exists).
    await sql.unsafe(`create schema storage;
      create table storage.buckets (id text primary key, name text not null, owner uuid, created_at timestamptz default now(),
        updated_at timestamptz default now(), public boolean default false)`)
    await applyPlatformShim(sql)
    ctx.project = makeProject({ '20250101000000_avatars.sql': "insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true);\n" })
    const r = await applyChain(sql, listFolder(ctx.project.migrations).files, { record: true })
    assert.is(r.failure, undefined)
  } finally {
    await sql.end({ timeout: 5 })
  }
  const { code, report, err } = await runJson(['--db-url', ctx.url, ...(await shadowArgs())], ctx.project.root)
  assert.is(err.includes('file_size_limit'), false, err)
  assert.is(code, 0)
  assert.equal([report.remoteOnly, report.missingOnRemote, report.differs], [[], [], []])
})

platform('a bucket made by hand on an older storage.buckets is named as a hand edit', async (ctx) => {
  const sql = connect(ctx.url, { app: 'drift-test', onNotice: () => {} })
  try {
    await sql.unsafe(`create schema storage;
      create table storage.buckets (id text primary key, name text not null, owner uuid, public boolean default false)`)
    await applyPlatformShim(sql)
    await sql.unsafe("insert into storage.buckets (id, name) values ('by-hand', 'by-hand')")
  } finally {
    await sql.end({ timeout: 5 })
  }
  ctx.project = makeProject({})
  const { code, report } = await runJson(['--db-url', ctx.url, ...(await shadowArgs())], ctx.project.root)
  assert.is(code, 1)
  assert.equal(report.remoteOnly, [{ key: 'storage bucket "by-hand"' }])
})

platform.run()

