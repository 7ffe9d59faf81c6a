import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { MigrationFile } from '../../../lib/cli/folder.ts'
import { ERR_MISSING_LOCAL, ERR_MISSING_REMOTE, listRows, planPush, versionTime } from '../../../lib/cli/plan.ts'

const f = (file: string): MigrationFile => {
  const [, version, name] = /^(\d+)_(.*)\.sql$/.exec(file)!
  return { file, path: `/x/${file}`, version, name }
}
const files = (...names: string[]) => names.map(f)
const v = (n: number) => `2022120100000${n}`
const local = (...ns: number[]) => files(...ns.map((n) => `${v(n)}_test.sql`))

const push = suite('planPush matches the CLI (pkg/migration/apply_test.go vectors and more)')

push('local 00..03 with remote 00, 01 → pending 02 and 03', () => {
  const r = planPush(local(0, 1, 2, 3), [v(0), v(1)])
  assert.ok(r.ok)
  assert.equal(r.ok && r.pending.map((x) => x.version), [v(2), v(3)])
})

push('local empty with remote 0 → missing local [0]', () => {
  const r = planPush([], ['0'])
  assert.is(r.ok, false)
  assert.is(!r.ok && r.error, ERR_MISSING_LOCAL)
  assert.equal(!r.ok && r.kind === 'missingLocal' && r.versions, ['0'])
})

push('local 0_test, 1_test with remote 1 → missing remote [0_test.sql]', () => {
  const r = planPush(files('0_test.sql', '1_test.sql'), ['1'])
  assert.is(!r.ok && r.error, ERR_MISSING_REMOTE)
  assert.equal(!r.ok && r.kind === 'missingRemote' && r.files.map((x) => x.file), ['0_test.sql'])
})

push('local 00..04 with remote 02, 04 → missing remote 00, 01, 03; --include-all applies them', () => {
  const r = planPush(local(0, 1, 2, 3, 4), [v(2), v(4)])
  assert.equal(!r.ok && r.kind === 'missingRemote' && r.files.map((x) => x.version), [v(0), v(1), v(3)])
  assert.equal(r.pendingWithIncludeAll.map((x) => x.version), [v(0), v(1), v(3)])
})

push('local 00, 02 with remote 00..04 → missing local 01, 03, 04 (missing wins over unapplied)', () => {
  const r = planPush(local(0, 2), [v(0), v(1), v(2), v(3), v(4)])
  assert.equal(!r.ok && r.kind === 'missingLocal' && r.versions, [v(1), v(3), v(4)])
  assert.equal(r.pendingWithIncludeAll, [])
})

push('the missing-local hint has one space-joined repair line and the db pull advice', () => {
  const r = planPush([], ['20240101000000', '20240102000000'])
  assert.is(
    !r.ok && r.hint,
    '\nMake sure your local git repo is up-to-date. If the error persists, try repairing the migration history table:\nsupabase migration repair --status reverted 20240101000000 20240102000000\n\nAnd update local migrations to match remote database:\nsupabase db pull',
  )
})

push('versions of different lengths compare byte-wise, as the CLI does (the PR #6038 flaw)', () => {
  // "10" < "1_"-ordering: filenames sort 10_b.sql before 1_a.sql; remote ORDER BY gives 1, 10.
  const r = planPush(files('10_b.sql', '1_a.sql'), ['1', '10'])
  assert.is(!r.ok && r.kind, 'missingLocal')
})

push.run()

// ---
const list = suite('migration list rows and time column')

list('merges numerically and leaves out non-numeric versions', () => {
  assert.equal(listRows(files('20220727064246_a.sql', '20220727064247_b.sql'), ['20220727064246', '20220727064248', 'abc']), [
    { local: '20220727064246', remote: '20220727064246', time: '2022-07-27 06:42:46' },
    { local: '20220727064247', remote: '', time: '2022-07-27 06:42:47' },
    { local: '', remote: '20220727064248', time: '2022-07-27 06:42:48' },
  ])
})

list('a version that is not a valid timestamp is shown raw', () => {
  assert.is(versionTime('0'), '0')
  assert.is(versionTime('20221301000000'), '20221301000000')
  assert.is(versionTime('20251213004929'), '2025-12-13 00:49:29')
})

list.run()
