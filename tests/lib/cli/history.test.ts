import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connect } from '../../../lib/db/connect.ts'
import type { Sql } from '../../../lib/run/sql.ts'
import { createHistoryTable, deleteHistoryRows, insertHistoryRow, readHistory, upsertHistoryRow } from '../../../lib/cli/history.ts'
import { sameStatements, splitAndTrim } from '../../../lib/cli/split.ts'
import { supabase } from '../../helpers/cli.ts'
import { createTempDatabase, dropTempDatabase } from '../../helpers/db.ts'
import { makeProject } from '../../helpers/project.ts'

type Ctx = { url: string; sql: Sql }
const history = suite<Ctx>('history table read and written like the Supabase CLI')
history.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
  ctx.sql = connect(ctx.url, { app: 'test' })
})
history.after.each(async (ctx) => {
  await ctx.sql.end()
  await dropTempDatabase(ctx.url)
})

// Splitter quirks shared by CLI 2.x and the pinned 3.1.0, which must survive into `statements` byte for byte.
const TRICKY = [
  '-- header comment',
  'create table public.things (id int);',
  "create function f() returns text language sql as $$ select 'a;b' $$;",
  "insert into t values ('it''s; fine'), ('x\\y');",
  'create rule r as on update to t do ((select 1); select 2);',
  '/* block ; */ select 1;',
  '-- trailer',
  '',
].join('\n')

// Where CLI 3.1.0 splits differently from 2.65.5 (whose splitter lib/split.ts reproduces), measured with the
// real binary; sameStatements must still call the two recordings equal.
const V3_DIFFERS = [
  '',
  'create table public.atomic_test (id int);\nselect 1;',
  'create function f() returns int language sql begin atomic select case when true then 1 end; select 2; end; select 3',
  "select E'it\\'s; ok'; select 2",
  '/*/ select 2; */ select 3',
]

history('a missing schema or table reads as an empty history (42P01), like the CLI', async ({ sql }) => {
  assert.equal(await readHistory(sql), { exists: false, rows: [] })
})

history('statements written by the real CLI equal the splitter output, quirks included', async (ctx) => {
  const p = makeProject({ '20250101000000_tricky.sql': TRICKY })
  try {
    const run = await supabase(p.root, ['migration', 'repair', '--status', 'applied', '20250101000000', '--db-url', ctx.url])
    assert.is(run.code, 0, run.stderr)
    const { rows } = await readHistory(ctx.sql)
    assert.equal(rows, [{ version: '20250101000000', name: 'tricky', statements: splitAndTrim(TRICKY) }])
  } finally {
    p.remove()
  }
})

history('CLI 3.1.0 records the known 2.x quirk vectors differently, and sameStatements accepts both', async (ctx) => {
  const files = Object.fromEntries(V3_DIFFERS.map((text, i) => [`2025010100000${i}_q${i}.sql`, text]))
  const p = makeProject(files)
  try {
    const run = await supabase(p.root, ['migration', 'repair', '--status', 'applied', ...Object.keys(files).map((f) => f.slice(0, 14)), '--db-url', ctx.url])
    assert.is(run.code, 0, run.stderr)
    const { rows } = await readHistory(ctx.sql)
    rows.forEach((row, i) => {
      const v2 = splitAndTrim(V3_DIFFERS[i])
      assert.is.not(JSON.stringify(row.statements), JSON.stringify(v2), `vector ${i} no longer differs: update the note in lib/split.ts`)
      assert.ok(sameStatements(v2, row.statements), `vector ${i}`)
    })
    // 2.x stores an empty file as NULL; 3.1.0 stores '{}'.
    assert.equal(rows[0].statements, [])
  } finally {
    p.remove()
  }
})

history('the table the kit creates has the CLI shape and can be created twice', async ({ sql }) => {
  await createHistoryTable(sql)
  await createHistoryTable(sql)
  const cols = await sql`select column_name, data_type from information_schema.columns
    where table_schema = 'supabase_migrations' and table_name = 'schema_migrations' order by ordinal_position`
  assert.equal([...cols], [
    { column_name: 'version', data_type: 'text' },
    { column_name: 'statements', data_type: 'ARRAY' },
    { column_name: 'name', data_type: 'text' },
  ])
})

history('a plain INSERT of an existing version fails on schema_migrations_pkey (23505); the upsert does not', async ({ sql }) => {
  await createHistoryTable(sql)
  await insertHistoryRow(sql, { version: '1', name: 'a', statements: ['select 1'] })
  const err = await insertHistoryRow(sql, { version: '1', name: 'a', statements: ['select 1'] }).catch((e) => e)
  assert.is(err.code, '23505')
  assert.is(err.constraint_name, 'schema_migrations_pkey')
  await upsertHistoryRow(sql, { version: '1', name: 'b', statements: null })
  assert.equal((await readHistory(sql)).rows, [{ version: '1', name: 'b', statements: null }])
  await deleteHistoryRows(sql, ['1', '2'])
  assert.equal((await readHistory(sql)).rows, [])
})

history('a NULL name from an old CLI reads as an empty string', async ({ sql }) => {
  await createHistoryTable(sql)
  await sql`insert into supabase_migrations.schema_migrations (version) values ('20200101000000')`
  assert.equal((await readHistory(sql)).rows, [{ version: '20200101000000', name: '', statements: null }])
})

history.run()

// ---
const first = suite<Ctx>('history writes as the first query of a connection')
first.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
  ctx.sql = connect(ctx.url, { app: 'test' })
})
first.after.each(async (ctx) => {
  await ctx.sql.end()
  await dropTempDatabase(ctx.url)
})

first('an INSERT before any other query still sends statements as text[]', async (ctx) => {
  const setup = connect(ctx.url, { app: 'test' })
  await createHistoryTable(setup)
  await setup.end()
  await insertHistoryRow(ctx.sql, { version: '1', name: 'a', statements: ['select 1', 'select 2'] })
  assert.equal((await readHistory(ctx.sql)).rows, [{ version: '1', name: 'a', statements: ['select 1', 'select 2'] }])
})

first('statements survive the round trip whatever they contain', async (ctx) => {
  await createHistoryTable(ctx.sql)
  const statements = ['a"b', 'c\\d', '{x,y}', 'NULL', 'é ☃ \u{1F600}', '', "it's", 'line\nbreak\ttab']
  await insertHistoryRow(ctx.sql, { version: '2', name: 'x', statements })
  assert.equal((await readHistory(ctx.sql)).rows[0].statements, statements)
})

first.run()
