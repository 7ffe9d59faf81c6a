import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { main, TEMPLATE } from '../scripts/new-migration.ts'
import { main as checkIdempotent } from '../scripts/check-idempotent.ts'
import { connect } from '../lib/db/connect.ts'
import { createHistoryTable, insertHistoryRow } from '../lib/cli/history.ts'
import { formatVersion } from '../lib/cli/version.ts'
import { applyPlatformShim } from '../lib/db/platform/shim.ts'
import { cliList, supabase } from './helpers/cli.ts'
import { client, createTempDatabase, dropTempDatabase } from './helpers/db.ts'
import { captureIo, makeProject, type Project } from './helpers/project.ts'
import { runScript } from './helpers/run.ts'

type Ctx = { url: string; project: Project }
const run = async (ctx: Ctx, args: string[]) => {
  const cap = captureIo(ctx.project.root)
  const code = await main(args, {}, cap.io)
  return { code, out: cap.out(), err: cap.err() }
}
const files = (ctx: Ctx) => readdirSync(ctx.project.migrations).sort()

async function remoteWith(url: string, versions: string[]) {
  const sql = connect(url, { app: 'new-migration-test', onNotice: () => {} })
  try {
    await applyPlatformShim(sql)
    await createHistoryTable(sql)
    for (const version of versions) await insertHistoryRow(sql, { version, name: 'remote', statements: ['select 1'] })
  } finally {
    await sql.end({ timeout: 5 })
  }
}

// ---
const version = suite<Ctx>('new-migration picks a version newer than both sides')
version.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
  ctx.project = makeProject({ '20250101000000_a.sql': 'select 1;\n' })
})
version.after.each(async (ctx) => {
  ctx.project.remove()
  await dropTempDatabase(ctx.url)
})

version('one second after a remote version stamped in the future, with the CLI line on stdout', async (ctx) => {
  await remoteWith(ctx.url, ['20991231235959'])
  const r = await run(ctx, ['--db-url', ctx.url, 'add_things'])
  assert.is(r.code, 0, r.err)
  assert.is(r.out, 'Created new migration at supabase/migrations/21000101000000_add_things.sql')
  assert.equal(files(ctx), ['20250101000000_a.sql', '21000101000000_add_things.sql'])
})

version('one second after a local version stamped in the future; a missing history table is an empty history', async (ctx) => {
  ctx.project.remove()
  ctx.project = makeProject({ '20990101000000_future.sql': 'select 1;\n' })
  const r = await run(ctx, ['--db-url', ctx.url, '--json', 'x'])
  assert.is(r.code, 0, r.err)
  assert.equal(JSON.parse(r.out), { file: 'supabase/migrations/20990101000001_x.sql', version: '20990101000001', remoteChecked: true })
})

version('the current UTC second when both sides are older, and the folder alone with --offline', async (ctx) => {
  await remoteWith(ctx.url, ['20991231235959'])
  const before = formatVersion(new Date())
  const r = await run(ctx, ['--offline', '--db-url', ctx.url, 'now'])
  const after = formatVersion(new Date())
  assert.is(r.code, 0, r.err)
  const made = files(ctx).find((f) => f.endsWith('_now.sql'))!.slice(0, 14)
  assert.ok(before <= made && made <= after, `${before} <= ${made} <= ${after}`)
})

version.run()

// ---
const names = suite<Ctx>('new-migration refuses names the CLI would skip, and writes nothing')
names.before.each((ctx) => {
  ctx.url = ''
  ctx.project = makeProject({ '20250101000000_a.sql': 'select 1;\n' })
})
names.after.each((ctx) => ctx.project.remove())

const BAD: { name: string; arg: string; says: string }[] = [
  { name: 'a path separator', arg: '../escape', says: 'new-migration: bad migration name: the name contains a path separator. Use letters, digits and underscores, e.g. add_owner_repo.' },
  { name: 'a line break', arg: 'two\nlines', says: 'new-migration: bad migration name: "0_two\\nlines.sql" does not match the CLI\'s pattern "<timestamp>_name.sql" (a line break in the name), so the CLI would skip it. Use letters, digits and underscores, e.g. add_owner_repo.' },
  { name: 'a backslash', arg: 'a\\b', says: 'new-migration: bad migration name: the name contains a path separator. Use letters, digits and underscores, e.g. add_owner_repo.' },
]
for (const c of BAD) {
  names(`a name with ${c.name} exits 2 with one line`, async (ctx) => {
    const r = await run(ctx, ['--offline', c.arg])
    assert.is(r.code, 2)
    assert.is(r.err, c.says)
    assert.equal(files(ctx), ['20250101000000_a.sql'])
  })
}
names('no name, or two, is a usage error', async (ctx) => {
  const script = relative(ctx.project.root, fileURLToPath(new URL('../scripts/new-migration.ts', import.meta.url)))
  assert.is((await run(ctx, ['--offline'])).err, `new-migration: no migration name given. Run npx tsx ${script} <name>.`)
  assert.is((await run(ctx, ['--offline', 'a', 'b'])).code, 2)
  assert.equal(files(ctx), ['20250101000000_a.sql'])
})
names.run()

// ---
const template = suite<Ctx>('the template is idempotent as written and in every example')
template.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
  ctx.project = makeProject({})
})
template.after.each(async (ctx) => {
  ctx.project.remove()
  await dropTempDatabase(ctx.url)
})

template('check-idempotent passes the new file', async (ctx) => {
  assert.is((await run(ctx, ['--offline', 'empty'])).code, 0)
  const cap = captureIo(ctx.project.root)
  assert.is(await checkIdempotent([], {}, cap.io), 0, cap.out())
})

template('every commented-out example, uncommented, runs twice on PostgreSQL and leaves one of each object', async (ctx) => {
  const body = TEMPLATE.split('\n').filter((l) => l.startsWith('-- ') && !l.startsWith('-- <name>')).map((l) => l.slice(3)).join('\n')
  const sql = client(ctx.url)
  try {
    await applyPlatformShim(sql as never)
    await sql.unsafe(body)
    await sql.unsafe(body)
    const [counts] = await sql`
      select (select count(*) from pg_policy where polname = 'things are readable')::int as policies,
             (select count(*) from pg_trigger where tgname = 'things_touch')::int as triggers,
             (select count(*) from pg_constraint where conname = 'things_label_key')::int as constraints,
             (select count(*) from storage.buckets where id = 'things')::int as buckets`
    assert.equal({ ...counts }, { policies: 1, triggers: 1, constraints: 1, buckets: 1 })
  } finally {
    await sql.end({ timeout: 5 })
  }
})

template('the real CLI pushes the new file cleanly, twice over, and lists it in sync', async (ctx) => {
  await remoteWith(ctx.url, [])
  const smoke = await runScript('new-migration', ['--db-url', ctx.url, 'first'], { cwd: ctx.project.root })
  assert.is(smoke.code, 0, smoke.stderr)
  assert.match(smoke.stdout, /^Created new migration at supabase\/migrations\/\d{14}_first\.sql\n$/)
  const push = await supabase(ctx.project.root, ['db', 'push', '--db-url', ctx.url])
  assert.is(push.code, 0, push.stderr)
  const again = await supabase(ctx.project.root, ['db', 'push', '--db-url', ctx.url])
  assert.is(again.code, 0, again.stderr)
  assert.match(again.stdout, 'Remote database is up to date.')
  const [file] = files(ctx)
  assert.equal(await cliList(ctx.project.root, ctx.url), [{ local: file.slice(0, 14), remote: file.slice(0, 14) }])
  assert.ok(readFileSync(join(ctx.project.migrations, file), 'utf8').startsWith('-- first: '))
})

template.run()
