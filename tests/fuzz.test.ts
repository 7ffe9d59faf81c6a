// Property tests (fast-check) of the splitter, the static checker and --fix. A fixed seed in CI; a longer run on
// demand: FUZZ_RUNS=100000 (and FUZZ_SEED=<n> for another seed; a failure prints the seed and path to replay).
// Parsing is judged by libpg-query (PostgreSQL's own parser), running twice by PostgreSQL on the real server.
import fc from 'fast-check'
import { parseSync } from 'libpg-query'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { applyMigration } from '../lib/cli/apply.ts'
import { hasNoStatements, split, splitAndTrim } from '../lib/cli/split.ts'
import { connect } from '../lib/db/connect.ts'
import { applyPlatformShim } from '../lib/db/platform/shim.ts'
import { applyParsableFixes } from '../lib/sql/fix.ts'
import { checkSql, folderContext } from '../lib/sql/idempotency.ts'
import { loadParser } from '../lib/sql/parse.ts'
import type { Sql } from '../lib/run/sql.ts'
import { createTempDatabase, dropTempDatabase, onServer } from './helpers/db.ts'

const RUNS = Number(process.env.FUZZ_RUNS ?? 300)
const SEED = Number(process.env.FUZZ_SEED ?? 20261201)
const params = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true })

// Characters that steer the splitter's states (quotes, dollar tags, comments, escapes, BEGIN ATOMIC … END),
// mixed with letters, white space and non-ASCII, lone surrogates included.
const SPLIT_UNITS = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(';', "'", '"', '$', '-', '/', '*', '\\', '(', ')', '\n', ' ', 'e', 'c', 'd', 'n', 'E', 'N', 'D') },
  { weight: 3, arbitrary: fc.constantFrom('$$', '$a$', '--', '/*', '*/', 'atomic', 'ATOMIC', 'END', "E'\\''", '\r\n', '\t') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
)
const sqlish = fc.array(SPLIT_UNITS, { maxLength: 60 }).map((xs) => xs.join(''))
const anyText = fc.oneof(sqlish, fc.string({ unit: 'binary', maxLength: 200 }))

// ---
const splitter = suite('the CLI splitter, on any text')

splitter('never throws; its tokens are the text cut in pieces, each but the last ending with ";"; statements are the trimmed tokens', () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const tokens = split(text)
      // The CLI returns a nil slice for an empty text, and never an empty token (each holds at least its ";").
      if (text === '') return tokens === null
      assert.ok(tokens && tokens.every((t) => t.length > 0))
      assert.is(tokens.join(''), text)
      tokens.slice(0, -1).forEach((t) => assert.ok(t.endsWith(';'), JSON.stringify(t)))
      const trimmed = tokens.map((t) => t.replace(/;+$/, '').trim()).filter((t) => t.length > 0)
      assert.equal(splitAndTrim(text), trimmed.length ? trimmed : null)
      assert.is(hasNoStatements(text), trimmed.length === 0)
      return true
    }),
    params(RUNS * 10),
  )
})

// Texts of semicolons and white space (JavaScript's, as trim() takes it off), with one steering unit now and then.
const BLANKISH = fc.array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(';', ' ', '\n', '\t', '\r', '\u00a0', '\ufeff', '\u2028', '\u3000') }, { weight: 1, arbitrary: SPLIT_UNITS }), { maxLength: 30 }).map((xs) => xs.join(''))

splitter('hasNoStatements answers as splitAndTrim does (null: what the CLI calls an empty file), without its scan', () => {
  fc.assert(
    fc.property(BLANKISH, (text) => {
      assert.is(hasNoStatements(text), splitAndTrim(text) === null, JSON.stringify(text))
      return true
    }),
    params(RUNS * 10),
  )
})

splitter.run()

// ---
// Names as migrations spell them: plain, reserved words and quoted identifiers with quotes, spaces and unicode.
const NAMES = ['items', 'Order', '"select"', '"my ""odd"" table"', '"with space"', '"ñandú"', '"表"', '"emoji 🚀"', 'x_1']
const TYPES = ['int', 'text', 'bigint', 'boolean', 'jsonb', 'timestamptz', 'uuid', 'numeric(10,2)']
const q = (n: string) => n.startsWith('"') ? n : `"${n}"`
const suffix = (n: string, s: string) => q(n).replace(/"$/, `${s}"`)
const BODIES = ['$$ select 1 $$', '$fn$ select 1 $fn$', "$body$ select 'a;b' $body$", '$$ select $x$;$x$::text::int * 0 + 1 $$']

// One coherent block of a migration around one table: every statement refers only to what the block made before.
const block = (name: string) => {
  const t = `public.${q(name)}`
  return fc.record({
    col: fc.constantFrom(...TYPES),
    extras: fc.subarray([
      `create index ${suffix(name, '_idx')} on ${t} (c)`,
      `create unique index if not exists ${suffix(name, '_uq')} on ${t} (id, c)`,
      `alter table ${t} add column n int default 0`,
      `alter table ${t} enable row level security`,
      `create policy ${suffix(name, ' read')} on ${t} for select to authenticated using (true)`,
      `comment on table ${t} is 'it''s; a comment'`,
      `grant select on ${t} to anon, authenticated`,
      `revoke insert on ${t} from anon`,
      `create view public.${suffix(name, '_v')} as select id from ${t}`,
      `insert into ${t} (id) values (1)`,
      `alter table ${t} add constraint ${suffix(name, '_pos')} check (id > 0)`,
    ]),
    fn: fc.option(fc.record({ body: fc.constantFrom(...BODIES), replace: fc.boolean() })),
    trigger: fc.boolean(),
    type: fc.boolean(),
    bucket: fc.boolean(),
  }).map(({ col, extras, fn, trigger, type, bucket }) => {
    const out = [`create table ${t} (id int primary key, c ${col})`, ...extras]
    if (fn) out.push(`create ${fn.replace ? 'or replace ' : ''}function public.${suffix(name, '_f')}() returns int language sql as ${fn.body}`)
    if (trigger) {
      out.push(`create function public.${suffix(name, '_trg')}() returns trigger language plpgsql as $$ begin new.id := coalesce(new.id, 0); return new; end $$`)
      out.push(`create trigger ${suffix(name, '_t')} before insert on ${t} for each row execute function public.${suffix(name, '_trg')}()`)
    }
    if (type) out.push(`create type public.${suffix(name, '_kind')} as enum ('a', 'b c', 'd''e')`)
    if (bucket) out.push(`insert into storage.buckets (id, name) values ('${name.replace(/["']/g, '')}', '${name.replace(/["']/g, '')}')`)
    return out
  })
}
const migration = fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }).chain((names) =>
  fc.tuple(...names.map(block), fc.constantFrom('\n', '\r\n'), fc.boolean()).map((parts) => {
    const nl = parts.at(-2) as string
    const header = parts.at(-1) ? `-- generated; "quotes" and 'semicolons;' in a comment${nl}/* block ; comment */${nl}` : ''
    return header + (parts.slice(0, -2) as string[][]).flat().map((s) => `${s};${nl}`).join('')
  }))

const FILE = '20250101000000_fuzz.sql'
const check = (text: string) => checkSql(text, { context: folderContext([{ file: FILE, text }])(FILE) })
const parses = (text: string) => {
  try {
    parseSync(text)
    return true
  } catch {
    return false
  }
}

const checker = suite('the static checker and --fix')
checker.before(() => loadParser())

// Counterexamples fast-check found, kept as fixed cases: a NUL made libpg-query throw ("Failed to allocate memory
// for parse result") when leading, and stop reading silently elsewhere.
const FOUND = ['\u0000\u{503ff}\u{6a11c}\u{64c28}\u{bb057}\u0000\u0004\u{10fff6}', '\u0000', 'select 1;\u0000 create table t (id int);']

checker('the counterexamples found: a NUL anywhere is one parse-error finding, and what follows it is still checked', () => {
  for (const text of FOUND) {
    const report = check(text)
    assert.ok(report.findings.some((f) => f.rule === 'parse-error' && /NUL character/.test(f.message)), JSON.stringify(report.findings))
    applyParsableFixes(text, report.plans)
  }
  assert.ok(check(FOUND[2]).plans.length === 1, 'the CREATE TABLE after the NUL is checked (and fixable)')
})

checker('the checker and --fix never throw on any text', () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const report = check(text)
      applyParsableFixes(text, report.plans)
      return true
    }),
    params(RUNS),
  )
})

checker('on generated migrations: never throw, and a file PostgreSQL\'s parser accepts still parses after --fix', () => {
  fc.assert(
    fc.property(migration, (text) => {
      assert.ok(parses(text), text)
      const report = check(text)
      const fixed = applyParsableFixes(text, report.plans)
      assert.ok(parses(fixed.text), `${text}\n--- fixed:\n${fixed.text}`)
      // A fixed file has nothing left to fix.
      assert.equal(check(fixed.text).plans.length, 0, fixed.text)
      return true
    }),
    params(Math.ceil(RUNS / 3)),
  )
})

checker.run()

// ---
// PostgreSQL's verdict, for fewer runs: a generated file that applies once on a fresh database applies once after
// --fix, and a second time without error. "Fresh": the public schema and the bucket rows made anew between runs.
type Ctx = { url: string; sql: Sql }
const server = suite<Ctx>('--fix judged by PostgreSQL on generated migrations')
server.before(async (ctx) => {
  await loadParser()
  ctx.url = await createTempDatabase()
  ctx.sql = connect(ctx.url, { app: 'fuzz', onNotice: () => {} })
  await applyPlatformShim(ctx.sql)
})
server.after(async (ctx) => {
  await ctx.sql?.end({ timeout: 5 })
  await dropTempDatabase(ctx.url)
})

const fresh = async (sql: Sql) => {
  await sql.unsafe(`begin; drop schema public cascade; create schema public; grant usage on schema public to anon, authenticated, service_role; set local storage.allow_delete_query = 'true'; delete from storage.buckets; commit;`)
}
const apply = (sql: Sql, text: string) => applyMigration(sql, { file: FILE, path: FILE, version: '20250101000000', name: 'fuzz' }, { record: false, text })

onServer(server, 'generated files applied on a real server')('a file that applies once still applies once after --fix, and then a second time', async (ctx) => {
  let judged = 0
  await fc.assert(
    fc.asyncProperty(migration, async (text) => {
      await fresh(ctx.sql)
      const once = await apply(ctx.sql, text)
      if (!once.ok) return true
      judged++
      const fixed = applyParsableFixes(text, check(text).plans).text
      await fresh(ctx.sql)
      for (const run of ['first', 'second']) {
        const r = await apply(ctx.sql, fixed)
        assert.ok(r.ok, `${run} run of the fixed file: ${JSON.stringify(r)}\n${fixed}`)
      }
      return true
    }),
    params(Number(process.env.FUZZ_DB_RUNS ?? Math.max(8, Math.ceil(RUNS / 20)))),
  )
  assert.ok(judged > 0, 'no generated file applied once')
  console.log(`  --fix judged by PostgreSQL on ${judged} generated migration(s)`)
})

server.run()
