// The comparison projection of the typed catalog model (read.ts): plain items with normalized display strings that
// compare equal across PostgreSQL 15 and 18 (and across a server and PGlite) when the schema is the same. Drift
// and replay use the lenient projection; verifying a baseline uses the strict one, which also compares what a
// dump must keep but drift must not report (column order, index validity, populated materialized views,
// sequence values, every column of storage.buckets rows).
import type { Sql } from '../run/sql.ts'
import { itemKey, type Catalog, type CatalogItem, type CatalogKind } from './model.ts'
import { normalizeSql, normalizeViewDef, quoteIdent } from './normalize.ts'
import { isInternal } from './scope.ts'
import { readCatalogModel, readModelInTransaction, type AclItem, type CatalogModel } from './read.ts'

export type ProjectionOptions = { strict?: boolean }

// One read-only transaction, so the snapshot is consistent (see readCatalogModel). Strict needs sequence values.
export async function snapshotCatalog(sql: Sql, options: ProjectionOptions = {}): Promise<Catalog> {
  return projectCatalog(await readCatalogModel(sql, { generator: options.strict }), options)
}

// The same snapshot inside a transaction the caller holds (what a failing file made before it failed, read before
// the caller rolls it back).
export async function snapshotInTransaction(tx: Sql): Promise<Catalog> {
  return projectCatalog(await readModelInTransaction(tx))
}

type Add = (kind: CatalogKind, name: string, props: Record<string, string>, parent?: string) => void

const put = (props: Record<string, string>, key: string, value: unknown) => {
  if (value === null || value === undefined || value === '' || value === false) return
  props[key] = value === true ? 'yes' : String(value)
}
const s = (v: unknown) => (v === null || v === undefined ? '' : String(v))

export function projectCatalog(model: CatalogModel, options: ProjectionOptions = {}): Catalog {
  const items: CatalogItem[] = []
  const add: Add = (kind, name, props, parent) => {
    items.push(parent ? { kind, name, parent, props } : { kind, name, props })
  }
  const strict = Boolean(options.strict)
  for (const project of [projectSchemas, projectRelations, projectPlatformRls, projectColumns, projectConstraints, projectIndexes, projectTypes, projectRoutines, projectTriggers, projectPolicies, projectPrivileges, projectDefaultPrivileges, projectPublications, projectExtensions, projectPlatformRows]) project(model, add, strict)
  items.sort((a, b) => (itemKey(a) < itemKey(b) ? -1 : itemKey(a) > itemKey(b) ? 1 : 0))
  return { major: Math.floor(model.serverVersionNum / 10000), items }
}

function projectSchemas(m: CatalogModel, add: Add): void {
  for (const n of m.schemas) {
    const props: Record<string, string> = {}
    put(props, 'comment', n.comment)
    add('schema', n.name, props)
  }
}

// Tables, views, materialized views, sequences (identity sequences belong to their column).
function projectRelations(m: CatalogModel, add: Add, strict: boolean): void {
  for (const q of m.sequences) {
    const props: Record<string, string> = {}
    for (const [key, value] of [['type', q.type], ['start', q.start], ['increment', q.increment], ['min', q.min], ['max', q.max], ['cache', q.cache], ['cycle', q.cycle], ['owned by', q.ownedBy], ['comment', q.comment]] as const) put(props, key, value)
    if (strict) put(props, 'value', `${q.lastValue}${q.isCalled ? '' : ' (not called)'}`)
    add('sequence', q.qname, props)
  }
  for (const r of m.relations) {
    const props: Record<string, string> = {}
    put(props, 'options', r.options?.slice().sort().join(', '))
    put(props, 'comment', r.comment)
    if (r.kind === 'v' || r.kind === 'm') {
      put(props, 'definition', normalizeViewDef(r.viewDef))
      if (strict && r.kind === 'm') props.populated = r.populated ? 'yes' : 'no'
      add(r.kind === 'v' ? 'view' : 'materialized view', r.qname, props)
      continue
    }
    put(props, 'partition by', r.partitionKey)
    put(props, 'partition of', r.partitionOf && `${r.partitionOf} ${s(r.partitionBound)}`)
    put(props, 'unlogged', r.persistence === 'u')
    put(props, 'foreign', r.kind === 'f')
    put(props, 'row level security', r.rls)
    put(props, 'forced row level security', r.forceRls)
    add('table', r.qname, props)
  }
}

function projectPlatformRls(m: CatalogModel, add: Add): void {
  for (const r of m.platformRls) {
    const props: Record<string, string> = { enabled: r.rls ? 'yes' : 'no' }
    put(props, 'forced', r.forceRls)
    add('row level security', r.table, props)
  }
}

// Columns of tables (partitions inherit theirs). Order is left out unless strict (see ENGINE_EXCLUSIONS).
function projectColumns(m: CatalogModel, add: Add, strict: boolean): void {
  for (const r of m.relations) {
    if (!(r.kind === 'r' || r.kind === 'p' || r.kind === 'f') || r.partitionOf) continue
    r.columns.forEach((c, i) => {
      const props: Record<string, string> = { type: c.type }
      put(props, 'not null', c.notNull)
      put(props, 'identity', ({ a: 'always', d: 'by default' } as Record<string, string>)[c.identity])
      const generated = ({ s: 'stored', v: 'virtual' } as Record<string, string>)[c.generated]
      if (generated) put(props, `generated (${generated})`, normalizeSql(c.default))
      else put(props, 'default', normalizeSql(c.default))
      put(props, 'collation', c.collation)
      put(props, 'comment', c.comment)
      if (strict) {
        props.position = String(i + 1)
        const q = c.identitySequence
        if (q) put(props, 'identity sequence', `${q.start} ${q.increment} ${q.min} ${q.max} ${q.cache}${q.cycle ? ' cycle' : ''}; value ${q.lastValue}${q.isCalled ? '' : ' (not called)'}`)
      }
      add('column', `${r.qname}.${quoteIdent(c.name)}`, props, `table ${r.qname}`)
    })
  }
}

// Constraints on tables (not the copies on partitions; PostgreSQL 18's NOT NULL rows are column properties).
function projectConstraints(m: CatalogModel, add: Add): void {
  for (const c of m.constraints) {
    if (c.hasParent) continue
    const props: Record<string, string> = { definition: normalizeSql(c.def) }
    put(props, 'comment', c.comment)
    add('constraint', `${quoteIdent(c.name)} on ${c.table}`, props, `table ${c.table}`)
  }
}

// Indexes, except those a constraint owns (the constraint says it) and, unless strict, partitions' copies.
function projectIndexes(m: CatalogModel, add: Add, strict: boolean): void {
  for (const x of m.indexes) {
    if (x.constraintType || (x.isPartition && !strict)) continue
    const props: Record<string, string> = { definition: normalizeSql(x.def) }
    put(props, 'comment', x.comment)
    if (strict) {
      put(props, 'invalid', !x.valid)
      put(props, 'attached to', x.parentIndex)
    }
    add('index', x.qname, props, x.tableKind === 'm' ? `materialized view ${x.table}` : `table ${x.table}`)
  }
}

function projectTypes(m: CatalogModel, add: Add): void {
  for (const t of m.types) {
    const props: Record<string, string> = {}
    if (t.kind === 'e') put(props, 'labels', t.labels.join(', '))
    if (t.kind === 'c') put(props, 'attributes', t.attributes.map((a) => `${a.ident} ${a.type}`).join(', '))
    if (t.kind === 'd') {
      put(props, 'type', t.base)
      put(props, 'not null', t.notNull)
      put(props, 'default', normalizeSql(t.default))
      put(props, 'checks', t.checks.map((c) => normalizeSql(`${c.ident} ${c.def}`)).join('; '))
    }
    put(props, 'comment', t.comment)
    add(t.kind === 'e' ? 'enum' : t.kind === 'c' ? 'composite type' : 'domain', t.qname, props)
  }
}

function projectRoutines(m: CatalogModel, add: Add): void {
  for (const r of m.routines) {
    const props: Record<string, string> = {}
    put(props, 'arguments', r.arguments)
    put(props, 'returns', r.result)
    put(props, 'language', r.language)
    put(props, 'volatility', ({ i: 'immutable', s: 'stable', v: 'volatile' } as Record<string, string>)[r.volatility])
    put(props, 'security definer', r.securityDefiner)
    put(props, 'strict', r.strict)
    put(props, 'leakproof', r.leakproof)
    put(props, 'parallel', ({ s: 'safe', r: 'restricted', u: 'unsafe' } as Record<string, string>)[r.parallel])
    put(props, 'settings', (r.config ?? []).slice().sort().join(', '))
    put(props, 'body', r.body.replace(/\r\n/g, '\n'))
    put(props, 'comment', r.comment)
    add(r.kind === 'p' ? 'procedure' : r.kind === 'a' ? 'aggregate' : 'function', r.signature, props)
  }
}

function projectTriggers(m: CatalogModel, add: Add): void {
  for (const t of m.triggers) {
    const props: Record<string, string> = { definition: normalizeSql(t.def) }
    if (t.enabled !== 'O') put(props, 'enabled', ({ D: 'disabled', R: 'replica', A: 'always' } as Record<string, string>)[t.enabled])
    put(props, 'comment', t.comment)
    add('trigger', `${quoteIdent(t.name)} on ${t.table}`, props, `table ${t.table}`)
  }
}

function projectPolicies(m: CatalogModel, add: Add): void {
  for (const p of m.policies) {
    const props: Record<string, string> = {
      command: ({ r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' } as Record<string, string>)[p.cmd] ?? p.cmd,
      permissive: p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE',
      roles: p.roles.slice().sort().join(', '),
    }
    put(props, 'USING', normalizeSql(p.using))
    put(props, 'WITH CHECK', normalizeSql(p.check))
    put(props, 'comment', p.comment)
    const parent = `${isInternal(p.table) ? 'row level security' : 'table'} ${p.table}`
    add('policy', `"${p.name.replace(/"/g, '""')}" on ${p.table}`, props, parent)
  }
}

// One privileges item per grantee; the owner shows as "owner" (owners differ between a shadow and a hosted
// project); MAINTAIN is dropped (PostgreSQL 17 added it to ALL).
function grantees(acl: readonly AclItem[], owner: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const a of acl) {
    if (a.privilege === 'MAINTAIN') continue
    const who = a.grantee === owner ? 'owner' : a.grantee
    out.set(who, [...(out.get(who) ?? []), a.privilege + (a.grantable ? ' WITH GRANT OPTION' : '')])
  }
  return out
}

function projectPrivileges(m: CatalogModel, add: Add): void {
  const emit = (kind: string, name: string, acl: readonly AclItem[], owner: string) => {
    const parent = kind === 'column' ? `column ${name}` : `${kind} ${name}`
    for (const [who, privileges] of grantees(acl, owner)) add('privileges', `on ${kind} ${name} to ${who}`, { granted: privileges.slice().sort().join(', ') }, parent)
  }
  for (const q of m.sequences) emit('sequence', q.qname, q.acl, q.owner)
  for (const r of m.relations) {
    emit(r.kind === 'v' ? 'view' : r.kind === 'm' ? 'materialized view' : 'table', r.qname, r.acl, r.owner)
    for (const c of r.columns) if (c.acl) emit('column', `${r.qname}.${c.ident}`, c.acl, r.owner)
  }
  for (const f of m.routines) emit(f.kind === 'p' ? 'procedure' : 'function', f.signature, f.acl, f.owner)
  for (const n of m.schemas) emit('schema', n.ident, n.acl, n.owner)
}

// Default privileges. An entry for one schema adds to the built-in defaults: one item per grantee. A global
// entry replaces them (a REVOKE of EXECUTE from PUBLIC leaves only the owner): one item holding the whole list.
export const DEFAULT_ACL_OBJECTS: Record<string, string> = { r: 'tables', S: 'sequences', f: 'functions', T: 'types', n: 'schemas' }
function projectDefaultPrivileges(m: CatalogModel, add: Add): void {
  for (const d of m.defaultAcls) {
    const on = DEFAULT_ACL_OBJECTS[d.objtype] ?? d.objtype
    const byGrantee = grantees(d.items, d.role)
    if (d.schema === null) {
      const grants = [...byGrantee].filter(([who]) => who !== 'owner').map(([who, p]) => `${who}: ${p.slice().sort().join(', ')}`)
      add('default privileges', `for role ${d.role} on ${on}`, grants.length ? { granted: grants.sort().join('; ') } : {})
      continue
    }
    for (const [who, privileges] of byGrantee) {
      if (who === 'owner') continue
      add('default privileges', `for role ${d.role} in schema ${quoteIdent(d.schema)} on ${on} to ${who}`, { granted: privileges.slice().sort().join(', ') })
    }
  }
}

function projectPublications(m: CatalogModel, add: Add): void {
  for (const p of m.publications) {
    const props: Record<string, string> = { publish: p.publish.join(', ') }
    put(props, 'all tables', p.allTables)
    put(props, 'via root', p.viaRoot)
    add('publication', p.name, props)
    for (const t of p.tables) {
      const member: Record<string, string> = {}
      put(member, 'row filter', normalizeSql(t.filter))
      put(member, 'columns', t.columns.join(', '))
      add('publication member', `${t.table} in ${p.name}`, member, `publication ${p.name}`)
    }
  }
}

function projectExtensions(m: CatalogModel, add: Add): void {
  for (const e of m.extensions) add('extension', e.name, { schema: e.schema })
}

// Rows users write into platform tables: storage buckets (strict: every column) and cron jobs.
function projectPlatformRows(m: CatalogModel, add: Add, strict: boolean): void {
  for (const text of m.buckets?.rows ?? []) {
    const row = JSON.parse(text) as Record<string, unknown>
    const props: Record<string, string> = { name: s(row.name), public: row.public ? 'yes' : 'no' }
    put(props, 'file size limit', row.file_size_limit)
    put(props, 'allowed mime types', ((row.allowed_mime_types as string[] | null) ?? []).join(', '))
    if (strict) for (const [key, value] of Object.entries(row)) if (value !== null) props[`column ${key}`] = JSON.stringify(value)
    add('storage bucket', `"${s(row.id)}"`, props)
  }
  for (const j of m.cronJobs ?? []) {
    const props: Record<string, string> = { schedule: j.schedule, command: normalizeSql(j.command) }
    put(props, 'inactive', !j.active)
    add('cron job', j.jobname !== null ? `"${j.jobname}"` : `#${j.jobid}`, props)
  }
}
