import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { type Catalog, type CatalogItem } from '../../../lib/catalog/model.ts'
import { compareDrift, driftCount, type FileReplay } from '../../../lib/checks/drift.ts'

const item = (kind: CatalogItem['kind'], name: string, props: Record<string, string> = {}, parent?: string): CatalogItem =>
  parent ? { kind, name, props, parent } : { kind, name, props }
const cat = (...items: CatalogItem[]): Catalog => ({ major: 15, items })

const A = '20250101000000_a.sql'
const B = '20250102000000_b.sql'
const table = item('table', 'public.t')
const col = item('column', 'public.t.x', { type: 'integer' }, 'table public.t')
const other = item('table', 'public.u')
const otherCol = item('column', 'public.u.y', { type: 'text' }, 'table public.u')
const idx = item('index', 'public.t_x', { definition: 'CREATE INDEX t_x ON public.t USING btree (x)' }, 'table public.t')

// Files A (applied on the remote: in its history) and B (not in the history) as a shadow replay saw them.
const replayed = (...extra: CatalogItem[]): FileReplay => ({
  catalog: cat(table, col, other, otherCol, idx, ...extra),
  producedBy: { 'table public.t': A, 'column public.t.x': A, 'table public.u': B, 'column public.u.y': B, 'index public.t_x': B },
  createdBy: { 'table public.t': A, 'column public.t.x': A, 'table public.u': B, 'column public.u.y': B, 'index public.t_x': B },
  failures: [],
  applied: [A, B],
})

// ---
const drift = suite('drift decisions on plain catalogs')

drift('a file without a history row and none of its objects on the remote is pending, not drift', () => {
  const r = compareDrift(replayed(), cat(table, col), ['20250101000000'])
  assert.equal(r.pending, [B])
  assert.is(driftCount(r), 0)
})

drift('a file without a history row whose objects are partly there is half-applied; a missing table is one entry', () => {
  const r = compareDrift(replayed(), cat(table, col, idx), ['20250101000000'])
  assert.equal(r.halfApplied, [{ file: B, present: ['index public.t_x'], different: [], missing: ['table public.u'] }])
  assert.equal(r.pending, [])
})

drift('what only the remote has is a hand edit; what an applied file made and the remote lacks is missing', () => {
  const hand = item('column', 'public.t.by_hand', { type: 'text' }, 'table public.t')
  const r = compareDrift(replayed(), cat(table, hand), ['20250101000000', '20250102000000'])
  assert.equal(r.remoteOnly, [{ key: 'column public.t.by_hand' }])
  assert.equal(r.missingOnRemote.map((i) => [i.key, i.file]), [['column public.t.x', A], ['index public.t_x', B], ['table public.u', B]])
})

drift('a differing object names the file that last made it, and --ignore patterns drop it', () => {
  const changed = item('column', 'public.t.x', { type: 'bigint' }, 'table public.t')
  const r = compareDrift(replayed(), cat(table, changed, other, otherCol, idx), ['20250101000000', '20250102000000'])
  assert.equal(r.differs, [{ key: 'column public.t.x', file: A, props: [{ prop: 'type', before: 'integer', after: 'bigint' }] }])
  const quiet = compareDrift(replayed(), cat(table, changed, other, otherCol, idx), ['20250101000000', '20250102000000'], ['column public.t.*'])
  assert.is(driftCount(quiet), 0)
  assert.is(quiet.ignored, 1)
})
drift('objects the platform shim made are the platform\'s: absent or different on the remote is not drift and names no file', () => {
  const acl = item('privileges', 'schema public', { anon: 'U' })
  const pub = item('publication', 'supabase_realtime', { publish: 'insert, update, delete, truncate' })
  const files: FileReplay = { ...replayed(acl, pub), platform: ['privileges schema public', 'publication supabase_realtime'] }
  const r = compareDrift(files, cat(table, col, other, otherCol, idx, item('privileges', 'schema public', { anon: 'UC' })), ['20250101000000', '20250102000000'])
  assert.equal(r.platform, ['privileges schema public', 'publication supabase_realtime'])
  assert.equal([r.remoteOnly, r.missingOnRemote, r.differs], [[], [], []])
  assert.is(driftCount(r), 0)
})

drift('a platform object a file changed is that file\'s again', () => {
  const acl = item('privileges', 'schema public', { anon: 'U' })
  const files: FileReplay = { ...replayed(acl), platform: ['privileges schema public'] }
  files.producedBy = { ...files.producedBy, 'privileges schema public': A }
  const r = compareDrift(files, cat(table, col, other, otherCol, idx), ['20250101000000', '20250102000000'])
  assert.equal(r.missingOnRemote, [{ key: 'privileges schema public', file: A }])
  assert.equal(r.platform, [])
})

drift.run()
