import * as libpgQuery from 'libpg-query'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { checkSql, folderContext } from '../../../lib/sql/idempotency.ts'
import { lex } from '../../../lib/sql/lexer.ts'
import { byteIndexer, loadParser, parseFragment, parseSql, position } from '../../../lib/sql/parse.ts'
import { analyzeDoBody, catalogTest, doBody } from '../../../lib/sql/plpgsql.ts'

// ---
const locations = suite('statement locations map to the file')
locations.before(loadParser)

locations('the first statement starts at 0 although libpg-query leaves its stmt_location out', () => {
  const text = '-- header\ncreate table a (id int);\n\ncreate table b (id int);'
  const [a, b] = parseSql(text).statements
  assert.equal([a.start, a.codeStart, text.slice(a.codeStart, a.codeEnd)], [0, 10, 'create table a (id int)'])
  // The last statement has no ';': it runs to the end of the text.
  assert.equal(text.slice(b.codeStart, b.codeEnd), 'create table b (id int)')
})

locations('node byte offsets become string indices in files with multi-byte characters', () => {
  const text = '-- Übersicht 🚀 über alles\ncreate table "straße" (id int);\ncreate policy "lesen 👀" on "straße" using (true);\n'
  const parsed = parseSql(text)
  const [table, policy] = parsed.statements
  const at = (s: typeof table, byte: number) => parsed.toIndex(s.byteBase + byte)
  const name = at(table, table.ast.relation.location)
  assert.is(text.slice(name, name + 8), '"straße"')
  const on = at(policy, policy.ast.table.location)
  assert.is(text.slice(on, on + 8), '"straße"')
  assert.equal(position(text, policy.codeStart), { line: 3, column: 1 })
})

locations('byteIndexer counts 1-4 UTF-8 bytes per character and 2 UTF-16 units for astral ones', () => {
  const text = 'aé€🚀b'
  const toIndex = byteIndexer(text)
  assert.equal([0, 1, 3, 6, 10].map(toIndex), [0, 1, 2, 3, 5])
})
locations.run()

// ---
const errors = suite('parse errors are data, not exceptions')
errors.before(loadParser)

errors('a syntax error carries the parser message and the index of the offending token', () => {
  const text = "select 'ünïcödé';\ncreate tabel x (id int);\n"
  const parsed = parseSql(text)
  assert.equal(parsed.problems.map((p) => [p.message, position(text, p.index)]), [['syntax error at or near "tabel"', { line: 2, column: 8 }]])
  // The valid statement around it is still there to check.
  assert.equal(parsed.statements.map((s) => s.kind), ['SelectStmt'])
})

errors('an empty or comment-only file has no statement and no problem', () => {
  for (const text of ['', '\n\n', '-- nothing\n/* still nothing */\n']) {
    const parsed = parseSql(text)
    assert.equal([parsed.statements.length, parsed.problems.length], [0, 0], JSON.stringify(text))
  }
})

errors('parseFragment returns null for text that is not SQL', () => {
  assert.is(parseFragment('raise notice $$x$$'), null)
  assert.equal(parseFragment('create role r')!.map((s) => s.kind), ['CreateRoleStmt'])
})
errors.run()

// ---
const plpgsql = suite('DO blocks: the SQL inside PL/pgSQL bodies')
plpgsql.before(loadParser)

plpgsql('libpg-query 17.7.4 has no PL/pgSQL parser, which is why lib/plpgsql.ts exists', () => {
  assert.is('parsePlPgSQL' in libpgQuery, false)
  assert.is(typeof libpgQuery.parseSync, 'function')
})

const inner = (text: string) => {
  const s = parseSql(text).statements[0]
  return analyzeDoBody(text, doBody(lex(text, s.codeStart, s.codeEnd).tokens, s.ast)!)
}

plpgsql('inner statements keep their exact place in the file', () => {
  const text = "do $body$\nbegin\n  if not exists (select 1 from pg_type where typname = 'mood') then\n    create type mood as enum ('ok');\n  end if;\n  raise notice 'done';\nend\n$body$;"
  const [stmt] = inner(text)
  assert.is(text.slice(stmt.codeStart, stmt.codeEnd), "create type mood as enum ('ok')")
  assert.ok(stmt.catalogTests[0].names.has('mood'))
})

plpgsql('exception handlers, loops, EXECUTE strings and assignments', () => {
  const text = `do $$
declare
  n int := 0;
begin
  n := n + 1;
  for i in 1..2 loop
    execute 'create schema s' || i;
  end loop;
  execute 'create role r';
  begin
    create policy p on t using (true);
  exception when duplicate_object or sqlstate '42P07' then
    create table never_checked (id int);
  end;
end $$;`
  const found = inner(text)
  // A concatenation is read as a template: its non-literal parts are placeholders.
  assert.equal(found.map((s) => [s.kind, s.templated]), [['CreateSchemaStmt', true], ['CreateRoleStmt', false], ['CreatePolicyStmt', false]])
  assert.is(found[1].at(0), null) // an EXECUTE string is not at a fixed place in the file
  assert.equal(found[2].blocks.map((b) => b.handlers), [null, ['duplicate_object', '42P07']])
})

plpgsql("a '…'-quoted body is read with its quotes undoubled, and findings point at the DO statement", () => {
  const text = "select 1;\ndo 'begin create type mood as enum (''ok''); end';\n"
  const [f] = checkSql(text, { context: folderContext([])('x.sql') }).findings
  assert.equal([f.rule, f.line, f.column, f.fixable], ['create-type', 2, 1, false])
})

plpgsql('a catalog test is recognised by the relations and functions it reads', () => {
  assert.ok(catalogTest("not exists (select 1 from pg_catalog.pg_policies where policyname = 'p')"))
  assert.ok(catalogTest("to_regclass('public.t') is null"))
  assert.ok(catalogTest("not exists (select from information_schema.columns where column_name = 'c')"))
  assert.is(catalogTest("current_setting('app.env') = 'dev'"), null)
})

plpgsql('a catalog test names the object as PostgreSQL reads a quoted name: doubled quotes undone, dots inside quotes kept', () => {
  assert.ok(catalogTest(`to_regclass('"it''s ""odd"" tbl"') is null`)!.names.has(`it's "odd" tbl`))
  assert.ok(catalogTest(`to_regclass('public."a.b"') is null`)!.names.has('a.b'))
  assert.ok(catalogTest(`to_regclass('public.plain') is null`)!.names.has('plain'))
  assert.is(catalogTest('not exists (select 1 from public.settings)'), null)
})
plpgsql.run()
