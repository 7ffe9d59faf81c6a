import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { formatVersion, nextVersion, versionDate } from '../../../lib/cli/version.ts'
import { supabaseBin } from '../../helpers/cli.ts'
import { makeProject } from '../../helpers/project.ts'


const next = suite('nextVersion is the CLI format, UTC, and strictly newer than both sides')

const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5))
const CASES: { name: string; local: string[]; remote: string[]; expect: string }[] = [
  { name: 'the current UTC second when both sides are older', local: ['20251213160000'], remote: ['20251214100000'], expect: '20260102030405' },
  { name: 'the current UTC second with no versions at all', local: [], remote: [], expect: '20260102030405' },
  { name: 'one second after a local version stamped in the future', local: ['20270101000000'], remote: [], expect: '20270101000001' },
  { name: 'one second after a remote version stamped in the future, across a minute', local: [], remote: ['20270101000059'], expect: '20270101000100' },
  { name: 'one second after a version equal to now (two files in one second)', local: ['20260102030405'], remote: [], expect: '20260102030406' },
  { name: 'one second after the end of a year', local: ['20271231235959'], remote: ['20250101000000'], expect: '20280101000000' },
  { name: 'counting past a newest version that is no real time', local: ['20271399000000'], remote: [], expect: '20271399000001' },
  { name: 'numeric, not text order: a short version is older', local: ['9'], remote: ['20251213160000'], expect: '20260102030405' },
]
for (const c of CASES) next(c.name, () => assert.is(nextVersion(c.local, c.remote, NOW), c.expect))

next('versionDate reads back what formatVersion writes and refuses impossible dates', () => {
  assert.is(versionDate(formatVersion(NOW))?.getTime(), NOW.getTime())
  assert.is(versionDate('20250230000000'), undefined)
  assert.is(versionDate('2025'), undefined)
})

next('formatVersion stamps the same second the real `supabase migration new` stamps', async () => {
  const SUPABASE = await supabaseBin()
  const p = makeProject({})
  try {
    const before = formatVersion(new Date())
    // stdin closed: piped stdin would become the file's content (and an open pipe keeps the CLI waiting).
    execFileSync(SUPABASE, ['migration', 'new', 'probe'], { cwd: p.root, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 })
    const after = formatVersion(new Date())
    const [file] = readdirSync(p.migrations)
    const version = file.replace(/_probe\.sql$/, '')
    assert.ok(before <= version && version <= after, `${before} <= ${version} <= ${after}`)
  } finally {
    p.remove()
  }
})

next.run()
