import { readdirSync, statSync, symlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { $ } from 'zx'
import { listFolder, MIGRATION_FILE, readMigration } from '../lib/cli/folder.ts'
import { splitAndTrim } from '../lib/cli/split.ts'
import { cliList, cliPushDryRun, supabaseBin } from './helpers/cli.ts'
import { client, createTempDatabase, dropTempDatabase, onServer, testServer } from './helpers/db.ts'
import { dataRows, seedProject, type SeedCopy } from './helpers/reset.ts'
import { buildSeedRemote } from './helpers/seed.ts'

type Step = { step: number; title: string; command: string; destructive: boolean; why: string }
type Ctx = { url: string; project: SeedCopy }

const KIT = fileURLToPath(new URL('..', import.meta.url))
const KEEP = ['20251213214545', '20251214000000', '20251214100000']

// The shell a user types the plan into: the database URL exported as the plan says, the Supabase CLI on PATH, and a
// shadow server in the environment (as a user's .env may have it; it also makes the replays fast). No terminal: a
// step that wanted a typed confirmation would fail here instead of waiting.
async function userShell(ctx: Ctx) {
  const { FORCE_COLOR: _dropped, DATABASE_URL: _unused, ...inherited } = process.env
  const env = {
    ...inherited,
    SUPABASE_DB_URL: ctx.url,
    SHADOW_DATABASE_URL: (await testServer())!,
    PGSSLMODE: 'disable',
    NO_COLOR: '1',
    PATH: `${dirname(await supabaseBin())}:${process.env.PATH}`,
  }
  return (command: string) => $({ cwd: ctx.project.root, env, nothrow: true, quiet: true, input: '' })`bash -c ${command}`
}

// The database's shape, read from PostgreSQL's catalog (not through the kit): one entry per object with its
// definition, in every schema but the system ones and the history's (compared on its own below).
async function catalogShape(url: string): Promise<Map<string, string>> {
  const sql = client(url)
  try {
    // Names printed schema-qualified (regclass, regprocedure and the definitions follow search_path).
    await sql`set search_path = pg_catalog`
    const rows = await sql<{ key: string; def: string }[]>`
      with ns as (select oid, nspname from pg_namespace where nspname not like 'pg\_%' and nspname not in ('information_schema', 'supabase_migrations'))
      select 'relation ' || c.oid::regclass as key, c.relkind::text || ' rls=' || c.relrowsecurity || ' acl=' || coalesce(c.relacl::text, '-') as def
        from pg_class c join ns on ns.oid = c.relnamespace where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
      union all
      select 'column ' || a.attrelid::regclass || '.' || a.attname, format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-')
        from pg_attribute a join pg_class c on c.oid = a.attrelid join ns on ns.oid = c.relnamespace
        left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm', 'f')
      union all
      select 'index ' || i.indexrelid::regclass, pg_get_indexdef(i.indexrelid)
        from pg_index i join pg_class c on c.oid = i.indexrelid join ns on ns.oid = c.relnamespace
      union all
      select 'constraint ' || co.conrelid::regclass || '.' || co.conname, pg_get_constraintdef(co.oid)
        from pg_constraint co join ns on ns.oid = co.connamespace where co.conrelid <> 0
      union all
      select 'policy ' || p.schemaname || '.' || p.tablename || '.' || p.policyname, concat_ws(' ', p.permissive, p.cmd, p.roles::text, p.qual, p.with_check)
        from pg_policies p
      union all
      select 'function ' || p.oid::regprocedure, md5(pg_get_functiondef(p.oid)) || ' acl=' || coalesce(p.proacl::text, '-')
        from pg_proc p join ns on ns.oid = p.pronamespace where p.prokind in ('f', 'p')
      union all
      select 'trigger ' || t.tgrelid::regclass || '.' || t.tgname, pg_get_triggerdef(t.oid)
        from pg_trigger t join pg_class c on c.oid = t.tgrelid join ns on ns.oid = c.relnamespace where not t.tgisinternal
      union all
      select 'type ' || t.oid::regtype, t.typtype::text || ' ' || coalesce((select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid), '')
        from pg_type t join ns on ns.oid = t.typnamespace where t.typtype in ('e', 'd', 'r') or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c')
      union all
      select 'publication ' || pubname || ' ' || schemaname || '.' || tablename, '' from pg_publication_tables
      union all
      select 'extension ' || extname, extversion || ' in ' || extnamespace::regnamespace from pg_extension
      union all
      select 'schema ' || nspname, coalesce((select nspacl::text from pg_namespace n where n.oid = ns.oid), '-') from ns`
    return new Map(rows.map((r) => [r.key, r.def]))
  } finally {
    await sql.end({ timeout: 5 })
  }
}

// Keys added, removed or changed from `before` to `after`, each marked +, - or ~.
function shapeChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = []
  for (const [key, def] of after) if (!before.has(key)) out.push(`+ ${key}`)
      else if (before.get(key) !== def) out.push(`~ ${key}`)
  for (const key of before.keys()) if (!after.has(key)) out.push(`- ${key}`)
  return out.sort()
}

// The rows of the tables the kept files add columns to, without those columns (owner_repo is backfilled, report_path
// starts empty) and updated_at (the backfill's UPDATEs fire the tables' updated_at triggers, as on the real project).
async function rowsBesidesBackfill(url: string): Promise<Record<string, string>> {
  const sql = client(url)
  try {
    const out: Record<string, string> = {}
    for (const table of ['repos', 'audits']) {
      const [{ rows }] = await sql`select coalesce(jsonb_agg(to_jsonb(x) - 'owner_repo' - 'report_path' - 'updated_at' order by x.id), '[]')::text as rows from ${sql('public')}.${sql(table)} x`
      out[table] = rows
    }
    return out
  } finally {
    await sql.end({ timeout: 5 })
  }
}

// ---
const follow = suite<Ctx>("doctor's plan, followed literally on the seed project")
follow.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
  ctx.project = await seedProject()
  // The kit's dependencies where `npx tsx` looks for them, as in a repository that installed the kit.
  symlinkSync(join(KIT, 'node_modules'), join(ctx.project.root, 'node_modules'))
})
follow.after.each(async (ctx) => {
  ctx.project?.remove()
  await dropTempDatabase(ctx.url)
})

onServer(follow, 'the Supabase CLI pushes to a server database')('every step of the plan succeeds, and the project is then in sync, idempotent, complete and otherwise unchanged', async (ctx) => {
  await buildSeedRemote(ctx.url)
  const shapeBefore = await catalogShape(ctx.url)
  const dataBefore = await dataRows(ctx.url)
  const backfilledBefore = await rowsBesidesBackfill(ctx.url)
  const sh = await userShell(ctx)

  // 1. Doctor as a user runs it, from the project root with the kit elsewhere.
  const doctor = await sh(`npx tsx ${join(KIT, 'scripts', 'doctor.ts')} --json`)
  assert.is(doctor.exitCode, 1, doctor.stderr)
  const plan = JSON.parse(doctor.stdout).plan as Step[]
  assert.equal(plan.map((s) => s.title), [
    'Preview the reset to one baseline (dry run)',
    'Reset the history to the baseline',
    'Apply the 3 kept migration(s)',
    'Check: every file can run twice',
    'Check: folder and history agree',
    'Check: the database is what the files produce',
    'Check with the Supabase CLI: nothing left to push',
  ])
  assert.match(plan[1].command, `--apply --yes --keep-pending ${KEEP.join(',')}`)

  // 2. Each command exactly as printed; every one must succeed.
  for (const s of plan) {
    const run = await sh(s.command)
    assert.is(run.exitCode, 0, `step ${s.step} (${s.command}) exited ${run.exitCode}:\n${run.stdout}\n${run.stderr}`)
    if (s.step === 3) assert.match(run.stderr, /Applying migration \d{14}_add_owner_repo_to_repos\.sql/)
    if (s.step === 7) assert.match(run.stdout, 'Remote database is up to date')
  }

  // 3. The folder: migration files only (clutter and the replaced files archived outside it), the baseline first.
  const migrations = ctx.project.migrations
  const entries = readdirSync(migrations)
  for (const name of entries) assert.ok(MIGRATION_FILE.test(name) && statSync(join(migrations, name)).size > 0, `not a migration: ${name}`)
  const files = listFolder(migrations).files
  assert.equal(files.map((f) => f.name), ['baseline', 'add_audit_report_path', 'update_report_storage_policies', 'add_owner_repo_to_repos'])

  // 4. The history holds exactly the folder's versions, each with the statements of its file (as db push records them),
  //    and the real CLI lists every version on both sides.
  const sql = client(ctx.url)
  try {
    const history = await sql<{ version: string; name: string; statements: string[] }[]>`select version, name, statements from supabase_migrations.schema_migrations order by version`
    assert.equal(history.map((r) => [r.version, r.name]), files.map((f) => [f.version, f.name]))
    for (const [i, f] of files.entries()) assert.equal(history[i].statements, splitAndTrim(readMigration(f.path)), `${f.file}: recorded statements`)
    assert.equal(await cliList(ctx.project.root, ctx.url), files.map((f) => ({ local: f.version, remote: f.version })))
    assert.match((await cliPushDryRun(ctx.project.root, ctx.url)).stdout, 'Remote database is up to date')

    // 5. Every file runs a second time on the database without an error (each in a transaction rolled back after).
    for (const f of files) {
      const rerun = await sql
        .begin(async (tx) => {
          for (const statement of splitAndTrim(readMigration(f.path)) ?? []) await tx.unsafe(statement)
          throw new Error('rollback')
        })
        .catch((err: Error & { code?: string }) => (err.message === 'rollback' ? 'ok' : `${err.code}: ${err.message}`))
      assert.is(rerun, 'ok', `${f.file} on its second run`)
    }

    // 6. The half-applied migration is complete as its file intends: owner_repo filled from owner/name in lower
    //    case and NOT NULL, unique per user, and copied onto the audits with its index.
    const columns = await sql`select table_name, is_nullable from information_schema.columns where table_schema = 'public' and column_name = 'owner_repo' order by 1`
    assert.equal(columns.map((c) => [c.table_name, c.is_nullable]), [['audits', 'YES'], ['repos', 'NO']])
    const indexes = await sql`select indexname, indexdef from pg_indexes where schemaname = 'public' and indexname in ('repos_user_id_owner_repo_key', 'idx_audits_owner_repo') order by 1`
    assert.equal(indexes.map((i) => i.indexdef), [
      'CREATE INDEX idx_audits_owner_repo ON public.audits USING btree (owner_repo)',
      'CREATE UNIQUE INDEX repos_user_id_owner_repo_key ON public.repos USING btree (user_id, owner_repo)',
    ])
    const [counts] = await sql`select
      (select count(*)::int from public.repos) as repos,
      (select count(*)::int from public.repos where owner_repo is distinct from lower(owner || '/' || name)) as repos_wrong,
      (select count(*)::int from public.audits) as audits,
      (select count(*)::int from public.audits a left join public.repos r on r.id = a.repo_id where a.owner_repo is distinct from r.owner_repo) as audits_wrong`
    assert.equal({ ...counts }, { repos: 3, repos_wrong: 0, audits: 2, audits_wrong: 0 })
  } finally {
    await sql.end({ timeout: 5 })
  }

  // 7. Nothing else changed: the catalog differs only by what the three kept files add, and the data only by the
  //    backfilled columns.
  assert.equal(shapeChanges(shapeBefore, await catalogShape(ctx.url)), [
    '+ column public.audits.owner_repo',
    '+ column public.audits.report_path',
    '+ index public.idx_audits_owner_repo',
    '+ index public.idx_audits_report_path',
    '+ index public.repos_user_id_owner_repo_key',
    '+ policy storage.objects.Users can delete own reports',
    '~ column public.repos.owner_repo',
    '~ policy storage.objects.Users can read own reports',
  ])
  const dataAfter = await dataRows(ctx.url)
  const { 'public.repos': _r, 'public.audits': _a, ...restBefore } = dataBefore
  const { 'public.repos': _r2, 'public.audits': _a2, ...restAfter } = dataAfter
  assert.equal(restAfter, restBefore)
  assert.equal(await rowsBesidesBackfill(ctx.url), backfilledBefore)
})

follow.run()
