import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connect } from '../lib/db/connect.ts'
import { listFolder } from '../lib/cli/folder.ts'
import { applyChain, applyMigration } from '../lib/cli/apply.ts'
import { splitAndTrim } from '../lib/cli/split.ts'
import { applyPlatformShim } from '../lib/db/platform/shim.ts'
import { main } from '../scripts/check-drift.ts'
import { main as checkIdempotent } from '../scripts/check-idempotent.ts'
import { main as checkSync } from '../scripts/check-sync.ts'
import { cliPushDryRun, supabase } from './helpers/cli.ts'
import { createTempDatabase, dropTempDatabase, onServer, testServer } from './helpers/db.ts'
import { captureIo, makeProject, type Project } from './helpers/project.ts'
import { buildSeedRemote, SEED_ROOT } from './helpers/seed.ts'

type Ctx = { url: string; root: string; migrations: string; remove: () => void }

// The test server as --shadow-url when there is one (fast); the embedded PGlite otherwise.
const shadowArgs = async () => {
  const admin = await testServer()
  return admin ? ['--shadow-url', admin] : []
}

async function drift(root: string, args: string[]) {
  const cap = captureIo(root)
  const code = await main([...args, ...(await shadowArgs())], {}, cap.io)
  return { code, out: cap.out(), err: cap.err(), json: () => JSON.parse(cap.out()) }
}

async function onDb<T>(url: string, body: (sql: ReturnType<typeof connect>) => Promise<T>): Promise<T> {
  const sql = connect(url, { app: 'capture-test', onNotice: () => {} })
  try {
    return await body(sql)
  } finally {
    await sql.end({ timeout: 5 })
  }
}

const migrationsIn = (dir: string) => readdirSync(dir).sort()

// The second fixture: a small project pushed as db push does, then edited by hand (a function, a policy, a grant,
// a bucket row, a column), as in the dashboard's SQL editor.
const FILES = {
  '20250101000000_notes.sql': `create table if not exists public.notes (
  id bigint generated always as identity primary key,
  owner uuid not null,
  body text not null default ''
);
alter table public.notes enable row level security;
drop policy if exists "owners read" on public.notes;
create policy "owners read" on public.notes for select to authenticated using (owner = auth.uid());
create or replace function public.note_count() returns bigint language sql stable as $$ select count(*) from public.notes $$;
`,
}
const HAND_EDITS = `
create or replace function public.note_count() returns bigint language sql stable security definer set search_path = public
  as $$ select count(*) from public.notes where body <> '' $$;
drop policy "owners read" on public.notes;
create policy "owners read" on public.notes for select to authenticated using (owner = auth.uid() or body = 'shared');
revoke all on public.notes from anon;
grant select on public.notes to anon;
insert into storage.buckets (id, name, public) values ('attachments', 'attachments', false);
alter table public.notes add column pinned boolean not null default false;
`

async function pushedWithEdits(url: string, project: Project, edits = HAND_EDITS) {
  await onDb(url, async (sql) => {
    await applyPlatformShim(sql)
    const r = await applyChain(sql, listFolder(project.migrations).files, { record: true })
    assert.is(r.failure, undefined)
    await sql.unsafe(edits)
  })
}

// ---
const seed = suite<Ctx>('check-drift --capture on the seed remote')
seed.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
  // A copy of the seed project: the capture writes into its migrations folder.
  const root = mkdtempSync(join(tmpdir(), 'smk-capture-seed-'))
  cpSync(SEED_ROOT, root, { recursive: true })
  Object.assign(ctx, { root, migrations: join(root, 'supabase', 'migrations'), remove: () => rmSync(root, { recursive: true, force: true }) })
})
seed.after.each(async (ctx) => {
  ctx.remove()
  await dropTempDatabase(ctx.url)
})

seed('the hand-made column, index and bucket and the two edited functions become one migration that runs twice, passes check-idempotent and leaves no hand edit or difference', async (ctx) => {
  await buildSeedRemote(ctx.url)
  const before = migrationsIn(ctx.migrations)
  // --mark-applied is refused first: five local files are not applied yet, and nothing is written.
  const refused = await drift(ctx.root, ['--db-url', ctx.url, '--capture', 'dashboard_edits', '--mark-applied', '--yes'])
  assert.is(refused.code, 2)
  assert.match(refused.err, /check-drift: 5 local file\(s\) are not applied yet \(.*\); recording the capture, which is newer, would leave them before the last applied version; nothing was written\. Run supabase db push first/)
  assert.equal(migrationsIn(ctx.migrations), before)

  const run = await drift(ctx.root, ['--db-url', ctx.url, '--capture', 'dashboard_edits', '--json'])
  assert.is(run.code, 0, run.err)
  const r = run.json()
  assert.equal(r.captured, ['column public.audits.is_pinned', 'index public.audits_user_id_created_at_idx', 'storage bucket "avatars"', 'function public.handle_new_user()', 'function public.notify_audit_completed()'])
  assert.equal(r.leftOut, [])
  assert.is(r.verified, true)
  assert.equal(r.diff, [])
  const [added] = migrationsIn(ctx.migrations).filter((f) => !before.includes(f))
  assert.match(added, /^\d{14}_dashboard_edits\.sql$/)
  assert.is(r.path, `supabase/migrations/${added}`)
  // Newer than every local and remote version.
  assert.ok(added.slice(0, 14) > '20251214100000')
  const text = readFileSync(join(ctx.migrations, added), 'utf8')
  assert.is(text, r.sql)

  // PostgreSQL judges "runs twice" on the database itself: both runs succeed, as db push would run them.
  await onDb(ctx.url, async (sql) => {
    for (const run of [1, 2]) {
      const result = await applyMigration(sql, { file: added, path: join(ctx.migrations, added), version: added.slice(0, 14), name: 'dashboard_edits' }, { record: false })
      assert.ok(result.ok, `run ${run}: ${JSON.stringify(result)}`)
    }
    const [row] = await sql`select count(*)::int as n from storage.buckets where id = 'avatars'`
    assert.is(row.n, 1)
  })
  const cap = captureIo(ctx.root)
  assert.is(await checkIdempotent([join(ctx.migrations, added)], {}, cap.io), 0, cap.out())

  // check-drift afterwards: no hand edit, no difference; the capture itself is a file without a history row whose
  // objects are all present (what --mark-applied or db push records).
  const after = await drift(ctx.root, ['--db-url', ctx.url, '--json'])
  const report = after.json()
  assert.equal(report.remoteOnly, [])
  assert.equal(report.differs, [])
  const mine = report.halfApplied.find((h: { file: string }) => h.file === added)
  assert.ok(mine, JSON.stringify(report.halfApplied))
  assert.equal([mine.different, mine.missing], [[], []])
})

seed.run()

// ---
const loop = suite<Ctx>('check-drift --capture on a project edited by hand (function, policy, grant, bucket row)')
loop.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
  const p = makeProject(FILES)
  Object.assign(ctx, { root: p.root, migrations: p.migrations, remove: p.remove })
})
loop.after.each(async (ctx) => {
  ctx.remove()
  await dropTempDatabase(ctx.url)
})

const EXPECTED = [
  'column public.notes.pinned',
  'storage bucket "attachments"',
  'function public.note_count()',
  'policy "owners read" on public.notes',
  'privileges on table public.notes to anon',
]

onServer(loop, 'supabase db push against the test database')('--dry-run prints the SQL and writes nothing; the capture then runs twice, and after supabase db push check-drift is clean', async (ctx) => {
  const project = { root: ctx.root, migrations: ctx.migrations, remove: ctx.remove }
  await pushedWithEdits(ctx.url, project)
  const dry = await drift(ctx.root, ['--db-url', ctx.url, '--capture', 'hand_edits', '--dry-run'])
  assert.is(dry.code, 0, dry.err)
  assert.match(dry.out, /ALTER TABLE public\.notes ADD COLUMN IF NOT EXISTS pinned boolean DEFAULT false NOT NULL;/)
  assert.match(dry.out, /REVOKE ALL ON TABLE public\.notes FROM PUBLIC, anon, authenticated, service_role;/)
  assert.match(dry.out, /ON CONFLICT \(id\) DO UPDATE SET name = EXCLUDED\.name/)
  assert.match(dry.out, /Dry run: would write supabase\/migrations\/\d{14}_hand_edits\.sql: \d+ statement\(s\), verified on the shadow/)
  assert.equal(migrationsIn(ctx.migrations), Object.keys(FILES))

  const run = await drift(ctx.root, ['--db-url', ctx.url, '--capture', 'hand_edits', '--json'])
  assert.is(run.code, 0, run.err)
  assert.equal(run.json().captured.slice().sort(), EXPECTED.slice().sort())
  const added = migrationsIn(ctx.migrations).find((f) => !(f in FILES))!
  const cap = captureIo(ctx.root)
  assert.is(await checkIdempotent([join(ctx.migrations, added)], {}, cap.io), 0, cap.out())

  // The loop closed by the real CLI: db push applies the capture (which changes nothing there) and records it.
  const push = await supabase(ctx.root, ['db', 'push', '--db-url', ctx.url])
  assert.is(push.code, 0, push.stderr)
  const clean = await drift(ctx.root, ['--db-url', ctx.url])
  assert.is(clean.code, 0, clean.out)
  assert.match(clean.out, /No drift: the database matches what the migration files produce\./)
  // PostgreSQL's view of the edits the capture kept: anon holds only SELECT, the policy has the edited USING.
  await onDb(ctx.url, async (sql) => {
    const [acl] = await sql`select has_table_privilege('anon', 'public.notes', 'SELECT') as sel, has_table_privilege('anon', 'public.notes', 'INSERT') as ins,
      (select pg_get_expr(polqual, polrelid) from pg_policy where polname = 'owners read') as using`
    assert.equal({ ...acl }, { sel: true, ins: false, using: "((owner = auth.uid()) OR (body = 'shared'::text))" })
  })
})

onServer(loop, 'supabase db push against the test database')('--mark-applied records exactly the row db push would write; check-sync, check-drift and supabase db push are then clean', async (ctx) => {
  await pushedWithEdits(ctx.url, { root: ctx.root, migrations: ctx.migrations, remove: ctx.remove })
  const run = await drift(ctx.root, ['--db-url', ctx.url, '--capture', 'hand_edits', '--mark-applied', '--yes'])
  assert.is(run.code, 0, run.err)
  assert.match(run.err, /check-drift: recorded \d{14} as applied; history backed up to supabase\/\.migration-backups\/\d{14}; undo: /)
  // The kit's script as seen from the project (a temp folder outside the kit).
  assert.match(run.err, `; undo: npx tsx ${relative(ctx.root, fileURLToPath(new URL('../scripts/', import.meta.url)))}/reset-history.ts --restore supabase/.migration-backups/`)
  const added = migrationsIn(ctx.migrations).find((f) => !(f in FILES))!
  const rows = await onDb(ctx.url, (sql) => sql`select version, name, statements from supabase_migrations.schema_migrations order by version`)
  assert.equal(rows.map((r) => ({ ...r })), [
    { version: '20250101000000', name: 'notes', statements: splitAndTrim(FILES['20250101000000_notes.sql']) },
    { version: added.slice(0, 14), name: 'hand_edits', statements: splitAndTrim(readFileSync(join(ctx.migrations, added), 'utf8')) },
  ])
  const backups = readdirSync(join(ctx.root, 'supabase', '.migration-backups'))
  assert.is(backups.length, 1)
  assert.ok(existsSync(join(ctx.root, 'supabase', '.migration-backups', backups[0], 'restore.sql')))

  const sync = captureIo(ctx.root)
  assert.is(await checkSync(['--db-url', ctx.url], {}, sync.io), 0, sync.out())
  const push = await cliPushDryRun(ctx.root, ctx.url)
  assert.is(push.code, 0, push.stderr)
  assert.match(push.stdout + push.stderr, /Remote database is up to date\./)
  const clean = await drift(ctx.root, ['--db-url', ctx.url])
  assert.is(clean.code, 0, clean.out)
})

loop('a column type the capture cannot express ends as .sql.draft (exit 1) with the difference printed, and --mark-applied records nothing', async (ctx) => {
  await pushedWithEdits(ctx.url, { root: ctx.root, migrations: ctx.migrations, remove: ctx.remove }, 'alter table public.notes alter column body type varchar(200);')
  const run = await drift(ctx.root, ['--db-url', ctx.url, '--capture', 'widen_body', '--mark-applied', '--yes'])
  assert.is(run.code, 1, run.err)
  assert.match(run.out, /The capture does not reproduce the database \(files plus capture replayed on the shadow\)\n- column public\.notes\.body: not captured: its type differs, which the capture cannot change in place \(write that ALTER by hand\)\n- column public\.notes\.body: type: text → character varying\(200\) \(files and capture → database\)/)
  const written = migrationsIn(ctx.migrations).filter((f) => !(f in FILES))
  assert.is(written.length, 1)
  assert.match(written[0], /^\d{14}_widen_body\.sql\.draft$/)
  // The CLI skips a draft, and the history is untouched.
  assert.equal(listFolder(ctx.migrations).files.map((f) => f.file), Object.keys(FILES))
  const rows = await onDb(ctx.url, (sql) => sql`select version from supabase_migrations.schema_migrations`)
  assert.equal(rows.map((r) => r.version), ['20250101000000'])
})

loop('--mark-applied off a terminal without --yes is refused before anything is written', async (ctx) => {
  await pushedWithEdits(ctx.url, { root: ctx.root, migrations: ctx.migrations, remove: ctx.remove })
  const run = await drift(ctx.root, ['--db-url', ctx.url, '--capture', 'hand_edits', '--mark-applied'])
  assert.is(run.code, 2)
  assert.match(run.err, /check-drift: stdin is not a terminal, so "write \d{14}_hand_edits\.sql and record it as applied in its migration history" cannot be confirmed\. Add --yes to confirm it\./)
  assert.equal(migrationsIn(ctx.migrations), Object.keys(FILES))
  const rows = await onDb(ctx.url, (sql) => sql`select version from supabase_migrations.schema_migrations`)
  assert.equal(rows.map((r) => r.version), ['20250101000000'])
})

loop.run()

// ---
const usage = suite('check-drift --capture usage')

const REFUSALS = [
  { name: 'a name with a path separator', args: ['--capture', 'a/b'], error: /check-drift: bad --capture name: the name contains a path separator\./ },
  { name: 'an empty name', args: ['--capture', ''], error: /check-drift: --capture needs a value\./ },
  { name: '--dry-run with --mark-applied', args: ['--capture', 'x', '--dry-run', '--mark-applied'], error: /check-drift: --dry-run writes nothing, so it cannot --mark-applied\./ },
  { name: '--yes without --mark-applied', args: ['--capture', 'x', '--yes'], error: /check-drift: --yes only confirms --mark-applied\./ },
  { name: '--dry-run without --capture', args: ['--dry-run'], error: /check-drift: --dry-run only goes with --capture\./ },
]
for (const c of REFUSALS) {
  usage(`${c.name} is refused (exit 2) before connecting`, async () => {
    const p = makeProject({})
    try {
      const cap = captureIo(p.root)
      // An unreachable URL: a connection attempt would be a different error.
      const code = await main(['--db-url', 'postgresql://u:secret@127.0.0.1:1/x', ...c.args], {}, cap.io)
      assert.is(code, 2)
      assert.match(cap.err(), c.error)
      assert.not.match(cap.err(), /secret/)
    } finally {
      p.remove()
    }
  })
}

usage.run()
