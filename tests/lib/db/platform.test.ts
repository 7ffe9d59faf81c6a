import { randomBytes } from 'node:crypto'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { snapshotCatalog } from '../../../lib/catalog/snapshot.ts'
import { connect } from '../../../lib/db/connect.ts'
import type { Sql } from '../../../lib/run/sql.ts'
import { extensionsCreatedBy } from '../../../lib/db/platform/extensions.ts'
import { applyPlatformShim, PLATFORM_ROLES, PLATFORM_SCHEMAS } from '../../../lib/db/platform/shim.ts'
import { client, createTempDatabase, dropTempDatabase, onServer, testServer } from '../../helpers/db.ts'

type Ctx = { url: string; sql: Sql }

const platform = suite<Ctx>('Supabase platform shim')
platform.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
  ctx.sql = connect(ctx.url, { app: 'platform-test', onNotice: () => {} })
})
platform.after.each(async (ctx) => {
  await ctx.sql.end({ timeout: 5 })
  await dropTempDatabase(ctx.url)
})

platform('creates the roles and schemas, service_role bypasses RLS, authenticator can switch to the API roles', async ({ sql }) => {
  await applyPlatformShim(sql)
  const roles = await sql<{ rolname: string; rolbypassrls: boolean }[]>`
    select rolname, rolbypassrls from pg_roles where rolname = any(${sql.array([...PLATFORM_ROLES])}) order by rolname`
  assert.equal(roles.map((r) => r.rolname), [...PLATFORM_ROLES].sort())
  assert.ok(roles.find((r) => r.rolname === 'service_role')!.rolbypassrls)
  const schemas = await sql`select nspname from pg_namespace where nspname = any(${sql.array([...PLATFORM_SCHEMAS])})`
  assert.is(schemas.length, PLATFORM_SCHEMAS.length)
  const [m] = await sql`select pg_has_role('authenticator', 'authenticated', 'MEMBER') as member`
  assert.is(m.member, true)
})

platform('auth.users and auth.identities have the real columns', async ({ sql }) => {
  await applyPlatformShim(sql)
  const columns = async (table: string) =>
    (await sql<{ attname: string }[]>`select attname from pg_attribute where attrelid = ${table}::regclass and attnum > 0 and not attisdropped`).map((r) => r.attname)
  const users = await columns('auth.users')
  for (const c of ['id', 'email', 'raw_user_meta_data', 'raw_app_meta_data', 'phone', 'confirmed_at', 'email_change_confirm_status', 'is_anonymous', 'deleted_at']) assert.ok(users.includes(c), c)
  assert.equal((await columns('auth.identities')).sort(), ['created_at', 'email', 'id', 'identity_data', 'last_sign_in_at', 'provider', 'provider_id', 'updated_at', 'user_id'])
  await sql`insert into auth.users (id, email) values ('00000000-0000-0000-0000-000000000001', 'a@example.com')`
  await sql`insert into auth.identities (provider_id, user_id, identity_data, provider)
    values ('a', '00000000-0000-0000-0000-000000000001', '{"email": "A@Example.com"}', 'email')`
  const [i] = await sql`select email from auth.identities`
  assert.is(i.email, 'a@example.com')
})

platform('RLS is on for auth.users, auth.identities, storage.buckets and storage.objects, as on hosted projects', async ({ sql }) => {
  await applyPlatformShim(sql)
  const rows = await sql`select oid::regclass::text as name from pg_class
    where oid in ('auth.users'::regclass, 'auth.identities'::regclass, 'storage.buckets'::regclass, 'storage.objects'::regclass) and relrowsecurity`
  assert.is(rows.length, 4)
})

platform('auth.uid(), auth.role(), auth.email() and auth.jwt() read the request claims as PostgREST sets them', async ({ sql }) => {
  await applyPlatformShim(sql)
  const [row] = await sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', '{"sub": "00000000-0000-0000-0000-000000000002", "role": "authenticated", "email": "b@example.com"}', true)`
    return tx`select auth.uid()::text as uid, auth.role() as role, auth.email() as email, auth.jwt() ->> 'role' as jwt_role`
  })
  assert.equal({ ...row }, { uid: '00000000-0000-0000-0000-000000000002', role: 'authenticated', email: 'b@example.com', jwt_role: 'authenticated' })
})

platform('storage helpers split object names like Supabase storage does', async ({ sql }) => {
  await applyPlatformShim(sql)
  const [row] = await sql`select storage.foldername('user-1/reports/a.pdf') as folders, storage.filename('user-1/reports/a.pdf') as file, storage.extension('user-1/reports/a.pdf') as ext`
  assert.equal({ ...row }, { folders: ['user-1', 'reports'], file: 'a.pdf', ext: 'pdf' })
  await sql`insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true)`
  await sql`insert into storage.objects (bucket_id, name) values ('avatars', 'u/1.png')`
  const [o] = await sql`select path_tokens from storage.objects`
  assert.equal(o.path_tokens, ['u', '1.png'])
})

platform('the realtime publication exists and new public tables are granted to the API roles', async ({ sql }) => {
  await applyPlatformShim(sql)
  const [pub] = await sql`select pubinsert and pubupdate and pubdelete and pubtruncate as all_ops from pg_publication where pubname = 'supabase_realtime'`
  assert.is(pub.all_ops, true)
  await sql`create table public.t (id int)`
  const grants = await sql`select grantee from information_schema.role_table_grants where table_name = 't' and privilege_type = 'SELECT' order by grantee`
  assert.equal(grants.map((g) => g.grantee).filter((g) => g !== 'postgres'), ['anon', 'authenticated', 'service_role'])
})

platform('pre-installs only what Supabase does: pgcrypto and uuid-ossp, not pg_trgm or citext', async ({ sql }) => {
  const report = await applyPlatformShim(sql)
  const installed = (await sql<{ extname: string; schema: string }[]>`select extname, extnamespace::regnamespace::text as schema from pg_extension`)
  assert.ok(installed.some((e) => e.extname === 'pgcrypto' && e.schema === 'extensions'))
  assert.ok(installed.some((e) => e.extname === 'uuid-ossp' && e.schema === 'extensions'))
  assert.not.ok(installed.some((e) => e.extname === 'pg_trgm' || e.extname === 'citext'))
  const status = Object.fromEntries(report.extensions.map((e) => [e.name, e.status]))
  assert.is(status.pg_trgm, 'available')
  // A plain server has no pg_cron or vector, and the report says so before a migration fails on it; PGlite has
  // the kit's stub extensions (lib/embedded.ts).
  const plainServer = Boolean(await testServer())
  for (const name of ['pg_cron', 'vector', 'pg_net']) assert.is(status[name], plainServer ? 'missing' : 'stub', name)
  assert.is(report.missing.includes('pg_cron'), plainServer)
})

platform('stands in for vault and pg_graphql where the engine lacks them', async ({ sql }) => {
  const report = await applyPlatformShim(sql)
  // On PGlite the stub extensions provide them instead, so the shim has nothing to stand in for.
  assert.equal(report.stubbed.sort(), (await testServer()) ? ['pg_graphql', 'supabase_vault'] : [])
  const [s] = await sql`select vault.create_secret('token', 'api') as id`
  const [d] = await sql`select decrypted_secret from vault.decrypted_secrets where id = ${s.id}`
  assert.is(d.decrypted_secret, 'token')
})

platform('a second vault secret with the same name fails with 23505, as on hosted', async ({ sql }) => {
  await applyPlatformShim(sql)
  await sql`select vault.create_secret('a', 'api_key', 'first')`
  const code = await sql`select vault.create_secret('b', 'api_key')`.then(() => 'none', (e) => e.code)
  assert.is(code, '23505')
  // Unnamed secrets do not collide (the real index is partial), and ON CONFLICT (name) needs its predicate (42P10).
  await sql`select vault.create_secret('c'), vault.create_secret('d')`
  const conflict = await sql`insert into vault.secrets (secret, name) values ('e', 'api_key') on conflict (name) do nothing`.then(() => 'none', (e) => e.code)
  assert.is(conflict, '42P10')
})

platform('realtime.messages, realtime.topic() and realtime.send() have the real shapes and take user policies', async ({ sql }) => {
  await applyPlatformShim(sql)
  const columns = await sql<{ attname: string; type: string }[]>`select attname, format_type(atttypid, atttypmod) as type from pg_attribute
    where attrelid = 'realtime.messages'::regclass and attnum > 0 and not attisdropped order by attnum`
  assert.equal(columns.map((c) => `${c.attname} ${c.type}`), ['topic text', 'extension text', 'payload jsonb', 'event text', 'private boolean',
    'updated_at timestamp without time zone', 'inserted_at timestamp without time zone', 'id uuid'])
  const [rls] = await sql`select relrowsecurity as on, relkind as kind from pg_class where oid = 'realtime.messages'::regclass`
  assert.equal({ ...rls }, { on: true, kind: 'p' })
  // What real migrations do: a policy testing realtime.topic(), a trigger calling realtime.send().
  await sql.unsafe(`create policy "members read" on realtime.messages for select to authenticated using ((select realtime.topic()) like 'room:%');
    create table public.rooms (id int primary key, name text);
    create function public.rooms_broadcast() returns trigger language plpgsql as $$
      begin perform realtime.send(jsonb_build_object('name', new.name), 'renamed', 'room:' || new.id, true); return new; end $$;
    create trigger rooms_broadcast after insert on public.rooms for each row execute function public.rooms_broadcast();
    create function public.rooms_changes() returns trigger language plpgsql as $$
      begin perform realtime.broadcast_changes('rooms', tg_op, tg_op, tg_table_name, tg_table_schema, new, old); return null; end $$;
    create trigger rooms_changes after update on public.rooms for each row execute function public.rooms_changes();`)
  await sql`insert into public.rooms values (1, 'lobby')`
  await sql`update public.rooms set name = 'hall'`
  const messages = await sql`select topic, event, extension, private, payload ->> 'name' as name, payload ? 'id' as has_id from realtime.messages order by inserted_at`
  assert.equal(messages.map((m) => ({ ...m })), [
    { topic: 'room:1', event: 'renamed', extension: 'broadcast', private: true, name: 'lobby', has_id: true },
    { topic: 'rooms', event: 'UPDATE', extension: 'broadcast', private: true, name: null, has_id: true },
  ])
  const [topic] = await sql.begin(async (tx) => {
    await tx`select set_config('realtime.topic', 'room:7', true)`
    return tx`select realtime.topic() as topic`
  })
  assert.is(topic.topic, 'room:7')
})

platform('is idempotent: a second run changes nothing', async ({ sql }) => {
  await applyPlatformShim(sql)
  const objects = () => sql`select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname in ('auth', 'storage', 'vault', 'graphql')`
  const before = { catalog: await snapshotCatalog(sql), objects: await objects() }
  await applyPlatformShim(sql)
  assert.equal({ catalog: await snapshotCatalog(sql), objects: await objects() }, before)
})

platform('keeps what a real Supabase database already has (harmless there)', async ({ sql }) => {
  await sql.unsafe(`create schema auth; create table auth.users (id uuid primary key, email text, hosted_only text);
    create function auth.uid() returns uuid language sql stable as $$ select '00000000-0000-0000-0000-0000000000ff'::uuid $$;`)
  await applyPlatformShim(sql)
  const [row] = await sql`select auth.uid()::text as uid, (select count(*)::int from pg_attribute where attrelid = 'auth.users'::regclass and attnum > 0) as columns`
  assert.equal({ ...row }, { uid: '00000000-0000-0000-0000-0000000000ff', columns: 3 })
})
platform('runs without error as a role that owns none of the platform objects, as postgres on a hosted project', async ({ sql, url }) => {
  await applyPlatformShim(sql)
  // A hosted project as postgres sees it: the platform owns auth, storage, vault and graphql; postgres can use them
  // and has Supabase's default privileges (dashboard_user plays postgres here).
  const owners = `alter schema auth owner to supabase_auth_admin; alter table auth.users owner to supabase_auth_admin;
    alter table auth.identities owner to supabase_auth_admin; alter function auth.uid() owner to supabase_auth_admin;
    alter schema storage owner to supabase_storage_admin; alter table storage.buckets owner to supabase_storage_admin;
    alter table storage.objects owner to supabase_storage_admin; alter schema vault owner to supabase_admin;
    alter table vault.secrets owner to supabase_admin; alter function graphql.resolve(text, jsonb, text, jsonb) owner to supabase_admin;
    alter schema graphql owner to supabase_admin; alter publication supabase_realtime owner to supabase_admin;
    alter schema realtime owner to supabase_admin; alter function realtime.send(jsonb, text, text, boolean) owner to supabase_admin;
    grant usage on schema realtime to dashboard_user; drop table realtime.messages; -- a project from before Broadcast
    grant usage on schema auth, storage, vault, graphql, extensions to dashboard_user;
    alter default privileges for role dashboard_user in schema public grant all on tables to anon, authenticated, service_role;
    alter default privileges for role dashboard_user in schema public grant all on sequences to anon, authenticated, service_role;
    alter default privileges for role dashboard_user in schema public grant all on functions to anon, authenticated, service_role;`
  await sql.unsafe(owners)
  const before = await snapshotCatalog(sql)
  const name = new URL(url).pathname.slice(1)
  await sql.unsafe(`grant create on database "${name}" to dashboard_user`)
  await sql.begin(async (tx) => {
    await tx.unsafe('set local role dashboard_user')
    await applyPlatformShim(tx as unknown as Sql)
  })
  assert.equal(await snapshotCatalog(sql), before)
})

platform('a direct DELETE on storage.buckets or storage.objects fails with 42501, as storage\'s protect_delete does on hosted', async ({ sql }) => {
  await applyPlatformShim(sql)
  await sql`insert into storage.buckets (id, name) values ('tmp', 'tmp')`
  const refused = await sql`delete from storage.buckets where id = 'tmp'`.catch((e) => e)
  assert.is(refused.code, '42501')
  assert.match(refused.message, /Direct deletion from storage tables is not allowed/)
  const objects = await sql`delete from storage.objects`.catch((e) => e)
  assert.is(objects.code, '42501')
  // The storage service's own way through, as on hosted.
  const [gone] = await sql.begin(async (tx) => {
    await tx`select set_config('storage.allow_delete_query', 'true', true)`
    return tx`with d as (delete from storage.buckets where id = 'tmp' returning 1) select count(*)::int as n from d`
  })
  assert.is(gone.n, 1)
})

platform('owners and ACLs are hosted\'s: platform schemas owned by supabase_admin, postgres=U on public, postgres in its own default privileges', async ({ sql }) => {
  await applyPlatformShim(sql)
  const schemas = await sql`select nspname as name, nspowner::regrole::text as owner from pg_namespace
    where nspname in ('auth', 'storage', 'realtime', 'graphql', 'graphql_public', 'vault', 'extensions') order by 1`
  assert.equal(schemas.map((r) => `${r.name}:${r.owner}`), ['auth:supabase_admin', 'extensions:postgres', 'graphql:supabase_admin', 'graphql_public:supabase_admin', 'realtime:supabase_admin', 'storage:supabase_admin', 'vault:supabase_admin'])
  const [pub] = await sql`select array_to_string(array(select x::text from unnest(nspacl) x order by 1), ',') as acl from pg_namespace where nspname = 'public'`
  assert.is(pub.acl, '=U/pg_database_owner,anon=U/pg_database_owner,authenticated=U/pg_database_owner,pg_database_owner=UC/pg_database_owner,postgres=U/pg_database_owner,service_role=U/pg_database_owner')
  const defaults = await sql`select defaclobjtype as type, array_to_string(array(select x::text from unnest(defaclacl) x order by 1), ',') as acl
    from pg_default_acl where defaclrole = 'postgres'::regrole and defaclnamespace = 'public'::regnamespace order by 1`
  assert.equal(defaults.map((r) => `${r.type} ${r.acl}`), [
    'S anon=rwU/postgres,authenticated=rwU/postgres,postgres=rwU/postgres,service_role=rwU/postgres',
    'f anon=X/postgres,authenticated=X/postgres,postgres=X/postgres,service_role=X/postgres',
    'r anon=arwdDxt/postgres,authenticated=arwdDxt/postgres,postgres=arwdDxt/postgres,service_role=arwdDxt/postgres',
  ])
  const tables = await sql`select c.oid::regclass::text as name, c.relowner::regrole::text as owner, c.relrowsecurity as rls,
      array_to_string(array(select x::text from unnest(c.relacl) x order by 1), ',') as acl
    from pg_class c where c.oid in ('auth.users'::regclass, 'storage.objects'::regclass) order by 1`
  assert.equal(tables.map((r) => ({ ...r })), [
    { name: 'auth.users', owner: 'supabase_auth_admin', rls: true, acl: 'dashboard_user=arwdDxt/supabase_auth_admin,postgres=ar*wdDxt/supabase_auth_admin,supabase_auth_admin=arwdDxt/supabase_auth_admin' },
    { name: 'storage.objects', owner: 'supabase_storage_admin', rls: true, acl: 'anon=arwdDxt/supabase_storage_admin,authenticated=arwdDxt/supabase_storage_admin,postgres=a*r*w*d*D*x*t*/supabase_storage_admin,service_role=arwdDxt/supabase_storage_admin,supabase_storage_admin=arwdDxt/supabase_storage_admin' },
  ])
  const [publication] = await sql`select pubowner::regrole::text as owner, (select count(*)::int from pg_publication_rel r where r.prpubid = p.oid) as tables from pg_publication p where pubname = 'supabase_realtime'`
  assert.equal({ ...publication }, { owner: 'postgres', tables: 0 })
})

platform('changes nothing, byte for byte, on a database prepared like a hosted project', async ({ sql }) => {
  // Hosted's values for what the shim touches (the shim's own output, which matches hosted on these), plus what
  // hosted has and an older shim got wrong: no cron/net/supabase_functions schemas, more storage tables with
  // narrower grants, a project that revoked the API roles' default privileges, no realtime.messages.
  await applyPlatformShim(sql)
  await sql.unsafe(`drop schema cron cascade; drop schema net cascade; drop schema supabase_functions cascade;
    create table storage.s3_multipart_uploads (id text primary key);
    alter table storage.s3_multipart_uploads owner to supabase_storage_admin;
    grant select on storage.s3_multipart_uploads to anon, authenticated;
    alter default privileges for role postgres in schema public revoke all on tables from anon;
    revoke usage on schema public from anon;
    drop table realtime.messages;`)
  const before = await platformCatalog(sql)
  const report = await applyPlatformShim(sql)
  assert.is(report.platformPresent, true)
  assert.is(await platformCatalog(sql), before)
})

onServer(platform, 'a second superuser role needs a server')('default privileges belong to postgres even when the shadow is reached as another superuser', async ({ url }) => {
  const role = `smk_super_${randomBytes(4).toString('hex')}`
  const admin = client(url)
  try {
    await admin`create role ${admin(role)} superuser login`
    const as = new URL(url)
    as.username = role
    const other = connect(as.toString(), { app: 'platform-test', onNotice: () => {} })
    try {
      await applyPlatformShim(other)
    } finally {
      await other.end({ timeout: 5 })
    }
    const owners = await admin`select distinct defaclrole::regrole::text as owner from pg_default_acl where defaclnamespace = 'public'::regnamespace order by 1`
    assert.equal(owners.map((r) => r.owner), ['postgres', 'supabase_admin'])
  } finally {
    await admin.end({ timeout: 5 })
    await dropTempDatabase(url)
    const root = client(url.replace(/\/[^/]*$/, '/postgres'))
    await root`drop role if exists ${root(role)}`
    await root.end({ timeout: 5 })
  }
})

// Everything the shim could touch, as text: schemas, relations, functions, types with owners and ACLs, default
// privileges, publications, triggers, and the platform roles' memberships.
async function platformCatalog(sql: Sql): Promise<string> {
  const acl = (column: string) => sql.unsafe(`array_to_string(array(select x::text from unnest(${column}) x order by 1), ',')`)
  const parts = [
    await sql`select nspname, nspowner::regrole::text, ${acl('nspacl')} from pg_namespace order by 1`,
    await sql`select c.oid::regclass::text, c.relkind, c.relowner::regrole::text, c.relrowsecurity, c.relforcerowsecurity, ${acl('c.relacl')}
      from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname !~ '^pg_' and n.nspname <> 'information_schema' order by 1`,
    await sql`select p.oid::regprocedure::text, p.proowner::regrole::text, ${acl('p.proacl')}, md5(p.prosrc) from pg_proc p
      join pg_namespace n on n.oid = p.pronamespace where n.nspname !~ '^pg_' and n.nspname <> 'information_schema' order by 1`,
    await sql`select t.oid::regtype::text, t.typowner::regrole::text from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where n.nspname !~ '^pg_' and n.nspname <> 'information_schema' order by 1`,
    await sql`select defaclrole::regrole::text, coalesce(defaclnamespace::regnamespace::text, ''), defaclobjtype, ${acl('defaclacl')} from pg_default_acl order by 1, 2, 3`,
    await sql`select pubname, pubowner::regrole::text, pubinsert, pubupdate, pubdelete, pubtruncate, (select count(*) from pg_publication_rel r where r.prpubid = p.oid) from pg_publication p order by 1`,
    await sql`select tgrelid::regclass::text, tgname, tgenabled from pg_trigger where not tgisinternal order by 1, 2`,
    await sql`select extname, extversion, extnamespace::regnamespace::text from pg_extension order by 1`,
    await sql`select m.member::regrole::text, m.roleid::regrole::text from pg_auth_members m
      where m.roleid::regrole::text = any(${sql.array([...PLATFORM_ROLES])}) or m.member::regrole::text = any(${sql.array([...PLATFORM_ROLES])}) order by 1, 2`,
  ]
  return JSON.stringify(parts)
}

platform.run()

// ---
const referenced = suite('which missing extensions matter')
referenced('only those a migration creates, quoted or not, with or without IF NOT EXISTS', () => {
  const texts = ['create extension if not exists "vector" with schema extensions;', 'CREATE EXTENSION pg_cron;', 'select pg_net_stub();']
  assert.equal(extensionsCreatedBy(texts, ['pg_cron', 'vector', 'pg_net', 'pgjwt']), ['pg_cron', 'vector'])
})
referenced.run()
