import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { inspectPartialFile } from '../../../lib/cli/apply.ts'
import { listFolder, readMigration } from '../../../lib/cli/folder.ts'
import { splitAndTrim } from '../../../lib/cli/split.ts'
import { connect } from '../../../lib/db/connect.ts'
import { standInsInUse } from '../../../lib/db/platform/extensions.ts'
import { openShadow, type Shadow } from '../../../lib/db/shadow.ts'
import type { Sql } from '../../../lib/run/sql.ts'
import { main } from '../../../scripts/check-idempotent.ts'
import { captureIo, makeProject, type Project } from '../../helpers/project.ts'

// A typical migration for each extension hosted Supabase offers that migrations call: what the stand-in must let
// replay (names and arguments as the real extensions declare them).
const TYPICAL: { name: string; migration: string }[] = [
  { name: 'pgjwt', migration: `create extension if not exists pgjwt with schema extensions;
create function public.token_for(uid uuid) returns text language sql as $$ select extensions.sign(json_build_object('sub', uid), 'secret') $$;
select * from extensions.verify(public.token_for(gen_random_uuid()), 'secret');` },
  { name: 'pg_cron', migration: `create extension if not exists pg_cron with schema pg_catalog;
grant usage on schema cron to postgres;
select cron.schedule('nightly-cleanup', '0 3 * * *', $$delete from cron.job_run_details where end_time < now() - interval '7 days'$$);
select cron.alter_job((select jobid from cron.job where jobname = 'nightly-cleanup'), schedule => '0 4 * * *');
select cron.unschedule('nightly-cleanup');
select cron.schedule_in_database('other', '* * * * *', 'select 1', 'postgres');` },
  { name: 'pg_net', migration: `create extension if not exists pg_net with schema extensions;
create function public.notify_hook() returns trigger language plpgsql as $$
begin perform net.http_post(url := 'https://example.com/hook', body := to_jsonb(new)); return new; end $$;
select net.http_get('https://example.com/ping');` },
  { name: 'pgmq', migration: `create extension if not exists pgmq;
select pgmq.create('emails');
select pgmq.send('emails', '{"to": "a@example.com"}'::jsonb);
select * from pgmq.read('emails', 30, 5);
grant select, insert on pgmq.q_emails to service_role;
-- pgmq 1.5's surface, as pgflow uses it: headers on message_record, set_vt, read_with_poll.
create function public.requeue(q text, id bigint) returns setof pgmq.message_record language sql as $$ select * from pgmq.set_vt(q, id, 5) $$;
select (null::pgmq.message_record).headers, count(*) from pgmq.read_with_poll('emails', 30, 5, 1, 10);` },
  { name: 'pg_tle', migration: `create extension if not exists pg_tle;
select pgtle.install_extension('my_helpers', '1.0', 'helpers', $_pgtle_$ create function my_helper() returns int language sql as 'select 1'; $_pgtle_$);` },
  { name: 'vector', migration: `create extension if not exists vector with schema extensions;
create table public.documents (id bigint generated always as identity primary key, body text, embedding extensions.vector(1536));
create index on public.documents using hnsw (embedding extensions.vector_cosine_ops);` },
  { name: 'http', migration: `create extension if not exists http with schema extensions;
create function public.fetch_status(url text) returns int language sql as $$ select (extensions.http_get(url)).status $$;
select (extensions.http((
  'GET', 'https://example.com', array[extensions.http_header('Accept', 'application/json')], null, null
)::extensions.http_request)).status;` },
  { name: 'pg_jsonschema', migration: `create extension if not exists pg_jsonschema with schema extensions;
create table public.settings (id int primary key, data jsonb not null,
  constraint data_is_an_object check (extensions.jsonb_matches_schema('{"type": "object"}', data)));
insert into public.settings values (1, '{"theme": "dark"}');` },
  { name: 'pg_hashids', migration: `create extension if not exists pg_hashids with schema extensions;
create table public.links (id bigint generated always as identity primary key,
  slug text generated always as (extensions.id_encode(id, 'salt', 8)) stored);
insert into public.links default values;` },
  { name: 'hypopg', migration: `create extension if not exists hypopg with schema extensions;
select * from extensions.hypopg_create_index('create index on public.t (x)');
select extensions.hypopg_reset();` },
  { name: 'index_advisor', migration: `create extension if not exists hypopg with schema extensions;
create extension if not exists index_advisor with schema extensions;
create table public.books (id int primary key, title text);
select * from extensions.index_advisor('select * from public.books where title = $1');` },
  { name: 'wrappers', migration: `create extension if not exists wrappers with schema extensions;
create foreign data wrapper stripe_wrapper handler extensions.stripe_fdw_handler validator extensions.stripe_fdw_validator;
create server stripe_server foreign data wrapper stripe_wrapper options (api_key_id 'b0b1-…', api_url 'https://api.stripe.com/v1');
create schema if not exists stripe;
create foreign table stripe.customers (id text, email text, created timestamp, attrs jsonb)
  server stripe_server options (object 'customers', rowid_column 'id');` },
  { name: 'plpgsql_check', migration: `create extension if not exists plpgsql_check with schema extensions;
create function public.add_one(x int) returns int language plpgsql as $$ begin return x + 1; end $$;
select * from extensions.plpgsql_check_function('public.add_one(int)');` },
  { name: 'pgtap', migration: `create extension if not exists pgtap with schema extensions;
select extensions.plan(2);
select extensions.has_table('public'::name, 'no such table');
select extensions.ok(true, 'true is true');
select * from extensions.finish();` },
]

// One embedded shadow for the suite (a PGlite start or clone costs seconds, more under load); each test applies
// its migration inside a transaction that is rolled back afterwards, so every test starts from the same state.
type Ctx = { shadow: Shadow; sql: Sql; project: Project }
const standIns = suite<Ctx>('stand-in extensions on the embedded shadow: a typical migration using each replays')
standIns.before(async (ctx) => {
  ctx.shadow = await openShadow({ app: 'stubs-test', onNotice: () => {} })
  ctx.sql = connect(ctx.shadow.url, { app: 'stubs-test', onNotice: () => {} })
  ctx.project = makeProject(Object.fromEntries(TYPICAL.map(({ name, migration }, i) => [`2025010100${String(i).padStart(4, '0')}_${name}.sql`, migration])))
})
standIns.after(async (ctx) => {
  await ctx.sql.end({ timeout: 5 })
  await ctx.shadow.dispose()
  ctx.project.remove()
})

for (const { name } of TYPICAL) {
  standIns(`${name}: the migration applies statement by statement as db push would, and the extension is named as a stand-in`, async (ctx) => {
    const file = listFolder(ctx.project.migrations).files.find((f) => f.name === name)!
    const count = splitAndTrim(readMigration(file.path))!.length
    const inUse = await inspectPartialFile(ctx.sql, file, count, (tx) => standInsInUse(tx, []))
    assert.ok(inUse.includes(name), `${name} is a stand-in: ${inUse.join(', ')}`)
  })
}

standIns('nothing of a rolled-back migration stays: the next test starts from the same shadow', async (ctx) => {
  const [row] = await ctx.sql`select count(*)::int as n from pg_extension where extname = any(${ctx.sql.array(TYPICAL.map((t) => t.name))})`
  assert.is(row.n, 0)
})
standIns.run()

// ---
const said = suite('what is a stand-in is said in the output')
const HERE = fileURLToPath(new URL('.', import.meta.url))

said('check-idempotent --replay names the stand-ins it used on stderr', async () => {
  const project = makeProject({ '20250101000000_jwt.sql': 'create extension if not exists pgjwt with schema extensions;\n' })
  try {
    const cap = captureIo(HERE)
    const code = await main(['--replay', project.migrations], {}, cap.io)
    assert.is(code, 0, cap.out() + cap.err())
    assert.match(cap.err(), /check-idempotent: stand-ins \(placeholder objects, no real work\) for [^\n]*\bpgjwt\b[^\n]*: the files' SQL against them is checked, not what the extensions do\./)
  } finally {
    project.remove()
  }
})
said.run()
