import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connect } from '../lib/db/connect.ts'
import { listFolder, readMigration, type MigrationFile } from '../lib/cli/folder.ts'
import { createHistoryTable, insertHistoryRow, readHistory } from '../lib/cli/history.ts'
import { applyPlatformShim } from '../lib/db/platform/shim.ts'
import { redact } from '../lib/run/redact.ts'
import { applyMigration } from '../lib/cli/apply.ts'
import { splitAndTrim } from '../lib/cli/split.ts'
import { supabase } from './helpers/cli.ts'
import { createTempDatabase, dropTempDatabase } from './helpers/db.ts'
import {
  buildSeedRemote,
  SEED_CLUTTER,
  SEED_CONSOLIDATED,
  SEED_EDITED_VERSION,
  SEED_HALF_APPLIED_VERSION,
  SEED_LAST_REMOTE,
  SEED_LOCAL_ONLY,
  SEED_MIGRATIONS,
  SEED_OUT_OF_ORDER,
  SEED_REMOTE_DIR,
  SEED_REMOTE_ONLY,
  SEED_RENAMED_LOCAL,
  SEED_ROOT,
} from './helpers/seed.ts'

const local = listFolder(SEED_MIGRATIONS)
const localFile = (version: string): MigrationFile => {
  const file = local.files.find((f) => f.version === version)
  if (!file) throw new Error(`no local file for ${version}`)
  return file
}
const remoteText = (version: string) => {
  const file = listFolder(SEED_REMOTE_DIR).files.find((f) => f.version === version)
  if (!file) throw new Error(`no remote file for ${version}`)
  return readMigration(file.path)
}

// The real CLI as the oracle, from the project root; `all` is what an assertion message may show.
async function cli(args: string[]) {
  const run = await supabase(SEED_ROOT, args)
  return { ...run, all: redact(run.stdout + run.stderr) }
}

const layout = suite('seed fixture layout')

layout('has at least forty migrations and exactly the four clutter files of the report', () => {
  assert.ok(local.files.length >= 40, `${local.files.length} files`)
  assert.equal(local.clutter.map((c) => c.file), [...SEED_CLUTTER])
  assert.equal(local.duplicates, [])
  const skip = readFileSync(join(SEED_MIGRATIONS, '20251213082550_consolidated_clean_schema.sql.skip'), 'utf8')
  assert.is(skip, readMigration(localFile(SEED_CONSOLIDATED).path))
})

layout('keeps the remote-only migration as the same statements under a second version', () => {
  const renamed = localFile(SEED_RENAMED_LOCAL)
  assert.is(renamed.name, 'add_audit_chunks_policies')
  assert.equal(splitAndTrim(remoteText(SEED_REMOTE_ONLY)), splitAndTrim(readMigration(renamed.path)))
})

layout('has one applied migration whose local text was edited afterwards', () => {
  const ran = splitAndTrim(remoteText(SEED_EDITED_VERSION))
  const now = splitAndTrim(readMigration(localFile(SEED_EDITED_VERSION).path))
  assert.ok(ran && now && ran.length < now.length)
  assert.not.equal(ran, now)
})

layout.run()

type Ctx = { url: string }
const remote = suite<Ctx>('seed fixture remote reproduces the report')
remote.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
})
remote.after.each(async (ctx) => {
  await dropTempDatabase(ctx.url)
})

remote('holds the history through 20251213160000 with the remote-only version and the original edited text', async (ctx) => {
  await buildSeedRemote(ctx.url)
  const sql = connect(ctx.url, { app: 'seed-test' })
  try {
    const { rows } = await readHistory(sql)
    const expected = [...local.files.map((f) => f.version).filter((v) => v <= SEED_LAST_REMOTE && !SEED_LOCAL_ONLY.includes(v)), SEED_REMOTE_ONLY].sort()
    assert.equal(rows.map((r) => r.version), expected)
    const edited = rows.find((r) => r.version === SEED_EDITED_VERSION)
    assert.equal(edited?.statements, splitAndTrim(remoteText(SEED_EDITED_VERSION)))
    // Half-applied 20251214100000: the column is there, its unique index and the audits column are not.
    const columns = await sql`
      select table_name || '.' || column_name as c from information_schema.columns
      where table_schema = 'public' and column_name in ('owner_repo', 'is_pinned') order by 1`
    assert.equal(columns.map((r) => r.c), ['audits.is_pinned', 'repos.owner_repo'])
    const indexes = await sql`
      select indexname from pg_indexes
      where schemaname = 'public' and indexname in ('repos_user_id_owner_repo_key', 'audits_user_id_created_at_idx')`
    assert.equal(indexes.map((r) => r.indexname), ['audits_user_id_created_at_idx'])
    // handle_new_user on auth.users made the profiles of data.sql.
    const profiles = await sql`select github_username, provider_id::text from public.profiles order by 1`
    assert.equal(profiles.map((r) => [r.github_username, r.provider_id]), [['ada', '583231'], ['grace-h', '1024025']])
  } finally {
    await sql.end({ timeout: 5 })
  }
})

remote('error 1: db push refuses with the remote-only version and its repair hint (real CLI)', async (ctx) => {
  await buildSeedRemote(ctx.url)
  const push = await cli(['db', 'push', '--db-url', ctx.url, '--dry-run'])
  assert.is.not(push.code, 0, push.all)
  assert.ok(push.stderr.includes('Remote migration versions not found in local migrations directory.'), push.all)
  assert.ok(push.stderr.includes(`supabase migration repair --status reverted ${SEED_REMOTE_ONLY}`), push.all)
  assert.not.ok(push.all.includes('Would push these migrations'), push.all)

  const list = await cli(['migration', 'list', '--db-url', ctx.url, '--output-format', 'json'])
  assert.is(list.code, 0, list.all)
  const rows = (JSON.parse(list.stdout) as { migrations: { local: string; remote: string }[] }).migrations
  assert.equal(rows.filter((r) => r.local === '').map((r) => r.remote), [SEED_REMOTE_ONLY])
  assert.equal(rows.filter((r) => r.remote === '').map((r) => r.local), [...SEED_LOCAL_ONLY])
})

remote('error 2: after repair --status reverted, db push refuses the two out-of-order files (real CLI)', async (ctx) => {
  await buildSeedRemote(ctx.url)
  const repair = await cli(['migration', 'repair', '--status', 'reverted', SEED_REMOTE_ONLY, '--db-url', ctx.url, '--yes'])
  assert.is(repair.code, 0, repair.all)
  const sql = connect(ctx.url, { app: 'seed-test' })
  try {
    const { rows } = await readHistory(sql)
    assert.not.ok(rows.some((r) => r.version === SEED_REMOTE_ONLY))
  } finally {
    await sql.end({ timeout: 5 })
  }
  const push = await cli(['db', 'push', '--db-url', ctx.url, '--dry-run'])
  assert.is.not(push.code, 0, push.all)
  assert.ok(push.stderr.includes('Found local migration files to be inserted before the last migration on remote database.'), push.all)
  const listed = push.stderr.split('\n').filter((line) => line.startsWith('supabase/migrations/'))
  assert.equal(listed, SEED_OUT_OF_ORDER.map((v) => `supabase/migrations/${localFile(v).file}`))
})

remote('error 3: the renamed policy migration fails on the remote with 42710', async (ctx) => {
  await buildSeedRemote(ctx.url)
  const sql = connect(ctx.url, { app: 'seed-test' })
  try {
    const result = await applyMigration(sql, localFile(SEED_RENAMED_LOCAL), { record: true })
    assert.ok(!result.ok)
    if (result.ok) return
    assert.is(result.code, '42710')
    assert.is(result.message, 'policy "Users can read own audit chunks" for table "audit_results_chunks" already exists')
    assert.is(result.index, 1)
  } finally {
    await sql.end({ timeout: 5 })
  }
})

remote('error 4: a plain-INSERT repair of an applied version fails with 23505 on schema_migrations_pkey', async (ctx) => {
  await buildSeedRemote(ctx.url)
  const sql = connect(ctx.url, { app: 'seed-test' })
  try {
    // CLI v2.58.5's `repair --status applied 20251211000000`: the row of the edited file, read from the local file.
    const file = localFile(SEED_EDITED_VERSION)
    // The version is recorded already. (Querying first also lets postgres.js load the array types: as the
    // very first query on a connection, sql.array() is sent as text and fails with 42804 instead.)
    const { rows } = await readHistory(sql)
    assert.ok(rows.some((r) => r.version === file.version))
    const err = await insertHistoryRow(sql, { version: file.version, name: file.name, statements: splitAndTrim(readMigration(file.path)) }).then(
      () => null,
      (e: { code?: string; constraint_name?: string; message: string }) => e,
    )
    assert.is(err?.code, '23505')
    assert.is(err?.constraint_name, 'schema_migrations_pkey')
    assert.is(err?.message, 'duplicate key value violates unique constraint "schema_migrations_pkey"')
  } finally {
    await sql.end({ timeout: 5 })
  }
})

remote('error 5: the consolidated migration fails on the remote with 42703 github_id', async (ctx) => {
  await buildSeedRemote(ctx.url)
  const sql = connect(ctx.url, { app: 'seed-test' })
  try {
    const result = await applyMigration(sql, localFile(SEED_CONSOLIDATED), { record: true })
    assert.ok(!result.ok)
    if (result.ok) return
    assert.is(result.code, '42703')
    assert.is(result.message, 'column "github_id" does not exist')
    assert.ok(result.statement.startsWith('CREATE INDEX IF NOT EXISTS idx_profiles_github_id'), result.statement)
  } finally {
    await sql.end({ timeout: 5 })
  }
})

remote('the half-applied owner_repo migration fails on the remote with 42701', async (ctx) => {
  await buildSeedRemote(ctx.url)
  const sql = connect(ctx.url, { app: 'seed-test' })
  try {
    const result = await applyMigration(sql, localFile(SEED_HALF_APPLIED_VERSION), { record: true })
    assert.ok(!result.ok)
    if (result.ok) return
    assert.is(result.code, '42701')
    assert.is(result.message, 'column "owner_repo" of relation "repos" already exists')
    assert.is(result.index, 0)
  } finally {
    await sql.end({ timeout: 5 })
  }
})

remote('every local file applies in order on a fresh database except the consolidated one (42703)', async (ctx) => {
  const sql = connect(ctx.url, { app: 'seed-test' })
  try {
    await applyPlatformShim(sql)
    await createHistoryTable(sql)
    const failures: { file: string; code?: string; message: string }[] = []
    // Unlike `db push`, carry on after a failure: the point is which files fail, not where a push stops.
    for (const file of local.files) {
      const result = await applyMigration(sql, file, { record: true })
      if (!result.ok) failures.push({ file: result.file, code: result.code, message: result.message })
    }
    assert.equal(failures, [{ file: localFile(SEED_CONSOLIDATED).file, code: '42703', message: 'column "github_id" does not exist' }])
    const { rows } = await readHistory(sql)
    assert.equal(rows.map((r) => r.version), local.files.map((f) => f.version).filter((v) => v !== SEED_CONSOLIDATED))
  } finally {
    await sql.end({ timeout: 5 })
  }
})

remote.run()
