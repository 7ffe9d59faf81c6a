// The drift only, as SQL: for the items a drift report found on the database and made by no file, or made by the
// files but different on the database, the statements that make the files produce what the database has. An
// item that is new gets the baseline generator's own parts (generate-parts.ts: its CREATE, its exact ACL, its
// comments); an item that exists but differs gets a delta that changes it in place (ADD COLUMN IF NOT EXISTS,
// ALTER COLUMN … SET/DROP DEFAULT and NOT NULL, CREATE OR REPLACE, DROP … IF EXISTS then CREATE, REVOKE then
// GRANT, INSERT … ON CONFLICT DO UPDATE), all in the guarded forms of lib/sql/guarded.ts and ordered by pg_depend
// like the baseline. What no delta here can express (a column's type, an enum's labels) is left out with the
// reason: the caller's verify on a shadow then shows it.
import { dropConstraintFirst, dropIndexFirst, IF_NOT_EXISTS, literal, onConflictUpdate } from '../sql/guarded.ts'
import type { PropChange } from './diff.ts'
import { fillDefaults, linkDependencies, orderParts } from './generate.ts'
import { columnSql, insertRows, modelParts, PHASE, type Part } from './generate-parts.ts'
import { itemKey, type CatalogItem } from './model.ts'
import { quoteIdent } from './normalize.ts'
import type { CatalogModel, Column, Relation } from './read.ts'
import { projectCatalog } from './snapshot.ts'

// `added`: on the database only; `changed`: on both, these properties differ; `revoked`: a privileges item the
// files grant and the database does not (its object's exact ACL is rebuilt from the database).
export type CaptureWant =
  | { change: 'added'; key: string }
  | { change: 'changed'; key: string; props: readonly PropChange[] }
  | { change: 'revoked'; key: string; parent: string }
export type LeftOut = { key: string; reason: string }
export type GeneratedCapture = { statements: string[]; captured: string[]; leftOut: LeftOut[] }

const TABLE_KINDS = new Set(['r', 'p'])

export function generateCapture(model: CatalogModel, wants: readonly CaptureWant[]): GeneratedCapture {
  const parts = modelParts(model)
  linkDependencies(parts, model)
  const byId = new Map(parts.map((p) => [p.id, p]))
  const items = new Map(projectCatalog(model).items.map((i) => [itemKey(i), i]))
  const children = new Map<string, CatalogItem[]>()
  for (const i of items.values()) if (i.parent) children.set(i.parent, [...(children.get(i.parent) ?? []), i])
  const find = lookups(model, parts)
  const chosen = new Map<string, Part>()
  const captured: string[] = []
  const leftOut: LeftOut[] = []
  // Parts that stand for another part in dependency edges: the columns added to an existing table stand for it.
  const aliases = new Map<string, string[]>()

  const take = (id: string) => {
    const p = byId.get(id)
    if (p) chosen.set(id, p)
  }
  // `stands` is the object's own part id when the delta replaces it, so what depends on the object comes after.
  const delta = (p: Omit<Part, 'deps'> & { deps?: Iterable<string> }, stands?: string) => {
    const made: Part = { ...p, deps: new Set(p.deps ?? []) }
    if (stands) aliases.set(stands, [...(aliases.get(stands) ?? []), made.id])
    // Two deltas of one object (a column's default and its NOT NULL) share one part.
    const had = chosen.get(made.id)
    if (had) had.statements.push(...made.statements)
    else chosen.set(made.id, made)
  }

  for (const want of wants) {
    const reason = want.change === 'added' ? addItem(want.key) : want.change === 'changed' ? changeItem(want.key, want.props) : revokeItem(want.key, want.parent)
    if (reason) leftOut.push({ key: want.key, reason })
    else captured.push(want.key)
  }

  const selected = [...chosen.values()]
  const ids = new Set(selected.map((p) => p.id))
  for (const p of selected) for (const d of [...p.deps]) if (!ids.has(d)) for (const a of aliases.get(d) ?? []) if (a !== p.id) p.deps.add(a)
  const ordered = selected.length ? orderParts(selected) : []
  const statements = ordered.length ? ['SET check_function_bodies = false'] : []
  for (const p of ordered) statements.push(...p.statements.map((s) => fillDefaults(s, p)))
  return { statements, captured, leftOut }

  // A new item: its own parts, and those of everything under it (a new table's constraints, indexes, policies).
  function addItem(key: string): string | undefined {
    const item = items.get(key)
    if (!item) return 'not on the database as the reader sees it'
    const reasons = [item, ...descendants(key)].map(createItem).filter(Boolean)
    return reasons[0]
  }

  function descendants(key: string): CatalogItem[] {
    return (children.get(key) ?? []).flatMap((c) => [c, ...descendants(itemKey(c))])
  }

  function createItem(item: CatalogItem): string | undefined {
    const key = itemKey(item)
    switch (item.kind) {
      case 'table': case 'view': case 'materialized view': {
        const r = find.relation.get(key)!
        for (const id of [r.id, `rls ${r.id}`, `grants ${r.id}`, `column grants ${r.id}`, `refresh ${r.id}`]) take(id)
        for (const c of r.columns) take(`value ${r.id}.${c.ident}`)
        return
      }
      case 'column': {
        const { r, c } = find.column.get(key)!
        if (chosen.has(r.id)) return // the table's CREATE has it
        const table = byId.get(r.id)!
        const p: Part = { id: `column ${r.qname}.${c.ident}`, phase: PHASE.table, kind: 'column', deps: new Set(table.deps), statements: [], defaults: [] }
        p.statements.push(`ALTER TABLE ${r.qname} ADD COLUMN ${IF_NOT_EXISTS} ${columnSql(c, p)}`)
        for (const d of p.defaults!) for (const x of table.defaults?.find((t) => t.column === d.column)?.deps ?? []) d.deps.add(x)
        if (c.comment !== null) p.statements.push(`COMMENT ON COLUMN ${r.qname}.${c.ident} IS ${literal(c.comment)}`)
        chosen.set(p.id, p)
        aliases.set(r.id, [...(aliases.get(r.id) ?? []), p.id])
        return
      }
      case 'privileges': return grantsOf(key, item.parent!)
      case 'default privileges': return takeOrSay(find.defaultAcl.get(key), key)
      case 'storage bucket': return upsertBucket(key)
      default: return takeOrSay(find.part.get(key), key)
    }
  }

  function takeOrSay(id: string | undefined, key: string): string | undefined {
    if (!id || !byId.has(id)) return `the generator makes no statement for ${key.split(' ')[0]} items`
    take(id)
    for (const extra of [`grants ${id}`, `attach ${id}`, `value ${id}`, `owned by ${id}`]) take(extra)
    return undefined
  }

  // The whole ACL of the object that holds the privilege: REVOKE from everyone, then the database's grants.
  function grantsOf(key: string, parent: string): string | undefined {
    const column = find.column.get(parent)
    if (column) return columnGrants(key, column.r, column.c)
    const id = find.grants.get(parent)
    if (!id || !byId.has(id)) return `no exact ACL is generated for ${parent}`
    take(id)
    return undefined
  }

  // Column privileges of one grantee: revoked on the column, then granted as the database has them.
  function columnGrants(key: string, r: Relation, c: Column): string | undefined {
    const who = / to (.+)$/.exec(key)?.[1]
    if (!who || who === 'owner') return 'the owner\'s privileges are not captured'
    const role = who === 'PUBLIC' || who === 'public' ? 'PUBLIC' : (model.roleIdents[who] ?? quoteIdent(who))
    const statements = [`REVOKE ALL (${c.ident}) ON TABLE ${r.qname} FROM ${role}`]
    for (const a of (c.acl ?? []).filter((x) => x.grantee === who)) statements.push(`GRANT ${a.privilege} (${c.ident}) ON TABLE ${r.qname} TO ${role}${a.grantable ? ' WITH GRANT OPTION' : ''}`)
    delta({ id: `column grants ${r.id}`, phase: PHASE.grants, kind: 'column grants', deps: [r.id, `grants ${r.id}`], statements })
    return undefined
  }

  function upsertBucket(key: string): string | undefined {
    const buckets = model.buckets
    const row = buckets?.rows.find((text) => `"${String((JSON.parse(text) as { id: unknown }).id)}"` === key.replace(/^storage bucket /, ''))
    if (!buckets || !row) return 'the bucket row could not be read'
    const update = buckets.columns.filter((c) => c.name !== 'id').map((c) => c.ident)
    delta({ id: `rows storage.buckets ${key}`, phase: PHASE.rows, kind: 'storage bucket', statements: [insertRows({ ...buckets, rows: [row] }, onConflictUpdate(['id'], update))] })
    return undefined
  }

  // An item on both sides that differs: changed in place, property by property, to the database's state.
  function changeItem(key: string, props: readonly PropChange[]): string | undefined {
    const item = items.get(key)
    if (!item) return 'not on the database as the reader sees it'
    const names = props.map((p) => p.prop)
    const only = (allowed: string[]) => names.filter((n) => !allowed.includes(n))
    const comment = (what: string, text: string | null | undefined) => `COMMENT ON ${what} IS ${text === null || text === undefined ? 'NULL' : literal(text)}`
    switch (item.kind) {
      case 'column': {
        const { r, c } = find.column.get(key)!
        const rest = only(['default', 'not null', 'comment'])
        if (rest.length) return `its ${rest.join(', ')} differs, which the capture cannot change in place (write that ALTER by hand)`
        const table = byId.get(r.id)!
        const statements: string[] = []
        const deps = new Set<string>([r.id])
        if (names.includes('default')) {
          statements.push(c.default === null ? `ALTER TABLE ${r.qname} ALTER COLUMN ${c.ident} DROP DEFAULT` : `ALTER TABLE ${r.qname} ALTER COLUMN ${c.ident} SET DEFAULT ${c.default}`)
          for (const x of table.defaults?.find((t) => t.column === c.ident)?.deps ?? []) deps.add(x)
        }
        if (names.includes('not null')) statements.push(`ALTER TABLE ${r.qname} ALTER COLUMN ${c.ident} ${c.notNull ? 'SET' : 'DROP'} NOT NULL`)
        if (names.includes('comment')) statements.push(comment(`COLUMN ${r.qname}.${c.ident}`, c.comment))
        delta({ id: `alter column ${r.qname}.${c.ident}`, phase: PHASE.defaults, kind: 'column', deps, statements })
        return
      }
      case 'table': {
        const r = find.relation.get(key)!
        const rest = only(['row level security', 'forced row level security', 'comment'])
        if (rest.length) return `its ${rest.join(', ')} differs, which the capture cannot change in place (write that ALTER by hand)`
        const statements: string[] = []
        if (names.includes('row level security')) statements.push(`ALTER TABLE ${r.qname} ${r.rls ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`)
        if (names.includes('forced row level security')) statements.push(`ALTER TABLE ${r.qname} ${r.forceRls ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY`)
        if (names.includes('comment')) statements.push(comment(`TABLE ${r.qname}`, r.comment))
        delta({ id: `alter ${r.id}`, phase: PHASE.rls, kind: 'table', deps: [r.id], statements })
        return
      }
      case 'row level security': {
        const t = model.platformRls.find((x) => `row level security ${x.table}` === key)!
        delta({ id: `alter rls ${t.table}`, phase: PHASE.rls, kind: 'row level security', statements: [`ALTER TABLE ${t.table} ${t.rls ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`, `ALTER TABLE ${t.table} ${t.forceRls ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY`] })
        return
      }
      case 'view': case 'function': case 'procedure': {
        // CREATE OR REPLACE: the part's own statement (fails, and verify says so, when the columns or the
        // result type changed: PostgreSQL replaces only compatible definitions).
        const id = item.kind === 'view' ? find.relation.get(key)!.id : find.part.get(key)!
        const p = byId.get(id)!
        const removedComment = names.includes('comment') && !p.statements.some((s) => s.startsWith('COMMENT ON'))
        const what = item.kind === 'view' ? `VIEW ${find.relation.get(key)!.qname}` : `${item.kind.toUpperCase()} ${key.replace(/^\S+ /, '')}`
        delta({ ...p, id: `replace ${id}`, statements: [...p.statements, ...(removedComment ? [comment(what, null)] : [])] }, id)
        return
      }
      case 'constraint': case 'index': {
        const id = find.part.get(key)!
        const p = byId.get(id)!
        if (!names.includes('definition')) {
          const c = model.constraints.find((x) => x.id === id)
          const x = model.indexes.find((i) => i.id === id)
          delta({ id: `comment ${id}`, phase: p.phase, kind: p.kind, deps: [id], statements: [c ? comment(`CONSTRAINT ${c.ident} ON ${c.table}`, c.comment) : comment(`INDEX ${x!.qname}`, x!.comment)] })
          return
        }
        const c = model.constraints.find((x) => x.id === id)
        const drop = c ? dropConstraintFirst(c.ident, c.table) : dropIndexFirst(model.indexes.find((i) => i.id === id)!.qname)
        delta({ ...p, id: `replace ${id}`, statements: [drop.replace(/;\s*$/, ''), ...p.statements] }, id)
        return
      }
      case 'trigger': case 'policy': case 'cron job':
        // Their parts already drop first (or upsert by name), then create.
        return takeOrSay(find.part.get(key), key)
      case 'privileges': return grantsOf(key, item.parent!)
      case 'default privileges': return takeOrSay(find.defaultAcl.get(key), key)
      case 'storage bucket': return upsertBucket(key)
      case 'schema': {
        const n = model.schemas.find((x) => `schema ${x.name}` === key)!
        if (only(['comment']).length) return 'only a schema\'s comment is captured'
        delta({ id: `comment schema ${n.ident}`, phase: PHASE.schema, kind: 'schema', deps: [`schema ${n.ident}`], statements: [comment(`SCHEMA ${n.ident}`, n.comment)] })
        return
      }
      default:
        return `a changed ${item.kind} (${names.join(', ')}) cannot be altered in place by the capture (write that change by hand)`
    }
  }

  // A grant the files make and the database lacks: the object's ACL as the database has it.
  function revokeItem(key: string, parent: string): string | undefined {
    if (!items.has(parent)) return `${parent} is not on the database`
    return grantsOf(key, parent)
  }
}

// Projection keys (snapshot.ts) → what makes them: relation and column records, the part ids of the generator.
function lookups(m: CatalogModel, parts: readonly Part[]) {
  const relation = new Map<string, Relation>()
  const column = new Map<string, { r: Relation; c: Column }>()
  const part = new Map<string, string>()
  const grants = new Map<string, string>()
  const defaultAcl = new Map<string, string>()
  for (const r of m.relations) {
    const kind = r.kind === 'v' ? 'view' : r.kind === 'm' ? 'materialized view' : 'table'
    relation.set(`${kind} ${r.qname}`, r)
    grants.set(`${kind} ${r.qname}`, `grants ${r.id}`)
    if (TABLE_KINDS.has(r.kind) && !r.partitionOf) for (const c of r.columns) column.set(`column ${r.qname}.${quoteIdent(c.name)}`, { r, c })
  }
  for (const q of m.sequences) {
    part.set(`sequence ${q.qname}`, q.id)
    grants.set(`sequence ${q.qname}`, `grants ${q.id}`)
  }
  for (const f of m.routines) {
    const kind = f.kind === 'p' ? 'procedure' : f.kind === 'a' ? 'aggregate' : 'function'
    part.set(`${kind} ${f.signature}`, f.id)
    grants.set(`${kind} ${f.signature}`, `grants ${f.id}`)
  }
  for (const n of m.schemas) {
    part.set(`schema ${n.name}`, `schema ${n.ident}`)
    grants.set(`schema ${n.ident}`, `grants schema ${n.ident}`)
  }
  for (const e of m.extensions) part.set(`extension ${e.name}`, `extension ${e.ident}`)
  for (const t of m.types) part.set(`${t.kind === 'e' ? 'enum' : t.kind === 'c' ? 'composite type' : 'domain'} ${t.qname}`, t.id)
  for (const c of m.constraints) if (!c.hasParent) part.set(`constraint ${quoteIdent(c.name)} on ${c.table}`, c.id)
  for (const x of m.indexes) if (!x.constraintType && !x.isPartition) part.set(`index ${x.qname}`, x.id)
  for (const t of m.triggers) part.set(`trigger ${quoteIdent(t.name)} on ${t.table}`, t.id)
  for (const p of m.policies) part.set(`policy "${p.name.replace(/"/g, '""')}" on ${p.table}`, p.id)
  for (const r of m.platformRls) part.set(`row level security ${r.table}`, `rls ${r.table}`)
  for (const p of m.publications) {
    part.set(`publication ${p.name}`, `publication ${p.ident}`)
    for (const t of p.tables) part.set(`publication member ${t.table} in ${p.name}`, `member ${t.table} in ${p.ident}`)
  }
  for (const j of m.cronJobs ?? []) if (j.jobname !== null) part.set(`cron job "${j.jobname}"`, `cron job ${j.jobname}`)
  // modelParts makes one part per default ACL entry, in the model's order; the projection splits per-schema
  // entries by grantee (snapshot.ts projectDefaultPrivileges).
  const partsOrder = parts.filter((p) => p.kind === 'default privileges')
  m.defaultAcls.forEach((d, i) => {
    const id = partsOrder[i]?.id
    if (!id) return
    const on = ({ r: 'tables', S: 'sequences', f: 'functions', T: 'types', n: 'schemas' } as Record<string, string>)[d.objtype] ?? d.objtype
    if (d.schema === null) defaultAcl.set(`default privileges for role ${d.role} on ${on}`, id)
    else for (const a of d.items) defaultAcl.set(`default privileges for role ${d.role} in schema ${quoteIdent(d.schema)} on ${on} to ${a.grantee}`, id)
  })
  return { relation, column, part, grants, defaultAcl }
}
