import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { $ } from 'zx'
import { applyChain, applyMigration } from '../lib/cli/apply.ts'
import { listFolder } from '../lib/cli/folder.ts'
import { splitAndTrim } from '../lib/cli/split.ts'
import { connect } from '../lib/db/connect.ts'
import { applyPlatformShim } from '../lib/db/platform/shim.ts'
import { openShadow } from '../lib/db/shadow.ts'
import { main as checkIdempotent } from '../scripts/check-idempotent.ts'
import { main } from '../scripts/dump-baseline.ts'
import { client, createTempDatabase, dropTempDatabase, onServer, SERVER, testServer } from './helpers/db.ts'
import { registerIf } from './helpers/skip.ts'
import { captureIo, makeProject, type Project } from './helpers/project.ts'
import { runScript } from './helpers/run.ts'
import { buildSeedRemote } from './helpers/seed.ts'

const KITCHEN_SINK = fileURLToPath(new URL('./fixtures/catalog/kitchen-sink', import.meta.url))
const NOW = new Date('2026-01-02T03:04:05Z')

type Ctx = { urls: string[]; project: Project; roles: string[] }
const fresh = async (ctx: Ctx) => {
  const url = await createTempDatabase()
  ctx.urls.push(url)
  return url
}

// The kitchen sink as `db push` left it on a Supabase-like database.
async function buildKitchenSink(url: string): Promise<void> {
  const sql = connect(url, { app: 'baseline-test', onNotice: () => {} })
  try {
    await applyPlatformShim(sql)
    const r = await applyChain(sql, listFolder(KITCHEN_SINK).files, { record: true })
    assert.is(r.failure, undefined, JSON.stringify(r.failure))
  } finally {
    await sql.end({ timeout: 5 })
  }
}

// The test server as --shadow-url when there is one (fast); the embedded PGlite otherwise.
const shadowArgs = async () => {
  const admin = await testServer()
  return admin ? ['--shadow-url', admin] : []
}

async function dump(ctx: Ctx, url: string, args: string[] = []) {
  const cap = captureIo(ctx.project.root)
  const code = await main(['--db-url', url, ...(await shadowArgs()), ...args], {}, cap.io, NOW)
  return { code, out: cap.out(), err: cap.err() }
}

// `db push` of one file on a fresh Supabase-like database (or the given one), twice.
async function applyTwice(url: string, text: string): Promise<string[]> {
  const sql = connect(url, { app: 'baseline-test', onNotice: () => {} })
  const failures: string[] = []
  try {
    for (const run of [1, 2]) {
      const r = await applyMigration(sql, { file: 'baseline.sql', path: 'baseline.sql', version: '0', name: 'baseline' }, { record: false, text })
      if (!r.ok) failures.push(`run ${run}: statement ${r.index + 1}: ${r.code} ${r.message}`)
    }
  } finally {
    await sql.end({ timeout: 5 })
  }
  return failures
}

async function shimmed(ctx: Ctx): Promise<string> {
  const url = await fresh(ctx)
  const sql = connect(url, { app: 'baseline-test', onNotice: () => {} })
  await applyPlatformShim(sql)
  await sql.end({ timeout: 5 })
  return url
}

const written = (ctx: Ctx) => readdirSync(ctx.project.migrations).filter((f) => f.endsWith('.sql') || f.endsWith('.draft'))

// Each fixture: its remote, what the baseline is proven on, and the timing line the suite prints.
const FIXTURES = [
  { name: 'the seed remote', build: buildSeedRemote },
  { name: 'the kitchen sink', build: buildKitchenSink },
] as const

// ---
// pg_dump (15.18+ on this machine) compares the remote and the database the baseline built, line for line.
const PG_DUMP = spawnSync('pg_dump', ['--version']).status === 0

const baseline = suite<Ctx>('dump-baseline: a verified baseline of each fixture')
baseline.before.each((ctx) => {
  ctx.urls = []
  ctx.project = makeProject({ '20251213160000_last.sql': 'select 1;\n' })
})
baseline.after.each(async (ctx) => {
  for (const url of ctx.urls) await dropTempDatabase(url)
  ctx.project.remove()
})

for (const f of FIXTURES) {
  baseline(`${f.name}: verifies with an empty diff, is written as the next version, and a second dump is byte-identical`, async (ctx) => {
    const url = await fresh(ctx)
    await f.build(url)
    const started = Date.now()
    const first = await dump(ctx, url)
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    assert.is(first.code, 0, first.out + first.err)
    assert.match(first.out, /Wrote supabase\/migrations\/20260102030405_baseline\.sql: the shadow built from it matches the database\./)
    console.log(`  (${f.name}: dumped and verified in ${seconds} s; ${first.out.split('\n').find((l) => l.startsWith('Dumped in'))})`)
    const text = readFileSync(join(ctx.project.migrations, '20260102030405_baseline.sql'), 'utf8')
    // The CLI's splitter cuts the file into the statements the generator meant, comments included.
    const json = await dump(ctx, url, ['--out', '-', '--no-verify'])
    assert.is(json.code, 0)
    assert.is(`${json.out}\n`, text, 'a second dump of the same remote differs')
    assert.ok(splitAndTrim(text)!.length > 50)
    assert.equal(written(ctx), ['20251213160000_last.sql', '20260102030405_baseline.sql'])
  })

  registerIf(baseline, Boolean(SERVER) && PG_DUMP, 'needs a server and pg_dump')(`${f.name}: the baseline runs twice on PostgreSQL and on the embedded shadow, passes check-idempotent, and pg_dump --schema-only agrees line for line`, async (ctx) => {
    const url = await fresh(ctx)
    await f.build(url)
    const out = join(ctx.project.root, 'baseline.sql')
    assert.is((await dump(ctx, url, ['--out', out, '--no-verify'])).code, 0)
    const text = readFileSync(out, 'utf8')
    const built = await shimmed(ctx)
    assert.equal(await applyTwice(built, text), [])
    const shadow = await openShadow({ app: 'baseline-test', onNotice: () => {} })
    try {
      assert.equal(await applyTwice(shadow.url, text), [])
    } finally {
      await shadow.dispose()
    }
    const cap = captureIo(ctx.project.root)
    assert.is(await checkIdempotent([out], {}, cap.io), 0, cap.out())
    // pg_dump of the remote and of the database the baseline built.
    // The history table is the CLI's, not the schema's; \restrict lines differ on every run (pg_dump 15.18+).
    const schemaOnly = async (u: string) => {
      const dumped = (await $({ quiet: true })`pg_dump --schema-only --no-owner --exclude-schema=supabase_migrations ${u}`).stdout
      return withoutExtensionAcls(dumped.split('\n').filter((l) => !/^\\(un)?restrict /.test(l)))
    }
    assert.equal(await schemaOnly(built), await schemaOnly(url))
  })
}

// The ACLs of objects an extension created (the kit does not reproduce them: they depend on whether the
// extension came before or after an ALTER DEFAULT PRIVILEGES) are left out of the pg_dump comparison.
function withoutExtensionAcls(lines: string[]): string[] {
  const blocks = lines.join('\n').split(/\n(?=--\n-- Name: )/)
  return blocks.filter((b) => !/^--\n-- Name: FUNCTION [^\n]*; Type: ACL; Schema: extensions;/.test(b)).join('\n').split('\n')
}

baseline.run()

// ---
const mistakes = suite<Ctx>('dump-baseline: verify catches what the baseline does not rebuild')
mistakes.before.each((ctx) => {
  ctx.urls = []
  ctx.project = makeProject({})
})
mistakes.after.each(async (ctx) => {
  for (const url of ctx.urls) await dropTempDatabase(url)
  ctx.project.remove()
})

mistakes('a baseline with one policy removed fails --check with exit 1, naming that policy', async (ctx) => {
  const url = await fresh(ctx)
  await buildSeedRemote(url)
  const out = join(ctx.project.root, 'baseline.sql')
  assert.is((await dump(ctx, url, ['--out', out, '--no-verify'])).code, 0)
  const statements = splitAndTrim(readFileSync(out, 'utf8'))!
  const policy = statements.findIndex((s) => s.startsWith('CREATE POLICY "Users can read own audit chunks" ON public.audit_results_chunks'))
  assert.ok(policy > 0)
  const edited = join(ctx.project.root, 'edited.sql')
  writeFileSync(edited, `${statements.filter((_, i) => i !== policy).join(';\n\n')};\n`)
  const r = await dump(ctx, url, ['--check', edited])
  assert.is(r.code, 1, r.out + r.err)
  assert.match(r.out, '- policy "Users can read own audit chunks" on public.audit_results_chunks: on the remote, missing from the baseline')
  assert.ok(!existsSync(`${edited}.draft`))
})

mistakes('a baseline whose second run fails on the shadow is reported with the statement and SQLSTATE, exit 1', async (ctx) => {
  const url = await fresh(ctx)
  await buildSeedRemote(url)
  const broken = join(ctx.project.root, 'broken.sql')
  writeFileSync(broken, 'create table public.profiles (id uuid primary key);\n')
  const r = await dump(ctx, url, ['--check', broken])
  assert.is(r.code, 1)
  assert.match(r.out, /- the second run fails at statement 1 \(42P07\): relation "profiles" already exists: create table public.profiles/)
})

mistakes('an object the generator does not write (an aggregate) fails verify: <name>.sql.draft is written, no .sql, exit 1', async (ctx) => {
  const url = await shimmed(ctx)
  const sql = client(url)
  await sql.unsafe(`create aggregate public.total(integer) (sfunc = int4pl, stype = integer, initcond = '0')`)
  await sql.end({ timeout: 5 })
  const r = await dump(ctx, url)
  assert.is(r.code, 1, r.out + r.err)
  assert.match(r.out, '- aggregate public.total(integer): on the remote, missing from the baseline')
  assert.match(r.out, 'Wrote supabase/migrations/20260102030405_baseline.sql.draft (a draft: the CLI does not push it)')
  assert.equal(readdirSync(ctx.project.migrations), ['20260102030405_baseline.sql.draft'])
})

mistakes('bad input is a usage error (exit 2) that names the flag, and nothing is written', async (ctx) => {
  const url = await fresh(ctx)
  for (const [args, said] of [
    [['--out', '-', '--json'], '--out - and --json both want stdout'],
    [['--check', 'x.sql', '--no-verify'], '--check verifies a file and writes nothing; it takes neither --no-verify'],
    [['--data', 'public.nope'], '--data names public.nope, which is not a table of the dumped schemas'],
    [['--bogus'], 'unknown flag --bogus'],
  ] as const) {
    const r = await dump(ctx, url, [...args])
    assert.is(r.code, 2, `${args.join(' ')}: ${r.err}`)
    assert.match(r.err, `dump-baseline: ${said}`)
    assert.equal(readdirSync(ctx.project.migrations), [])
  }
})

mistakes.run()

// ---
const roles = suite<Ctx>('dump-baseline: as hosted Supabase\'s postgres role (not a superuser)')
roles.before.each((ctx) => {
  ctx.urls = []
  ctx.roles = []
  ctx.project = makeProject({})
})
roles.after.each(async (ctx) => {
  for (const url of ctx.urls) await dropTempDatabase(url)
  const admin = await testServer()
  if (admin) {
    const sql = client(admin)
    for (const role of ctx.roles) await sql`drop role if exists ${sql(role)}`
    await sql.end({ timeout: 5 })
  }
  ctx.project.remove()
})

// A role shaped like hosted `postgres` (NOSUPERUSER, CREATEROLE, BYPASSRLS) that owns the public objects and can
// read the platform's rows, and the URL to connect as it.
async function hostedPostgres(ctx: Ctx, url: string): Promise<{ role: string; url: string }> {
  const role = `smk_pg_${Date.now().toString(36)}_${Math.random().toString(16).slice(2, 8)}`
  ctx.roles.push(role)
  const sql = client(url)
  try {
    await sql`create role ${sql(role)} login nosuperuser createrole bypassrls`
    await sql.unsafe(`
      do $$ declare r record; begin
        for r in select format('%I.%I', n.nspname, c.relname) as q, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
                 where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S') and not c.relispartition
                   -- Sequences a column owns follow their table.
                   and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i') and c.relkind = 'S') loop
          execute format('alter %s %s owner to ${role}', case r.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence' else 'table' end, r.q);
        end loop;
        for r in select p.oid::regprocedure::text as f from pg_proc p where p.pronamespace = 'public'::regnamespace loop
          execute format('alter function %s owner to ${role}', r.f);
        end loop;
        for r in select t.oid::regtype::text as t from pg_type t where t.typnamespace = 'public'::regnamespace
                   and (t.typtype in ('e', 'd') or (t.typtype = 'c' and exists (select 1 from pg_class c where c.oid = t.typrelid and c.relkind = 'c'))) loop
          execute format('alter type %s owner to ${role}', r.t);
        end loop;
      end $$;
      grant usage on schema storage, auth, supabase_migrations to ${role};
      grant select on storage.buckets, supabase_migrations.schema_migrations to ${role};`)
  } finally {
    await sql.end({ timeout: 5 })
  }
  const as = new URL(url)
  as.username = role
  return { role, url: as.toString() }
}

onServer(roles, 'roles need a server')('the dump run as a non-superuser role shaped like hosted postgres succeeds and verifies', async (ctx) => {
  const url = await fresh(ctx)
  await buildSeedRemote(url)
  const { url: asRole } = await hostedPostgres(ctx, url)
  const r = await dump(ctx, asRole)
  assert.is(r.code, 0, r.out + r.err)
  assert.match(r.out, /the shadow built from it matches the database/)
})

onServer(roles, 'roles need a server')('a role that cannot read an object gets one clear line naming it and the privilege, and exit 2', async (ctx) => {
  const url = await fresh(ctx)
  await buildKitchenSink(url)
  const { url: asRole } = await hostedPostgres(ctx, url)
  const sql = client(url)
  await sql`create sequence public.admin_only_seq`
  await sql.end({ timeout: 5 })
  const r = await runScript('dump-baseline', ['--db-url', asRole, '--out', '-'], { cwd: ctx.project.root })
  assert.is(r.code, 2)
  assert.is(r.stderr.trim(), 'dump-baseline: cannot read sequence public.admin_only_seq: the role lacks SELECT on it. Grant SELECT on it to the role, or connect as the project\'s postgres role.')
  assert.is(r.stdout, '')
})

roles.run()

// ---
const data = suite<Ctx>('dump-baseline --data')
data.before.each((ctx) => {
  ctx.urls = []
  ctx.project = makeProject({})
})
data.after.each(async (ctx) => {
  for (const url of ctx.urls) await dropTempDatabase(url)
  ctx.project.remove()
})

data('rows of the listed tables round-trip, parents before children, identity values and sequences included', async (ctx) => {
  const url = await shimmed(ctx)
  const sql = client(url)
  await sql.unsafe(`
    create table public.plans (id bigint generated always as identity primary key, name text not null unique, tags text[], price numeric(10, 4), at timestamptz);
    create table public.features (plan_id bigint not null references public.plans (id), feature text not null, primary key (plan_id, feature));
    insert into public.plans (name, tags, price, at) values ('free', '{a,"b c"}', 0, '2025-01-01 10:00:00.123456+00'), ('pro', null, 12.3456, null), ('it''s', '{}', 1, now());
    insert into public.features values (1, 'x'), (2, 'y'), (2, 'z');`)
  const before = await sql`select p.*, f.feature from public.plans p left join public.features f on f.plan_id = p.id order by p.id, f.feature`
  await sql.end({ timeout: 5 })
  const out = join(ctx.project.root, 'baseline.sql')
  const r = await dump(ctx, url, ['--out', out, '--data', 'public.features,public.plans', '--json'])
  assert.is(r.code, 0, r.out + r.err)
  const report = JSON.parse(r.out)
  assert.is(report.written, 'baseline.sql')
  assert.is(report.verified, true)
  assert.equal(report.diff, [])
  assert.equal([report.counts.table, report.counts.constraint, report.counts.rows], [2, 4, 6])
  const text = readFileSync(out, 'utf8')
  assert.ok(text.indexOf('INSERT INTO public.plans') < text.indexOf('INSERT INTO public.features'), 'parents first')
  const built = await shimmed(ctx)
  assert.equal(await applyTwice(built, text), [])
  const b = client(built)
  try {
    assert.equal(await b`select p.*, f.feature from public.plans p left join public.features f on f.plan_id = p.id order by p.id, f.feature`, before)
    const [next] = await b`insert into public.plans (name) values ('next') returning id`
    assert.is(next.id, '4')
  } finally {
    await b.end({ timeout: 5 })
  }
})

data.run()

// ---
const smoke = suite<{ dir: string }>('dump-baseline as a subprocess')
smoke.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'smk-baseline-'))
})
smoke.after.each((ctx) => {
  rmSync(ctx.dir, { recursive: true, force: true })
})

smoke('an unreachable database is one line with the password masked, exit 2', async (ctx) => {
  const r = await runScript('dump-baseline', ['--db-url', 'postgresql://postgres:s3cret@127.0.0.1:1/postgres', '--out', '-'], { cwd: ctx.dir })
  assert.is(r.code, 2)
  assert.is(r.stderr.trim(), 'dump-baseline: cannot reach 127.0.0.1:1/postgres (ECONNREFUSED). Check --db-url or start the database.')
  assert.not.match(r.stderr + r.stdout, 's3cret')
})

smoke.run()
