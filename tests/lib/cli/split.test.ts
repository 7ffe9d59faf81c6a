import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { sameStatements, split, splitAndTrim } from '../../../lib/cli/split.ts'

type Vector = { in: string; split: string[] | null; trim: string[] | null }

// `split` is what the CLI's Split returns and `trim` what SplitAndTrim returns (null: a nil slice, stored as NULL).
// The first nineteen are pkg/parser/state_test.go's; the rest were produced by running the v2.65.5 code.
const vectors: Vector[] = [
  {"in": "END;-- comment", "split": ["END;", "-- comment"], "trim": ["END", "-- comment"]},
  {"in": "SELECT --; 1", "split": ["SELECT --; 1"], "trim": ["SELECT --; 1"]},
  {"in": "- ;END", "split": ["- ;", "END"], "trim": ["-", "END"]},
  {"in": "-- /* \n; */ END", "split": ["-- /* \n;", " */ END"], "trim": ["-- /*", "*/ END"]},
  {"in": "SELECT /* ; */ 1;", "split": ["SELECT /* ; */ 1;"], "trim": ["SELECT /* ; */ 1"]},
  {"in": "SELECT /*; /*;*/ ;*/ 1", "split": ["SELECT /*; /*;*/ ;*/ 1"], "trim": ["SELECT /*; /*;*/ ;*/ 1"]},
  {"in": "/ * ; */ END", "split": ["/ * ;", " */ END"], "trim": ["/ *", "*/ END"]},
  {"in": ";END;;", "split": [";", "END;", ";"], "trim": ["END"]},
  {"in": "BEGIN   ;  END", "split": ["BEGIN   ;", "  END"], "trim": ["BEGIN", "END"]},
  {"in": "\\;;\\;", "split": ["\\;;", "\\;"], "trim": ["\\", "\\"]},
  {"in": "$tag$ any ; string$tag$", "split": ["$tag$ any ; string$tag$"], "trim": ["$tag$ any ; string$tag$"]},
  {"in": "SELECT \"$\"; $$", "split": ["SELECT \"$\";", " $$"], "trim": ["SELECT \"$\"", "$$"]},
  {"in": "SELECT ';'';' 1", "split": ["SELECT ';'';' 1"], "trim": ["SELECT ';'';' 1"]},
  {"in": "SELECT '\\'; 1'", "split": ["SELECT '\\';", " 1'"], "trim": ["SELECT '\\'", "1'"]},
  {"in": "CREATE POLICY \"pet\"\"name\" on pets; END", "split": ["CREATE POLICY \"pet\"\"name\" on pets;", " END"], "trim": ["CREATE POLICY \"pet\"\"name\" on pets", "END"]},
  {"in": "CREATE RULE notify_me AS ON UPDATE TO mytable DO (NOTIFY mytable; SELECT \"1\");SELECT 1", "split": ["CREATE RULE notify_me AS ON UPDATE TO mytable DO (NOTIFY mytable; SELECT \"1\");", "SELECT 1"], "trim": ["CREATE RULE notify_me AS ON UPDATE TO mytable DO (NOTIFY mytable; SELECT \"1\")", "SELECT 1"]},
  {"in": "CREATE RULE notify_me AS ON UPDATE TO mytable DO (-- )\nSELECT ')';\n-- )\n)\n", "split": ["CREATE RULE notify_me AS ON UPDATE TO mytable DO (-- )\nSELECT ')';\n-- )\n)\n"], "trim": ["CREATE RULE notify_me AS ON UPDATE TO mytable DO (-- )\nSELECT ')';\n-- )\n)"]},
  {"in": "begin atomic; select 'end'; end", "split": ["begin atomic; select 'end'; end"], "trim": ["begin atomic; select 'end'; end"]},
  {"in": "CREATE FUNCTION test() BEGIN\nATOMIC-- END;\n-- END;\nEND\n;", "split": ["CREATE FUNCTION test() BEGIN\nATOMIC-- END;\n-- END;\nEND\n;"], "trim": ["CREATE FUNCTION test() BEGIN\nATOMIC-- END;\n-- END;\nEND"]},
  {"in": "", "split": null, "trim": null},
  {"in": "  \n\t", "split": ["  \n\t"], "trim": null},
  {"in": ";", "split": [";"], "trim": null},
  {"in": "-- header\ncreate table a (id int);\n-- trailer\n", "split": ["-- header\ncreate table a (id int);", "\n-- trailer\n"], "trim": ["-- header\ncreate table a (id int)", "-- trailer"]},
  {"in": "do $$ begin perform 1; end $$; select 2", "split": ["do $$ begin perform 1; end $$;", " select 2"], "trim": ["do $$ begin perform 1; end $$", "select 2"]},
  {"in": "create table public.atomic_test (id int);\nselect 1;", "split": ["create table public.atomic_test (id int);\nselect 1;"], "trim": ["create table public.atomic_test (id int);\nselect 1"]},
  {"in": "create function f() returns int language sql begin atomic select case when true then 1 end; select 2; end; select 3", "split": ["create function f() returns int language sql begin atomic select case when true then 1 end;", " select 2;", " end;", " select 3"], "trim": ["create function f() returns int language sql begin atomic select case when true then 1 end", "select 2", "end", "select 3"]},
  {"in": "CREATE RULE r AS ON UPDATE TO t DO ((SELECT 1); SELECT 2);", "split": ["CREATE RULE r AS ON UPDATE TO t DO ((SELECT 1);", " SELECT 2);"], "trim": ["CREATE RULE r AS ON UPDATE TO t DO ((SELECT 1)", "SELECT 2)"]},
  {"in": "select E'it\\'s; ok'; select 2", "split": ["select E'it\\'s;", " ok'; select 2"], "trim": ["select E'it\\'s", "ok'; select 2"]},
  {"in": "/*/ select 2; */ select 3", "split": ["/*/ select 2;", " */ select 3"], "trim": ["/*/ select 2", "*/ select 3"]}
]

const cli = suite('splitter matches the Supabase CLI vectors')
for (const v of vectors) {
  cli(`splits ${JSON.stringify(v.in).slice(0, 60)}`, () => {
    assert.equal(split(v.in), v.split)
    assert.equal(splitAndTrim(v.in), v.trim)
  })
}
cli.run()

// ---
const same = suite('sameStatements: one file recorded by CLI 2.x or 3.x')

same('equal arrays, NULL and empty arrays are the same recording', () => {
  assert.ok(sameStatements(['select 1'], ['select 1']))
  assert.ok(sameStatements(null, []))
})

same('a different boundary with the same text is the same file', () => {
  assert.ok(sameStatements(['create table atomic_x (id int);\nselect 1'], ['create table atomic_x (id int)', 'select 1']))
})

same('a changed statement is not the same file', () => {
  assert.not.ok(sameStatements(['create index a_i on a (id)'], ['create index if not exists a_i on a (id)']))
  assert.not.ok(sameStatements(['select 1'], ['select 1', 'select 2']))
})

same.run()
