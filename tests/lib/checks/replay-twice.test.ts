import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { describeChange } from '../../../lib/catalog/diff.ts'
import { connect } from '../../../lib/db/connect.ts'
import { listFolder } from '../../../lib/cli/folder.ts'
import { describeReplayFinding, renderReplay, replayClean, replayOnShadow, replayTwice, type ReplayReport } from '../../../lib/checks/replay-twice.ts'
import { applyPlatformShim } from '../../../lib/db/platform/shim.ts'
import { shadowSource, type Shadow, type ShadowSource } from '../../../lib/db/shadow.ts'
import { createTempDatabase, dropTempDatabase, onServer, SERVER } from '../../helpers/db.ts'
import { SEED_MIGRATIONS } from '../../helpers/seed.ts'

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/replay/${name}`, import.meta.url))

// A temp database on the test server with the platform shim: what a --shadow-url shadow is.
async function replayOnServer(url: string, dir: string): Promise<ReplayReport> {
  const sql = connect(url, { app: 'replay-test', onNotice: () => {} })
  try {
    await applyPlatformShim(sql)
    return await replayTwice(sql, listFolder(dir).files)
  } finally {
    await sql.end({ timeout: 5 })
  }
}

const summary = (r: ReplayReport) =>
  r.findings.map((f) => (f.kind === 'error' ? `${f.file}: ${f.failure.code}` : `${f.file}: ${f.changes.map((c) => describeChange(c)).join('; ')}`))

// ---
const fixtures = suite<{ url: string }>('replay twice: findings on hand-written fixtures')
fixtures.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
})
fixtures.after.each(async (ctx) => {
  await dropTempDatabase(ctx.url)
})

fixtures('re-running an old CREATE OR REPLACE FUNCTION is reported as reverting the newer body', async (ctx) => {
  const report = await replayOnServer(ctx.url, fixture('revert-function'))
  assert.equal(report.applied.length, 2)
  // Only the old file is to blame: the newer one, re-run next, merely puts its own body back.
  assert.equal(summary(report), ['20250101000000_create_greeting.sql: function public.greeting(name text): body differs'])
})

fixtures('each finding reads as one line naming the file and the objects', async (ctx) => {
  const report = await replayOnServer(ctx.url, fixture('revert-function'))
  assert.equal(report.findings.map(describeReplayFinding), [
    '20250101000000_create_greeting.sql: runs a second time without error but changes the catalog: function public.greeting(name text): body differs',
  ])
})

fixtures('a CREATE POLICY without a guard fails its second run with 42710', async (ctx) => {
  const report = await replayOnServer(ctx.url, fixture('policy-exists'))
  assert.equal(summary(report), ['20250102000000_notes_policy.sql: 42710'])
  const f = report.findings[0]
  assert.ok(f.kind === 'error')
  assert.match(f.failure.message, /policy "Owners read their notes" for table "notes" already exists/)
  assert.is(describeReplayFinding(f), '20250102000000_notes_policy.sql: fails when run a second time, at statement 1 (42710): policy "Owners read their notes" for table "notes" already exists')
})

fixtures('a guarded chain reports nothing', async (ctx) => {
  const report = await replayOnServer(ctx.url, fixture('clean'))
  assert.equal(report.applied.length, 2)
  assert.is(report.firstRunFailure, undefined)
  assert.equal(report.findings, [])
})

fixtures('a file that fails its first run gets "not evaluated" with its statement and SQLSTATE, and every other file a verdict', async (ctx) => {
  const report = await replayOnServer(ctx.url, fixture('first-run-fails'))
  assert.equal(report.notEvaluated.map((n) => [n.file, n.failure.index, n.failure.code, n.failure.statement]), [
    ['20250102000000_index_before_table.sql', 1, '42P01', 'create index if not exists later_id on public.later (id)'],
  ])
  // What its first statement makes before the failure, read on the shadow and rolled back again.
  assert.equal(report.notEvaluated[0].objects, ['table public.early'])
  // The files after it were replayed all the same: the policy file and the one that makes public.later.
  assert.equal(report.applied, ['20250101000000_tags.sql', '20250103000000_notes_policy.sql', '20250104000000_later.sql'])
  assert.equal(summary(report), ['20250101000000_tags.sql: 42P07', '20250103000000_notes_policy.sql: 42710'])
  // db push's own stop is still what the report says push does.
  assert.is(report.firstRunFailure?.file, '20250102000000_index_before_table.sql')
})

fixtures('nothing of the failing file stays on the shadow, and its history row is absent', async (ctx) => {
  const sql = connect(ctx.url, { app: 'replay-test', onNotice: () => {} })
  try {
    await applyPlatformShim(sql)
    await replayTwice(sql, listFolder(fixture('first-run-fails')).files)
    const [row] = await sql`select to_regclass('public.early') as early,
      (select array_agg(version order by version) from supabase_migrations.schema_migrations) as versions`
    assert.equal({ ...row }, { early: null, versions: ['20250101000000', '20250103000000', '20250104000000'] })
  } finally {
    await sql.end({ timeout: 5 })
  }
})

fixtures('the seed chain replays past its broken consolidated file, which is reported as not evaluated', async (ctx) => {
  const report = await replayOnServer(ctx.url, SEED_MIGRATIONS)
  assert.is(report.firstRunFailure?.file, '20251213082550_consolidated_clean_schema.sql')
  assert.equal(report.notEvaluated.map((n) => [n.file, n.failure.code]), [['20251213082550_consolidated_clean_schema.sql', '42703']])
  assert.ok(report.applied.some((f) => f > '20251213082550'), 'files after the broken one were replayed')
  assert.ok(report.findings.every((f) => report.applied.includes(f.file)))
})
fixtures.run()

// ---
const whole = suite('replay on a shadow: the --replay check end to end')

onServer(whole, 'a server shadow needs a server')('opens a shadow on the server, replays, and renders one line per finding and a verdict', async () => {
  const admin = SERVER!
  const run = await replayOnShadow(listFolder(fixture('revert-function')).files, { serverUrl: admin, app: 'replay-test' })
  assert.is(run.shadow.engine, 'server')
  assert.not.ok(replayClean(run))
  assert.is(
    renderReplay(run, 'supabase/migrations'),
    [
      'supabase/migrations/20250101000000_create_greeting.sql: runs a second time without error but changes the catalog: function public.greeting(name text): body differs',
      `2 file(s) applied twice on a server shadow, PostgreSQL ${run.shadow.version}: 0 fail on a second run, 1 run again but change the catalog.`,
    ].join('\n'),
  )
})

onServer(whole, 'a server shadow needs a server')('the rendered report names the file without a verdict and where db push stops', async () => {
  const admin = SERVER!
  const run = await replayOnShadow(listFolder(fixture('first-run-fails')).files, { serverUrl: admin, app: 'replay-test' })
  assert.not.ok(replayClean(run))
  assert.equal(renderReplay(run, 'm').split('\n'), [
    'm/20250101000000_tags.sql: fails when run a second time, at statement 1 (42P07): relation "tags" already exists',
    'm/20250103000000_notes_policy.sql: fails when run a second time, at statement 3 (42710): policy "Owners read notes" for table "notes" already exists',
    'm/20250102000000_index_before_table.sql: not evaluated: fails on first run, at statement 2 (42P01): relation "public.later" does not exist. Statement: create index if not exists later_id on public.later (id). Before that it makes: table public.early',
    'db push stops at m/20250102000000_index_before_table.sql and applies none of the 2 file(s) after it; the replay went on, so those got a verdict here.',
    `3 file(s) applied twice on a server shadow, PostgreSQL ${run.shadow.version}: 2 fail on a second run, 0 run again but change the catalog, 1 not evaluated (fail on their first run).`,
  ])
})

onServer(whole, 'a server shadow needs a server')('a clean chain renders one verdict line', async () => {
  const admin = SERVER!
  const run = await replayOnShadow(listFolder(fixture('clean')).files, { serverUrl: admin, app: 'replay-test' })
  assert.ok(replayClean(run))
  assert.match(renderReplay(run, '.'), /^2 file\(s\) applied twice on a server shadow, PostgreSQL [\d.]+: every file can run again and leaves the catalog as it was\.$/)
})
whole.run()

// ---
type SeedCtx = { source: ShadowSource; shadow?: Shadow; url?: string }
const seed = suite<SeedCtx>('replay twice: the seed fixture on the local server and on PGlite')
seed.before((ctx) => {
  ctx.source = shadowSource({ app: 'replay-test', onNotice: () => {} })
})
seed.after(async (ctx) => {
  await ctx.source.close()
})
seed.after.each(async (ctx) => {
  await ctx.shadow?.dispose()
  ctx.shadow = undefined
  if (ctx.url) await dropTempDatabase(ctx.url)
  ctx.url = undefined
})

// The files before the seed's broken consolidated file: the chain db push could apply.
const seedChain = () => listFolder(SEED_MIGRATIONS).files.filter((f) => f.version < '20251213082550')

// The seed chain replayed twice on a fresh shimmed test database (the server, or PGlite where there is none).
async function replaySeedOnTestDatabase(ctx: SeedCtx): Promise<ReplayReport> {
  ctx.url = await createTempDatabase()
  const sql = connect(ctx.url, { app: 'replay-test', onNotice: () => {} })
  try {
    await applyPlatformShim(sql)
    const started = Date.now()
    const report = await replayTwice(sql, seedChain())
    console.log(`    seed replay twice on the test database (${seedChain().length} files): ${Date.now() - started} ms`)
    return report
  } finally {
    await sql.end({ timeout: 5 })
  }
}

seed('finds the "policy already exists" file among the seed files', async (ctx) => {
  const report = await replaySeedOnTestDatabase(ctx)
  assert.is(report.firstRunFailure, undefined)
  const exists = report.findings.filter((f) => f.kind === 'error' && f.failure.code === '42710' && /policy .* already exists/.test(f.failure.message))
  assert.ok(exists.length > 0, summary(report).join('\n'))
})

onServer(seed, 'comparing PostgreSQL 15 with PGlite needs the server')('gives the same findings on the PostgreSQL 15 server and on the PGlite shadow', async (ctx) => {
  const server = await replaySeedOnTestDatabase(ctx)
  const started = Date.now()
  ctx.shadow = await ctx.source.open()
  console.log(`    PGlite shadow start-up (engine start + clone + shim): ${Date.now() - started} ms`)
  const shadowSql = connect(ctx.shadow.url, { app: 'replay-test', onNotice: () => {} })
  try {
    const t = Date.now()
    const pglite = await replayTwice(shadowSql, seedChain())
    console.log(`    seed replay twice on the PGlite shadow: ${Date.now() - t} ms`)
    assert.ok(server.findings.length > 0)
    assert.equal(summary(pglite), summary(server))
  } finally {
    await shadowSql.end({ timeout: 5 })
  }
})
seed.run()
