import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { supabase } from '../lib/checks/planner.ts'
import { applyChain } from '../lib/cli/apply.ts'
import { listFolder } from '../lib/cli/folder.ts'
import { connect } from '../lib/db/connect.ts'
import { applyPlatformShim } from '../lib/db/platform/shim.ts'
import { flagNames } from '../lib/run/script.ts'
import { FLAGS, main, USAGE } from '../scripts/doctor.ts'
import { createTempDatabase, dropTempDatabase, testServer } from './helpers/db.ts'
import { captureIo, makeProject } from './helpers/project.ts'
import { runScript } from './helpers/run.ts'
import { buildSeedRemote, SEED_ROOT } from './helpers/seed.ts'

type Ctx = { url: string }

async function runJson(args: string[], cwd = SEED_ROOT, env: NodeJS.ProcessEnv = {}) {
  const cap = captureIo(cwd)
  const code = await main([...args, '--json'], env, cap.io)
  return { code, report: JSON.parse(cap.out() || 'null'), err: cap.err() }
}

// The test server as --shadow-url when there is one (fast); the embedded PGlite otherwise.
const shadowArgs = async () => {
  const admin = await testServer()
  return admin ? ['--shadow-url', admin] : []
}

// ---
const doctor = suite<Ctx>('doctor: diagnosis, classification and plan on real databases')
doctor.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
})
doctor.after.each(async (ctx) => {
  await dropTempDatabase(ctx.url)
})

doctor('classifies every unrecorded or edited migration of the seed project with its evidence', async (ctx) => {
  await buildSeedRemote(ctx.url)
  const { code, report } = await runJson(['--db-url', ctx.url, ...(await shadowArgs())])
  assert.is(code, 1)
  assert.is(report.healthy, false)
  const states = Object.fromEntries(report.classification.map((c: { file: string; state: string }) => [c.file, c.state]))
  assert.equal(states, {
    '20251211000000_fix_function_search_path_security.sql': 'partial',
    '20251213004931_add_audit_chunks_policies.sql': 'applied',
    '20251213082550_consolidated_clean_schema.sql': 'broken',
    '20251213214545_add_audit_report_path.sql': 'pending',
    '20251214000000_update_report_storage_policies.sql': 'pending',
    '20251214100000_add_owner_repo_to_repos.sql': 'partial',
  })
  const byFile = (f: string) => report.classification.find((c: { file: string }) => c.file === f)
  assert.is(byFile('20251213004931_add_audit_chunks_policies.sql').appliedAs, '20251213004929')
  assert.equal(byFile('20251213082550_consolidated_clean_schema.sql').evidence, ['statement 3 fails (42703): column "github_id" does not exist'])
  assert.equal(byFile('20251214100000_add_owner_repo_to_repos.sql').evidence, [
    'present but different: column public.repos.owner_repo',
    'missing: column public.audits.owner_repo',
    'missing: index public.idx_audits_owner_repo',
    'missing: index public.repos_user_id_owner_repo_key',
  ])
  assert.equal(byFile('20251211000000_fix_function_search_path_security.sql').evidence, [
    'different on the database: function public.handle_new_user()',
    'different on the database: function public.notify_audit_completed()',
  ])
})

doctor('plans a baseline reset for the seed project that keeps the unfinished migrations, then the checks that prove it', async (ctx) => {
  await buildSeedRemote(ctx.url)
  const { report } = await runJson(['--db-url', ctx.url, ...(await shadowArgs())])
  const plan = report.plan as { step: number; title: string; command: string; destructive: boolean; why: string }[]
  const keep = '--keep-pending 20251213214545,20251214000000,20251214100000'
  const kit = `npx tsx ${join('..', '..', 'scripts')}`
  // The CLI found here (npm supabase 3.x) takes --remote=<url>; the commands never hold the URL itself.
  const cli = report.findings.supabaseCli ? supabase({ major: Number(report.findings.supabaseCli.split('.')[0]) }, 'db push') : supabase({ major: null }, 'db push')
  assert.equal(plan.map((s) => [s.step, s.command, s.destructive]), [
    [1, `${kit}/reset-history.ts ${keep}`, false],
    [2, `${kit}/reset-history.ts --apply --yes ${keep}`, true],
    [3, `${cli} --yes`, true],
    [4, `${kit}/check-idempotent.ts`, false],
    [5, `${kit}/check-sync.ts`, false],
    [6, `${kit}/check-drift.ts`, false],
    [7, cli.replace('db push', 'db push --dry-run'), false],
  ])
  for (const s of plan) assert.ok(s.why.length > 0 && s.title.length > 0, `step ${s.step} says why`)
  assert.match(plan[1].why, /20251213082550_consolidated_clean_schema\.sql \(broken\)/)
  assert.match(plan[1].why, /the baseline keeps the database's version of what 20251211000000_fix_function_search_path_security\.sql changed after it ran/)
})

doctor('a project whose files were pushed as they are is healthy: exit 0 and an empty plan', async (ctx) => {
  const project = makeProject({
    '20250101000000_notes.sql': 'create table if not exists public.notes (id bigint primary key, body text);\n',
    '20250102000000_notes_policy.sql': 'alter table public.notes enable row level security;\ndrop policy if exists "read notes" on public.notes;\ncreate policy "read notes" on public.notes for select using (true);\n',
  })
  try {
    const sql = connect(ctx.url, { app: 'doctor-test', onNotice: () => {} })
    try {
      await applyPlatformShim(sql)
      assert.is((await applyChain(sql, listFolder(project.migrations).files, { record: true })).failure, undefined)
    } finally {
      await sql.end({ timeout: 5 })
    }
    const { code, report } = await runJson(['--db-url', ctx.url, ...(await shadowArgs())], project.root)
    assert.is(code, 0)
    assert.is(report.healthy, true)
    assert.equal(report.plan, [])
    assert.equal(report.classification, [])
  } finally {
    project.remove()
  }
})

doctor('a project with only a new idempotent file to push: the plan is db push, then the checks', async (ctx) => {
  const project = makeProject({ '20250101000000_notes.sql': 'create table if not exists public.notes (id bigint primary key);\n' })
  try {
    const sql = connect(ctx.url, { app: 'doctor-test', onNotice: () => {} })
    try {
      await applyPlatformShim(sql)
      await applyChain(sql, listFolder(project.migrations).files, { record: true })
    } finally {
      await sql.end({ timeout: 5 })
    }
    const { writeFileSync } = await import('node:fs')
    writeFileSync(join(project.migrations, '20250102000000_tags.sql'), 'create table if not exists public.tags (id bigint primary key);\n')
    const { code, report } = await runJson(['--db-url', ctx.url, ...(await shadowArgs())], project.root)
    assert.is(code, 1)
    assert.equal(report.classification.map((c: { file: string; state: string }) => [c.file, c.state]), [['20250102000000_tags.sql', 'pending']])
    assert.equal(report.plan.map((s: { title: string }) => s.title)[0], 'Apply the 1 pending migration(s)')
    assert.match(report.plan[0].command, /^supabase db push (--db-url "\$SUPABASE_DB_URL"|--remote="\$SUPABASE_DB_URL") --yes$/)
  } finally {
    project.remove()
  }
})

doctor.run()

// ---
const offline = suite('doctor without a database')

offline('checks the folder and the files, says what it could not check, and plans only what needs no database', async () => {
  const { code, report, err } = await runJson([], SEED_ROOT, {})
  assert.is(code, 1)
  assert.match(err, /no database URL .*not checked: the history table, drift, what each migration really is/)
  assert.is(report.findings.sync, null)
  assert.is(report.findings.drift, null)
  assert.equal(report.classification, [])
  assert.equal(report.plan[0].title, 'Move the 4 clutter file(s) out of the migrations folder')
  assert.match(report.plan[0].command, /^mkdir -p supabase\/migrations_archive && git mv supabase\/migrations\/20251201090000_rename_github_id\.sql\.backup /)
  assert.equal(report.plan[1].title, 'Diagnose again with the database')
  assert.match(report.plan[1].why, new RegExp(`^${report.findings.idempotency.length} file\\(s\\) fail on a second run`))
  assert.equal(report.findings.idempotency.length, 44)
})

offline('the CLI spelling follows the installed major version', () => {
  assert.is(supabase({ major: 2 }, 'db push'), 'supabase db push --db-url "$SUPABASE_DB_URL"')
  assert.is(supabase({ major: 3 }, 'db push'), 'supabase db push --remote="$SUPABASE_DB_URL"')
  assert.is(supabase({ major: null }, 'migration list'), 'supabase migration list --db-url "$SUPABASE_DB_URL"')
})

offline('every flag is in USAGE, and a bad URL is one line, exit 2, no password', async () => {
  for (const flag of flagNames(FLAGS)) assert.match(USAGE, `--${flag}`)
  const r = await runScript('doctor', ['--db-url', 'postgresql://u:s3cret-pw@127.0.0.1:1/x'], { cwd: SEED_ROOT })
  assert.is(r.code, 2)
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('doctor:') && !l.endsWith('…'))
  assert.is(lines.length, 1, r.stderr)
  assert.not.match(r.stdout + r.stderr, 's3cret-pw')
})

offline.run()
