// The next-step hints name the kit's scripts where they really are, seen from the folder the user runs in: a kit
// copied under tools/migration-kit/ (as README "Copy the kit into your repository" does), run from the repository
// root and from a monorepo's project folder. Each hint is then run as printed, which must work.
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { $ } from 'zx'
import { createHistoryTable, insertHistoryRow } from '../../../lib/cli/history.ts'
import { connect } from '../../../lib/db/connect.ts'
import { kitCommand } from '../../../lib/run/kit-command.ts'
import { createTempDatabase, dropTempDatabase } from '../../helpers/db.ts'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
// uvu's CLI sets FORCE_COLOR under CI; Node would warn about it next to NO_COLOR in the script's stderr.
const { FORCE_COLOR: _dropped, SUPABASE_DB_URL: _url, DATABASE_URL: _url2, ...inherited } = process.env

type Ctx = { repo: string; url: string }

// A repository holding the kit under tools/migration-kit/ (scripts/, lib/ and its small package.json), node_modules
// at the top, and a Supabase project in `project` ('.' for the top).
function copiedKit(project: string): string {
  const repo = mkdtempSync(join(tmpdir(), 'smk-kit-command-'))
  const kit = join(repo, 'tools', 'migration-kit')
  for (const p of ['scripts', 'lib']) cpSync(join(ROOT, p), join(kit, p), { recursive: true })
  writeFileSync(join(kit, 'package.json'), '{ "type": "module" }\n')
  symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'))
  mkdirSync(join(repo, project, 'supabase', 'migrations'), { recursive: true })
  writeFileSync(join(repo, project, 'supabase', 'config.toml'), 'project_id = "kit-command"\n')
  writeFileSync(join(repo, project, 'supabase', 'migrations', '20250102000000_local.sql'), 'select 1;\n')
  return repo
}

// The command line exactly as a user types it, in `cwd`.
const sh = (cwd: string, command: string, url: string) =>
  $({ cwd, nothrow: true, quiet: true, env: { ...inherited, NO_COLOR: '1', SUPABASE_DB_URL: url } })`sh -c ${command}`

const hint = suite<Ctx>('copied kit: the hints name tools/migration-kit/scripts/…, relative to where the user is')
// One database for the suite (check-sync only reads it): a remote-only row, so check-sync is out of sync and says
// to run it again once fixed.
hint.before(async (ctx) => {
  ctx.url = await createTempDatabase()
  const sql = connect(ctx.url, { app: 'kit-command-test', onNotice: () => {} })
  try {
    await createHistoryTable(sql)
    await insertHistoryRow(sql, { version: '20250101000000', name: 'remote', statements: ['select 1'] })
  } finally {
    await sql.end({ timeout: 5 })
  }
})
hint.after.each((ctx) => {
  if (ctx.repo) rmSync(ctx.repo, { recursive: true, force: true })
})
hint.after(async (ctx) => {
  await dropTempDatabase(ctx.url)
})

const CASES = [
  { name: 'run from the repository root', project: '.', run: 'tools/migration-kit/scripts/check-sync.ts' },
  { name: 'run from a monorepo project folder (apps/db/)', project: 'apps/db', run: '../../tools/migration-kit/scripts/check-sync.ts' },
]
for (const c of CASES) {
  hint(`check-sync ${c.name} says "npx tsx ${c.run}", and that command runs`, async (ctx) => {
    ctx.repo = copiedKit(c.project)
    const cwd = join(ctx.repo, c.project)
    const first = await sh(cwd, `npx tsx ${c.run}`, ctx.url)
    assert.is(first.exitCode, 1, first.stderr)
    const said = first.stdout.match(/Fix the findings, then run (.*) again\.$/m)
    assert.ok(said, first.stdout)
    assert.is(said![1], `npx tsx ${c.run}`)
    // The hint as printed, from the same folder: the same verdict (so it found the same script and project).
    const again = await sh(cwd, said![1], ctx.url)
    assert.is(again.exitCode, 1, again.stderr)
    assert.is(again.stdout, first.stdout)
  })
}

for (const c of CASES) {
  // Through the one-line fatal error, whose sentence ends must not eat the path's dots.
  hint(`new-migration without a name, ${c.name}, names its copied path`, async (ctx) => {
    ctx.repo = copiedKit(c.project)
    const script = c.run.replace('check-sync', 'new-migration')
    const r = await sh(join(ctx.repo, c.project), `npx tsx ${script} --offline`, ctx.url)
    assert.is(r.exitCode, 2)
    assert.is(r.stderr.trim(), `new-migration: no migration name given. Run npx tsx ${script} <name>.`)
  })
}

hint('in this checkout, from its root, it is the plain scripts/ path', () => {
  assert.is(kitCommand(ROOT, 'check-sync'), 'npx tsx scripts/check-sync.ts')
  assert.is(kitCommand(join(ROOT, 'scripts'), 'doctor'), 'npx tsx doctor.ts')
})

hint.run()
