// The difference between two catalog snapshots, as plain data and as one sentence per item a person understands:
// `policy "Users can read own audit chunks" on public.audit_results_chunks: USING differs`.
import { itemKey, type Catalog, type CatalogItem, type CatalogKind } from './model.ts'

export type PropChange = { prop: string; before?: string; after?: string }
export type CatalogChange =
  | { change: 'added'; key: string; kind: CatalogKind; item: CatalogItem }
  | { change: 'removed'; key: string; kind: CatalogKind; item: CatalogItem }
  | { change: 'changed'; key: string; kind: CatalogKind; props: PropChange[] }

// Changes that take `before` to `after`. An added or removed item whose parent (its table, its publication) is added
// or removed too is folded into the parent: a new table is one line, not one per column, index and grant.
export function diffCatalogs(before: Catalog, after: Catalog): CatalogChange[] {
  const a = new Map(before.items.map((i) => [itemKey(i), i]))
  const b = new Map(after.items.map((i) => [itemKey(i), i]))
  const changes: CatalogChange[] = []
  for (const [key, item] of b) {
    if (!a.has(key)) {
      if (!(item.parent && b.has(item.parent) && !a.has(item.parent))) changes.push({ change: 'added', key, kind: item.kind, item })
    }
  }
  for (const [key, item] of a) {
    if (!b.has(key)) {
      if (!(item.parent && a.has(item.parent) && !b.has(item.parent))) changes.push({ change: 'removed', key, kind: item.kind, item })
      continue
    }
    const props = diffProps(item.props, b.get(key)!.props)
    if (props.length) changes.push({ change: 'changed', key, kind: item.kind, props })
  }
  return changes.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
}

function diffProps(before: Record<string, string>, after: Record<string, string>): PropChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
  return names.filter((n) => before[n] !== after[n]).map((prop) => ({ prop, before: before[prop], after: after[prop] }))
}

// How the two sides are called in a sentence: a plain diff says added/removed; drift says where the item exists.
export type Wording = { added: string; removed: string }
const PLAIN: Wording = { added: 'added', removed: 'removed' }

export function describeChange(c: CatalogChange, wording: Wording = PLAIN): string {
  if (c.change === 'added') return `${c.key}: ${wording.added}`
  if (c.change === 'removed') return `${c.key}: ${wording.removed}`
  return describeProps(c.key, c.props)
}

// One item whose properties differ: `function public.f(): settings: search_path="" → search_path=public`.
export const describeProps = (key: string, props: readonly PropChange[]) => `${key}: ${props.map(describeProp).join('; ')}`

// Privilege and role lists read better as what was added and removed than as two long lists.
const SET_PROPS = new Set(['granted', 'roles'])

// Short single-line values are shown (`volatility: volatile → stable`); bodies and expressions just "differ".
function describeProp(p: PropChange): string {
  if (SET_PROPS.has(p.prop) && p.before !== undefined && p.after !== undefined) {
    const split = (v: string) => v.split(/[,;] /)
    const [before, after] = [split(p.before), split(p.after)]
    const added = after.filter((x) => !before.includes(x)).map((x) => `+${x}`)
    const removed = before.filter((x) => !after.includes(x)).map((x) => `-${x}`)
    if (added.length + removed.length > 0) return `${p.prop}: ${[...removed, ...added].join(', ')}`
  }
  const short = (v?: string) => v === undefined || (v.length <= 40 && !v.includes('\n'))
  if (p.before === undefined) return short(p.after) ? `${p.prop} set to ${p.after}` : `${p.prop} added`
  if (p.after === undefined) return short(p.before) ? `${p.prop} ${p.before} removed` : `${p.prop} removed`
  if (short(p.before) && short(p.after)) return `${p.prop}: ${p.before} → ${p.after}`
  return `${p.prop} differs`
}

// --ignore patterns match the whole key ("column public.repos.*", "*audit_events*"); * is any run of characters.
export function ignoreMatcher(patterns: readonly string[]): (key: string) => boolean {
  const res = patterns.map((p) => new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`))
  return (key) => res.some((re) => re.test(key))
}

const escapeRegExp = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
