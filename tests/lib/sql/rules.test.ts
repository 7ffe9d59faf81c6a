import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { applyFixes, applyParsableFixes } from '../../../lib/sql/fix.ts'
import { checkSql, folderContext } from '../../../lib/sql/idempotency.ts'
import { loadParser } from '../../../lib/sql/parse.ts'
import { CHAIN_RULES } from '../../../lib/sql/rules/chain.ts'
import { RULES } from '../../../lib/sql/rules/index.ts'
import type { RuleContext } from '../../../lib/sql/rules/shared.ts'
import { inRolledBackTransaction, runFile, tryAndUndo, type Tx } from '../../helpers/rerun.ts'

// One row per rule: `bad` fails on its second run (PostgreSQL says so, not the checker), `fixed` is exactly what
// --fix writes for it and runs twice, `clean` is a hand-written idempotent form that the checker accepts.
// `flags` lists every rule the bad example trips when it is more than `rule` alone.
type Row = { rule: string; flags?: string[]; setup?: string; bad: string; fixed: string; clean: string; firstRunFails?: boolean }

const NOTES = 'create table public.notes (id bigint primary key, body text, legacy text);\n'
const TOUCH = "create function public.touch() returns trigger language plpgsql as $$ begin new.body = coalesce(new.body, ''); return new; end $$;\n"

const ROWS: Row[] = [
  {
    rule: 'create-table',
    bad: 'create table public.drafts (id bigint primary key, body text);',
    fixed: 'create table IF NOT EXISTS public.drafts (id bigint primary key, body text);',
    clean: 'create table if not exists public.drafts (id bigint primary key, body text);',
  },
  {
    rule: 'create-index',
    setup: NOTES,
    bad: 'create index notes_body_idx on public.notes (body);',
    fixed: 'create index IF NOT EXISTS notes_body_idx on public.notes (body);',
    clean: 'drop index if exists public.notes_body_idx;\ncreate index notes_body_idx on public.notes (body);',
  },
  {
    rule: 'create-schema',
    bad: 'create schema private;',
    fixed: 'create schema IF NOT EXISTS private;',
    clean: 'create schema if not exists private;',
  },
  {
    rule: 'create-sequence',
    bad: 'create sequence public.invoice_number_seq start 1000;',
    fixed: 'create sequence IF NOT EXISTS public.invoice_number_seq start 1000;',
    clean: 'create sequence if not exists public.invoice_number_seq start 1000;',
  },
  {
    rule: 'create-extension',
    bad: 'create extension pg_trgm with schema extensions;',
    fixed: 'create extension IF NOT EXISTS pg_trgm with schema extensions;',
    clean: 'create extension if not exists pg_trgm with schema extensions;',
  },
  {
    rule: 'create-view',
    setup: NOTES,
    bad: 'create view public.note_bodies as select id, body from public.notes;',
    fixed: 'create OR REPLACE view public.note_bodies as select id, body from public.notes;',
    clean: 'create or replace view public.note_bodies as select id, body from public.notes;',
  },
  {
    rule: 'create-materialized-view',
    setup: NOTES,
    bad: 'create materialized view public.note_counts as select count(*) as n from public.notes;',
    fixed: 'create materialized view IF NOT EXISTS public.note_counts as select count(*) as n from public.notes;',
    clean: 'drop materialized view if exists public.note_counts;\ncreate materialized view public.note_counts as select count(*) as n from public.notes;',
  },
  {
    rule: 'create-type',
    bad: "create type public.note_status as enum ('draft', 'published');",
    fixed: "DO $kit$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = 'note_status' AND n.nspname = 'public') THEN\ncreate type public.note_status as enum ('draft', 'published');\n  END IF;\nEND\n$kit$;",
    clean: "do $$\nbegin\n  create type public.note_status as enum ('draft', 'published');\nexception\n  when duplicate_object then null;\nend\n$$;",
  },
  {
    rule: 'create-domain',
    bad: "create domain public.email as text check (value like '%@%');",
    fixed: "DO $kit$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = 'email' AND n.nspname = 'public') THEN\ncreate domain public.email as text check (value like '%@%');\n  END IF;\nEND\n$kit$;",
    clean: "do $$ begin\n  if not exists (select 1 from pg_type where typname = 'email') then\n    create domain public.email as text check (value like '%@%');\n  end if;\nend $$;",
  },
  {
    rule: 'create-trigger',
    setup: NOTES + TOUCH,
    bad: 'create trigger notes_touch before update on public.notes for each row execute function public.touch();',
    fixed: 'DROP TRIGGER IF EXISTS notes_touch ON public.notes;\ncreate trigger notes_touch before update on public.notes for each row execute function public.touch();',
    clean: 'create or replace trigger notes_touch before update on public.notes for each row execute function public.touch();',
  },
  {
    rule: 'create-policy',
    setup: NOTES + 'alter table public.notes enable row level security;\n',
    bad: 'create policy "Readers can read notes" on public.notes for select to authenticated using (true);',
    fixed: 'DROP POLICY IF EXISTS "Readers can read notes" ON public.notes;\ncreate policy "Readers can read notes" on public.notes for select to authenticated using (true);',
    clean: "do $$ begin\n  if not exists (select 1 from pg_policies where schemaname = 'public' and tablename = 'notes' and policyname = 'Readers can read notes') then\n    create policy \"Readers can read notes\" on public.notes for select to authenticated using (true);\n  end if;\nend $$;",
  },
  {
    rule: 'create-rule',
    setup: NOTES,
    bad: 'create rule notes_keep as on delete to public.notes do instead nothing;',
    fixed: 'create OR REPLACE rule notes_keep as on delete to public.notes do instead nothing;',
    clean: 'create or replace rule notes_keep as on delete to public.notes do instead nothing;',
  },
  {
    rule: 'create-publication',
    setup: NOTES,
    bad: 'create publication kit_rules_notes for table public.notes;',
    fixed: "DO $kit$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'kit_rules_notes') THEN\ncreate publication kit_rules_notes for table public.notes;\n  END IF;\nEND\n$kit$;",
    clean: 'drop publication if exists kit_rules_notes;\ncreate publication kit_rules_notes for table public.notes;',
  },
  {
    rule: 'create-role',
    bad: 'create role kit_rules_reader nologin;',
    fixed: "DO $kit$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'kit_rules_reader') THEN\ncreate role kit_rules_reader nologin;\n  END IF;\nEND\n$kit$;",
    clean: "do $$ begin\n  create role kit_rules_reader nologin;\nexception when duplicate_object then\n  raise notice 'role exists';\nend $$;",
  },
  {
    rule: 'create-function',
    setup: NOTES,
    bad: 'create function public.note_count() returns bigint language sql as $$ select count(*) from public.notes $$;',
    fixed: 'create OR REPLACE function public.note_count() returns bigint language sql as $$ select count(*) from public.notes $$;',
    clean: 'create or replace function public.note_count() returns bigint language sql as $$ select count(*) from public.notes $$;',
  },
  {
    rule: 'create-other',
    setup: "create function public.log_ddl() returns event_trigger language plpgsql as $$ begin null; end $$;\n",
    bad: 'create event trigger kit_log_ddl on ddl_command_end execute function public.log_ddl();',
    fixed: "DO $kit$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger WHERE evtname = 'kit_log_ddl') THEN\ncreate event trigger kit_log_ddl on ddl_command_end execute function public.log_ddl();\n  END IF;\nEND\n$kit$;",
    clean: 'drop event trigger if exists kit_log_ddl;\ncreate event trigger kit_log_ddl on ddl_command_end execute function public.log_ddl();',
  },
  {
    rule: 'create-other',
    bad: 'create cast (text as int) with inout;',
    fixed: "DO $kit$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_cast WHERE castsource = to_regtype('\"text\"') AND casttarget = to_regtype('\"pg_catalog\".\"int4\"')) THEN\ncreate cast (text as int) with inout;\n  END IF;\nEND\n$kit$;",
    clean: 'drop cast if exists (text as int);\ncreate cast (text as int) with inout;',
  },
  {
    rule: 'create-other',
    bad: 'create aggregate public.int_sum(int) (sfunc = int4pl, stype = int);',
    fixed: 'create OR REPLACE aggregate public.int_sum(int) (sfunc = int4pl, stype = int);',
    clean: 'create or replace aggregate public.int_sum(int) (sfunc = int4pl, stype = int);',
  },
  {
    rule: 'create-other',
    bad: "create collation public.c_copy (locale = 'C');",
    fixed: "create collation IF NOT EXISTS public.c_copy (locale = 'C');",
    clean: "create collation if not exists public.c_copy (locale = 'C');",
  },
  {
    rule: 'create-other',
    setup: NOTES,
    bad: 'create statistics public.notes_stats on id, body from public.notes;',
    fixed: 'create statistics IF NOT EXISTS public.notes_stats on id, body from public.notes;',
    clean: 'create statistics if not exists public.notes_stats on id, body from public.notes;',
  },
  {
    rule: 'create-other',
    bad: 'create text search configuration public.plain (copy = simple);',
    fixed: "DO $kit$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_ts_config c JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace WHERE c.cfgname = 'plain' AND n.nspname = 'public') THEN\ncreate text search configuration public.plain (copy = simple);\n  END IF;\nEND\n$kit$;",
    clean: 'drop text search configuration if exists public.plain;\ncreate text search configuration public.plain (copy = simple);',
  },
  {
    rule: 'create-other',
    setup: 'create table public.readings (id int, region int) partition by list (region);\ncreate table public.readings_eu (id int, region int);\n',
    bad: 'alter table public.readings attach partition public.readings_eu for values in (1);',
    fixed: "DO $kit$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits WHERE inhrelid = to_regclass('\"public\".\"readings_eu\"') AND inhparent = to_regclass('\"public\".\"readings\"')) THEN\nalter table public.readings attach partition public.readings_eu for values in (1);\n  END IF;\nEND\n$kit$;",
    clean: "do $$ begin\n  if not exists (select 1 from pg_inherits where inhrelid = 'public.readings_eu'::regclass) then\n    alter table public.readings attach partition public.readings_eu for values in (1);\n  end if;\nend $$;",
  },
  {
    rule: 'add-column',
    setup: NOTES,
    bad: 'alter table public.notes add column title text not null default \'\';',
    fixed: 'alter table public.notes add column IF NOT EXISTS title text not null default \'\';',
    clean: 'alter table public.notes add column if not exists title text not null default \'\';',
  },
  {
    rule: 'add-column',
    setup: 'create type public.point2 as (x int, y int);\n',
    bad: 'alter type public.point2 add attribute z int;',
    fixed: "DO $kit$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = (SELECT typrelid FROM pg_catalog.pg_type WHERE oid = to_regtype('\"public\".\"point2\"')) AND attname = 'z' AND NOT attisdropped) THEN\nalter type public.point2 add attribute z int;\n  END IF;\nEND\n$kit$;",
    clean: "do $$ begin\n  alter type public.point2 add attribute z int;\nexception when duplicate_column then null;\nend $$;",
  },
  {
    rule: 'drop-column',
    setup: 'create type public.point3 as (x int, y int, z int);\n',
    bad: 'alter type public.point3 drop attribute z;',
    fixed: 'alter type public.point3 drop attribute IF EXISTS z;',
    clean: 'alter type public.point3 drop attribute if exists z;',
  },
  {
    rule: 'add-constraint',
    setup: NOTES,
    bad: 'alter table public.notes add constraint notes_body_len check (length(body) < 10000);',
    fixed: "DO $kit$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = to_regclass('\"public\".\"notes\"') AND conname = 'notes_body_len') THEN\nalter table public.notes add constraint notes_body_len check (length(body) < 10000);\n  END IF;\nEND\n$kit$;",
    clean: 'alter table public.notes drop constraint if exists notes_body_len, add constraint notes_body_len check (length(body) < 10000);',
  },
  {
    rule: 'drop-column',
    setup: NOTES,
    bad: 'alter table public.notes drop column legacy;',
    fixed: 'alter table public.notes drop column IF EXISTS legacy;',
    clean: 'alter table public.notes drop column if exists legacy;',
  },
  {
    rule: 'drop-constraint',
    setup: NOTES + 'alter table public.notes add constraint notes_legacy_check check (legacy <> \'\');\n',
    bad: 'alter table public.notes drop constraint notes_legacy_check;',
    fixed: 'alter table public.notes drop constraint IF EXISTS notes_legacy_check;',
    clean: 'alter table public.notes drop constraint if exists notes_legacy_check;',
  },
  {
    rule: 'rename-column',
    setup: NOTES,
    bad: 'alter table public.notes rename column legacy to archived_body;',
    fixed: "DO $kit$\nBEGIN\n  IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass('\"public\".\"notes\"') AND attname = 'legacy' AND NOT attisdropped)\n     AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass('\"public\".\"notes\"') AND attname = 'archived_body' AND NOT attisdropped) THEN\nalter table public.notes rename column legacy to archived_body;\n  END IF;\nEND\n$kit$;",
    clean: "do $$ begin\n  if exists (select 1 from information_schema.columns where table_schema = 'public' and table_name = 'notes' and column_name = 'legacy') then\n    alter table public.notes rename column legacy to archived_body;\n  end if;\nend $$;",
  },
  {
    rule: 'rename-object',
    setup: 'create table public.notes_v1 (id bigint primary key);\n',
    bad: 'alter table public.notes_v1 rename to notes_v2;',
    fixed: "DO $kit$\nBEGIN\n  IF to_regclass('\"public\".\"notes_v1\"') IS NOT NULL AND to_regclass('\"public\".\"notes_v2\"') IS NULL THEN\nalter table public.notes_v1 rename to notes_v2;\n  END IF;\nEND\n$kit$;",
    clean: 'alter table if exists public.notes_v1 rename to notes_v2;',
  },
  {
    rule: 'set-schema',
    setup: 'create schema archive;\ncreate table public.old_events (id int);\n',
    bad: 'alter table public.old_events set schema archive;',
    fixed: "DO $kit$\nBEGIN\n  IF to_regclass('\"public\".\"old_events\"') IS NOT NULL AND to_regclass('\"archive\".\"old_events\"') IS NULL THEN\nalter table public.old_events set schema archive;\n  END IF;\nEND\n$kit$;",
    clean: 'alter table if exists public.old_events set schema archive;',
  },
  {
    rule: 'add-identity',
    setup: 'create table public.counters (id bigint not null primary key, n int);\n',
    bad: 'alter table public.counters alter column id add generated always as identity;',
    fixed: "DO $kit$\nBEGIN\n  IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass('\"public\".\"counters\"') AND attname = 'id' AND NOT attisdropped AND attidentity = '') THEN\nalter table public.counters alter column id add generated always as identity;\n  END IF;\nEND\n$kit$;",
    clean: 'alter table public.counters alter column id drop identity if exists;\nalter table public.counters alter column id add generated always as identity;',
  },
  {
    rule: 'alter-column-type',
    setup: 'create table public.events (id bigint primary key, happened bigint);\n',
    bad: 'alter table public.events alter column happened type timestamptz using to_timestamp(happened);',
    fixed: "DO $kit$\nBEGIN\n  IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass('\"public\".\"events\"') AND attname = 'happened' AND NOT attisdropped AND atttypid <> to_regtype('\"timestamptz\"')) THEN\nalter table public.events alter column happened type timestamptz using to_timestamp(happened);\n  END IF;\nEND\n$kit$;",
    clean: 'alter table public.events alter column happened type numeric using happened::numeric;',
  },
  {
    rule: 'enum-add-value',
    setup: "create type public.note_status as enum ('draft');\n",
    bad: "alter type public.note_status add value 'archived';",
    fixed: "alter type public.note_status add value IF NOT EXISTS 'archived';",
    clean: "alter type public.note_status add value if not exists 'archived' after 'draft';",
  },
  {
    rule: 'publication-add-table',
    setup: NOTES,
    bad: 'alter publication supabase_realtime add table public.notes;',
    fixed: "DO $kit$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel pr JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid WHERE p.pubname = 'supabase_realtime' AND pr.prrelid = to_regclass('\"public\".\"notes\"')) THEN\nalter publication supabase_realtime add table public.notes;\n  END IF;\nEND\n$kit$;",
    clean: "do $$ begin\n  if not exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'notes') then\n    alter publication supabase_realtime add table public.notes;\n  end if;\nend $$;",
  },
  {
    rule: 'publication-drop-table',
    setup: NOTES + 'alter publication supabase_realtime add table public.notes;\n',
    bad: 'alter publication supabase_realtime drop table public.notes;',
    fixed: "DO $kit$\nBEGIN\n  IF EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel pr JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid WHERE p.pubname = 'supabase_realtime' AND pr.prrelid = to_regclass('\"public\".\"notes\"')) THEN\nalter publication supabase_realtime drop table public.notes;\n  END IF;\nEND\n$kit$;",
    clean: "do $$ begin\n  alter publication supabase_realtime drop table public.notes;\nexception when undefined_object then null;\nend $$;",
  },
  {
    rule: 'insert-without-on-conflict',
    bad: "insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true);",
    fixed: "insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true) ON CONFLICT DO NOTHING;",
    clean: "insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true) on conflict (id) do update set public = excluded.public;",
  },
  {
    rule: 'drop-without-if-exists',
    setup: 'create table public.scratch (id int);\n',
    bad: 'drop table public.scratch;',
    fixed: 'drop table IF EXISTS public.scratch;',
    clean: 'drop table if exists public.scratch;',
  },
  {
    // A new overload, then the old one dropped: functions are told apart by their argument types, so the DROP
    // does not count as removing the new function (both fail on a re-run: 42723, then 42883).
    rule: 'drop-without-if-exists',
    flags: ['create-function', 'drop-without-if-exists'],
    setup: "create function public.greet(name text) returns text language sql as $$ select 'hi ' || name $$;\n",
    bad: "create function public.greet(name text, excited boolean default false) returns text language sql as $$ select 'hi ' || name || case when excited then '!' else '' end $$;\ndrop function public.greet(text);",
    fixed: "create OR REPLACE function public.greet(name text, excited boolean default false) returns text language sql as $$ select 'hi ' || name || case when excited then '!' else '' end $$;\ndrop function IF EXISTS public.greet(text);",
    clean: "create or replace function public.greet(name text, excited boolean default false) returns text language sql as $$ select 'hi ' || name || case when excited then '!' else '' end $$;\ndrop function if exists public.greet(text);",
  },
  {
    // The same for aggregates, which share pg_proc with functions; integer and int4 are one type.
    rule: 'drop-without-if-exists',
    flags: ['create-other', 'drop-without-if-exists'],
    setup: 'create aggregate public.total(int4) (sfunc = int4pl, stype = int4);\n',
    bad: 'create aggregate public.total(bigint) (sfunc = int8pl, stype = bigint);\ndrop aggregate public.total(integer);',
    fixed: 'create OR REPLACE aggregate public.total(bigint) (sfunc = int8pl, stype = bigint);\ndrop aggregate IF EXISTS public.total(integer);',
    clean: 'create or replace aggregate public.total(bigint) (sfunc = int8pl, stype = bigint);\ndrop aggregate if exists public.total(integer);',
  },
  {
    // The platform shim's vault.create_secret inserts into vault.secrets, whose name is unique as on Supabase.
    rule: 'vault-create-secret',
    bad: "select vault.create_secret('s3cr3t', 'stripe_key', 'Stripe API key');",
    fixed: "DO $kit$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM vault.secrets WHERE name = 'stripe_key') THEN\nPERFORM vault.create_secret('s3cr3t', 'stripe_key', 'Stripe API key');\n  END IF;\nEND\n$kit$;",
    clean: "select vault.create_secret('s3cr3t', 'stripe_key') where not exists (select 1 from vault.secrets where name = 'stripe_key');",
  },
  {
    rule: 'vault-create-secret',
    bad: "do $$ begin\n  perform vault.create_secret(new_secret => 's3cr3t', new_name => 'resend_key');\nend $$;",
    fixed: "do $$ begin\n  IF NOT EXISTS (SELECT 1 FROM vault.secrets WHERE name = 'resend_key') THEN\nperform vault.create_secret(new_secret => 's3cr3t', new_name => 'resend_key');\nEND IF;\nend $$;",
    clean: "do $$ begin\n  if not exists (select 1 from vault.decrypted_secrets where name = 'resend_key') then\n    perform vault.create_secret('s3cr3t', 'resend_key');\n  end if;\nend $$;",
  },
  {
    rule: 'concurrently-in-transaction',
    setup: NOTES,
    bad: 'create index concurrently if not exists notes_body_idx on public.notes (body);',
    fixed: 'create index if not exists notes_body_idx on public.notes (body);',
    clean: 'create index if not exists notes_body_idx on public.notes (body);',
    firstRunFails: true,
  },
]

const noFolder: RuleContext = folderContext([])('none.sql')
const errorsOf = (sql: string, ctx = noFolder) => checkSql(sql, { context: ctx }).findings.filter((f) => f.severity === 'error')
const fixOf = (sql: string) => applyFixes(sql, checkSql(sql, { context: noFolder }).plans)

async function twice(tx: Tx, setup: string | undefined, sql: string) {
  return tryAndUndo(tx, async (sp) => {
    if (setup) {
      const s = await runFile(sp, setup)
      if (!s.ok) throw new Error(`setup failed: ${s.message}`)
    }
    const first = await runFile(sp, sql)
    const second = first.ok ? await runFile(sp, sql) : first
    return { first, second }
  })
}

// ---
const table = suite('every rule: a failing example, its exact fix, a clean example; PostgreSQL is the judge')
table.before(loadParser)

table('every rule that can fail a re-run has a row', () => {
  const covered = new Set(ROWS.map((r) => r.rule))
  // The chain rules need a folder around the file: tests/lib/sql/chain.test.ts has their examples.
  const missing = RULES.filter((r) => r.severity === 'error' && !covered.has(r.id) && !CHAIN_RULES.includes(r)).map((r) => r.id)
  assert.equal(missing, [])
})

table('checker verdicts and rewrites', () => {
  for (const row of ROWS) {
    assert.equal(errorsOf(row.bad).map((f) => f.rule), row.flags ?? [row.rule], `${row.rule}: the bad example is flagged by its rule`)
    assert.is(fixOf(row.bad), row.fixed, `${row.rule}: --fix writes the expected text`)
    assert.equal(errorsOf(row.fixed), [], `${row.rule}: the fixed text passes`)
    assert.equal(errorsOf(row.clean), [], `${row.rule}: the clean example passes`)
  }
})

table('PostgreSQL: the bad example fails its second run, fixed and clean run twice', async () => {
  await inRolledBackTransaction(async (tx) => {
    for (const row of ROWS) {
      const bad = await twice(tx, row.setup, row.bad)
      if (row.firstRunFails) assert.is(bad.first.ok, false, `${row.rule}: bad fails even once inside db push's transaction`)
      else {
        assert.ok(bad.first.ok, `${row.rule}: bad runs once (${JSON.stringify(bad.first)})`)
        assert.is(bad.second.ok, false, `${row.rule}: bad fails on the second run`)
      }
      for (const [label, sql] of [['fixed', row.fixed], ['clean', row.clean]] as const) {
        const r = await twice(tx, row.setup, sql)
        assert.ok(r.first.ok && r.second.ok, `${row.rule}: ${label} runs twice (${JSON.stringify(r)})`)
      }
    }
  })
})
table.run()

// ---
const guards = suite('guards are recognised by what they test, not by keywords')
guards.before(loadParser)

// Each example is judged twice: by the checker (guarded or not) and by PostgreSQL (a guarded example runs twice on
// a database that has public.notes, an unguarded one fails its second run). `setup` is the state a first run
// left behind where the example cannot run on an empty database (a DROP without IF EXISTS).
type GuardRow = { name: string; sql: string; setup?: string }
const GUARDED: GuardRow[] = [
  { name: 'an earlier DROP POLICY IF EXISTS of the same policy', sql: 'drop policy if exists "p" on public.notes;\ncreate policy "p" on public.notes using (true);' },
  { name: 'a DROP without IF EXISTS followed by the same CREATE (the re-run finds it)', sql: 'drop policy "p" on public.notes;\ncreate policy "p" on public.notes using (true);', setup: 'create policy "p" on public.notes using (true);' },
  { name: 'DROP TABLE IF EXISTS, then CREATE TABLE, its index and its policy', sql: 'drop table if exists public.t cascade;\ncreate table public.t (id int);\ncreate index t_id_idx on public.t (id);\ncreate policy "p" on public.t using (true);' },
  { name: 'a DO block testing pg_type for that type', sql: "do $$ begin if not exists (select 1 from pg_type where typname = 's') then create type s as enum ('a'); end if; end $$;" },
  { name: 'a DO block with an EXCEPTION handler for duplicate_object', sql: "do $$ begin create type s as enum ('a'); exception when duplicate_object then null; end $$;" },
  { name: "EXCEPTION WHEN SQLSTATE '42710'", sql: "do $$ begin create policy p on public.notes using (true); exception when sqlstate '42710' then null; end $$;" },
  { name: 'a literal EXECUTE inside a catalog test', sql: "do $$ begin if not exists (select 1 from pg_roles where rolname = 'r') then execute 'create role r'; end if; end $$;" },
  { name: 'INSERT … WHERE NOT EXISTS', sql: "insert into storage.buckets (id, name) select 'a', 'a' where not exists (select 1 from storage.buckets where id = 'a');" },
  // Hosted storage refuses a direct DELETE (42501) unless storage.allow_delete_query is set, as the shim now does.
  { name: 'DELETE of the rows before inserting them again', sql: "select set_config('storage.allow_delete_query', 'true', true);\ndelete from storage.buckets where id = 'a';\ninsert into storage.buckets (id, name) values ('a', 'a');" },
  { name: 'a DROP FUNCTION IF EXISTS of the same function with other spellings of its types', sql: 'drop function if exists public.area(int4, pg_catalog.int4);\ncreate function public.area(w integer, h int default 1, out a int) language sql as $$ select w * h $$;' },
  { name: 'a DROP FUNCTION without arguments: the only function of that name', sql: 'drop function public.area;\ncreate function public.area(w int, h int) returns int language sql as $$ select w * h $$;', setup: 'create function public.area(w int, h int) returns int language sql as $$ select w * h $$;' },
  { name: 'a DELETE of the secret before vault.create_secret', sql: "delete from vault.secrets where name = 'k';\nselect vault.create_secret('v', 'k');" },
  { name: 'vault.create_secret without a name (names need not be unique when absent)', sql: "select vault.create_secret('v');" },
  { name: 'an INSERT whose key is generated on each run', sql: "create table if not exists public.log (id uuid primary key default gen_random_uuid(), msg text);\ninsert into public.log (id, msg) values (gen_random_uuid(), 'x');" },
]
const UNGUARDED: (GuardRow & { rule: string })[] = [
  { name: 'a catalog test about another object', sql: "do $$ begin if not exists (select 1 from pg_type where typname = 'other') then create type s as enum ('a'); end if; end $$;", rule: 'create-type' },
  { name: 'an EXCEPTION handler for another error', sql: "do $$ begin create type s as enum ('a'); exception when undefined_table then null; end $$;", rule: 'create-type' },
  { name: 'an IF that is not a catalog test', sql: "do $$ begin if coalesce(current_setting('app.env', true), 'dev') = 'dev' then create policy p on public.notes using (true); end if; end $$;", rule: 'create-policy' },
  { name: 'a DROP IF EXISTS of another policy', sql: 'drop policy if exists "q" on public.notes;\ncreate policy "p" on public.notes using (true);', rule: 'create-policy' },
  { name: 'a DROP FUNCTION IF EXISTS of another overload', sql: 'drop function if exists public.f(text);\ncreate function public.f(a text, b int default 0) returns int language sql as $$ select 1 $$;', rule: 'create-function' },
  { name: 'a vault.secrets test about another secret', sql: "do $$ begin if not exists (select 1 from vault.secrets where name = 'other') then perform vault.create_secret('v', 'k'); end if; end $$;", rule: 'vault-create-secret' },
  { name: 'format() EXECUTE of a CREATE POLICY', sql: "do $$ begin execute format('create policy %I on public.notes using (true)', 'p'); end $$;", rule: 'create-policy' },
]
for (const row of GUARDED) guards(`accepts ${row.name}`, () => assert.equal(errorsOf(row.sql), []))
for (const row of UNGUARDED) guards(`still flags ${row.name}`, () => assert.equal(errorsOf(row.sql).map((f) => f.rule), [row.rule]))

guards('PostgreSQL agrees: every accepted example runs twice, every flagged one fails its second run', async () => {
  const disagreements: string[] = []
  await inRolledBackTransaction(async (tx) => {
    for (const [rows, guarded] of [[GUARDED, true], [UNGUARDED, false]] as const) {
      for (const row of rows) {
        const r = await twice(tx, NOTES + (row.setup ?? ''), row.sql)
        if (!r.first.ok) disagreements.push(`${row.name}: fails its first run (${JSON.stringify(r.first)})`)
        else if (r.second.ok !== guarded) disagreements.push(`${row.name}: the second run ${r.second.ok ? 'succeeds' : 'fails'}`)
      }
    }
  })
  assert.equal(disagreements, [])
})

// The example the checker once listed as unguarded: current_setting('app.env', true) is NULL where the setting was
// never made, so the IF creates nothing and PostgreSQL runs the block twice without error. The checker flags it
// all the same (it cannot know the setting of the database the file will meet): a conservative finding.
guards("a setting test that is false here runs twice on PostgreSQL, and the checker still flags it (it cannot know the setting)", async () => {
  const sql = "do $$ begin if current_setting('app.env', true) = 'dev' then create policy p on public.notes using (true); end if; end $$;"
  assert.equal(errorsOf(sql).map((f) => f.rule), ['create-policy'])
  await inRolledBackTransaction(async (tx) => {
    const r = await twice(tx, NOTES, sql)
    assert.ok(r.first.ok && r.second.ok, JSON.stringify(r))
  })
})

// Both rewrites are run twice by PostgreSQL too, not only re-read by the checker.
async function runsTwice(sql: string) {
  await inRolledBackTransaction(async (tx) => {
    const r = await twice(tx, NOTES, sql)
    assert.ok(r.first.ok && r.second.ok, JSON.stringify(r))
  })
}
guards('--fix rewrites a CREATE POLICY inside a DO block in place, in PL/pgSQL', async () => {
  const sql = "do $$\nbegin\n  create policy p on public.notes using (true);\nend\n$$;"
  assert.is(fixOf(sql), "do $$\nbegin\n  DROP POLICY IF EXISTS p ON public.notes;\ncreate policy p on public.notes using (true);\nend\n$$;")
  await runsTwice(fixOf(sql))
})
guards('--fix wraps an inner CREATE TYPE in a plain IF (no nested DO)', async () => {
  const sql = "do $$ begin create type s as enum ('a'); end $$;"
  assert.match(fixOf(sql), "do $$ begin IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type")
  assert.equal(errorsOf(fixOf(sql)), [])
  await runsTwice(fixOf(sql))
})
guards.run()

// ---
const unparsable = suite('--fix never writes text the parser rejects')
unparsable.before(loadParser)

unparsable('a rewrite that does not parse is left out and returned; the other rewrites are kept', () => {
  const sql = 'alter type public.t add attribute x int;\ncreate table public.drafts (id int);'
  const [, table] = checkSql(sql, { context: noFolder }).plans
  // The form the checker once wrote for ADD ATTRIBUTE: ALTER TYPE has no IF NOT EXISTS (42601).
  const broken = { codeStart: 0, codeEnd: 39, context: 'top' as const, edits: [{ start: 34, end: 34, text: 'IF NOT EXISTS ' }], preludes: [], guards: [] }
  assert.is(applyFixes(sql, [broken]).split('\n')[0], 'alter type public.t add attribute IF NOT EXISTS x int;')
  const r = applyParsableFixes(sql, [broken, table])
  assert.equal(r.applied, [table])
  assert.is(r.text, 'alter type public.t add attribute x int;\ncreate table IF NOT EXISTS public.drafts (id int);')
  assert.equal(r.failures.map((f) => [f.rule, f.severity, f.line, f.column]), [['fix-failed', 'error', 1, 1]])
  const alone = applyParsableFixes(sql, [broken])
  assert.equal([alone.text, alone.applied], [sql, []])
})
unparsable.run()

// ---
const warnings = suite('warnings: re-runs without error that still do damage')
warnings.before(loadParser)

warnings('CREATE OR REPLACE FUNCTION redefined by a later file is a warning naming that file', () => {
  const fn = (body: string) => `create or replace function public.f() returns int language sql as $$ select ${body} $$;`
  const ctx = folderContext([{ file: '1_a.sql', text: fn('1') }, { file: '2_b.sql', text: fn('2') }])
  const first = checkSql(fn('1'), { context: ctx('1_a.sql') }).findings
  assert.equal(first.map((f) => [f.rule, f.severity]), [['or-replace-reverts', 'warning']])
  assert.match(first[0].message, '2_b.sql')
  assert.equal(checkSql(fn('2'), { context: ctx('2_b.sql') }).findings, [])
})

warnings('or-replace-reverts compares argument types: an overload is not a redefinition', () => {
  const fn = (args: string) => `create or replace function public.f(${args}) returns int language sql as $$ select 1 $$;`
  const ctx = folderContext([{ file: '1_a.sql', text: fn('a int') }, { file: '2_b.sql', text: fn('a int, b text') }, { file: '3_c.sql', text: fn('a integer') }])
  const first = checkSql(fn('a int'), { context: ctx('1_a.sql') }).findings
  assert.equal(first.map((f) => f.rule), ['or-replace-reverts'])
  assert.match(first[0].message, '3_c.sql')
  assert.equal(checkSql(fn('a int, b text'), { context: ctx('2_b.sql') }).findings, [])
})

warnings('an unnamed index is a warning: PostgreSQL adds a second copy on the re-run', async () => {
  const sql = 'create index on public.notes (body);'
  assert.equal(checkSql(sql, { context: noFolder }).findings.map((f) => f.rule), ['unnamed-duplicate'])
  await inRolledBackTransaction(async (tx) => {
    await runFile(tx, NOTES)
    assert.ok((await runFile(tx, sql)).ok && (await runFile(tx, sql)).ok)
    const [{ n }] = await tx`select count(*)::int as n from pg_indexes where tablename = 'notes' and indexname like 'notes_body_idx%'`
    assert.is(n, 2)
  })
})
warnings.run()

// ---
const quoting = suite('rewrites quote names that contain quotes, spaces and dollar signs')
quoting.before(loadParser)

quoting('a type, a constraint and a policy with awkward names: fixed text runs twice on PostgreSQL', async () => {
  const sql = [
    `create table "Odd's ""Table""" (id int, "we$ird" text);`,
    `create type "Mood's $kit$ ""x""" as enum ('a');`,
    `alter table "Odd's ""Table""" add constraint "it's ""checked""" check ("we$ird" <> '');`,
    `create policy "can't $$ read" on "Odd's ""Table""" using (true);`,
  ].join('\n')
  const fixed = fixOf(sql)
  assert.equal(errorsOf(fixed), [])
  assert.match(fixed, '$kit1$') // the statement contains $kit$, so the DO block picks another tag
  await inRolledBackTransaction(async (tx) => {
    const first = await runFile(tx, fixed)
    assert.ok(first.ok, JSON.stringify(first))
    const second = await runFile(tx, fixed)
    assert.ok(second.ok, JSON.stringify(second))
  })
})
quoting.run()
