import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { applyFixes } from '../lib/sql/fix.ts'
import { checkSql, folderContext } from '../lib/sql/idempotency.ts'
import { loadParser } from '../lib/sql/parse.ts'
import { inRolledBackTransaction, runFile, tryAndUndo } from './helpers/rerun.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(ROOT, dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(relative(ROOT, path))
    return name.endsWith('.ts') ? [relative(ROOT, path)] : []
  })
}

// Every `.unsafe(` call in lib/ and scripts/, as "file: code". Everything else goes through postgres.js tagged
// templates, where values are parameters and identifiers go through sql(name).
function unsafeCalls(): string[] {
  return [...sourceFiles('lib'), ...sourceFiles('scripts')].flatMap((file) =>
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .filter((line) => line.includes('.unsafe(') && !line.trim().startsWith('//'))
      .map((line) => `${file}: ${line.trim()}`),
  )
}

// The allowed call sites, each with its reason. Adding one means adding it here, with a reason.
const ALLOWED_UNSAFE: Record<string, string> = {
  'lib/cli/apply.ts: await tx.unsafe(statement, [], EXTENDED_PROTOCOL)': 'a migration statement being replayed, as db push sends it (the text is the migration itself)',
  'lib/cli/apply.ts: for (const statement of statements) await tx.unsafe(statement, [], EXTENDED_PROTOCOL)': 'the statements of a failing file before the one that failed, replayed to see what they make (then rolled back)',
  'lib/checks/history-backup.ts: for (const statement of addColumns(history.columns)) await tx.unsafe(statement)': 'ADD COLUMN of the history table\'s own columns on restore: names quoted by ident(), types and defaults as the server\'s format_type and pg_get_expr printed them in the backup',
  'lib/db/example-remote.ts: for (const name of readRemoteHistory(root).byHand) await sql.unsafe(readMigration(join(root, \'remote\', name)))':
    'the example project\'s hand edits (examples/broken-project/remote/*.sql, files of the kit), run whole over the simple protocol as the dashboard\'s SQL editor runs them',
  'lib/db/platform/shim.ts: await sql.unsafe(PLATFORM_SHIM)': 'the platform shim: a constant of the kit, no user data',
  'lib/db/platform/shim.ts: await sql.unsafe(stub.script)': 'a stand-in extension script: constants of the kit (lib/db/platform/stubs.ts)',
  'lib/db/platform/shim.ts: await sql`alter database ${sql(database)} set search_path = ${sql.unsafe(PLATFORM_SEARCH_PATH)}`':
    'a constant search_path list (SET takes no parameters); the database name goes through sql(name)',
}

// ---
const grep = suite('SQL safety: no SQL is built from user data')

grep('every sql.unsafe call in lib/ and scripts/ is one of the allowed sites, each with its reason', () => {
  assert.equal(unsafeCalls().sort(), Object.keys(ALLOWED_UNSAFE).sort())
  for (const why of Object.values(ALLOWED_UNSAFE)) assert.ok(why.length > 20)
})

grep('no unsafe call takes a template literal with interpolations or a string concatenation', () => {
  const built = unsafeCalls().filter((c) => /\.unsafe\(\s*`[^`]*\$\{/.test(c) || /\.unsafe\([^)]*\+/.test(c))
  assert.equal(built, [])
})

grep('the grep sees a forbidden call: a concatenated unsafe call is caught by the same patterns', () => {
  const line = 'await sql.unsafe(`select * from ${table}`)'
  assert.ok(/\.unsafe\(\s*`[^`]*\$\{/.test(line))
  assert.ok(/\.unsafe\([^)]*\+/.test("sql.unsafe('drop table ' + name)"))
})
grep.run()

// ---
// Names that break naive quoting: a quote and a double quote, a space, non-ASCII letters, a reserved word.
const suffix = randomBytes(3).toString('hex')
const NAMES = [`it's "odd" ${suffix}`, `with space ${suffix}`, `naïve_ünï名_${suffix}`, 'select']
const q = (name: string) => `"${name.replace(/"/g, '""')}"`
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`

// One statement per generator that writes a name into its rewrite (DROP … IF EXISTS, catalog tests in DO
// blocks, IF NOT EXISTS), with the table it needs. `n` is the awkward name, `t` a table of that name; `setup`
// runs once before the two runs.
const GENERATORS: { rule: string; sql: (n: string, t: string) => string; setup?: (n: string, t: string) => string }[] = [
  { rule: 'create-table', sql: (_n, t) => `create table ${t} (id int primary key, body text);` },
  { rule: 'create-index', sql: (n, t) => `create table if not exists ${t} (id int);\ncreate index ${q(`${n} idx`)} on ${t} (id);` },
  { rule: 'create-schema', sql: (n) => `create schema ${q(`${n} schema`)};` },
  { rule: 'create-policy', sql: (n, t) => `create table if not exists ${t} (id int);\ncreate policy ${q(n)} on ${t} using (true);` },
  { rule: 'create-trigger', sql: (n, t) => `create table if not exists ${t} (id int);\ncreate function ${q(`${n} fn`)}() returns trigger language plpgsql as $$ begin return new; end $$;\ncreate trigger ${q(n)} before insert on ${t} for each row execute function ${q(`${n} fn`)}();` },
  { rule: 'add-constraint', sql: (n, t) => `create table if not exists ${t} (id int);\nalter table ${t} add constraint ${q(n)} check (id > 0);` },
  { rule: 'add-column', sql: (n, t) => `create table if not exists ${t} (id int);\nalter table ${t} add column ${q(n)} text;` },
  { rule: 'drop-column', setup: (n, t) => `create table ${t} (id int, ${q(n)} text);`, sql: (n, t) => `alter table ${t} drop column ${q(n)};` },
  { rule: 'rename-column', sql: (n, t) => `create table if not exists ${t} (id int, ${q(`${n} old`)} text);\nalter table ${t} rename column ${q(`${n} old`)} to ${q(n)};` },
  { rule: 'create-type', sql: (n) => `create type ${q(`${n} type`)} as enum (${lit(n)});` },
  { rule: 'enum-add-value', sql: (n) => `create type ${q(`${n} mood`)} as enum ('a');\nalter type ${q(`${n} mood`)} add value ${lit(`${n} b`)};` },
  { rule: 'create-domain', sql: (n) => `create domain ${q(`${n} dom`)} as text;` },
  { rule: 'create-role', sql: (n) => `create role ${q(`smk ${n} role`)} nologin;` },
  { rule: 'create-publication', sql: (n) => `create publication ${q(`${n} pub`)};` },
  { rule: 'publication-add-table', sql: (_n, t) => `create table if not exists ${t} (id int primary key);\nalter publication supabase_realtime add table ${t};` },
  { rule: 'vault-create-secret', sql: (n) => `select vault.create_secret('v', ${lit(`${n} key`)});` },
  { rule: 'insert-without-on-conflict', sql: (n) => `insert into storage.buckets (id, name) values (${lit(n)}, ${lit(n)});` },
]

const generators = suite('SQL safety: names with quotes, spaces, unicode and reserved words survive every generator')
generators.before(loadParser)

const noFolder = folderContext([])('names.sql')

for (const g of GENERATORS) {
  generators(`${g.rule}: the --fix text runs twice on PostgreSQL for every awkward name`, async () => {
    const failures: string[] = []
    await inRolledBackTransaction(async (tx) => {
      for (const n of NAMES) {
        const text = g.sql(n, q(`${n} tbl`))
        const report = checkSql(text, { context: noFolder })
        if (!report.findings.some((f) => f.rule === g.rule)) failures.push(`${n}: the ${g.rule} rule does not fire on ${JSON.stringify(text)}`)
        const fixed = applyFixes(text, report.plans)
        const r = await tryAndUndo(tx, async (sp) => {
          if (g.setup) await runFile(sp, g.setup(n, q(`${n} tbl`)))
          const first = await runFile(sp, fixed)
          return { first, second: first.ok ? await runFile(sp, fixed) : first }
        })
        if (!r.first.ok || !r.second.ok) failures.push(`${n}: ${JSON.stringify(r)}\n${fixed}`)
        if (checkSql(fixed, { context: noFolder }).findings.some((f) => f.severity === 'error')) failures.push(`${n}: the fixed text still has findings`)
      }
    })
    assert.equal(failures, [])
  })
}
generators.run()
