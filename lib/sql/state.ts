// The objects that exist, as the re-run simulation sees them: object keys (effects.ts) mapped to the key of the
// object they hang off, and how each effect changes that set. idempotency.ts replays one file on it, chain.ts the
// whole folder.
import type { Effect } from './effects.ts'
import { PLACEHOLDER } from './plpgsql.ts'

// With an index of each parent's children, so a DROP finds what hangs off it without scanning every object: that
// scan, once per DROP over the end state of a whole folder, made checking thousands of files quadratic.
export class State extends Map<string, string | undefined> {
  readonly children = new Map<string, Set<string>>()
  override set(key: string, parent: string | undefined): this {
    this.unlink(key)
    super.set(key, parent)
    if (parent) {
      let siblings = this.children.get(parent)
      if (!siblings) this.children.set(parent, (siblings = new Set()))
      siblings.add(key)
    }
    return this
  }
  override delete(key: string): boolean {
    this.unlink(key)
    return super.delete(key)
  }
  override clear(): void {
    this.children.clear()
    super.clear()
  }
  private unlink(key: string) {
    const parent = super.get(key)
    if (parent) this.children.get(parent)?.delete(key)
  }
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
      for (const queue = [...gone]; queue.length; ) {
        for (const child of state.children.get(queue.pop()!) ?? []) if (!gone.has(child)) (gone.add(child), queue.push(child))
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
