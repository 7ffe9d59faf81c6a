import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { applyChain } from '../../../lib/cli/apply.ts'
import { listFolder } from '../../../lib/cli/folder.ts'
import { splitAndTrim } from '../../../lib/cli/split.ts'
import { connect } from '../../../lib/db/connect.ts'
import type { Sql } from '../../../lib/run/sql.ts'
import { client, createTempDatabase, dropTempDatabase } from '../../helpers/db.ts'
import { makeProject, type Project } from '../../helpers/project.ts'

// CLI 2.x (whose splitter lib/cli/split.ts reproduces) opens a BEGIN ATOMIC body on any identifier containing
// "atomic", so these three commands reach the server as one statement: db push fails it, the simple protocol runs
// all three. (CLI 3.1.0's splitter cuts this text into three statements, measured: no 3.x text found that merges.)
const MERGED = 'create table public.atomic_test (id int);\nselect 1;\ncreate table public.after_it (id int);\n'

type Ctx = { url: string; sql: Sql; project: Project }
const protocol = suite<Ctx>('a file is applied with the extended protocol, one statement per message, as db push does')
protocol.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
  ctx.sql = connect(ctx.url, { app: 'apply-test', onNotice: () => {} })
})
protocol.after.each(async (ctx) => {
  await ctx.sql.end({ timeout: 5 })
  ctx.project?.remove()
  await dropTempDatabase(ctx.url)
})

protocol('a split statement holding two commands fails with 42601 and leaves nothing behind', async (ctx) => {
  assert.is(splitAndTrim(MERGED)!.length, 1)
  ctx.project = makeProject({ '20250101000000_merged.sql': MERGED })
  const result = await applyChain(ctx.sql, listFolder(ctx.project.migrations).files, { record: true })
  assert.equal(result.applied, [])
  assert.is(result.failure?.code, '42601')
  assert.match(result.failure!.message, /cannot insert multiple commands into a prepared statement/)
  assert.is(result.failure?.index, 0)
  const db = client(ctx.url)
  try {
    // The file, its history row and the table it would make: all rolled back as one transaction.
    const [row] = await db`select to_regclass('public.atomic_test') as t, (select count(*)::int from supabase_migrations.schema_migrations) as rows`
    assert.equal({ ...row }, { t: null, rows: 0 })
  } finally {
    await db.end({ timeout: 5 })
  }
})

protocol('the same statement over the simple protocol runs all three commands, which db push never does', async (ctx) => {
  // What the kit did before: PostgreSQL accepts the merged text as a multi-command simple Query message.
  await ctx.sql.unsafe(splitAndTrim(MERGED)![0])
  const db = client(ctx.url)
  try {
    const [row] = await db`select to_regclass('public.atomic_test')::text as a, to_regclass('public.after_it')::text as b`
    assert.equal({ ...row }, { a: 'atomic_test', b: 'after_it' })
  } finally {
    await db.end({ timeout: 5 })
  }
})

protocol('a later statement that fails rolls back the earlier ones and the history row', async (ctx) => {
  ctx.project = makeProject({ '20250101000000_two.sql': 'create table public.kept (id int);\nselect 1/0;\n' })
  const result = await applyChain(ctx.sql, listFolder(ctx.project.migrations).files, { record: true })
  assert.is(result.failure?.code, '22012')
  assert.is(result.failure?.index, 1)
  const db = client(ctx.url)
  try {
    const [row] = await db`select to_regclass('public.kept') as t, (select count(*)::int from supabase_migrations.schema_migrations) as rows`
    assert.equal({ ...row }, { t: null, rows: 0 })
  } finally {
    await db.end({ timeout: 5 })
  }
})

protocol.run()
