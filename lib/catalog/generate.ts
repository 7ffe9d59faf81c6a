// Model → baseline SQL: the parts of generate-parts.ts in an order that respects pg_depend (topological, the
// lowest phase first among the ready ones, then by id, so the same catalog gives the same text). A cycle through
// a column default (the default calls a function whose SQL-standard body reads the table) is broken by moving
// that default to an ALTER TABLE … SET DEFAULT after the function; foreign keys and attachments are parts of
// their own, so mutually referencing tables need no such step.
import { KitError } from '../run/errors.ts'
import { modelParts, PHASE, type Part } from './generate-parts.ts'
import type { CatalogModel } from './read.ts'
import { isInternal } from './scope.ts'

export type GeneratedBaseline = { statements: string[]; counts: Record<string, number> }

// Kinds counted in the header: what a reader recognises as objects (not grants, values or attachments).
const COUNTED = new Set(['schema', 'extension', 'enum', 'composite type', 'domain', 'sequence', 'table', 'partition', 'view', 'materialized view', 'function', 'procedure', 'constraint', 'index', 'trigger', 'policy', 'default privileges', 'publication', 'publication member', 'cron job'])

export function generateBaseline(model: CatalogModel): GeneratedBaseline {
  const parts = modelParts(model)
  linkDependencies(parts, model)
  const ordered = orderParts(parts)
  // Function bodies are checked when they run, not when they are created (as pg_dump does): a plpgsql or SQL
  // function may name tables made further down.
  const statements = ['SET check_function_bodies = false']
  for (const p of ordered) statements.push(...p.statements.map((s) => fillDefaults(s, p)))
  const counts: Record<string, number> = {}
  for (const p of ordered) if (COUNTED.has(p.kind)) counts[p.kind] = (counts[p.kind] ?? 0) + 1
  if (model.buckets?.rows.length) counts['storage bucket'] = model.buckets.rows.length
  const rows = model.data.reduce((n, t) => n + t.rows.length, 0)
  if (rows) counts.rows = rows
  return { statements, counts }
}

// The file: the header comment, then the statements, each ended by `;` and a blank line. The CLI's splitter
// keeps a comment with the statement after it, so the header belongs to the first statement.
export function renderBaseline(header: string, generated: readonly string[]): { text: string; statements: string[] } {
  const statements = [`${header}\n${generated[0]}`, ...generated.slice(1)]
  return { text: `${statements.join(';\n\n')};\n`, statements }
}

export function fillDefaults(statement: string, p: Part): string {
  return statement.replace(/\u0001(\d+)\u0002/g, (_, i: string) => {
    const d = p.defaults![Number(i)]
    return d.deferred ? '' : ` DEFAULT ${d.sql}`
  })
}

// pg_depend edges onto the parts that create their ends; --data tables ordered by their foreign keys.
export function linkDependencies(parts: Part[], model: CatalogModel): void {
  const byId = new Map(parts.map((p) => [p.id, p]))
  for (const e of model.dependencies) {
    const from = byId.get(e.from)
    if (!from || !byId.has(e.to)) continue
    // A sequence's auto dependency on the column that owns it is ALTER SEQUENCE … OWNED BY, a part of its own.
    if (from.kind === 'sequence') continue
    const d = e.viaDefault !== null ? from.defaults?.find((x) => x.column === e.viaDefault) : undefined
    if (d) d.deps.add(e.to)
    else from.deps.add(e.to)
  }
  const dataTables = new Set(model.data.map((t) => t.table))
  for (const c of model.constraints) {
    if (c.type !== 'f' || !dataTables.has(c.table)) continue
    const ref = /REFERENCES ((?:"(?:[^"]|"")*"|[^\s."(]+)\.(?:"(?:[^"]|"")*"|[^\s"(]+))\(/.exec(c.def)?.[1]
    if (ref && ref !== c.table && dataTables.has(ref)) byId.get(`rows ${c.table}`)?.deps.add(`rows ${ref}`)
  }
}

export function orderParts(parts: Part[]): Part[] {
  deferCyclicDefaults(parts)
  const ids = new Set(parts.map((p) => p.id))
  const depsOf = (p: Part) => {
    const all = new Set(p.deps)
    for (const d of p.defaults ?? []) if (!d.deferred) for (const x of d.deps) all.add(x)
    all.delete(p.id)
    return [...all].filter((d) => ids.has(d))
  }
  const done = new Set<string>()
  const out: Part[] = []
  let remaining = parts.slice().sort(byPhaseThenId)
  while (remaining.length) {
    const next = remaining.find((p) => depsOf(p).every((d) => done.has(d)))
    if (!next) {
      throw new KitError('BASELINE', `cannot order the baseline: a dependency cycle among ${remaining.slice(0, 5).map((p) => p.id).join(', ')}`, 'Report it with the objects named; a baseline needs them created in two steps')
    }
    done.add(next.id)
    out.push(next)
    remaining = remaining.filter((p) => p !== next)
  }
  return out
}

const byPhaseThenId = (a: Part, b: Part) => a.phase - b.phase || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

// A default that (through the parts it needs) needs its own table moves to ALTER TABLE … SET DEFAULT, a part
// that comes after both.
function deferCyclicDefaults(parts: Part[]): void {
  const byId = new Map(parts.map((p) => [p.id, p]))
  const reaches = (from: Iterable<string>, target: string) => {
    const seen = new Set<string>()
    const stack = [...from]
    while (stack.length) {
      const id = stack.pop()!
      if (id === target) return true
      if (seen.has(id)) continue
      seen.add(id)
      const p = byId.get(id)
      if (!p) continue
      stack.push(...p.deps)
      for (const d of p.defaults ?? []) if (!d.deferred) stack.push(...d.deps)
    }
    return false
  }
  for (const table of parts.slice()) {
    for (const d of table.defaults ?? []) {
      if (!reaches(d.deps, table.id)) continue
      d.deferred = true
      const qname = table.id.replace(/^table /, '')
      const id = `default ${table.id}.${d.column}`
      const part: Part = { id, phase: PHASE.defaults, kind: 'default', deps: new Set([table.id, ...d.deps]), statements: [`ALTER TABLE ${qname} ALTER COLUMN ${d.column} SET DEFAULT ${d.sql}`] }
      parts.push(part)
      byId.set(id, part)
    }
  }
}

// The model restricted to some schemas (--schema). User objects on platform tables (triggers, policies,
// publication membership) and platform rows stay: they are the project's wherever they live.
export function filterModel(model: CatalogModel, schemas: readonly string[] | undefined): CatalogModel {
  if (!schemas?.length) return model
  const keep = new Set(schemas)
  const idents = new Set(model.schemas.filter((n) => keep.has(n.name)).map((n) => n.ident))
  const inSchema = (qname: string) => idents.has(/^("(?:[^"]|"")*"|[^.]+)\./.exec(qname)?.[1] ?? '')
  const attached = (qname: string) => inSchema(qname) || isInternal(qname)
  return {
    ...model,
    schemas: model.schemas.filter((n) => keep.has(n.name)),
    extensions: model.extensions,
    types: model.types.filter((t) => keep.has(t.schema)),
    sequences: model.sequences.filter((q) => keep.has(q.schema)),
    relations: model.relations.filter((r) => keep.has(r.schema)),
    constraints: model.constraints.filter((c) => keep.has(c.tableSchema)),
    indexes: model.indexes.filter((x) => keep.has(x.schema)),
    routines: model.routines.filter((f) => keep.has(f.schema)),
    triggers: model.triggers.filter((t) => attached(t.table)),
    policies: model.policies.filter((p) => attached(p.table)),
    defaultAcls: model.defaultAcls.filter((d) => d.schema === null || keep.has(d.schema)),
    publications: model.publications.map((p) => ({ ...p, tables: p.tables.filter((t) => attached(t.table)) })),
    data: model.data.filter((t) => inSchema(t.table)),
  }
}
