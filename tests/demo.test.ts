import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { $ } from 'zx'
import { FLAGS, USAGE } from '../scripts/demo.ts'
import { flagNames } from '../lib/run/script.ts'

const KIT = fileURLToPath(new URL('..', import.meta.url))

// ---
const demo = suite('npm run demo: the whole rescue with no server and no configuration')

demo('rescues the example project on the embedded database alone, prints the figures, and leaves nothing behind', async () => {
  // A newcomer's shell: no database URL of any kind, and a temporary folder of its own to see what is left in it.
  const { FORCE_COLOR: _c, SUPABASE_DB_URL: _s, DATABASE_URL: _d, SHADOW_DATABASE_URL: _h, TEST_DATABASE_URL: _t, TEST_ENGINE: _e, ...inherited } = process.env
  const tmp = mkdtempSync(join(tmpdir(), 'smk-demo-test-'))
  try {
    const run = await $({ cwd: KIT, nothrow: true, quiet: true, input: '', env: { ...inherited, NO_COLOR: '1', TMPDIR: tmp } })`npx tsx scripts/demo.ts`
    const out = run.stdout
    assert.is(run.exitCode, 0, `${out}\n${run.stderr}`)
    const lines = out.split('\n').map((l) => l.trim())
    for (const line of [
      '45 migrations pushed through 20251213160000, then half-applied.sql, hand-edits.sql, data.sql run by hand with no history row',
      'copied 49 migration files into a temporary folder; SUPABASE_DB_URL points at the embedded database',
      'classification: 1 applied, 2 partial, 2 pending, 1 broken',
      'plan: 7 steps',
      'In sync.',
      'supabase db push: Remote database is up to date.',
      'history: 4 rows; folder: 4 files, 0 clutter; the same versions',
      '4 of 4 files applied twice on a fresh embedded database: 0 failed on the second run',
    ]) assert.ok(lines.includes(line), `missing line: ${line}\n${out}`)
    assert.match(out, /\n {4}20251214100000_add_owner_repo_to_repos\.sql +\| partial\n/)
    assert.match(out, /Done\. The history holds 1 row\(s\)/)
    // Known and said: the baseline's guarded policy (DROP … IF EXISTS, CREATE) re-run puts back the form a kept file
    // replaces later; the kept file's own re-run restores it.
    assert.match(out, /\n {4}note: \d{14}_baseline\.sql runs twice without an error, but its second run puts back policy "Users can read own reports" on storage\.objects as it was before a later file changed it/)
    assert.match(out, /\nRescued in \d+\.\d s: in sync, every file runs twice\./)
    // The temporary folder (project copy, backups) is gone; only tsx's own compile cache may stay.
    assert.equal(readdirSync(tmp).filter((name) => !name.startsWith('tsx-')), [])
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
})

demo('every flag is in USAGE, and an unknown one is a usage error', async () => {
  for (const flag of flagNames(FLAGS)) assert.match(USAGE, `--${flag}`)
  const { main } = await import('../scripts/demo.ts')
  const err: string[] = []
  const code = await main(['--nope'], {}, { out: () => {}, err: (t) => err.push(t), cwd: KIT, stdoutIsTTY: false })
  assert.is(code, 2)
  assert.match(err.join('\n'), /--nope/)
})

demo.run()
