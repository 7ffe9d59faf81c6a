import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite, type Test } from 'uvu'
import * as assert from 'uvu/assert'
import { $ } from 'zx'
import { connect } from '../lib/db/connect.ts'
import { createHistoryTable, insertHistoryRow } from '../lib/cli/history.ts'
import { splitAndTrim } from '../lib/cli/split.ts'
import { flags, main, USAGE } from '../scripts/check-sync.ts'
import { cliList, cliPushDryRun } from './helpers/cli.ts'
import { client, createTempDatabase, dropTempDatabase, onServer } from './helpers/db.ts'
import { captureIo, makeProject, type Project } from './helpers/project.ts'
import { runScript } from './helpers/run.ts'
import { buildSeedRemote, SEED_CLUTTER, SEED_EDITED_VERSION, SEED_LOCAL_ONLY, SEED_OUT_OF_ORDER, SEED_REMOTE_ONLY, SEED_RENAMED_LOCAL, SEED_ROOT } from './helpers/seed.ts'

type Ctx = { url: string; project?: Project }

// Each test's project folder is removed, and with `database` its own database made and dropped (even on failure).
function cleanUp(s: Test<Ctx>, options: { database: boolean }) {
  if (options.database) {
    s.before.each(async (ctx) => {
      ctx.url = await createTempDatabase()
    })
  }
  s.after.each(async (ctx) => {
    ctx.project?.remove()
    ctx.project = undefined
    if (options.database) await dropTempDatabase(ctx.url)
  })
}

// Writes history rows as db push would have, for the given (version_name.sql → text) pairs.
async function recordRemote(url: string, files: Record<string, string>) {
  const sql = connect(url, { app: 'test' })
  try {
    await createHistoryTable(sql)
    for (const [file, text] of Object.entries(files)) {
      const [, version, name] = /^(\d+)_(.*)\.sql$/.exec(file)!
      await insertHistoryRow(sql, { version, name, statements: splitAndTrim(text) })
    }
  } finally {
    await sql.end()
  }
}

async function runJson(ctx: Ctx, extra: string[] = []) {
  const cap = captureIo(ctx.project!.root)
  const code = await main(['--db-url', ctx.url, '--json', ...extra], {}, cap.io)
  return { code, report: JSON.parse(cap.out()), err: cap.err() }
}

const A = 'create table a (id int primary key);\n'
const B = 'create table b (id int primary key);\n'
const C = 'create table c (id int primary key);\n'

// ---
const verdicts = suite<Ctx>('check-sync verdicts on small projects, checked against the real CLI')
cleanUp(verdicts, { database: true })

verdicts('a project whose history matches its files is clean (exit 0) and the CLI is up to date', async (ctx) => {
  ctx.project = makeProject({ '20250101000000_a.sql': A, '20250102000000_b.sql': B })
  await recordRemote(ctx.url, { '20250101000000_a.sql': A, '20250102000000_b.sql': B })
  const { code, report } = await runJson(ctx)
  assert.is(code, 0)
  assert.is(report.inSync, true)
  assert.equal(report.push, { ok: true, error: null, hint: null, pending: [], pendingWithIncludeAll: [] })
  const cli = await cliPushDryRun(ctx.project.root, ctx.url)
  assert.is(cli.code, 0)
  assert.match(cli.stdout + cli.stderr, 'Remote database is up to date.')
  assert.equal(await cliList(ctx.project.root, ctx.url), [
    { local: '20250101000000', remote: '20250101000000' },
    { local: '20250102000000', remote: '20250102000000' },
  ])
})

verdicts('a database without a history table means every file is pending, as db push says', async (ctx) => {
  ctx.project = makeProject({ '20250101000000_a.sql': A, '20250102000000_b.sql': B })
  const { code, report } = await runJson(ctx)
  assert.is(code, 1)
  assert.is(report.historyTable, false)
  assert.equal(report.localOnly, ['20250101000000', '20250102000000'])
  assert.equal(report.push.pending, ['20250101000000_a.sql', '20250102000000_b.sql'])
  const cli = await cliPushDryRun(ctx.project.root, ctx.url)
  assert.match(cli.stdout + cli.stderr, 'Would push these migrations:\n • 20250101000000_a.sql\n • 20250102000000_b.sql')
})

verdicts('a remote-only version gives the CLI error text and the CLI agrees', async (ctx) => {
  ctx.project = makeProject({ '20250101000000_a.sql': A, '20250103000000_c.sql': C })
  await recordRemote(ctx.url, { '20250101000000_a.sql': A, '20250102000000_b.sql': B })
  const { code, report } = await runJson(ctx)
  assert.is(code, 1)
  assert.equal(report.remoteOnly, ['20250102000000'])
  assert.equal(report.localOnly, ['20250103000000'])
  assert.is(report.push.ok, false)
  assert.is(report.push.error, 'Remote migration versions not found in local migrations directory.')
  assert.match(report.push.hint, 'supabase migration repair --status reverted 20250102000000')
  const cli = await cliPushDryRun(ctx.project.root, ctx.url)
  assert.is.not(cli.code, 0)
  assert.match(cli.stderr, report.push.error)
  assert.match(cli.stderr, 'supabase migration repair --status reverted 20250102000000')
})

verdicts('a local file older than the newest remote version is out of order, with the CLI hint', async (ctx) => {
  ctx.project = makeProject({ '20250101000000_a.sql': A, '20250102000000_b.sql': B, '20250103000000_c.sql': C })
  await recordRemote(ctx.url, { '20250101000000_a.sql': A, '20250103000000_c.sql': C })
  const { report } = await runJson(ctx)
  assert.equal(report.outOfOrder, ['20250102000000'])
  assert.is(report.push.error, 'Found local migration files to be inserted before the last migration on remote database.')
  assert.match(report.push.hint, 'Rerun the command with --include-all flag to apply these migrations:\nsupabase/migrations/20250102000000_b.sql')
  assert.equal(report.push.pendingWithIncludeAll, ['20250102000000_b.sql'])
  const cli = await cliPushDryRun(ctx.project.root, ctx.url)
  assert.match(cli.stderr, report.push.error)
  assert.match(cli.stderr, 'supabase/migrations/20250102000000_b.sql')
})

verdicts('run from a subfolder of the project, the CLI hint still names supabase/migrations/…', async (ctx) => {
  ctx.project = makeProject({ '20250101000000_a.sql': A, '20250102000000_b.sql': B, '20250103000000_c.sql': C })
  await recordRemote(ctx.url, { '20250101000000_a.sql': A, '20250103000000_c.sql': C })
  const sub = join(ctx.project.root, 'apps', 'web')
  mkdirSync(sub, { recursive: true })
  const cap = captureIo(sub)
  assert.is(await main(['--db-url', ctx.url, '--json'], {}, cap.io), 1)
  assert.match(JSON.parse(cap.out()).push.hint, '\nsupabase/migrations/20250102000000_b.sql')
})

verdicts('an edit after apply shows the first differing statement on both sides', async (ctx) => {
  const applied = 'create table a (id int primary key);\ncreate index a_id on a (id);\n'
  ctx.project = makeProject({ '20250101000000_a.sql': 'create table a (id int primary key);\ncreate index if not exists a_id on a (id);\n' })
  await recordRemote(ctx.url, { '20250101000000_a.sql': applied })
  const { code, report } = await runJson(ctx)
  assert.is(code, 1)
  assert.equal(report.edited, [
    {
      version: '20250101000000',
      name: 'a',
      firstDifference: { index: 1, local: 'create index if not exists a_id on a (id)', remote: 'create index a_id on a (id)' },
      appliedTextIn: null,
    },
  ])
})

verdicts('a remote-only version with the statements of a local-only file is a rename', async (ctx) => {
  ctx.project = makeProject({ '20250101000000_a.sql': A, '20250102000009_policies.sql': B })
  await recordRemote(ctx.url, { '20250101000000_a.sql': A, '20250102000001_policies.sql': B })
  const { report } = await runJson(ctx)
  assert.equal(report.renamed, [{ remote: '20250102000001', local: '20250102000009_policies.sql', match: 'statements' }])
})

verdicts('the human report shows the list table and what to run next', async (ctx) => {
  ctx.project = makeProject({ '20250101000000_a.sql': A, '20250102000000_b.sql': B })
  await recordRemote(ctx.url, { '20250101000000_a.sql': A, '20250101120000_x.sql': C })
  const cap = captureIo(ctx.project.root)
  const code = await main(['--db-url', ctx.url], {}, cap.io)
  assert.is(code, 1)
  assert.match(cap.out(), /Local\s+\| Remote\s+\| Time \(UTC\)\s+\| Status/)
  assert.match(cap.out(), /20250101120000 \| 2025-01-01 12:00:00 \| remote only/)
  assert.match(cap.out(), 'supabase migration repair --status reverted 20250101120000')
})

verdicts.run()

// ---
const folderCases = suite<Ctx>('check-sync on awkward folders')
cleanUp(folderCases, { database: false })

const OFFLINE_CASES: { name: string; files: Record<string, string | Uint8Array>; code: number; expect: RegExp }[] = [
  { name: 'an empty folder is reported plainly and is clean', files: {}, code: 0, expect: /0 migration files/ },
  { name: 'an empty file is a finding', files: { '20250101000000_a.sql': '' }, code: 1, expect: /empty: supabase\/migrations\/20250101000000_a\.sql has no SQL/ },
  { name: 'a non-UTF-8 file is a finding naming the line', files: { '20250101000000_a.sql': Buffer.from([0x73, 0x65, 0x6c, 0x0a, 0xff, 0xfe]) }, code: 1, expect: /not valid UTF-8 \(line 2\)/ },
  { name: 'clutter is named with its kind', files: { '20250101000000_a.sql': A, '20250101000000_a.sql.skip': A, 'notes.txt': 'x' }, code: 1, expect: /20250101000000_a\.sql\.skip \(skip\)[\s\S]*notes\.txt \(other\)/ },
  { name: 'two files with one version are a duplicate', files: { '20250101000000_a.sql': A, '20250101000000_b.sql': B }, code: 1, expect: /duplicate version 20250101000000: 20250101000000_a\.sql, 20250101000000_b\.sql/ },
  { name: 'a short version is named as an ordering trap', files: { '20250101_a.sql': A }, code: 1, expect: /not a 14-digit timestamp/ },
]

for (const c of OFFLINE_CASES) {
  folderCases(`--offline: ${c.name}`, async (ctx) => {
    ctx.project = makeProject(c.files)
    const cap = captureIo(ctx.project.root)
    const code = await main(['--offline'], {}, cap.io)
    assert.is(code, c.code, cap.out() + cap.err())
    assert.match(cap.out() + cap.err(), c.expect)
  })
}

folderCases('--offline --json prints one document with every folder finding', async (ctx) => {
  ctx.project = makeProject({ '20250101000000_a.sql': A, 'x.sql.backup': A, '20250102000000_e.sql': '  \n' })
  const cap = captureIo(ctx.project.root)
  assert.is(await main(['--offline', '--json'], {}, cap.io), 1)
  const doc = JSON.parse(cap.out())
  assert.equal(doc.clutter, [{ file: 'x.sql.backup', kind: 'backup' }])
  assert.equal(doc.empty, ['20250102000000_e.sql'])
  assert.match(cap.err(), 'Skipping migration x.sql.backup... (file name must match pattern "<timestamp>_name.sql")')
})

folderCases('under GitHub Actions each finding is also an annotation on its file', async (ctx) => {
  ctx.project = makeProject({ '20250101000000_a.sql': A, '20250101000000_a.sql.skip': A, '20250102000000_b.sql': '' })
  const cap = captureIo(ctx.project.root)
  assert.is(await main(['--offline'], { GITHUB_ACTIONS: 'true' }, cap.io), 1)
  assert.match(cap.out(), '::warning file=supabase/migrations/20250101000000_a.sql.skip::Not a migration file')
  assert.match(cap.out(), '::warning file=supabase/migrations/20250102000000_b.sql::Empty migration file')
})

folderCases.run()

// ---
const errors = suite<Ctx>('check-sync errors: one line, exit 2, no password')
cleanUp(errors, { database: false })

const PASSWORD = 'hunter2-Sup3rSecret'
const ERROR_CASES: { name: string; args: string[]; env?: Record<string, string>; expect: RegExp }[] = [
  { name: 'an unreachable host', args: ['--db-url', `postgresql://postgres:${PASSWORD}@127.0.0.1:1/postgres`], expect: /cannot reach 127\.0\.0\.1:1\/postgres \(ECONNREFUSED\)\. Check --db-url/ },
  { name: 'a database that does not exist', args: ['--db-url', `postgresql://postgres:${PASSWORD}@127.0.0.1:5432/no_such_db_smk`], expect: /database does not exist/ },
  { name: 'a URL that is not a URL', args: ['--db-url', `postgres:${PASSWORD}@nowhere`], expect: /not a connection URL|no host/ },
  { name: 'a URL with another scheme', args: ['--db-url', `mysql://root:${PASSWORD}@127.0.0.1/x`], expect: /unsupported URL scheme "mysql:"/ },
  { name: 'no URL at all', args: [], expect: /no database URL\. Pass --db-url, or set SUPABASE_DB_URL or DATABASE_URL/ },
  { name: 'an unknown flag', args: ['--db-urll', 'x'], expect: /unknown flag --db-urll/ },
  { name: 'a flag without its value', args: ['--db-url'], expect: /--db-url needs a value/ },
  { name: 'the URL from SUPABASE_DB_URL', args: [], env: { SUPABASE_DB_URL: `postgresql://postgres:${PASSWORD}@127.0.0.1:1/postgres` }, expect: /cannot reach 127\.0\.0\.1:1/ },
]

for (const c of ERROR_CASES) {
  errors(`${c.name} exits 2 with one clear line`, async (ctx) => {
    ctx.project = makeProject({ '20250101000000_a.sql': A })
    const cap = captureIo(ctx.project.root)
    const code = await main(c.args, c.env ?? {}, cap.io)
    assert.is(code, 2)
    assert.match(cap.err(), c.expect)
    assert.is(cap.err().trim().split('\n').length, 1, cap.err())
    assert.not.match(cap.out() + cap.err(), PASSWORD)
  })
}

onServer(errors, 'a second role')('a role without access to the history table gets permission denied, exit 2', async (ctx) => {
  ctx.project = makeProject({ '20250101000000_a.sql': A })
  const url = await createTempDatabase()
  const admin = client(url)
  const role = `smk_noaccess_${Date.now()}`
  try {
    await admin`create schema supabase_migrations`
    await admin`create table supabase_migrations.schema_migrations (version text primary key, statements text[], name text)`
    await admin`create role ${admin(role)} login`
    const u = new URL(url)
    u.username = role
    u.password = PASSWORD
    const cap = captureIo(ctx.project.root)
    assert.is(await main(['--db-url', u.toString()], {}, cap.io), 2)
    assert.match(cap.err(), /permission denied/)
    assert.not.match(cap.err(), PASSWORD)
  } finally {
    await admin.end()
    await dropTempDatabase(url)
    const root = client(url.replace(/\/[^/]*$/, '/postgres'))
    await root`drop role if exists ${root(role)}`.catch(() => undefined)
    await root.end()
  }
})

errors('--help lists every flag and the exit codes', async () => {
  for (const flag of flags) assert.match(USAGE, `--${flag}`)
  assert.match(USAGE, 'Exit codes:')
  const cap = captureIo(process.cwd())
  assert.is(await main(['--help'], {}, cap.io), 0)
  assert.is(cap.out(), USAGE)
})

errors('as a subprocess: exit code 2 and a redacted one-line error; stack only with --debug', async (ctx) => {
  ctx.project = makeProject({ '20250101000000_a.sql': A })
  const url = `postgresql://postgres:${PASSWORD}@127.0.0.1:1/postgres`
  const run = await runScript('check-sync', ['--db-url', url], { cwd: ctx.project.root })
  assert.is(run.code, 2, run.stderr)
  assert.match(run.stderr, /^check-sync: cannot reach 127\.0\.0\.1:1\/postgres \((ECONNREFUSED|CONNECT_TIMEOUT)\)/m, run.stderr)
  assert.not.match(run.stderr + run.stdout, PASSWORD)
  const debug = await runScript('check-sync', ['--db-url', url, '--debug'], { cwd: ctx.project.root })
  assert.is(debug.code, 2)
  assert.match(debug.stderr, /\n\s+at /)
  assert.not.match(debug.stderr + debug.stdout, PASSWORD)
})

errors.run()

// ---
const seed = suite<Ctx>('check-sync on the seed fixture (the user report) agrees with the real CLI')
seed.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
  await buildSeedRemote(ctx.url)
})
seed.after.each(async (ctx) => {
  await dropTempDatabase(ctx.url)
})

seed('reports exactly the report’s findings: 5 local only, 1 remote only, 2 out of order, 4 clutter, the edit and the rename', async (ctx) => {
  const cap = captureIo(SEED_ROOT)
  const code = await main(['--db-url', ctx.url, '--json'], {}, cap.io)
  assert.is(code, 1)
  const r = JSON.parse(cap.out())
  assert.is(r.inSync, false)
  assert.equal(r.localOnly, [...SEED_LOCAL_ONLY])
  assert.equal(r.remoteOnly, [SEED_REMOTE_ONLY])
  assert.equal(r.outOfOrder, [...SEED_OUT_OF_ORDER])
  assert.equal(r.clutter.map((c: { file: string }) => c.file).sort(), [...SEED_CLUTTER].sort())
  assert.equal(r.edited.map((e: { version: string }) => e.version), [SEED_EDITED_VERSION])
  // The user's own .backup of that file is exactly what ran: check-sync points at it.
  assert.is(r.edited[0].appliedTextIn, `${SEED_EDITED_VERSION}_fix_function_search_path_security.sql.backup`)
  assert.equal(r.renamed, [{ remote: SEED_REMOTE_ONLY, local: `${SEED_RENAMED_LOCAL}_add_audit_chunks_policies.sql`, match: 'statements' }])
  assert.equal(r.duplicates, [])
  assert.is(r.push.ok, false)
  assert.is(r.push.error, 'Remote migration versions not found in local migrations directory.')
  assert.match(r.push.hint, `supabase migration repair --status reverted ${SEED_REMOTE_ONLY}`)
  for (const file of SEED_CLUTTER) assert.match(cap.err(), `Skipping migration ${file}...`)

  // The oracle: the CLI's own list and push verdict.
  const listed = await cliList(SEED_ROOT, ctx.url)
  assert.equal(listed.filter((row) => !row.remote).map((row) => row.local), r.localOnly)
  assert.equal(listed.filter((row) => !row.local).map((row) => row.remote), r.remoteOnly)
  const cli = await cliPushDryRun(SEED_ROOT, ctx.url)
  assert.is(cli.code, 1)
  assert.match(cli.stderr, r.push.error)
})

seed('after reverting the remote-only row, push reports the out-of-order pair, as the CLI does', async (ctx) => {
  const sql = connect(ctx.url, { app: 'test' })
  await sql`delete from supabase_migrations.schema_migrations where version = ${SEED_REMOTE_ONLY}`
  await sql.end()
  const cap = captureIo(SEED_ROOT)
  await main(['--db-url', ctx.url, '--json'], {}, cap.io)
  const r = JSON.parse(cap.out())
  assert.is(r.push.error, 'Found local migration files to be inserted before the last migration on remote database.')
  const cli = await cliPushDryRun(SEED_ROOT, ctx.url)
  assert.match(cli.stderr, r.push.error)
  for (const v of SEED_OUT_OF_ORDER) {
    assert.match(r.push.hint, `supabase/migrations/${v}_`)
    assert.match(cli.stderr, `supabase/migrations/${v}_`)
  }
})

seed.run()

// ---
const oracle = suite<Ctx>('push verdicts on generated layouts match the real CLI')
cleanUp(oracle, { database: true })

// A small deterministic generator (mulberry32), so a failing layout can be replayed from its seed.
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const POOL = ['20250101000000', '20250102000000', '20250103000000', '20250104000000', '20250105000000', '20250106000000']

const kindsSeen = new Set<string>()

for (const seedValue of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
  oracle(`layout #${seedValue}: same error, versions, files and pending list as supabase db push --dry-run`, async (ctx) => {
    const next = random(seedValue)
    const local = POOL.filter(() => next() < 0.7)
    // Every third layout draws the remote from the whole pool (remote-only versions); the others from the local
    // files, which gives both in-order pushes and out-of-order files.
    const remote = (seedValue % 3 === 0 ? POOL : local).filter(() => next() < 0.6)
    ctx.project = makeProject(Object.fromEntries(local.map((v) => [`${v}_m.sql`, `select ${v.slice(-8)};\n`])))
    await recordRemote(ctx.url, Object.fromEntries(remote.map((v) => [`${v}_m.sql`, `select ${v.slice(-8)};\n`])))
    const { report } = await runJson(ctx)
    kindsSeen.add(report.push.ok ? 'ok' : report.push.error)
    const cli = await cliPushDryRun(ctx.project.root, ctx.url)
    const said = cli.stdout + cli.stderr
    const layout = `local ${local.join(',') || '-'} / remote ${remote.join(',') || '-'}\n${said}`
    if (report.push.ok) {
      assert.is(cli.code, 0, layout)
      const pushed = [...said.matchAll(/ • (\S+\.sql)/g)].map((m) => m[1])
      assert.equal(pushed, report.push.pending, layout)
      if (pushed.length === 0) assert.match(said, 'Remote database is up to date.', layout)
    } else {
      assert.is.not(cli.code, 0, layout)
      assert.match(said, report.push.error, layout)
      const named = report.push.error.startsWith('Remote')
        ? /repair --status reverted ([\d ]+)/.exec(said)?.[1].trim().split(' ')
        : [...said.matchAll(/supabase\/migrations\/(\S+\.sql)/g)].map((m) => m[1])
      const ours = report.push.error.startsWith('Remote')
        ? /repair --status reverted ([\d ]+)/.exec(report.push.hint)?.[1].trim().split(' ')
        : [...report.push.hint.matchAll(/supabase\/migrations\/(\S+\.sql)/g)].map((m) => m[1])
      assert.equal(named, ours, layout)
    }
  })
}

oracle('the generated layouts covered all three verdicts', () => {
  assert.equal([...kindsSeen].sort(), ['Found local migration files to be inserted before the last migration on remote database.', 'Remote migration versions not found in local migrations directory.', 'ok'])
})

oracle.run()

// ---
const pendingOnly = suite<Ctx>('check-sync with only pending files left says to run supabase db push')
cleanUp(pendingOnly, { database: true })

pendingOnly('files db push would simply apply get the db push verdict, exit 1, and exit 0 with --allow-pending', async (ctx) => {
  ctx.project = makeProject({ '20250101000000_a.sql': A, '20250102000000_b.sql': B, '20250103000000_c.sql': C })
  await recordRemote(ctx.url, { '20250101000000_a.sql': A })
  const cli = await cliPushDryRun(ctx.project.root, ctx.url)
  assert.is(cli.code, 0, cli.stderr)
  assert.match(cli.stdout + cli.stderr, '20250102000000_b.sql')
  const cap = captureIo(ctx.project.root)
  assert.is(await main(['--db-url', ctx.url], {}, cap.io), 1)
  const lines = cap.out().split('\n')
  assert.is(lines.at(-1), 'Pending only: 2 local file(s) not applied yet, nothing to fix. Apply them: supabase db push --db-url "$SUPABASE_DB_URL"')
  assert.not.match(cap.out(), 'Findings')
  assert.not.match(cap.out(), 'Fix the findings')
  assert.is(await main(['--db-url', ctx.url, '--allow-pending'], {}, captureIo(ctx.project.root).io), 0)
})

pendingOnly('a pending file next to a real finding keeps the out-of-sync verdict, also with --allow-pending', async (ctx) => {
  ctx.project = makeProject({ '20250101000000_a.sql': A, '20250103000000_c.sql': C })
  await recordRemote(ctx.url, { '20250101000000_a.sql': A, '20250102000000_b.sql': B })
  const cap = captureIo(ctx.project.root)
  assert.is(await main(['--db-url', ctx.url, '--allow-pending'], {}, cap.io), 1)
  assert.match(cap.out(), 'Out of sync: 1 local only, 1 remote only, 0 edited, 0 clutter.')
})

pendingOnly('--allow-pending needs the database', async (ctx) => {
  ctx.project = makeProject({})
  const cap = captureIo(ctx.project.root)
  assert.is(await main(['--offline', '--allow-pending'], {}, cap.io), 2)
  assert.is(cap.err(), 'check-sync: --allow-pending needs the database (it excludes --offline). See --help.')
})
pendingOnly.run()

// ---
const committed = suite<Ctx>('check-sync --commit reads the folder as a commit has it, not the work tree')
cleanUp(committed, { database: false })

committed('a file deleted on disk but committed counts, an untracked one does not, and a bad revision is refused', async (ctx) => {
  ctx.project = makeProject({ '20250101000000_a.sql': A, '20250101000000_a.sql.backup': A })
  const git = (args: string[]) => $({ cwd: ctx.project!.root, quiet: true })`git -c user.email=t@t.invalid -c user.name=t ${args}`
  await git(['init', '-q'])
  await git(['add', '-A'])
  await git(['commit', '-q', '-m', 'clutter'])
  rmSync(join(ctx.project.migrations, '20250101000000_a.sql.backup'))
  writeFileSync(join(ctx.project.migrations, 'notes.sql.bak'), A)
  const cap = captureIo(ctx.project.root)
  assert.is(await main(['--offline', '--commit', 'HEAD', '--json'], {}, cap.io), 1)
  const report = JSON.parse(cap.out())
  assert.equal(report.clutter, [{ file: '20250101000000_a.sql.backup', kind: 'backup' }])
  const disk = captureIo(ctx.project.root)
  assert.is(await main(['--offline', '--json'], {}, disk.io), 1)
  assert.equal(JSON.parse(disk.out()).clutter, [{ file: 'notes.sql.bak', kind: 'backup' }])
  const bad = captureIo(ctx.project.root)
  assert.is(await main(['--offline', '--commit', 'no-such-branch'], {}, bad.io), 2)
  assert.is(bad.err(), 'check-sync: no commit no-such-branch in this repository. Pass a commit, branch or tag that git rev-parse knows.')
})
committed.run()
