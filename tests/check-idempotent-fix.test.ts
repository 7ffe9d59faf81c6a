import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createHistoryTable, insertHistoryRow } from '../lib/cli/history.ts'
import { splitAndTrim } from '../lib/cli/split.ts'
import { connect } from '../lib/db/connect.ts'
import { main } from '../scripts/check-idempotent.ts'
import { createTempDatabase, dropTempDatabase } from './helpers/db.ts'
import { captureIo, makeProject, type Project } from './helpers/project.ts'

// Two files that fail a second run; --fix would rewrite both.
const BAD_A = 'create table public.a (id int primary key);\n'
const BAD_B = 'create table public.b (id int primary key);\n'
const A = '20250101000000_a.sql'
const B = '20250102000000_b.sql'

const git = (cwd: string, args: string[]) =>
  execFileSync('git', ['-c', 'user.name=kit', '-c', 'user.email=kit@localhost', ...args], { cwd, stdio: 'pipe' })

type Ctx = { url: string; project: Project }
const held = suite<Ctx>('check-idempotent --fix rewrites only files that are neither applied nor committed')
held.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
  ctx.project = makeProject({ [A]: BAD_A, [B]: BAD_B })
})
held.after.each(async (ctx) => {
  ctx.project.remove()
  await dropTempDatabase(ctx.url)
})

const text = (ctx: Ctx, file: string) => readFileSync(join(ctx.project.migrations, file), 'utf8')

// The remote history lists A, as db push wrote it.
async function applyA(url: string) {
  const sql = connect(url, { app: 'fix-test', onNotice: () => {} })
  try {
    await createHistoryTable(sql)
    await insertHistoryRow(sql, { version: '20250101000000', name: 'a', statements: splitAndTrim(BAD_A) })
  } finally {
    await sql.end({ timeout: 5 })
  }
}

held('a file the database already applied is left as it is, and the output says why and what to do instead', async (ctx) => {
  await applyA(ctx.url)
  const cap = captureIo(ctx.project.root)
  const code = await main(['--fix', '--db-url', ctx.url], {}, cap.io)
  assert.is(text(ctx, A), BAD_A)
  assert.is(text(ctx, B), 'create table IF NOT EXISTS public.b (id int primary key);\n')
  assert.is(code, 1, 'the applied file still fails a second run')
  const out = cap.out()
  assert.match(out, `not rewritten supabase/migrations/${A}: already applied on the database: its history row keeps the old statements, so check-sync would report it as edited`)
  assert.match(out, '1 file(s) not rewritten. To clean up migrations that already ran, reset the baseline')
  assert.match(out, `fixed supabase/migrations/${B}: 1 statement(s) rewritten`)
})

held('the URL may come from SUPABASE_DB_URL, and --json lists what was not rewritten', async (ctx) => {
  await applyA(ctx.url)
  const cap = captureIo(ctx.project.root)
  await main(['--fix', '--json'], { SUPABASE_DB_URL: ctx.url }, cap.io)
  assert.equal(JSON.parse(cap.out()).notRewritten, [{ file: `supabase/migrations/${A}`, reason: 'applied' }])
  assert.is(text(ctx, A), BAD_A)
})

held('in a git repository a committed file is left as it is; an uncommitted one is rewritten', async (ctx) => {
  git(ctx.project.root, ['init', '-q'])
  git(ctx.project.root, ['add', join('supabase', 'migrations', A)])
  git(ctx.project.root, ['commit', '-q', '-m', 'a'])
  const cap = captureIo(ctx.project.root)
  await main(['--fix'], {}, cap.io)
  assert.is(text(ctx, A), BAD_A)
  assert.is(text(ctx, B), 'create table IF NOT EXISTS public.b (id int primary key);\n')
  assert.match(cap.out(), `not rewritten supabase/migrations/${A}: already committed: the pre-commit hook refuses edits of committed migrations`)
})

held('--allow-edit rewrites applied and committed files too', async (ctx) => {
  await applyA(ctx.url)
  git(ctx.project.root, ['init', '-q'])
  git(ctx.project.root, ['add', '.'])
  git(ctx.project.root, ['commit', '-q', '-m', 'both'])
  const cap = captureIo(ctx.project.root)
  assert.is(await main(['--fix', '--allow-edit', '--db-url', ctx.url], {}, cap.io), 0)
  assert.is(text(ctx, A), 'create table IF NOT EXISTS public.a (id int primary key);\n')
  assert.is(text(ctx, B), 'create table IF NOT EXISTS public.b (id int primary key);\n')
  assert.not.match(cap.out(), 'not rewritten')
})

held('an unreachable --db-url is exit 2 with one line, and no file is rewritten', async (ctx) => {
  const cap = captureIo(ctx.project.root)
  const code = await main(['--fix', '--db-url', 'postgresql://postgres:Fix-Secret-7@127.0.0.1:1/postgres'], {}, cap.io)
  assert.is(code, 2)
  assert.is(cap.err(), 'check-idempotent: cannot reach 127.0.0.1:1/postgres (ECONNREFUSED). Check --db-url or start the database.')
  assert.is(text(ctx, A), BAD_A)
  assert.is(text(ctx, B), BAD_B)
})

held('--db-url without --fix is a usage error', async (ctx) => {
  const cap = captureIo(ctx.project.root)
  assert.is(await main(['--db-url', ctx.url], {}, cap.io), 2)
  assert.match(cap.err(), '--db-url needs --fix')
})

held.run()
