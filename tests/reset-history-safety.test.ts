import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { $ } from 'zx'
import { main } from '../scripts/reset-history.ts'
import { main as checkSync } from '../scripts/check-sync.ts'
import { connect } from '../lib/db/connect.ts'
import { snapshotHistory } from '../lib/checks/history-backup.ts'
import { copyHistory, rewriteHistory, type RewriteStep } from '../lib/checks/history-rewrite.ts'
import type { Io } from '../lib/run/script.ts'
import { cliList, cliPushDryRun } from './helpers/cli.ts'
import { client, createTempDatabase, dropTempDatabase, onServer } from './helpers/db.ts'
import { captureIo, makeProject, type Project } from './helpers/project.ts'
import { ALIGN_FILES as FILES, folderState, historyRows, wrongRows } from './helpers/reset.ts'
import { runScript } from './helpers/run.ts'

type Ctx = { url: string; project: Project }

async function setUp(ctx: Ctx) {
  ctx.url = await createTempDatabase()
  ctx.project = makeProject(FILES)
  const git = $({ cwd: ctx.project.root, quiet: true })
  await git`git init -q`
  await git`git add -A`
  await git`git -c user.name=kit -c user.email=kit@localhost commit -qm files --no-verify`
  await wrongRows(ctx.url, ctx.project.root)
}
async function tearDown(ctx: Ctx) {
  ctx.project.remove()
  await dropTempDatabase(ctx.url)
}

async function run(ctx: Ctx, args: string[], io: Partial<Io> = {}) {
  const cap = captureIo(ctx.project.root)
  const code = await main(['--db-url', ctx.url, ...args], {}, { ...cap.io, ...io })
  return { code, out: cap.out(), err: cap.err() }
}
const backups = (ctx: Ctx) => {
  const dir = join(ctx.project.root, 'supabase', '.migration-backups')
  return existsSync(dir) ? readdirSync(dir) : []
}

// ---
const align = suite<Ctx>('reset-history --mode align: files right, rows wrong')
align.before.each(setUp)
align.after.each(tearDown)

onServer(align, 'the real CLI against a server')('renames by identity, rewrites the rest, and ends in sync for check-sync and the real CLI', async (ctx) => {
  const r = await run(ctx, ['--mode', 'align', '--json', '--apply', '--yes'])
  assert.is(r.code, 0, r.err)
  const report = JSON.parse(r.out)
  assert.equal(report.renames, [
    { from: '20250102000000_b.sql', to: '20250601000000_b.sql' },
    { from: '20250103000000_c.sql', to: '20250602000000_c.sql' },
  ])
  assert.equal(report.remove, ['20250602000000', '20250603000000'])
  assert.equal(report.add.map((x: { version: string; name: string }) => `${x.version}_${x.name}`), ['20250602000000_c', '20250104000000_d'])
  const status = (await $({ cwd: ctx.project.root, quiet: true })`git status --porcelain`).stdout.trim().split('\n').sort()
  assert.equal(status, ['?? supabase/.migration-backups/', 'R  supabase/migrations/20250102000000_b.sql -> supabase/migrations/20250601000000_b.sql', 'R  supabase/migrations/20250103000000_c.sql -> supabase/migrations/20250602000000_c.sql'])
  const cap = captureIo(ctx.project.root)
  assert.is(await checkSync(['--db-url', ctx.url], {}, cap.io), 0, cap.out())
  const versions = ['20250101000000', '20250104000000', '20250601000000', '20250602000000']
  assert.equal(await cliList(ctx.project.root, ctx.url), versions.map((v) => ({ local: v, remote: v })))
  const push = await cliPushDryRun(ctx.project.root, ctx.url)
  assert.is(push.code, 0, push.stderr)
  assert.match(push.stdout, 'Remote database is up to date.')
})

align('a second align has nothing to do and changes nothing', async (ctx) => {
  assert.is((await run(ctx, ['--mode', 'align', '--apply', '--yes'])).code, 0)
  const before = { history: await historyRows(ctx.url), files: folderState(ctx.project.root) }
  const again = await run(ctx, ['--mode', 'align', '--apply', '--yes'])
  assert.is(again.code, 0, again.err)
  assert.match(again.out, 'Nothing to do: the history already matches the folder.')
  assert.equal({ history: await historyRows(ctx.url), files: folderState(ctx.project.root) }, before)
})

align.run()

// ---
const confirm = suite<Ctx>('reset-history --apply needs a confirmation, and bad input loses nothing')
confirm.before.each(setUp)
confirm.after.each(tearDown)

const unchanged = async (ctx: Ctx, body: () => Promise<void>) => {
  const before = { history: await historyRows(ctx.url), files: folderState(ctx.project.root) }
  await body()
  assert.equal({ history: await historyRows(ctx.url), files: folderState(ctx.project.root) }, before)
}

confirm('off a terminal without --yes it refuses with one line', async (ctx) => {
  await unchanged(ctx, async () => {
    const r = await run(ctx, ['--mode', 'align', '--apply'])
    assert.is(r.code, 2)
    assert.match(r.err, /reset-history: stdin is not a terminal, so the change cannot be confirmed\. Add --yes to confirm --apply\.$/)
  })
})

confirm('on a terminal a wrong name refuses and the right one goes on', async (ctx) => {
  const name = new URL(ctx.url).pathname.slice(1)
  await unchanged(ctx, async () => {
    const r = await run(ctx, ['--mode', 'align', '--apply'], { stdinIsTTY: true, readLine: async () => 'postgres' })
    assert.is(r.code, 2)
    assert.match(r.err, `reset-history: "postgres" is not ${name}; nothing was changed. Run again and type the database name.`)
  })
  const ok = await run(ctx, ['--mode', 'align', '--apply'], { stdinIsTTY: true, readLine: async () => `${name}\n` })
  assert.is(ok.code, 0, ok.err)
  assert.match(ok.err, `Type the database name (${name}) to rewrite its migration history:`)
})

const BAD: { name: string; args: string[]; says: string }[] = [
  { name: 'an unknown mode', args: ['--mode', 'squash'], says: 'reset-history: --mode must be reset or align, not squash. See --help.' },
  { name: '--yes without --apply', args: ['--yes'], says: 'reset-history: --yes only confirms --apply. See --help.' },
  { name: 'a version that is no number', args: ['--keep-pending', '2025x'], says: 'reset-history: --keep-pending takes versions (digits), not 2025x. See --help.' },
  { name: '--restore with --mode', args: ['--restore', 'x', '--mode', 'align'], says: 'reset-history: --restore takes no --baseline, --keep-pending or --mode. See --help.' },
  { name: 'align with a baseline', args: ['--mode', 'align', '--baseline', 'x.sql'], says: 'reset-history: --mode align keeps the files: it takes no --baseline. See --help.' },
  { name: 'a missing baseline file', args: ['--baseline', 'nope.sql', '--apply', '--yes'], says: 'reset-history: cannot read ' },
  { name: 'a folder that is no backup', args: ['--restore', 'supabase', '--apply', '--yes'], says: 'reset-history: cannot read the backup ' },
  { name: 'keeping a version that has no file', args: ['--mode', 'align', '--keep-pending', '20990101000000', '--apply', '--yes'], says: 'reset-history: --keep-pending 20990101000000: no local file has this version. Fix the flags and run again; nothing was changed.' },
]
for (const c of BAD) {
  confirm(`${c.name} exits 2 with one line and changes nothing`, async (ctx) => {
    await unchanged(ctx, async () => {
      const r = await run(ctx, c.args)
      assert.is(r.code, 2)
      assert.ok(r.err.split('\n').at(-1)!.startsWith(c.says), r.err)
    })
  })
}

confirm('the script run as a user runs it masks the password of an unreachable URL', async (ctx) => {
  const r = await runScript('reset-history', ['--db-url', 'postgresql://postgres:sekret-pw@127.0.0.1:1/postgres', '--mode', 'align'], { cwd: ctx.project.root })
  assert.is(r.code, 2)
  assert.is(r.stdout, '')
  assert.not.match(r.stderr, 'sekret-pw')
  assert.match(r.stderr, 'reset-history: cannot reach 127.0.0.1:1/postgres (ECONNREFUSED). Check --db-url or start the database.')
})

confirm.run()

// ---
const faults = suite<Ctx>('reset-history under faults: the history is entirely old or entirely new')
faults.before.each(setUp)
faults.after.each(tearDown)

async function terminate(url: string, app: string) {
  const admin = client(url)
  try {
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${app} and datname = current_database() and pid <> pg_backend_pid()`
    for (let i = 0; i < 100; i++) {
      const [{ n }] = await admin`select count(*)::int as n from pg_stat_activity where application_name = ${app} and datname = current_database()`
      if (n === 0) return
      await new Promise((r) => setTimeout(r, 50))
    }
  } finally {
    await admin.end({ timeout: 5 })
  }
}

async function waitForLockWait(url: string, app: string) {
  const admin = client(url)
  try {
    for (let i = 0; i < 400; i++) {
      const [{ n }] = await admin`select count(*)::int as n from pg_stat_activity where application_name = ${app} and datname = current_database() and wait_event_type = 'Lock'`
      if (n > 0) return
      await new Promise((r) => setTimeout(r, 25))
    }
    throw new Error(`${app} never waited on a lock`)
  } finally {
    await admin.end({ timeout: 5 })
  }
}

// Sessions are looked up in this test's database only: other runs on the cluster use the same application names.

// A transaction holding `mode` on the history table until release() is called.
async function holdLock(url: string, mode: string) {
  const sql = client(url)
  let release!: () => void
  const released = new Promise<void>((r) => (release = r))
  let locked!: () => void
  const isLocked = new Promise<void>((r) => (locked = r))
  const done = sql.begin(async (tx) => {
    await tx.unsafe(`lock table supabase_migrations.schema_migrations in ${mode} mode`)
    locked()
    await released
  })
  await isLocked
  return async () => {
    release()
    await done
    await sql.end({ timeout: 5 })
  }
}

const COPY_STEPS: RewriteStep[] = ['lock', 'compare', 'copy']
const REWRITE_STEPS: RewriteStep[] = ['lock', 'compare', 'create-table', 'delete', 'insert', 'verify', 'commit']
for (const [phase, steps] of [['copy', COPY_STEPS], ['rewrite', REWRITE_STEPS]] as const) {
  for (const step of steps) {
    onServer(faults, 'pg_terminate_backend from a second session')(`the connection terminated at the ${phase} step "${step}" leaves the old history and the backup`, async (ctx) => {
      const before = await historyRows(ctx.url)
      const app = `reset-fault-${phase}-${step}`
      const sql = connect(ctx.url, { app, onNotice: () => {} })
      const kill = (at: RewriteStep) => async (s: RewriteStep) => {
        if (s === at) await terminate(ctx.url, app)
      }
      const backup = await snapshotHistory(sql)
      const copyTable = 'schema_migrations_backup_fault'
      let failed = false
      try {
        await copyHistory(sql, copyTable, backup, { onStep: phase === 'copy' ? kill(step) : undefined })
        await rewriteHistory(sql, { backup, remove: ['20250101000000'], add: [{ version: '20990101000000', name: 'baseline', statements: ['select 1'] }], expected: [] }, { onStep: kill(step) })
      } catch {
        // The termination (57P01, or a closed connection) is the failure this test causes.
        failed = true
      } finally {
        await sql.end({ timeout: 1 })
      }
      assert.ok(failed, 'the run failed')
      assert.equal(await historyRows(ctx.url), before)
      const check = client(ctx.url)
      try {
        const [{ copy }] = await check`select to_regclass(${`supabase_migrations.${copyTable}`}) is not null as copy`
        assert.is(copy, phase === 'rewrite', 'the copy exists exactly when its transaction committed')
        if (phase === 'rewrite') assert.is((await check`select * from ${check(`supabase_migrations.${copyTable}`)}`).length, before!.length)
      } finally {
        await check.end({ timeout: 5 })
      }
    })
  }
}

onServer(faults, 'locks and pg_terminate_backend from a second session')('terminated while its first read waits on a lock, the script exits 2 having written nothing', async (ctx) => {
  const before = await historyRows(ctx.url)
  const release = await holdLock(ctx.url, 'access exclusive')
  const running = run(ctx, ['--mode', 'align', '--apply', '--yes'])
  await waitForLockWait(ctx.url, 'reset-history')
  await terminate(ctx.url, 'reset-history')
  await release()
  const r = await running
  assert.is(r.code, 2)
  assert.equal(await historyRows(ctx.url), before)
  assert.equal(backups(ctx), [])
})

onServer(faults, 'locks and pg_terminate_backend from a second session')('terminated while the rewrite waits on a lock, the script exits 2 with the old history and the backup present', async (ctx) => {
  const before = await historyRows(ctx.url)
  const release = await holdLock(ctx.url, 'share')
  const running = run(ctx, ['--mode', 'align', '--apply', '--yes'])
  await waitForLockWait(ctx.url, 'reset-history')
  await terminate(ctx.url, 'reset-history')
  await release()
  const r = await running
  assert.is(r.code, 2)
  assert.equal(await historyRows(ctx.url), before)
  const [stamp] = backups(ctx)
  assert.equal(readdirSync(join(ctx.project.root, 'supabase', '.migration-backups', stamp)).sort(), ['history.json', 'restore.sql'])
  const sql = client(ctx.url)
  try {
    const copy = await sql`select to_jsonb(t) as row from ${sql(`supabase_migrations.schema_migrations_backup_${stamp}`)} t order by version`
    assert.equal(copy.map((x) => x.row), before)
  } finally {
    await sql.end({ timeout: 5 })
  }
  assert.equal(Object.keys(folderState(ctx.project.root)).sort(), Object.keys(FILES).map((f) => `supabase/migrations/${f}`).concat('supabase/config.toml').sort())
})

onServer(faults, 'two concurrent sessions')('a second run while the first is inside its transaction is refused, and the first then completes', async (ctx) => {
  const sql = connect(ctx.url, { app: 'reset-first', onNotice: () => {} })
  try {
    const backup = await snapshotHistory(sql)
    const row = { version: '20990101000000', name: 'baseline', statements: ['select 1'] }
    let paused!: () => void
    const atDelete = new Promise<void>((r) => (paused = r))
    let resume!: () => void
    const go = new Promise<void>((r) => (resume = r))
    const first = rewriteHistory(sql, { backup, remove: backup.rows.map((r) => String(r.version)), add: [row], expected: [row] }, {
      onStep: async (step) => {
        if (step !== 'delete') return
        paused()
        await go
      },
    })
    await atDelete
    const before = await historyRows(ctx.url)
    const second = await run(ctx, ['--mode', 'align', '--apply', '--yes'])
    assert.is(second.code, 2)
    assert.match(second.err, /reset-history: another reset is running on this database \(it holds the kit's advisory lock\)\. Wait for it to finish, then run again\.$/)
    assert.equal(await historyRows(ctx.url), before)
    resume()
    await first
    assert.equal(await historyRows(ctx.url), [row])
  } finally {
    await sql.end({ timeout: 5 })
  }
})

faults.run()
