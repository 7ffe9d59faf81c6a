import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { $ } from 'zx'
import { main } from '../scripts/reset-history.ts'
import { main as checkSync } from '../scripts/check-sync.ts'
import { main as checkDrift } from '../scripts/check-drift.ts'
import { main as newMigration } from '../scripts/new-migration.ts'
import { listFolder } from '../lib/cli/folder.ts'
import { cliList, supabase } from './helpers/cli.ts'
import { client, createTempDatabase, dropTempDatabase, onServer, testServer } from './helpers/db.ts'
import { captureIo } from './helpers/project.ts'
import { dataRows, folderState, historyRows, seedProject, writeBaseline, type SeedCopy } from './helpers/reset.ts'
import { buildSeedRemote, SEED_CLUTTER, SEED_HALF_APPLIED_VERSION, SEED_MIGRATIONS, seedRemoteHistory } from './helpers/seed.ts'

type Ctx = { url: string; project: SeedCopy; baseline: string; extra: string[] }

async function reset(ctx: Ctx, args: string[], url = ctx.url) {
  const cap = captureIo(ctx.project.root)
  const code = await main(['--db-url', url, ...args], {}, cap.io)
  return { code, out: cap.out(), err: cap.err() }
}
const json = async (ctx: Ctx, args: string[], url?: string) => {
  const r = await reset(ctx, [...args, '--json'], url)
  return { ...r, report: r.out ? JSON.parse(r.out) : null }
}
async function script(ctx: Ctx, run: typeof main, args: string[]) {
  const cap = captureIo(ctx.project.root)
  const code = await run(args, {}, cap.io)
  return { code, out: cap.out(), err: cap.err() }
}
const cli = (ctx: Ctx, args: string[], url = ctx.url) => supabase(ctx.project.root, [...args, '--db-url', url])
const shadow = async () => ['--shadow-url', (await testServer())!]
// The baseline from a file, built here from the seed remote; the default path (the generator) is doctor's plan-follower test's.
const seedArgs = async (ctx: Ctx) => ['--baseline', ctx.baseline, '--keep-pending', SEED_HALF_APPLIED_VERSION, ...(await shadow())]

const seedSetUp = async (ctx: Ctx) => {
  ctx.extra = []
  ctx.url = await createTempDatabase()
  ctx.project = await seedProject()
  ctx.baseline = writeBaseline(ctx.project.root)
  await buildSeedRemote(ctx.url)
}
const seedTearDown = async (ctx: Ctx) => {
  ctx.project.remove()
  await dropTempDatabase(ctx.url)
  for (const url of ctx.extra) await dropTempDatabase(url)
}

// ---
const dry = suite<Ctx>('reset-history dry run on the seed project')
dry.before.each(seedSetUp)
dry.after.each(seedTearDown)

onServer(dry, 'the seed remote and a server shadow')('changes nothing (history, files, data byte-identical) and plans every row and file', async (ctx) => {
  const before = { history: await historyRows(ctx.url), files: folderState(ctx.project.root), data: await dataRows(ctx.url) }
  const r = await json(ctx, await seedArgs(ctx))
  assert.is(r.code, 0, r.err)
  assert.equal({ history: await historyRows(ctx.url), files: folderState(ctx.project.root), data: await dataRows(ctx.url) }, before)
  assert.not.ok(existsSync(join(ctx.project.root, 'supabase', '.migration-backups')))
  const seedFiles = listFolder(SEED_MIGRATIONS).files.map((f) => f.file)
  assert.equal(r.report.remove, seedRemoteHistory().map((e) => e.file.version))
  assert.equal(r.report.archive, [...seedFiles, ...SEED_CLUTTER].sort())
  assert.is(r.report.archive.length, 53)
  assert.equal(r.report.pending.map((p: { from: string; rewritten: number }) => [p.from, p.rewritten]), [['20251214100000_add_owner_repo_to_repos.sql', 4]])
  assert.equal(r.report.write.map((w: { file: string }) => w.file), [r.report.baselineFile, r.report.pending[0].to])
  assert.ok(r.report.pending[0].to > r.report.baselineFile, 'the kept file sorts after the baseline')
})

onServer(dry, 'the seed remote and a server shadow')('a drifted remote is refused, naming the difference, and nothing changes', async (ctx) => {
  const sql = client(ctx.url)
  await sql`alter table public.repos add column hand_made int`
  await sql.end({ timeout: 5 })
  const before = { history: await historyRows(ctx.url), files: folderState(ctx.project.root) }
  const r = await reset(ctx, [...(await seedArgs(ctx)), '--apply', '--yes'])
  assert.is(r.code, 1, r.err)
  assert.match(r.out, '- column public.repos.hand_made: on the database, not in the baseline')
  assert.equal({ history: await historyRows(ctx.url), files: folderState(ctx.project.root) }, before)
})

dry.run()

// ---
const apply = suite<Ctx>('reset-history --apply on the seed project, judged by the real CLI')
apply.before.each(seedSetUp)
apply.after.each(seedTearDown)

onServer(apply, 'the seed remote and a server shadow')('ends in sync: check-sync and check-drift clean, data untouched, owner_repo completed by db push, twice over', async (ctx) => {
  const data = await dataRows(ctx.url)
  const r = await json(ctx, [...(await seedArgs(ctx)), '--apply', '--yes'])
  assert.is(r.code, 0, r.err)
  assert.equal(await dataRows(ctx.url), data)
  // Every archived file was tracked, so each is a rename in git.
  const status = (await $({ cwd: ctx.project.root, quiet: true })`git status --porcelain`).stdout.split('\n')
  assert.is(status.filter((l) => l.startsWith('R ')).length, 53)
  assert.equal(listFolder(ctx.project.migrations).files.map((f) => f.file), [r.report.baselineFile, r.report.pending[0].to])

  const drift = await script(ctx, checkDrift, ['--db-url', ctx.url, ...(await shadow()), '--json'])
  assert.is(drift.code, 0, drift.out)
  assert.equal(JSON.parse(drift.out).pending, [r.report.pending[0].to])

  const push = await cli(ctx, ['db', 'push'])
  assert.is(push.code, 0, push.stderr)
  const sql = client(ctx.url)
  try {
    const [col] = await sql`select attnotnull from pg_attribute where attrelid = 'public.repos'::regclass and attname = 'owner_repo'`
    assert.is(col.attnotnull, true)
    const [idx] = await sql`select indisunique from pg_index where indexrelid = 'public.repos_user_id_owner_repo_key'::regclass`
    assert.is(idx.indisunique, true)
    const rows = await sql`select owner_repo from public.repos order by id`
    assert.equal(rows.map((x) => x.owner_repo), ['ada/analytical-engine', 'ada/notes', 'grace-h/cobol-linter'])
  } finally {
    await sql.end({ timeout: 5 })
  }
  assert.is((await script(ctx, checkSync, ['--db-url', ctx.url])).code, 0)
  const versions = [r.report.baselineFile, r.report.pending[0].to].map((f: string) => f.slice(0, 14))
  assert.equal(await cliList(ctx.project.root, ctx.url), versions.map((v) => ({ local: v, remote: v })))
  for (let i = 0; i < 2; i++) {
    const again = await cli(ctx, ['db', 'push'])
    assert.is(again.code, 0, again.stderr)
    assert.match(again.stdout, 'Remote database is up to date.')
  }
  assert.is((await script(ctx, newMigration, ['--db-url', ctx.url, 'next_change'])).code, 0)
  const next = await cli(ctx, ['db', 'push'])
  assert.is(next.code, 0, next.stderr)
  assert.is((await cliList(ctx.project.root, ctx.url)).filter((x) => x.local === x.remote).length, 3)
  const after = await script(ctx, checkDrift, ['--db-url', ctx.url, ...(await shadow())])
  assert.is(after.code, 0, after.out)
})

onServer(apply, 'the seed remote and a server shadow')('the baseline row is exactly what the real CLI records for the baseline file', async (ctx) => {
  const r = await json(ctx, [...(await seedArgs(ctx)), '--apply', '--yes'])
  assert.is(r.code, 0, r.err)
  // The CLI's own `migration repair --status applied` reads and splits the file into another database.
  const oracle = await createTempDatabase()
  ctx.extra.push(oracle)
  const repair = await cli(ctx, ['migration', 'repair', '--status', 'applied', r.report.baselineFile.slice(0, 14)], oracle)
  assert.is(repair.code, 0, repair.stderr)
  assert.equal(await historyRows(ctx.url), await historyRows(oracle))
})

onServer(apply, 'the seed remote and a server shadow')('--restore returns the exact old rows and the old folder, after a dry run that changes nothing', async (ctx) => {
  const before = { history: await historyRows(ctx.url), files: folderState(ctx.project.root) }
  const r = await json(ctx, [...(await seedArgs(ctx)), '--apply', '--yes'])
  assert.is(r.code, 0, r.err)
  const backup = join(ctx.project.root, r.report.backupDir)
  const restore = join(backup, 'restore.sql')
  assert.not.match(readFileSync(restore, 'utf8'), 'postgresql://')
  const after = { history: await historyRows(ctx.url), files: folderState(ctx.project.root) }
  const dryRun = await json(ctx, ['--restore', backup])
  assert.is(dryRun.code, 0, dryRun.err)
  assert.is(dryRun.report.rows, 45)
  assert.equal({ history: await historyRows(ctx.url), files: folderState(ctx.project.root) }, after)
  const done = await json(ctx, ['--restore', backup, '--apply', '--yes'])
  assert.is(done.code, 0, done.err)
  assert.equal({ history: await historyRows(ctx.url), files: folderState(ctx.project.root) }, before)
  // The copy inside the remote holds the old rows too.
  const sql = client(ctx.url)
  try {
    const copy = await sql`select to_jsonb(t) as row from ${sql(`supabase_migrations.${r.report.copyTable}`)} t order by version`
    assert.equal(copy.map((x) => x.row), before.history)
  } finally {
    await sql.end({ timeout: 5 })
  }
})

onServer(apply, 'the seed remote, a server shadow and psql')('the psql restore script puts the old rows back too', async (ctx) => {
  const before = await historyRows(ctx.url)
  const r = await json(ctx, [...(await seedArgs(ctx)), '--apply', '--yes'])
  assert.is(r.code, 0, r.err)
  const psql = await $({ quiet: true, nothrow: true })`psql ${ctx.url} -v ON_ERROR_STOP=1 -q -f ${join(ctx.project.root, r.report.backupDir, 'restore.sql')}`
  assert.is(psql.exitCode, 0, psql.stderr)
  assert.equal(await historyRows(ctx.url), before)
})

onServer(apply, 'two seed remotes and a server shadow')('--baseline syncs a second remote onto the file already in the folder: one file, both histories equal', async (ctx) => {
  const staging = await json(ctx, [...(await seedArgs(ctx)), '--apply', '--yes'])
  assert.is(staging.code, 0, staging.err)
  const production = await createTempDatabase()
  ctx.extra.push(production)
  await buildSeedRemote(production)
  const inFolder = join(ctx.project.migrations, staging.report.baselineFile)
  const second = await json(ctx, ['--baseline', inFolder, ...(await shadow()), '--apply', '--yes'], production)
  assert.is(second.code, 0, second.err)
  assert.equal(second.report.archive, [])
  assert.equal(second.report.write, [])
  for (const url of [ctx.url, production]) assert.is((await cli(ctx, ['db', 'push'], url)).code, 0)
  assert.equal(await historyRows(production), await historyRows(ctx.url))
  const versions = listFolder(ctx.project.migrations).files.map((f) => f.version)
  assert.equal(await cliList(ctx.project.root, production), versions.map((v) => ({ local: v, remote: v })))
})

apply.run()

