import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { snapshotCatalog } from '../../lib/catalog.ts'
import { connect, type Sql } from '../../lib/db.ts'
import { applyPlatformShim, extensionsCreatedBy, PLATFORM_ROLES, PLATFORM_SCHEMAS } from '../../lib/platform.ts'
import { createTempDatabase, dropTempDatabase } from '../helpers/db.ts'

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
  // A plain server has no pg_cron or vector; the report says so before a migration fails on it.
  for (const name of ['pg_cron', 'vector', 'pg_net']) assert.is(status[name], 'missing', name)
  assert.ok(report.missing.includes('pg_cron'))
})

platform('stands in for vault and pg_graphql where the engine lacks them', async ({ sql }) => {
  const report = await applyPlatformShim(sql)
  assert.equal(report.stubbed.sort(), ['pg_graphql', 'supabase_vault'])
  const [s] = await sql`select vault.create_secret('token', 'api') as id`
  const [d] = await sql`select decrypted_secret from vault.decrypted_secrets where id = ${s.id}`
  assert.is(d.decrypted_secret, 'token')
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

platform.run()

// ---
const referenced = suite('which missing extensions matter')
referenced('only those a migration creates, quoted or not, with or without IF NOT EXISTS', () => {
  const texts = ['create extension if not exists "vector" with schema extensions;', 'CREATE EXTENSION pg_cron;', 'select pg_net_stub();']
  assert.equal(extensionsCreatedBy(texts, ['pg_cron', 'vector', 'pg_net', 'pgjwt']), ['pg_cron', 'vector'])
})
referenced.run()
