import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { applyChain, applyMigration } from '../../../lib/cli/apply.ts'
import { listFolder } from '../../../lib/cli/folder.ts'
import { splitAndTrim } from '../../../lib/cli/split.ts'
import { connect } from '../../../lib/db/connect.ts'
import { openShadow } from '../../../lib/db/shadow.ts'
import { applyPlatformShim } from '../../../lib/db/platform/shim.ts'
import { filterModel, generateBaseline, renderBaseline } from '../../../lib/catalog/generate.ts'
import { readCatalogModel } from '../../../lib/catalog/read.ts'
import { diffCatalogs, describeChange } from '../../../lib/catalog/diff.ts'
import { projectCatalog } from '../../../lib/catalog/snapshot.ts'
import { makeBaseline } from '../../../lib/checks/baseline.ts'
import type { Sql } from '../../../lib/run/sql.ts'
import { createTempDatabase, dropTempDatabase } from '../../helpers/db.ts'

const KITCHEN_SINK = fileURLToPath(new URL('../../fixtures/catalog/kitchen-sink', import.meta.url))

type Ctx = { urls: string[]; sqls: Sql[] }
async function shimmed(ctx: Ctx): Promise<Sql> {
  const url = await createTempDatabase()
  ctx.urls.push(url)
  const sql = connect(url, { app: 'generate-test', onNotice: () => {} })
  ctx.sqls.push(sql)
  await applyPlatformShim(sql)
  return sql
}

// The generated statements for a schema made by `ddl` on a Supabase-like database.
async function generated(ctx: Ctx, ddl: string): Promise<{ sql: Sql; statements: string[] }> {
  const sql = await shimmed(ctx)
  await sql.unsafe(ddl)
  const model = await readCatalogModel(sql, { generator: true })
  return { sql, statements: generateBaseline(model).statements }
}

// Applies the statements to a fresh Supabase-like database twice (as db push would) and returns its strict
// difference from `remote`, as sentences.
async function rebuild(ctx: Ctx, remote: Sql, statements: string[]): Promise<string[]> {
  const target = await shimmed(ctx)
  const { text } = renderBaseline('-- test', statements)
  for (const run of [1, 2]) {
    const r = await applyMigration(target, { file: 'b.sql', path: 'b.sql', version: '0', name: 'b' }, { record: false, text })
    if (!r.ok) return [`run ${run}: ${r.code} ${r.message}: ${r.statement.slice(0, 80)}`]
  }
  const [a, b] = [await readCatalogModel(remote, { generator: true }), await readCatalogModel(target, { generator: true })]
  return diffCatalogs(projectCatalog(a, { strict: true }), projectCatalog(b, { strict: true })).map((c) => describeChange(c))
}

const at = (statements: string[], start: string) => {
  const i = statements.findIndex((s) => s.startsWith(start) || s.includes(`\n${start}`))
  assert.ok(i >= 0, `no statement starts with ${start}`)
  return i
}

const gen = suite<Ctx>('generate: model → SQL ordered by pg_depend, every statement guarded')
gen.before.each((ctx) => {
  ctx.urls = []
  ctx.sqls = []
})
gen.after.each(async (ctx) => {
  for (const sql of ctx.sqls) await sql.end({ timeout: 5 })
  for (const url of ctx.urls) await dropTempDatabase(url)
})

gen('the CLI splitter cuts the kitchen sink\'s baseline into exactly the generator\'s statements', async (ctx) => {
  const sql = await shimmed(ctx)
  const r = await applyChain(sql, listFolder(KITCHEN_SINK).files, { record: false })
  assert.is(r.failure, undefined)
  const { statements } = generateBaseline(await readCatalogModel(sql, { generator: true }))
  const rendered = renderBaseline('-- header', statements)
  assert.equal(splitAndTrim(rendered.text), rendered.statements)
  assert.ok(statements.some((s) => s.includes('BEGIN ATOMIC')), 'a BEGIN ATOMIC body is among them')
})

gen('a default calling a function whose SQL body reads the table moves to ALTER TABLE … SET DEFAULT after the function', async (ctx) => {
  const { sql, statements } = await generated(ctx, `
    create table public.tickets (id bigint primary key, label text not null);
    create function public.next_label() returns text language sql begin atomic select 'T-' || count(*)::text from public.tickets; end;
    alter table public.tickets alter column label set default public.next_label();`)
  const table = at(statements, 'CREATE TABLE IF NOT EXISTS public.tickets')
  const fn = at(statements, 'CREATE OR REPLACE FUNCTION public.next_label()')
  const setDefault = at(statements, 'ALTER TABLE public.tickets ALTER COLUMN label SET DEFAULT public.next_label()')
  assert.ok(table < fn && fn < setDefault, `${table} < ${fn} < ${setDefault}`)
  assert.not.match(statements[table], 'DEFAULT')
  assert.equal(await rebuild(ctx, sql, statements), [])
})

gen('mutually referencing foreign keys are added after both tables; a view grouping by a primary key comes after the key', async (ctx) => {
  const { sql, statements } = await generated(ctx, `
    create table public.teams (id bigint primary key, captain_id bigint, name text);
    create table public.players (id bigint primary key, team_id bigint references public.teams (id));
    alter table public.teams add constraint teams_captain_fk foreign key (captain_id) references public.players (id);
    create view public.team_sizes as select t.id, t.name, count(p.id) as n from public.teams t left join public.players p on p.team_id = t.id group by t.id;`)
  const players = at(statements, 'CREATE TABLE IF NOT EXISTS public.players')
  const teams = at(statements, 'CREATE TABLE IF NOT EXISTS public.teams')
  const captain = at(statements, 'ALTER TABLE public.teams ADD CONSTRAINT teams_captain_fk')
  const pkey = at(statements, 'ALTER TABLE public.teams ADD CONSTRAINT teams_pkey')
  const view = at(statements, 'CREATE OR REPLACE VIEW public.team_sizes')
  assert.ok(Math.max(players, teams) < captain, 'both tables before the foreign key')
  assert.ok(pkey < view, 'the primary key before the view that relies on it')
  assert.equal(await rebuild(ctx, sql, statements), [])
})

gen('exact ACLs: REVOKE ALL from PUBLIC and Supabase\'s roles, then the grants, so a revoke survives default privileges', async (ctx) => {
  const { sql, statements } = await generated(ctx, `
    create table public.secrets (id int, note text);
    revoke all on public.secrets from anon, authenticated;
    grant select (id) on public.secrets to authenticated;`)
  const revoke = at(statements, 'REVOKE ALL ON TABLE public.secrets FROM PUBLIC, anon, authenticated, service_role')
  assert.is(statements[revoke + 1], 'GRANT ALL ON TABLE public.secrets TO service_role')
  assert.ok(statements.includes('GRANT SELECT (id) ON TABLE public.secrets TO authenticated'))
  assert.equal(await rebuild(ctx, sql, statements), [])
})

gen('a partitioned table\'s index is created ON ONLY and attached partition by partition, so it ends valid', async (ctx) => {
  const { sql, statements } = await generated(ctx, `
    create table public.m (at date not null, v int) partition by range (at);
    create table public.m_2025 partition of public.m for values from ('2025-01-01') to ('2026-01-01');
    create index m_v on public.m (v);`)
  at(statements, 'CREATE INDEX IF NOT EXISTS m_v ON ONLY public.m USING btree (v)')
  at(statements, 'ALTER INDEX public.m_v ATTACH PARTITION public.m_2025_v_idx')
  assert.equal(await rebuild(ctx, sql, statements), [])
})

gen('an identifier holding "atomic", which the CLI 2.x splitter reads as a BEGIN ATOMIC body, is refused before anything is written', async (ctx) => {
  const sql = await shimmed(ctx)
  await sql.unsafe(`create function public.atomic_add(a int) returns int language plpgsql as $$ begin return a + 1; end $$;
    create table public.after_it (id int);`)
  try {
    await makeBaseline(sql, { verify: false, app: 'generate-test', source: 'test' })
    assert.unreachable('the splitter would have run something else')
  } catch (err) {
    assert.is((err as { code?: string }).code, 'BASELINE')
    assert.match((err as Error).message, /the Supabase CLI's splitter would cut statement \d+ of the baseline differently \(CREATE OR REPLACE FUNCTION public\.atomic_add/)
  }
})

gen('--schema keeps the listed schemas and the user objects attached to platform tables, and leaves the rest out', async (ctx) => {
  const sql = await shimmed(ctx)
  await sql.unsafe(`
    create schema kept; create schema dropped;
    create table kept.a (id int); create table dropped.b (id int);
    create function kept.on_signup() returns trigger language plpgsql as $$ begin return new; end $$;
    create trigger kept_signup after insert on auth.users for each row execute function kept.on_signup();`)
  const { statements } = generateBaseline(filterModel(await readCatalogModel(sql, { generator: true }), ['kept']))
  at(statements, 'CREATE TABLE IF NOT EXISTS kept.a')
  at(statements, 'CREATE TRIGGER kept_signup AFTER INSERT ON auth.users')
  assert.not.ok(statements.some((s) => s.includes('dropped')), 'nothing of schema dropped')
})

gen('cron jobs (on the embedded engine, whose pg_cron stand-in has cron.job) are scheduled again by name, once', async () => {
  // pg_cron exists only as the PGlite stand-in here (created as a migration would); a plain server lacks it.
  const remote = await openShadow({ app: 'generate-test', onNotice: () => {} })
  const sql = connect(remote.url, { app: 'generate-test', onNotice: () => {} })
  try {
    await sql.unsafe(`create extension if not exists pg_cron; select cron.schedule('nightly-purge', '0 3 * * *', $$delete from cron.job_run_details where end_time < now() - interval '7 days'$$)`)
    const b = await makeBaseline(sql, { verify: true, app: 'generate-test', source: 'test', onNotice: () => {} })
    assert.ok(b.statements.includes(`SELECT cron.schedule('nightly-purge', '0 3 * * *', 'delete from cron.job_run_details where end_time < now() - interval ''7 days''')`), b.statements.filter((s) => s.includes('cron')).join('\n'))
    assert.equal(b.diff, [])
    assert.ok(b.verified)
  } finally {
    await sql.end({ timeout: 5 })
    await remote.dispose()
  }
})

gen.run()
