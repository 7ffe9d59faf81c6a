import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { type Catalog, itemKey } from '../../../lib/catalog/model.ts'
import { normalizeSql, normalizeViewDef } from '../../../lib/catalog/normalize.ts'
import { ENGINE_EXCLUSIONS } from '../../../lib/catalog/scope.ts'
import { snapshotCatalog } from '../../../lib/catalog/snapshot.ts'
import { describeChange, diffCatalogs, ignoreMatcher } from '../../../lib/catalog/diff.ts'
import { connect } from '../../../lib/db/connect.ts'
import type { Sql } from '../../../lib/run/sql.ts'
import { applyPlatformShim } from '../../../lib/db/platform/shim.ts'
import { STUB_EXTENSIONS } from '../../../lib/db/platform/stubs.ts'
import { listFolder } from '../../../lib/cli/folder.ts'
import { applyChain, applyMigration } from '../../../lib/cli/apply.ts'
import { shadowSource, type ShadowSource } from '../../../lib/db/shadow.ts'
import { createTempDatabase, dropTempDatabase, onServer } from '../../helpers/db.ts'
import { seedRemoteHistory } from '../../helpers/seed.ts'

type Ctx = { url: string; sql?: Sql }

async function shimmed(ctx: Ctx): Promise<Sql> {
  ctx.url = await createTempDatabase()
  ctx.sql = connect(ctx.url, { app: 'catalog-test', onNotice: () => {} })
  await applyPlatformShim(ctx.sql)
  return ctx.sql
}

async function close(ctx: Ctx) {
  await ctx.sql?.end({ timeout: 5 })
  ctx.sql = undefined
  await dropTempDatabase(ctx.url)
}

const lines = (a: Catalog, b: Catalog) => diffCatalogs(a, b).map((c) => describeChange(c))

// One row per catalog kind (and per property that matters): `setup` runs before the first snapshot, `change` between
// the two, and `expect` must match one line of the diff.
const CRON = STUB_EXTENSIONS.find((s) => s.name === 'pg_cron')!.script
const T = 'create table public.t (id int not null, name text);'
const CASES: { name: string; setup?: string; change: string; expect: RegExp }[] = [
  { name: 'a new schema', change: 'create schema app', expect: /^schema app: added$/ },
  { name: 'a new table', change: T, expect: /^table public\.t: added$/ },
  { name: 'a column type', setup: T, change: 'alter table public.t alter column name type varchar(20)', expect: /^column public\.t\.name: type: text → character varying\(20\)$/ },
  { name: 'a column default', setup: T, change: "alter table public.t alter column name set default 'x'", expect: /^column public\.t\.name: default set to 'x'::text$/ },
  { name: 'a NOT NULL', setup: T, change: 'alter table public.t alter column name set not null', expect: /^column public\.t\.name: not null set to yes$/ },
  { name: 'an identity', setup: T, change: 'alter table public.t alter column id add generated always as identity', expect: /^column public\.t\.id: identity set to always$/ },
  { name: 'a generated column losing its expression', setup: `${T} alter table public.t add column g int generated always as (id * 2) stored;`, change: 'alter table public.t alter column g drop expression', expect: /^column public\.t\.g: generated \(stored\) \(id \* 2\) removed$/ },
  { name: 'a new column', setup: T, change: 'alter table public.t add column extra jsonb', expect: /^column public\.t\.extra: added$/ },
  { name: 'a partition', setup: 'create table public.ev (id int, at date) partition by range (at);', change: "create table public.ev_2025 partition of public.ev for values from ('2025-01-01') to ('2026-01-01')", expect: /^table public\.ev_2025: added$/ },
  { name: 'a partition key', setup: 'create table public.ev (id int, at date) partition by range (at);', change: 'drop table public.ev; create table public.ev (id int, at date) partition by list (id)', expect: /^table public\.ev: partition by: RANGE \(at\) → LIST \(id\)$/ },
  { name: 'a check constraint', setup: T, change: 'alter table public.t add constraint t_name_check check (length(name) > 0)', expect: /^constraint t_name_check on public\.t: added$/ },
  { name: 'a NOT VALID constraint validated', setup: `${T} alter table public.t add constraint t_id_check check (id > 0) not valid;`, change: 'alter table public.t validate constraint t_id_check', expect: /^constraint t_id_check on public\.t: definition: CHECK \(\(id > 0\)\) NOT VALID → CHECK \(\(id > 0\)\)$/ },
  { name: 'a foreign key to auth.users', setup: 'create table public.p (id uuid primary key);', change: 'alter table public.p add constraint p_id_fkey foreign key (id) references auth.users (id) on delete cascade', expect: /^constraint p_id_fkey on public\.p: added$/ },
  { name: 'an index', setup: T, change: 'create index t_name_idx on public.t (name)', expect: /^index public\.t_name_idx: added$/ },
  { name: 'an index definition', setup: `${T} create index t_name_idx on public.t (name);`, change: 'drop index public.t_name_idx; create index t_name_idx on public.t (lower(name))', expect: /^index public\.t_name_idx: definition differs$/ },
  { name: 'a view definition', setup: `${T} create view public.v as select id from public.t;`, change: 'create or replace view public.v as select id, name from public.t', expect: /^view public\.v: definition: SELECT id FROM public\.t → SELECT id, name FROM public\.t$/ },
  { name: 'a view option', setup: `${T} create view public.v as select id from public.t;`, change: 'alter view public.v set (security_invoker = true)', expect: /^view public\.v: options set to security_invoker=true$/ },
  { name: 'a materialized view', setup: T, change: 'create materialized view public.mv as select count(*) from public.t', expect: /^materialized view public\.mv: added$/ },
  { name: 'a sequence increment', setup: 'create sequence public.s;', change: 'alter sequence public.s increment by 5', expect: /^sequence public\.s: increment: 1 → 5$/ },
  { name: 'an enum label', setup: "create type public.mood as enum ('a', 'b');", change: "alter type public.mood add value 'c' before 'b'", expect: /^enum public\.mood: labels: a, b → a, c, b$/ },
  { name: 'a composite attribute', setup: 'create type public.pair as (a int);', change: 'alter type public.pair add attribute b text', expect: /^composite type public\.pair: attributes: a integer → a integer, b text$/ },
  { name: 'a domain check', setup: 'create domain public.email as text;', change: "alter domain public.email add constraint email_check check (value like '%@%')", expect: /^domain public\.email: checks added$/ },
  { name: 'a function body', setup: "create function public.f() returns int language sql as 'select 1';", change: "create or replace function public.f() returns int language sql as 'select 2'", expect: /^function public\.f\(\): body: select 1 → select 2$/ },
  { name: 'a function volatility', setup: "create function public.f() returns int language sql as 'select 1';", change: 'alter function public.f() stable', expect: /^function public\.f\(\): volatility: volatile → stable$/ },
  { name: 'a security definer', setup: "create function public.f() returns int language sql as 'select 1';", change: 'alter function public.f() security definer', expect: /^function public\.f\(\): security definer set to yes$/ },
  { name: 'a function search_path', setup: "create function public.f() returns int language sql as 'select 1';", change: "alter function public.f() set search_path = ''", expect: /^function public\.f\(\): settings set to search_path=""$/ },
  { name: 'a SQL-standard body', setup: 'create function public.g() returns int language sql begin atomic select 1; end;', change: 'create or replace function public.g() returns int language sql begin atomic select 2; end', expect: /^function public\.g\(\): body differs$/ },
  { name: 'a procedure', change: "create procedure public.p() language sql as 'select 1'", expect: /^procedure public\.p\(\): added$/ },
  { name: 'a trigger on auth.users', setup: "create function public.on_user() returns trigger language plpgsql as 'begin return new; end';", change: 'create trigger on_user after insert on auth.users for each row execute function public.on_user()', expect: /^trigger on_user on auth\.users: added$/ },
  { name: 'a trigger on storage.objects', setup: "create function public.on_obj() returns trigger language plpgsql as 'begin return new; end';", change: 'create trigger on_obj before update on storage.objects for each row execute function public.on_obj()', expect: /^trigger on_obj on storage\.objects: added$/ },
  { name: 'a trigger disabled', setup: `${T} create function public.tr() returns trigger language plpgsql as 'begin return new; end'; create trigger tr before update on public.t for each row execute function public.tr();`, change: 'alter table public.t disable trigger tr', expect: /^trigger tr on public\.t: enabled set to disabled$/ },
  { name: 'RLS enabled', setup: T, change: 'alter table public.t enable row level security', expect: /^table public\.t: row level security set to yes$/ },
  { name: 'RLS forced', setup: T, change: 'alter table public.t force row level security', expect: /^table public\.t: forced row level security set to yes$/ },
  { name: 'RLS on a storage table', change: 'alter table storage.buckets disable row level security', expect: /^row level security storage\.buckets: enabled: yes → no$/ },
  { name: 'a policy USING', setup: `${T} create policy "Users can read own" on public.t for select using (true);`, change: 'alter policy "Users can read own" on public.t using (id > 0)', expect: /^policy "Users can read own" on public\.t: USING: true → \(id > 0\)$/ },
  { name: 'a long policy USING', setup: `${T} create policy "Users can read own" on public.t for select using (true);`, change: "alter policy \"Users can read own\" on public.t using (name = (select auth.jwt() ->> 'email'))", expect: /^policy "Users can read own" on public\.t: USING differs$/ },
  { name: 'a policy WITH CHECK', setup: `${T} create policy "Insert" on public.t for insert with check (true);`, change: 'alter policy "Insert" on public.t with check (id > 0)', expect: /^policy "Insert" on public\.t: WITH CHECK: true → \(id > 0\)$/ },
  { name: 'a policy role', setup: `${T} create policy "Read" on public.t for select using (true);`, change: 'alter policy "Read" on public.t to authenticated', expect: /^policy "Read" on public\.t: roles: -public, \+authenticated$/ },
  { name: 'a policy on storage.objects', change: "create policy \"Read avatars\" on storage.objects for select using (bucket_id = 'avatars')", expect: /^policy "Read avatars" on storage\.objects: added$/ },
  { name: 'a policy on realtime.messages', change: "create policy \"Members read\" on realtime.messages for select to authenticated using ((select realtime.topic()) = 'room:1')", expect: /^policy "Members read" on realtime\.messages: added$/ },
  { name: 'a table grant', setup: T, change: 'revoke delete, truncate on public.t from anon', expect: /^privileges on table public\.t to anon: granted: -DELETE, -TRUNCATE$/ },
  { name: 'a column grant', setup: T, change: 'grant update (name) on public.t to authenticated', expect: /^privileges on column public\.t\.name to authenticated: added$/ },
  { name: 'a function grant', setup: "create function public.f() returns int language sql as 'select 1';", change: 'revoke execute on function public.f() from public', expect: /^privileges on function public\.f\(\) to PUBLIC: removed$/ },
  { name: 'a schema grant', setup: 'create schema app;', change: 'grant usage on schema app to authenticated', expect: /^privileges on schema app to authenticated: added$/ },
  { name: 'a sequence grant', setup: 'create sequence public.s;', change: 'revoke update on sequence public.s from anon', expect: /^privileges on sequence public\.s to anon: granted: -UPDATE$/ },
  { name: 'a default privilege', change: 'alter default privileges in schema public revoke all on tables from anon', expect: /^default privileges for role \w+ in schema public on tables to anon: removed$/ },
  { name: 'a global default privilege', change: 'alter default privileges revoke execute on functions from public', expect: /^default privileges for role \w+ on functions: added$/ },
  { name: 'a global default privilege widened', setup: 'alter default privileges revoke execute on functions from public;', change: 'alter default privileges grant execute on functions to authenticated', expect: /^default privileges for role \w+ on functions: granted set to authenticated: EXECUTE$/ },
  { name: 'a publication member', setup: T, change: 'alter publication supabase_realtime add table public.t', expect: /^publication member public\.t in supabase_realtime: added$/ },
  { name: 'an extension', change: 'create extension citext with schema extensions', expect: /^extension citext: added$/ },
  { name: 'an extension moved', setup: 'create extension citext with schema extensions;', change: 'alter extension citext set schema public', expect: /^extension citext: schema: extensions → public$/ },
  { name: 'a table comment', setup: T, change: "comment on table public.t is 'things'", expect: /^table public\.t: comment set to things$/ },
  { name: 'a column comment', setup: T, change: "comment on column public.t.name is 'display name'", expect: /^column public\.t\.name: comment set to display name$/ },
  { name: 'a function comment', setup: "create function public.f() returns int language sql as 'select 1';", change: "comment on function public.f() is 'one'", expect: /^function public\.f\(\): comment set to one$/ },
  { name: 'a storage bucket row', change: "insert into storage.buckets (id, name) values ('avatars', 'avatars')", expect: /^storage bucket "avatars": added$/ },
  { name: 'a storage bucket made public', setup: "insert into storage.buckets (id, name) values ('avatars', 'avatars');", change: "update storage.buckets set public = true where id = 'avatars'", expect: /^storage bucket "avatars": public: no → yes$/ },
  { name: 'a cron job', setup: CRON, change: "select cron.schedule('nightly', '0 3 * * *', 'select 1')", expect: /^cron job "nightly": added$/ },
  { name: 'a cron schedule', setup: `${CRON} select cron.schedule('nightly', '0 3 * * *', 'select 1');`, change: "select cron.schedule('nightly', '0 4 * * *', 'select 1')", expect: /^cron job "nightly": schedule: 0 3 \* \* \* → 0 4 \* \* \*$/ },
]

// ---
const kinds = suite<Ctx>('catalog: a change of each kind is detected')
kinds.after.each(close)
for (const c of CASES) {
  kinds(`detects ${c.name}`, async (ctx) => {
    const sql = await shimmed(ctx)
    if (c.setup) await sql.unsafe(c.setup)
    const before = await snapshotCatalog(sql)
    await sql.unsafe(c.change)
    const after = await snapshotCatalog(sql)
    const found = lines(before, after)
    assert.ok(found.some((l) => c.expect.test(l)), `expected ${c.expect} among:\n${found.join('\n')}`)
  })
}
kinds.run()

// ---
const scope = suite<Ctx>('catalog: platform objects are left out, user objects attached to them kept')
scope.after.each(close)

scope('a freshly shimmed database has no project items but the platform-facing ones', async (ctx) => {
  const sql = await shimmed(ctx)
  const kindsSeen = new Set((await snapshotCatalog(sql)).items.map((i) => i.kind))
  assert.equal([...kindsSeen].sort(), ['default privileges', 'extension', 'privileges', 'publication', 'row level security', 'schema'])
})

scope('objects in platform schemas and members of extensions are not items', async (ctx) => {
  const sql = await shimmed(ctx)
  const before = await snapshotCatalog(sql)
  await sql.unsafe(`create function auth.helper() returns int language sql as 'select 1';
    create table storage.extra (id int); create extension pg_trgm with schema public;`)
  const found = lines(before, await snapshotCatalog(sql))
  assert.equal(found, ['extension pg_trgm: added'])
})

scope('a new table is one line, not one per column, constraint and grant', async (ctx) => {
  const sql = await shimmed(ctx)
  const before = await snapshotCatalog(sql)
  await sql.unsafe('create table public.t (id int primary key, name text unique); create index on public.t (name, id)')
  assert.equal(lines(before, await snapshotCatalog(sql)), ['table public.t: added'])
})

scope('the snapshot does not depend on the session search_path', async (ctx) => {
  const sql = await shimmed(ctx)
  await sql.unsafe(`create function public.tr() returns trigger language plpgsql as 'begin return new; end';
    create trigger tr after insert on auth.users for each row execute function public.tr();`)
  const a = await snapshotCatalog(sql)
  await sql.unsafe('set search_path = auth, extensions')
  assert.equal(await snapshotCatalog(sql), a)
  assert.match(a.items.find((i) => i.kind === 'trigger')!.props.definition, 'EXECUTE FUNCTION public.tr()')
})
scope.run()

// ---
const pure = suite('catalog diff: sentences and --ignore')
const cat = (...items: Catalog['items']): Catalog => ({ major: 15, items })

pure('a changed long expression reads "<item>: USING differs"', () => {
  const long = '(EXISTS ( SELECT 1 FROM public.audits a WHERE ((a.id = audit_results_chunks.audit_id) AND (a.user_id = auth.uid()))))'
  const a = cat({ kind: 'policy', name: '"Users can read own audit chunks" on public.audit_results_chunks', props: { USING: long } })
  const b = cat({ kind: 'policy', name: '"Users can read own audit chunks" on public.audit_results_chunks', props: { USING: long.replace('a.user_id', 'a.owner') } })
  assert.equal(lines(a, b), ['policy "Users can read own audit chunks" on public.audit_results_chunks: USING differs'])
})

pure('ignore patterns match whole keys with * wildcards', () => {
  const is = ignoreMatcher(['column public.repos.*', '*tmp*'])
  assert.ok(is('column public.repos.owner_repo'))
  assert.ok(is('index public.tmp_idx'))
  assert.not.ok(is('column public.audits.owner_repo'))
  const changes = diffCatalogs(cat(), cat({ kind: 'column', name: 'public.repos.x', props: {} }, { kind: 'table', name: 'public.a', props: {} }))
  const ignored = ignoreMatcher(['column public.repos.*'])
  assert.equal(changes.filter((c) => !ignored(c.key)).map((c) => c.key), ['table public.a'])
})

pure('white space in pg_get_* output does not count', () => {
  assert.is(normalizeSql(' SELECT a,\n    b\n   FROM t;'), 'SELECT a, b FROM t')
})

pure('a one-table view reads the same from PostgreSQL 15 (qualified columns) and 16+ (bare columns)', () => {
  const pg15 = "SELECT date_trunc('day'::text, events.at) AS day,\n    events.kind\n   FROM public.events\n  GROUP BY (date_trunc('day'::text, events.at)), events.kind;"
  const pg18 = "SELECT date_trunc('day'::text, at) AS day,\n    kind\n   FROM public.events\n  GROUP BY (date_trunc('day'::text, at)), kind;"
  assert.is(normalizeViewDef(pg15), normalizeViewDef(pg18))
  // With a join both versions qualify, and the text is kept as it is.
  const join = 'SELECT r.id FROM (public.repos r LEFT JOIN public.audits a ON ((a.repo_id = r.id)))'
  assert.is(normalizeViewDef(join), join)
})

pure('every engine exclusion says why', () => {
  for (const [what, why] of Object.entries(ENGINE_EXCLUSIONS)) assert.ok(why.length > 20, what)
})
pure.run()

// ---
type EngineCtx = { source: ShadowSource; url: string }
const engines = suite<EngineCtx>('catalog: one chain on PostgreSQL 15 (server) and 18 (PGlite) snapshots equal')
engines.before((ctx) => {
  ctx.source = shadowSource({ app: 'catalog-test', onNotice: () => {} })
})
engines.after(async (ctx) => {
  await ctx.source.close()
})
engines.after.each(async (ctx) => {
  if (ctx.url) await dropTempDatabase(ctx.url)
})

async function replaySeedHistory(url: string): Promise<Catalog> {
  const sql = connect(url, { app: 'catalog-test', onNotice: () => {} })
  try {
    for (const { file, text } of seedRemoteHistory()) {
      const r = await applyMigration(sql, file, { record: false, text })
      if (!r.ok) throw new Error(`${r.file}: ${r.message}`)
    }
    return await snapshotCatalog(sql)
  } finally {
    await sql.end({ timeout: 5 })
  }
}

onServer(engines, 'comparing PostgreSQL 15 with PGlite needs the server')('the seed history replayed on both engines gives the same snapshot', async (ctx) => {
  ctx.url = await createTempDatabase()
  const setup = connect(ctx.url, { app: 'catalog-test', onNotice: () => {} })
  await applyPlatformShim(setup)
  await setup.end({ timeout: 5 })
  const server = await replaySeedHistory(ctx.url)
  const shadow = await ctx.source.open()
  try {
    const pglite = await replaySeedHistory(shadow.url)
    assert.ok(server.items.length > 200, `only ${server.items.length} items`)
    assert.equal(diffCatalogs(server, pglite).map((c) => describeChange(c)), [])
    assert.equal(server.items.map(itemKey), pglite.items.map(itemKey))
    assert.is(shadow.major, 18)
  } finally {
    await shadow.dispose()
  }
})

onServer(engines, 'comparing PostgreSQL 15 with PGlite needs the server')('a kitchen-sink chain (partitions, identity, generated, domains, views, policies, grants) snapshots equal', async (ctx) => {
  const files = listFolder(fileURLToPath(new URL('../../fixtures/catalog/kitchen-sink', import.meta.url))).files
  const replay = async (url: string) => {
    const sql = connect(url, { app: 'catalog-test', onNotice: () => {} })
    try {
      await applyPlatformShim(sql)
      const r = await applyChain(sql, files, { record: true })
      assert.is(r.failure, undefined, JSON.stringify(r.failure))
      return await snapshotCatalog(sql)
    } finally {
      await sql.end({ timeout: 5 })
    }
  }
  ctx.url = await createTempDatabase()
  const server = await replay(ctx.url)
  const shadow = await ctx.source.open()
  try {
    const pglite = await replay(shadow.url)
    assert.equal(diffCatalogs(server, pglite).map((c) => describeChange(c)), [])
    const kinds = new Set(server.items.map((i) => i.kind))
    for (const k of ['sequence', 'materialized view', 'composite type', 'domain', 'procedure', 'publication member', 'storage bucket']) assert.ok(kinds.has(k as never), k)
  } finally {
    await shadow.dispose()
  }
})

onServer(engines, 'comparing PostgreSQL 15 with PGlite needs the server')('what is excluded on purpose really differs between the engines (extension versions, MAINTAIN)', async (ctx) => {
  ctx.url = await createTempDatabase()
  const shadow = await ctx.source.open()
  const raw = async (url: string) => {
    const sql = connect(url, { app: 'catalog-test', onNotice: () => {} })
    try {
      await sql.unsafe('create table public.m (id int)')
      const [ext] = await sql<{ v: string }[]>`select extversion as v from pg_extension where extname = 'pgcrypto'`
      const [acl] = await sql<{ p: string[] }[]>`select array_agg(privilege_type order by privilege_type) as p
        from aclexplode(acldefault('r', (select relowner from pg_class where oid = 'public.m'::regclass)))`
      return { version: ext?.v, privileges: acl.p }
    } finally {
      await sql.end({ timeout: 5 })
    }
  }
  try {
    const setup = connect(ctx.url, { app: 'catalog-test', onNotice: () => {} })
    await applyPlatformShim(setup)
    await setup.end({ timeout: 5 })
    const a = await raw(ctx.url)
    const b = await raw(shadow.url)
    assert.is.not(a.version, b.version)
    assert.not.ok(a.privileges.includes('MAINTAIN'))
    assert.ok(b.privileges.includes('MAINTAIN'))
  } finally {
    await shadow.dispose()
  }
})
engines.run()
