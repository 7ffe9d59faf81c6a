import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { applyFixes } from '../../../lib/sql/fix.ts'
import { checkSql, folderContext, type FolderFile } from '../../../lib/sql/idempotency.ts'
import { loadParser } from '../../../lib/sql/parse.ts'
import { PLACEHOLDER } from '../../../lib/sql/plpgsql.ts'
import { inRolledBackTransaction, runFile, tryAndUndo, type RunResult } from '../../helpers/rerun.ts'

const CHAINS = fileURLToPath(new URL('../../fixtures/idempotency/chain/', import.meta.url))

const readChain = (dir: string): FolderFile[] =>
  readdirSync(join(CHAINS, dir)).filter((f) => f.endsWith('.sql')).sort().map((file) => ({ file, text: readFileSync(join(CHAINS, dir, file), 'utf8') }))

// PostgreSQL's verdict as db push leaves a database: every file once, in order; then each file again from that
// end state (in a savepoint, undone). On the way, each file is also re-run right after itself ("local", the state
// before later files). `replace` swaps one file's text (the --fix rewrite) into the chain.
type Verdicts = { first: RunResult[]; local: Map<string, RunResult>; again: Map<string, RunResult> }
async function afterChain(files: FolderFile[], replace?: { file: string; text: string }): Promise<Verdicts> {
  const texts = files.map((f) => (replace && f.file === replace.file ? replace : f))
  const v: Verdicts = { first: [], local: new Map(), again: new Map() }
  await inRolledBackTransaction(async (tx) => {
    for (const f of texts) {
      v.first.push(await runFile(tx, f.text))
      v.local.set(f.file, await tryAndUndo(tx, (sp) => runFile(sp, f.text)))
    }
    for (const f of texts) v.again.set(f.file, await tryAndUndo(tx, (sp) => runFile(sp, f.text)))
  })
  return v
}

const errorsOf = (files: FolderFile[], file: string) => {
  const text = files.find((f) => f.file === file)!.text
  return checkSql(text, { context: folderContext(files)(file) })
}

const failing = (again: Map<string, RunResult>) => [...again].filter(([, r]) => !r.ok).map(([f, r]) => [f, r.ok ? '' : r.code])

// One chain per class of failure the issue names: the file that fails only because of what a later file did (or,
// for the backfill, what the file itself does further down), the SQLSTATE PostgreSQL gives, the rule, the later file
// the finding must name, and whether --fix can rewrite it.
type Case = { dir: string; file: string; code: string; rule: string; names: string; fixable: boolean; local?: boolean }
const CASES: Case[] = [
  { dir: 'function-return-type', file: '20250301000000_order_count.sql', code: '42P13', rule: 'chain-function-signature', names: '20250302000000_order_count_bigint.sql', fixable: true },
  { dir: 'view-columns', file: '20250301000000_order_summary.sql', code: '42P16', rule: 'chain-view-columns', names: '20250302000000_order_summary_total.sql', fixable: true },
  { dir: 're-signed-function', file: '20250302000000_refund_grants.sql', code: '42883', rule: 'chain-missing-object', names: '20250303000000_refund_reason.sql', fixable: true },
  { dir: 'overload', file: '20250301000000_slugify.sql', code: '42725', rule: 'chain-ambiguous-function', names: '20250302000000_slugify_max_length.sql', fixable: false },
  { dir: 'table-moved', file: '20250302000000_audit_log_rls.sql', code: '42P01', rule: 'chain-missing-object', names: '20250303000000_audit_log_private.sql', fixable: true },
  { dir: 'column-dropped-later', file: '20250302000000_merge_names.sql', code: '42703', rule: 'chain-missing-object', names: 'this file drops or renames it further down', fixable: true, local: true },
  { dir: 'enum-label-renamed', file: '20250302000000_shipped_orders.sql', code: '22P02', rule: 'chain-missing-object', names: '20250303000000_rename_shipped.sql', fixable: true },
  { dir: 'policy-renamed', file: '20250302000000_notes_owner_only.sql', code: '42704', rule: 'chain-missing-object', names: '20250303000000_policy_names.sql', fixable: true },
  { dir: 'trigger-function-dropped', file: '20250302000000_touch_trigger.sql', code: '42883', rule: 'chain-missing-object', names: '20250303000000_moddatetime.sql', fixable: true },
]

// ---
const chain = suite('the re-run after the whole chain: PostgreSQL fails the file, the checker names the later file')
chain.before(loadParser)

for (const c of CASES) {
  chain(`${c.dir}: only ${c.file} fails after the chain (${c.code}${c.local ? ', and right after itself' : ', not right after itself'}), and only it is flagged, by ${c.rule}`, async () => {
    const files = readChain(c.dir)
    const { first, local, again } = await afterChain(files)
    assert.equal(first.filter((r) => !r.ok), [], 'every file applies once')
    assert.equal(failing(again), [[c.file, c.code]])
    // Right after itself only the backfill fails (it reads a column its own file drops); the rest need the later files.
    assert.equal(failing(local), c.local ? [[c.file, c.code]] : [])
    const flagged = files.filter((f) => errorsOf(files, f.file).findings.some((x) => x.severity === 'error')).map((f) => f.file)
    assert.equal(flagged, [c.file])
    const findings = errorsOf(files, c.file).findings.filter((x) => x.rule === c.rule)
    assert.ok(findings.length > 0, `${c.rule} on ${c.file}`)
    assert.match(findings[0].message, c.names)
    assert.is(findings.every((x) => x.fixable), c.fixable)
  })
}

chain.run()

// ---
const fix = suite('--fix on a chain finding: the rewritten file applies in the chain and then runs again')
fix.before(loadParser)

for (const c of CASES.filter((x) => x.fixable)) {
  fix(`${c.dir}: the rewrite of ${c.file} applies once in the chain and re-runs after it`, async () => {
    const files = readChain(c.dir)
    const report = errorsOf(files, c.file)
    const fixed = applyFixes(files.find((f) => f.file === c.file)!.text, report.plans)
    assert.is.not(fixed, files.find((f) => f.file === c.file)!.text)
    const { first, again } = await afterChain(files, { file: c.file, text: fixed })
    assert.equal(first.filter((r) => !r.ok), [], 'the rewritten chain applies once')
    assert.equal(failing(again), [])
    // The rewritten file passes the checker too.
    assert.equal(checkSql(fixed, { context: folderContext(files.map((f) => (f.file === c.file ? { file: f.file, text: fixed } : f)))(c.file) }).findings.filter((x) => x.severity === 'error'), [])
  })
}

fix('a function named without arguments after a later overload is reported as not fixable, and --fix leaves it as it is', () => {
  const files = readChain('overload')
  const report = errorsOf(files, '20250301000000_slugify.sql')
  assert.equal(report.findings.map((x) => [x.rule, x.fixable]), [['chain-ambiguous-function', false]])
  assert.is(applyFixes(files[0].text, report.plans), files[0].text)
})

fix.run()

// ---
const templated = suite('EXECUTE format() templates: patterns, never names in a rewrite')
templated.before(loadParser)

const TABLES = 'create table if not exists public.a (id int);\ncreate table if not exists public.b (id int);\n'

// The tables come from an earlier migration (`setup`, run once); the file under test runs twice.
async function runsTwice(text: string): Promise<[boolean, boolean]> {
  let result: [boolean, boolean] = [false, false]
  await inRolledBackTransaction(async (tx) => {
    await runFile(tx, TABLES)
    const once = await runFile(tx, text)
    result = [once.ok, once.ok && (await runFile(tx, text)).ok]
  })
  return result
}

const errors = (text: string) => checkSql(text, { context: folderContext([{ file: '1_x.sql', text }])('1_x.sql') }).findings.filter((f) => f.severity === 'error')

templated('a constraint added through format() in a loop is flagged, not fixable, and no rewrite or message names the placeholder', async () => {
  const text = `do $$
declare t text;
begin
  foreach t in array array['a', 'b'] loop
    execute format('alter table public.%I add constraint %I check (id > 0)', t, t || '_id_check');
  end loop;
end
$$;
`
  assert.equal(await runsTwice(text), [true, false])
  const report = checkSql(text, { context: folderContext([{ file: '1_x.sql', text }])('1_x.sql') })
  assert.equal(report.findings.map((f) => [f.rule, f.fixable]), [['add-constraint', false]])
  assert.not.match(report.findings[0].message, PLACEHOLDER)
  assert.not.match(applyFixes(text, report.plans), PLACEHOLDER)
})

templated('a loop that drops every policy of the tables with EXECUTE format() guards the CREATE POLICY after it', async () => {
  const text = `do $$
declare p record;
begin
  for p in select schemaname, tablename, policyname from pg_policies where schemaname = 'public' and tablename in ('a', 'b') loop
    execute format('drop policy if exists %I on %I.%I', p.policyname, p.schemaname, p.tablename);
  end loop;
end $$;
create policy "a read" on public.a for select using (true);
`
  assert.equal(await runsTwice(text), [true, true])
  assert.equal(errors(text), [])
})

templated('a to_regclass(format(…)) test guards the templated ALTER TABLE … SET SCHEMA it wraps', async () => {
  const text = `create schema if not exists private;
do $$
declare t text;
begin
  foreach t in array array['a', 'b'] loop
    if to_regclass(format('public.%I', t)) is not null then
      execute format('alter table public.%I set schema private', t);
    end if;
  end loop;
end $$;
`
  assert.equal(await runsTwice(text), [true, true])
  assert.equal(errors(text), [])
})

templated('a loop that drops constraints found in pg_constraint with a concatenated EXECUTE guards the ADD CONSTRAINT after it', async () => {
  const text = `do $$
declare c record;
begin
  for c in select conname from pg_constraint where conrelid = 'public.a'::regclass and contype = 'c' loop
    execute 'alter table public.a drop constraint ' || quote_ident(c.conname);
  end loop;
end $$;
alter table public.a add constraint a_id_check check (id > 0);
`
  assert.equal(await runsTwice(text), [true, true])
  assert.equal(errors(text), [])
})

templated.run()
