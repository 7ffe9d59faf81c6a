// examples/github-workflow.yml runs only commands that exist: real scripts, real flags, and the SARIF upload.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { YAML } from 'zx'
import { flagNames } from '../lib/run/script.ts'
import * as drift from '../scripts/check-drift.ts'
import * as idempotent from '../scripts/check-idempotent.ts'
import * as sync from '../scripts/check-sync.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FLAGS: Record<string, string[]> = { 'check-sync': flagNames(sync.FLAGS), 'check-idempotent': flagNames(idempotent.FLAGS), 'check-drift': flagNames(drift.FLAGS) }

type Step = { name?: string; uses?: string; run?: string; with?: Record<string, unknown> }
const workflow = YAML.parse(readFileSync(`${ROOT}examples/github-workflow.yml`, 'utf8')) as { jobs: Record<string, { env?: Record<string, string>; steps: Step[] }> }
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps)
const kitRuns = steps.flatMap((s) => [...(s.run ?? '').matchAll(/npx tsx "\$KIT\/scripts\/([a-z-]+)\.ts"([^>\n]*)/g)].map((m) => ({ script: m[1], flags: [...m[2].matchAll(/--([a-z-]+)/g)].map((f) => f[1]) })))

const wf = suite('examples/github-workflow.yml')

wf('every kit command names a script that exists, with flags that script knows', () => {
  assert.ok(kitRuns.length >= 4, `${kitRuns.length} kit commands`)
  for (const run of kitRuns) {
    assert.ok(existsSync(`${ROOT}scripts/${run.script}.ts`), run.script)
    for (const flag of run.flags) assert.ok(FLAGS[run.script].includes(flag), `${run.script} has no --${flag}`)
  }
})

wf('check-idempotent writes SARIF that upload-sarif sends, and check-sync runs offline and, with the secret, online', () => {
  const sarif = steps.find((s) => /check-idempotent\.ts".*--sarif > (\S+)/.test(s.run ?? ''))!
  const file = /--sarif > (\S+)/.exec(sarif.run!)![1]
  const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!
  assert.is(upload.with?.sarif_file, file)
  assert.equal(kitRuns.filter((r) => r.script === 'check-sync').map((r) => r.flags), [['dir', 'offline'], ['dir', 'allow-pending']])
  const online = steps.find((s) => /check-sync\.ts"[^\n]*--allow-pending/.test(s.run ?? ''))! as Step & { if?: string }
  assert.match(online.if ?? '', "env.SUPABASE_DB_URL != ''")
  assert.is(Object.values(workflow.jobs)[0].env?.SUPABASE_DB_URL, '${{ secrets.SUPABASE_DB_URL }}')
})

wf.run()
