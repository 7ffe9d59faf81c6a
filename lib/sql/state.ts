// The objects that exist, as the re-run simulation sees them: object keys (effects.ts) mapped to the key of the
// object they hang off, and how each effect changes that set. idempotency.ts replays one file on it, chain.ts the
// whole folder.
import type { Effect } from './effects.ts'
import { PLACEHOLDER } from './plpgsql.ts'

// What the simulation uses of a Map (a Map is one).
export type State = {
  has(key: string): boolean
  get(key: string): string | undefined
  set(key: string, parent: string | undefined): unknown
  delete(key: string): boolean
  clear(): void
  keys(): Iterable<string>
  [Symbol.iterator](): Iterator<[string, string | undefined]>
  // The keys that hang off `parent`, when the state can tell without a scan of every key.
  childrenOf?(parent: string): string[]
}

// `map` itself, written through, with its keys by parent kept up to date: a DROP then visits what hangs off the
// dropped object, not every key (chain.ts simulates the whole folder on one state).
export function indexed(map: Map<string, string | undefined>): State {
  const kids = new Map<string, Set<string>>()
  const unlink = (k: string) => {
    const parent = map.get(k)
    if (parent) kids.get(parent)?.delete(k)
  }
  for (const [k, parent] of map) if (parent) link(kids, parent, k)
  const state: State = {
    has: (k) => map.has(k),
    get: (k) => map.get(k),
    set: (k, v) => {
      unlink(k)
      if (v) link(kids, v, k)
      map.set(k, v)
      return state
    },
    delete: (k) => {
      unlink(k)
      return map.delete(k)
    },
    clear: () => {
      kids.clear()
      map.clear()
    },
    keys: () => map.keys(),
    [Symbol.iterator]: () => map[Symbol.iterator](),
    childrenOf: (parent) => [...(kids.get(parent) ?? [])],
  }
  return state
}

function link(kids: Map<string, Set<string>>, parent: string, k: string) {
  const set = kids.get(parent)
  if (set) set.add(k)
  else kids.set(parent, new Set([k]))
}

// Each base's keys by parent, made once for all the copies of it.
const childIndexes = new WeakMap<ReadonlyMap<string, string | undefined>, Map<string, string[]>>()
function childIndex(base: ReadonlyMap<string, string | undefined>): Map<string, string[]> {
  let index = childIndexes.get(base)
  if (!index) {
    index = new Map()
    for (const [k, parent] of base) {
      if (!parent) continue
      const children = index.get(parent)
      if (children) children.push(k)
      else index.set(parent, [k])
    }
    childIndexes.set(base, index)
  }
  return index
}

// `new Map(base)` without the copy: the changes are kept beside `base`, which is never written to. chain.ts checks
// every file against the folder's end state; copying that state (6,000 keys for 1,000 files) once per file was the
// largest cost of the static check. Iterates in the order the copy would after the same changes. `base` must not
// change while a copy is in use.
export function copyOnWrite(base: ReadonlyMap<string, string | undefined>): State {
  let from = base
  const hidden = new Set<string>() // keys of `from` deleted (or deleted and set again: then in `added`)
  const changed = new Map<string, string | undefined>() // keys of `from` set again in place
  const added = new Map<string, string | undefined>() // the rest, in insertion order
  const inFrom = (k: string) => from.has(k) && !hidden.has(k)
  function* entries(): Generator<[string, string | undefined]> {
    for (const [k, v] of from) if (!hidden.has(k)) yield [k, changed.has(k) ? changed.get(k) : v]
    yield* added
  }
  const state: State = {
    has: (k) => added.has(k) || inFrom(k),
    get: (k) => (added.has(k) ? added.get(k) : inFrom(k) ? (changed.has(k) ? changed.get(k) : from.get(k)) : undefined),
    set: (k, v) => {
      if (!added.has(k) && inFrom(k)) changed.set(k, v)
      else added.set(k, v)
      return state
    },
    delete: (k) => {
      if (added.delete(k)) return true
      if (!inFrom(k)) return false
      hidden.add(k)
      changed.delete(k)
      return true
    },
    clear: () => {
      from = new Map()
      for (const m of [hidden, changed, added]) m.clear()
    },
    keys: function* () {
      for (const [k] of entries()) yield k
    },
    [Symbol.iterator]: entries,
    childrenOf: (parent) => {
      const out = (childIndex(from).get(parent) ?? []).filter((k) => !hidden.has(k) && !changed.has(k))
      for (const m of [changed, added]) for (const [k, v] of m) if (v === parent) out.push(k)
      return out
    },
  }
  return state
}

// A column of a table created with (LIKE other) may exist without this file naming it.
export function present(state: State, key: string): boolean {
  if (state.has(key)) return true
  if (isBareFn(key)) return matching(state, key).length > 0
  return key.startsWith('col:') && state.has(`anycol:${key.slice(4, key.lastIndexOf('.'))}`)
}

// `removed` hears every key the effects take away (dropped, or renamed away from) and what replaced it.
export function applyEffects(state: State, effects: Effect[], removed?: (key: string, renamedTo?: string) => void): void {
  for (const e of effects) {
    if (e.op === 'create') state.set(e.key, e.parent)
    else if (e.op === 'drop') {
      // Dropping an object drops what hangs off it (columns, policies, indexes, rows of a table; a schema's tables).
      // A key with a placeholder (DROP … %I in an EXECUTE format() loop) drops every object it can stand for.
      const wild = e.key.includes(PLACEHOLDER) ? wildcard(e.key) : undefined
      const gone = new Set([e.key, ...(isBareFn(e.key) ? matching(state, e.key) : []), ...(wild ? [...state.keys()].filter((k) => wild.test(k)) : [])])
      // (A Set's iteration visits what is added to it meanwhile: the children's children too.)
      if (state.childrenOf) for (const k of gone) for (const child of state.childrenOf(k)) gone.add(child)
      else {
        for (let grew = true; grew; ) {
          grew = false
          for (const [k, parent] of state) {
            if (!gone.has(k) && parent && gone.has(parent)) (gone.add(k), (grew = true))
          }
        }
      }
      // The dropped key is gone afterwards whether or not the simulation knew of it (DROP … IF EXISTS).
      for (const k of gone) if (state.delete(k) || (k === e.key && !wild && !isBareFn(k))) removed?.(k)
    } else if (e.op === 'moveChildren') {
      for (const [k, parent] of [...state]) {
        if (parent === e.parent && k.startsWith(`rel:${e.fromSchema}.`)) {
          const to = `rel:${e.toSchema}.${k.slice(`rel:${e.fromSchema}.`.length)}`
          state.delete(k)
          state.set(to, parent)
          removed?.(k, to)
        }
      }
    } else {
      const moved = (k: string) => (k === e.from ? e.to : k.startsWith(e.from + '.') ? e.to + k.slice(e.from.length) : k)
      const entries = [...state]
      if (!state.has(e.from)) removed?.(e.from, e.to)
      state.clear()
      for (const [k, parent] of entries) {
        const to = moved(k)
        state.set(to, parent && moved(parent))
        if (to !== k) removed?.(k, to)
      }
      state.set(e.to, state.get(e.to))
    }
  }
}

// DROP FUNCTION s.f without an argument list names the only function s.f, whatever its arguments.
export const isBareFn = (key: string) => key.startsWith('fn:') && !key.endsWith(')')
export const matching = (state: State, bare: string) => [...state.keys()].filter((k) => k.startsWith(`${bare}(`))

const wildcard = (key: string) => new RegExp(`^${key.split(PLACEHOLDER).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^.]*')}$`)
