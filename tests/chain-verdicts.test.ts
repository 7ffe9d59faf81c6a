// The static check's verdict after the WHOLE folder ran (what a re-run meets once db push applied every file),
// and --fix on it, each case judged by PostgreSQL: the folder applied in order, then each file run once more
// (rolled back). Cases from real projects measured with bench/verdicts.ts (issue #12).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { applyFixes } from '../lib/sql/fix.ts'
import { checkSql, folderContext } from '../lib/sql/idempotency.ts'
import { loadParser } from '../lib/sql/parse.ts'
import { applyPlatformShim } from '../lib/db/platform/shim.ts'
import type { Sql } from '../lib/run/sql.ts'
import { client, createTempDatabase, dropTempDatabase, onServer } from './helpers/db.ts'
import { rolledBack, runFile, tryAndUndo, type Tx } from './helpers/rerun.ts'

type File = { file: string; text: string }

// One shimmed database for every case; each verdict runs in a transaction that is rolled back.
let url = ''
let sql: ReturnType<typeof client>

// PostgreSQL's verdict per file (true: its run after the whole folder fails), for the folder as written and as
// --fix rewrites it; and the checker's, with the findings of each file.
async function judge(files: File[]) {
  const context = folderContext(files)
  const reports = files.map((f) => checkSql(f.text, { context: context(f.file) }))
  const fixed = files.map((f, n) => ({ ...f, text: applyFixes(f.text, reports[n].plans) }))
  const verdict = async (folder: File[]) => {
    let fails: boolean[] = []
    await rolledBack(sql, async (tx: Tx) => {
      // The history table db push writes: the recreates-dropped guard reads it.
      await tx.unsafe('create schema supabase_migrations; create table supabase_migrations.schema_migrations (version text primary key)')
      for (const f of folder) {
        const once = await runFile(tx, f.text)
        assert.ok(once.ok, `${f.file} runs once: ${once.ok ? '' : once.message}`)
        await tx.unsafe('insert into supabase_migrations.schema_migrations values ($1)', [f.file.split('_')[0]])
      }
      fails = []
      for (const f of folder) fails.push(!(await tryAndUndo(tx, (sp) => runFile(sp, f.text))).ok)
    })
    return fails
  }
  return {
    postgres: await verdict(files),
    afterFix: await verdict(fixed),
    errors: reports.map((r) => r.findings.filter((x) => x.severity === 'error').map((x) => x.rule)),
    warnings: reports.map((r) => r.findings.filter((x) => x.severity === 'warning').map((x) => x.rule)),
    fixed,
  }
}

const t = suite('chain verdicts: the re-run after the whole folder, judged by PostgreSQL')
t.before(async () => {
  await loadParser()
  url = await createTempDatabase()
  sql = client(url)
  await applyPlatformShim(sql as unknown as Sql)
})
t.after(async () => {
  await sql?.end({ timeout: 5 })
  await dropTempDatabase(url)
})

onServer(t, 'the cases run SQL on the server')('an old function body that no longer fits a type a later file widened: --fix runs it only while no later body is in place (42P13 before)', async () => {
  const r = await judge([
    { file: '20250101000000_a.sql', text: `create type public.rec as (a int);\ncreate or replace function public.f() returns setof public.rec language sql as $$ select 1 $$;\n` },
    { file: '20250102000000_b.sql', text: `alter type public.rec add attribute b int;\ncreate or replace function public.f() returns setof public.rec language sql as $$ select 1, 2 $$;\n` },
  ])
  assert.equal(r.postgres, [true, true])
  assert.equal(r.warnings[0], ['or-replace-reverts'])
  assert.match(r.fixed[0].text, /md5\(prosrc\) IN/)
  assert.equal(r.afterFix, [false, false])
})

onServer(t, 'the cases run SQL on the server')('a function a later file drops for good (a new overload replaced it): the re-run makes it again and its call is ambiguous (42725); --fix asks the history table', async () => {
  const r = await judge([
    { file: '20250101000000_a.sql', text: `create function public.g(a int, b int) returns int language sql as $$ select a + b $$;\ncreate function public.g1(a int) returns int language sql as $$ select public.g(a, 1) $$;\n` },
    { file: '20250102000000_b.sql', text: `create function public.g(a int, b int, c int default 0) returns int language sql as $$ select a + b + c $$;\ndrop function public.g1(int);\ndrop function public.g(int, int);\ncreate function public.g(a int, b int, d text default '') returns int language sql as $$ select a + b $$;\n` },
  ])
  assert.equal(r.postgres, [true, true])
  assert.ok(r.warnings[0].includes('recreates-dropped'))
  assert.match(r.fixed[0].text, /supabase_migrations\.schema_migrations WHERE version = '20250102000000'/)
  assert.equal(r.afterFix[0], false)
})

onServer(t, 'the cases run SQL on the server')('CREATE TABLE IF NOT EXISTS over the table a later file altered does not bring back a dropped column: the COMMENT on it is an error', async () => {
  const r = await judge([
    { file: '20250101000000_a.sql', text: `create table if not exists public.p (id int primary key, tz text);\ncomment on column public.p.tz is 'zone';\n` },
    { file: '20250102000000_b.sql', text: `alter table public.p drop column if exists tz;\n` },
  ])
  assert.equal(r.postgres, [true, false])
  assert.equal(r.errors[0], ['chain-missing-object'])
  assert.equal(r.afterFix, [false, false])
})

onServer(t, 'the cases run SQL on the server')('INSERT … ON CONFLICT (col) after a later file re-made the table without that unique key (42P10): an error; --fix runs it only while the key exists', async () => {
  const r = await judge([
    { file: '20250101000000_a.sql', text: `create table if not exists public.feat (tenant int unique, on_off boolean default true);\ninsert into public.feat (tenant) select 1 on conflict (tenant) do nothing;\n` },
    { file: '20250102000000_b.sql', text: `drop table if exists public.feat;\ncreate table public.feat (tenant int, on_off boolean default true);\n` },
  ])
  assert.equal(r.postgres, [true, false])
  assert.equal(r.errors[0], ['chain-missing-object'])
  assert.equal(r.afterFix[0], false)
})

onServer(t, 'the cases run SQL on the server')('DROP TYPE … CASCADE drops the functions whose signature uses it: a policy calling one fails after the folder (42883)', async () => {
  const r = await judge([
    { file: '20250101000000_a.sql', text: `create type public.role as enum ('a');\ncreate table if not exists public.u (id int, r public.role);\ncreate or replace function public.me() returns table (r public.role) language sql as $$ select 'a'::public.role $$;\n` },
    { file: '20250102000000_b.sql', text: `alter table public.u enable row level security;\ndrop policy if exists "own" on public.u;\ncreate policy "own" on public.u using ((select r from public.me()) = 'a');\n` },
    { file: '20250103000000_c.sql', text: `drop type if exists public.role cascade;\n` },
  ])
  assert.equal(r.postgres, [false, true, false])
  assert.equal(r.errors[1], ['chain-missing-object'])
  assert.equal(r.afterFix, [false, false, false])
})

onServer(t, 'the cases run SQL on the server')('an IF NOT EXISTS block over a column it adds skips all of its body on a re-run; clock_timestamp() - INTERVAL in a key is new on each run', async () => {
  const r = await judge([
    {
      file: '20250101000000_a.sql',
      text: `create table if not exists public.h (id int, at timestamptz, unique (id, at));\ndo $$ begin\n  if not exists (select 1 from information_schema.columns where table_name = 'h' and column_name = 'code') then\n    alter table public.h add column code text;\n    alter table public.h add constraint h_code_check check (code <> '');\n  end if;\nend $$;\ninsert into public.h (id, at) values (1, clock_timestamp() - interval '7 days');\n`,
    },
  ])
  // (now() is new on each run too, as each run is its own transaction; here every run shares one, so the case
  // uses clock_timestamp(): the same expression walk.)
  assert.equal(r.postgres, [false])
  assert.equal(r.errors[0], [])
})

onServer(t, 'the cases run SQL on the server')('what a later file drops for good fails only on a re-run before it: a warning naming that file; a second file of a taken version is left out of the folder', async () => {
  const r = await judge([
    { file: '20250101000000_a.sql', text: `create table if not exists public.o (id int);\nalter table public.o enable row level security;\ncreate policy "read o" on public.o for select using (true);\n` },
    { file: '20250102000000_b.sql', text: `drop policy if exists "read o" on public.o;\n` },
  ])
  assert.equal(r.postgres, [false, false])
  assert.equal(r.errors[0], [])
  assert.equal(r.warnings[0], ['create-policy'])
  const context = folderContext([
    { file: '20250101000000_a.sql', text: `create table if not exists public.o (id int);\nalter table public.o enable row level security;\ncreate policy "read o" on public.o for select using (true);\n` },
    { file: '20250102000000_b.sql', text: `select 1;\n` },
    // Same version as b: db push fails on its history row, so its DROP never runs.
    { file: '20250102000000_c.sql', text: `drop policy if exists "read o" on public.o;\n` },
  ])
  const report = checkSql(`create table if not exists public.o (id int);\nalter table public.o enable row level security;\ncreate policy "read o" on public.o for select using (true);\n`, { context: context('20250101000000_a.sql') })
  assert.equal(report.findings.map((f) => `${f.severity} ${f.rule}`), ['error create-policy'])
})

t.run()
