import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { flagNames } from '../lib/run/script.ts'
import * as baseline from '../scripts/dump-baseline.ts'
import * as drift from '../scripts/check-drift.ts'
import * as idempotent from '../scripts/check-idempotent.ts'
import * as sync from '../scripts/check-sync.ts'
import * as doctor from '../scripts/doctor.ts'
import * as newMigration from '../scripts/new-migration.ts'
import * as reset from '../scripts/reset-history.ts'

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const docs = suite('README documents every script and flag (the docs cannot drift from the code)')

const SCRIPTS = { 'check-sync': sync, 'check-idempotent': idempotent, 'check-drift': drift, 'dump-baseline': baseline, doctor, 'reset-history': reset, 'new-migration': newMigration }
for (const [name, script] of Object.entries(SCRIPTS)) {
  docs(`${name}: its usage line and every flag are in the README, and in its USAGE`, () => {
    assert.match(README, `### \`scripts/${name}.ts\``)
    for (const flag of flagNames(script.FLAGS)) {
      assert.match(README, `--${flag}`, `README lacks --${flag} of ${name}`)
      assert.match(script.USAGE, `--${flag}`, `USAGE of ${name} lacks --${flag}`)
    }
    assert.match(script.USAGE, 'Exit codes:')
  })
}

docs('the module map names every lib module, and only those', () => {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : []
    })
  const LIB = fileURLToPath(new URL('../lib/', import.meta.url))
  const onDisk = walk(LIB).map((p) => relative(LIB, p).replace(/\.ts$/, '')).sort()
  const map = README.slice(README.indexOf('| module | owns |'))
  const named = [...map.matchAll(/`([a-z-]+\/[a-z/-]+)`/g)].map((m) => m[1])
  // `sql/rules/` names the folder of rules; each rule file is listed under check-idempotent.
  const covered = (module: string) => named.includes(module) || named.some((n) => n.endsWith('/') && module.startsWith(n))
  assert.equal(onDisk.filter((m) => !covered(m)), [])
  assert.equal(named.filter((n) => !n.endsWith('/') && !onDisk.includes(n)), [])
})

docs('the test command CI runs is the one the README gives', () => {
  const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8')
  assert.match(README, 'npm test')
  assert.match(ci, 'npm test')
})

docs.run()
