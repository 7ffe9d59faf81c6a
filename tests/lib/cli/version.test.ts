import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { nextVersion } from '../../../lib/cli/version.ts'

const version = suite('nextVersion: a new migration version newer than both sides')

const NOW = new Date('2026-01-02T03:04:05.678Z')
const CASES = [
  { name: 'the current UTC second when both sides are older', local: ['20251213004931'], remote: ['20251213160000'], expect: '20260102030405' },
  { name: 'one second past the newest remote version when the clock is behind', local: [], remote: ['20260102030405'], expect: '20260102030406' },
  { name: 'one second past the newest local version, across a minute, hour and day', local: ['20260102235959'], remote: [], expect: '20260103000000' },
  { name: 'the current second when there are no versions at all', local: [], remote: [], expect: '20260102030405' },
  { name: 'versions that are not 14 digits are ignored, as the CLI skips such files', local: ['99999999999999999', 'abc'], remote: [], expect: '20260102030405' },
  { name: 'the next integer past a newest version that is not a date', local: ['20271399999999'], remote: [], expect: '20271400000000' },
]
for (const c of CASES) version(c.name, () => assert.is(nextVersion(c.local, c.remote, NOW), c.expect))

version.run()
