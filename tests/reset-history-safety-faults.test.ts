// Every history writer of the kit, as a user runs it, under a fault at each remote step it announces: the
// connection terminated from a second session, and a statement of that step failing inside PostgreSQL
// (tests/helpers/faults.ts). After each fault PostgreSQL is asked: the history is entirely the old rows or
// entirely the new ones, the backup holds the old rows, and no file is half-written or claims to be applied.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { $ } from 'zx'
import { main as resetHistory } from '../scripts/reset-history.ts'
import { main as checkDrift } from '../scripts/check-drift.ts'
import { applyChain } from '../lib/cli/apply.ts'
import { listFolder } from '../lib/cli/folder.ts'
import { connect } from '../lib/db/connect.ts'
import { applyPlatformShim } from '../lib/db/platform/shim.ts'
import { client, createTempDatabase, dropTempDatabase, SERVER, testServer } from './helpers/db.ts'
import { faultRole, HAS_PSQL, injectAt, SWITCH_SQL, type FaultKind, type FaultRole } from './helpers/faults.ts'
import { registerIf } from './helpers/skip.ts'
import { makeProject, type Project } from './helpers/project.ts'
import { ALIGN_FILES, folderState, historyRows, wrongRows } from './helpers/reset.ts'

type Ctx = { url: string; project: Project; role: FaultRole }
type Run = { code: number; out: string; err: string; steps: string[]; injectedAt: string | null }

const KINDS: FaultKind[] = ['terminate', 'error']
// What each writer announces, in order, on a run without faults (asserted below, so a new step gets faults too).
const RESET_STEPS = ['lock', 'compare', 'copy', 'lock', 'compare', 'create-table', 'delete', 'insert', 'verify', 'commit']
const CAPTURE_STEPS = ['lock', 'compare', 'create-table', 'delete', 'insert', 'verify', 'commit']
// The line each fault ends with: ours, not some other failure.
const SAYS: Record<FaultKind | 'lock' | 'commit', RegExp> = {
  terminate: /the database connection was lost during the transaction; PostgreSQL rolled it back, nothing was changed/,
  error: /fault injected by the test/,
  commit: /the database connection was lost during COMMIT, so whether the change was committed is unknown/,
  lock: /another reset is running on this database \(it holds the kit's advisory lock\)/,
}

const tally = { injected: 0, safe: 0 }
// Roles, row-level security and second sessions need a real server; the injections need psql.
const READY = Boolean(SERVER) && HAS_PSQL
const faultTest = <T>(t: Parameters<typeof registerIf<T>>[0]) => registerIf(t, READY, SERVER ? 'psql is not installed' : 'pglite: roles, row-level security and a second session need a real server')

async function runWith(main: typeof resetHistory, ctx: Ctx, args: string[], kind: FaultKind | null, at: number): Promise<Run> {
  const admin = (await testServer())!
  const inject = injectAt(ctx.url, ctx.role.role, kind ?? 'error', kind ? at : -1)
  const out: string[] = []
  const err: string[] = []
  const io = { out: (t: string) => out.push(t), err: (t: string) => (err.push(t), inject.line(t)), cwd: ctx.project.root, stdoutIsTTY: false }
  try {
    const code = await main(['--db-url', ctx.role.url, '--shadow-url', admin, ...args], {}, io)
    return { code, out: out.join('\n'), err: err.join('\n'), steps: inject.steps, injectedAt: inject.injectedAt() }
  } finally {
    inject.stop()
  }
}

const backupsOf = (root: string) => {
  const dir = join(root, 'supabase', '.migration-backups')
  return existsSync(dir) ? readdirSync(dir).map((d) => join(dir, d)) : []
}
const sameRows = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
// The history as (name, statements): the new history is told from the old by its rows, whatever version the
// baseline got from the clock.
type Row = { version: string; name: string; statements: unknown }
const shape = (rows: unknown[] | null) => ((rows ?? []) as Row[]).slice().sort((a, b) => (a.version < b.version ? -1 : 1)).map((r) => [r.name, r.statements])

// One database and project per writer, shared by its runs: every fault must leave the history as it was (asserted
// after each run), so the next run starts from the same state once the run's own traces are gone (the switch, the
// copy table, the backup folder). The run without a fault comes last: it changes the history.
type Writer = {
  name: string
  main: typeof resetHistory
  setUp: (ctx: Ctx) => Promise<void>
  // Once the role exists: a dry run for the planned rows.
  ready?: (ctx: Ctx) => Promise<void>
  args: (ctx: Ctx) => string[]
  steps: string[]
  // The folder after a fault: unchanged for reset-history (its local side runs after COMMIT); with the capture file.
  after: (ctx: Ctx, r: Run, files: Record<string, string>) => void
  clean: (ctx: Ctx, r: Run, before: unknown[] | null) => Promise<void>
}

function writerSuite(w: Writer) {
  const s = suite<Ctx & { files: Record<string, string>; before: unknown[] | null; expected: unknown }>(w.name)
  s.before(async (ctx) => {
    if (!READY) return
    ctx.url = await createTempDatabase()
    await w.setUp(ctx)
    ctx.role = await faultRole(ctx.url)
    await w.ready?.(ctx)
    ctx.before = await historyRows(ctx.url)
    ctx.files = folderState(ctx.project.root)
  })
  s.after(async (ctx) => {
    if (!READY) return
    ctx.project.remove()
    await dropTempDatabase(ctx.url)
    await ctx.role.drop()
  })
  s.after.each(async (ctx) => {
    if (!READY) return
    const sql = client(ctx.url)
    try {
      await sql`delete from supabase_migrations.smk_fault_switch`
      for (const { t } of await sql`select tablename as t from pg_tables where schemaname = 'supabase_migrations' and tablename like 'schema_migrations_backup_%'`) {
        await sql`drop table ${sql(`supabase_migrations.${t}`)}`
      }
    } finally {
      await sql.end({ timeout: 5 })
    }
    rmSync(join(ctx.project.root, 'supabase', '.migration-backups'), { recursive: true, force: true })
    for (const f of readdirSync(ctx.project.migrations)) if (!(`supabase/migrations/${f}` in ctx.files)) rmSync(join(ctx.project.migrations, f))
  })

  for (const kind of KINDS) {
    for (const [at, step] of w.steps.entries()) {
      const phase = w.steps.length === RESET_STEPS.length ? (at < 3 ? 'copy ' : 'rewrite ') : ''
      faultTest(s)(`${kind} at the ${phase}step "${step}": exit 2, the history entirely old, the backup complete, no file half-written or recorded`, async (ctx) => {
        const r = await runWith(w.main, ctx, w.args(ctx), kind, at)
        tally.injected++
        assert.is(r.injectedAt, step, r.err)
        assert.is(r.code, 2, r.err)
        const says = step === 'lock' && kind === 'error' ? SAYS.lock : step === 'commit' && kind === 'terminate' ? SAYS.commit : SAYS[kind]
        assert.ok(says.test(r.err.split('\n').at(-1)!), r.err)

        const after = await historyRows(ctx.url)
        // Old, or (never here: every fault comes before COMMIT) exactly the planned rows.
        const entirely = sameRows(after, ctx.before) || sameRows(shape(after), shape(ctx.expected as unknown[]))
        // The backup: history.json and restore.sql with the old rows; a copy inside the remote (reset-history)
        // exactly when its own transaction committed, holding the old rows.
        const [backup, ...more] = backupsOf(ctx.project.root)
        assert.is(more.length, 0)
        const saved = JSON.parse(readFileSync(join(backup, 'history.json'), 'utf8'))
        let copy: unknown[] | null = null
        if (saved.copyTable) {
          const sql = client(ctx.url)
          try {
            const [{ exists }] = await sql`select to_regclass(${`supabase_migrations.${saved.copyTable}`}) is not null as exists`
            if (exists) copy = (await sql`select to_jsonb(t) as row from ${sql(`supabase_migrations.${saved.copyTable}`)} t order by version`).map((x) => x.row)
          } finally {
            await sql.end({ timeout: 5 })
          }
        }
        const copyCommitted = phase === 'rewrite '
        const complete = sameRows(saved.history.rows, ctx.before) && existsSync(join(backup, 'restore.sql')) && (copyCommitted ? sameRows(copy, ctx.before) : copy === null)
        if (entirely && complete) tally.safe++
        assert.equal(after, ctx.before, 'the history is the old one')
        assert.ok(complete, `backup: ${JSON.stringify({ saved: saved.history.rows.length, copy: copy?.length ?? null })}`)
        w.after(ctx, r, ctx.files)
      })
    }
  }

  faultTest(s)('without a fault: the role the faults are injected into carries the change out', async (ctx) => {
    const r = await runWith(w.main, ctx, w.args(ctx), null, -1)
    assert.is(r.code, 0, r.err)
    assert.equal(r.steps, w.steps)
    await w.clean(ctx, r, ctx.before)
  })
  s.run()
}

const gitProject = async (files: Record<string, string>) => {
  const project = makeProject(files)
  const git = $({ cwd: project.root, quiet: true })
  await git`git init -q`
  await git`git add -A`
  await git`git -c user.name=kit -c user.email=kit@localhost commit -qm files --no-verify`
  return project
}

// reset-history in both modes: align keeps the files; baseline mode takes the schema from a file (checked against
// the database on the shadow first) and plans one baseline row.
for (const [mode, modeArgs] of [['align', ['--mode', 'align']], ['reset', ['--baseline', 'baseline.sql']]] as const) {
  writerSuite({
    name: `reset-history --mode ${mode} under a fault at every remote step`,
    main: resetHistory,
    setUp: async (ctx) => {
      ctx.project = await gitProject(ALIGN_FILES)
      // The schema as the database has it: the files, and the fault switch's policy on the history table (the kit
      // counts a policy on a platform table as the project's).
      writeFileSync(join(ctx.project.root, 'baseline.sql'), [...Object.values(ALIGN_FILES), SWITCH_SQL].join(''))
      await wrongRows(ctx.url, ctx.project.root)
    },
    ready: async (ctx) => {
      const dry = await runWith(resetHistory, ctx, [...modeArgs, '--json'], null, -1)
      ;(ctx as Ctx & { expected: unknown }).expected = JSON.parse(dry.out).expected
    },
    args: () => [...modeArgs, '--apply', '--yes'],
    steps: RESET_STEPS,
    after: (ctx, _r, files) => assert.equal(folderState(ctx.project.root), files),
    clean: async (ctx, _r, before) => {
      const now = await historyRows(ctx.url)
      assert.ok(!sameRows(now, before))
      assert.equal(shape(now), shape((ctx as Ctx & { expected: unknown[] }).expected))
    },
  })
}

// check-drift --capture --mark-applied on a project pushed as db push does, then a column and a function added by
// hand: the file is written whole before the history is touched; after a fault it stays pending (db push applies
// it: it runs twice) and the message says so.
// The switch is a file of the project (applied and recorded), so the capture does not take its policy for a hand edit.
const CAPTURE_FILES = {
  '20250101000000_notes.sql': 'create table if not exists public.notes (id bigint primary key, body text not null default \'\');\n',
  '20250101000001_fault_switch.sql': SWITCH_SQL,
}
const HAND_EDITS = `alter table public.notes add column pinned boolean not null default false;
create function public.note_count() returns bigint language sql stable as $$ select count(*) from public.notes $$;`
const written = (ctx: Ctx) => readdirSync(ctx.project.migrations).filter((f) => !(f in CAPTURE_FILES))

writerSuite({
  name: 'check-drift --capture --mark-applied under a fault at every remote step',
  main: checkDrift,
  setUp: async (ctx) => {
    ctx.project = makeProject(CAPTURE_FILES)
    const sql = connect(ctx.url, { app: 'capture-fault-test', onNotice: () => {} })
    try {
      await applyPlatformShim(sql)
      const pushed = await applyChain(sql, listFolder(ctx.project.migrations).files, { record: true })
      assert.is(pushed.failure, undefined)
      await sql.unsafe(HAND_EDITS)
    } finally {
      await sql.end({ timeout: 5 })
    }
  },
  args: () => ['--capture', 'hand_edits', '--mark-applied', '--yes', '--json'],
  steps: CAPTURE_STEPS,
  after: (ctx, r) => {
    const report = JSON.parse(r.out)
    const file = `${report.version}_hand_edits.sql`
    assert.match(r.err.split('\n').at(-1)!, `wrote supabase/migrations/${file} but did not record it as applied`)
    assert.equal(written(ctx), [file])
    assert.is(readFileSync(join(ctx.project.migrations, file), 'utf8'), report.sql)
  },
  clean: async (ctx, r) => {
    const report = JSON.parse(r.out)
    assert.equal(report.captured, ['column public.notes.pinned', 'function public.note_count()'])
    assert.equal(written(ctx), [`${report.version}_hand_edits.sql`])
    assert.equal((await historyRows(ctx.url))!.map((x) => (x as { version: string }).version), ['20250101000000', '20250101000001', report.version])
  },
})

// ---
const figure = suite('the fault figure')
const EXPECTED_FAULTS = 2 * KINDS.length * RESET_STEPS.length + KINDS.length * CAPTURE_STEPS.length
faultTest(figure)('every injected fault left the history entirely old or new and the backup complete', () => {
  const pct = tally.injected ? ((100 * tally.safe) / tally.injected).toFixed(0) : '0'
  console.log(`  faults injected ${tally.injected} / runs where history entirely old or new and backup complete ${tally.safe} (${pct}%)`)
  assert.equal(tally, { injected: EXPECTED_FAULTS, safe: EXPECTED_FAULTS })
})
figure.run()
