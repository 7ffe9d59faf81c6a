// The typed catalog reader: every fact about the project's objects that a comparison or a generator needs, as
// plain data (raw pg_get_*def texts, column order, owners, exploded ACLs, pg_depend edges, validity, partition
// bounds), read in one repeatable-read, read-only transaction with search_path emptied, so pg_get_* functions
// qualify every name (PostgreSQL docs, "System Catalog Information Functions"). What is in scope is decided here
// (lib/catalog/scope.ts); how items compare is the projection's business (snapshot.ts).
import type { Sql } from '../run/sql.ts'
import { KitError } from '../run/errors.ts'
import { INTERNAL_PATTERN, PLATFORM_EXTENSIONS, RLS_PLATFORM_TABLES } from './scope.ts'
import { readAccess, readPlatformRows } from './read-access.ts'
import { readDependencies } from './read-depend.ts'

// One privilege of one grantee ("PUBLIC" for the pseudo-role), from aclexplode over the ACL or, when the ACL is
// NULL, over acldefault (what the object has while nobody granted or revoked anything), in the ACL's own order
// (GRANT appends a new grantee, so granting in this order rebuilds the same array).
export type AclItem = { grantee: string; privilege: string; grantable: boolean }
type Owned = { owner: string; acl: AclItem[]; comment: string | null }
// Identifier texts come from the server (format('%I'), quote_ident), so keywords and case are quoted as
// PostgreSQL itself would; `name` is the raw name.
export type Schema = Owned & { name: string; ident: string }
export type Column = {
  num: number
  name: string
  ident: string
  type: string
  notNull: boolean
  default: string | null
  identity: '' | 'a' | 'd'
  identitySequence: Sequence | null
  generated: '' | 's' | 'v'
  // The column's collation when it is not its type's default, as a name and as qualified text.
  collation: string | null
  collationQname: string | null
  comment: string | null
  acl: AclItem[] | null
  local: boolean
}
export type Sequence = Owned & {
  id: string
  schema: string
  name: string
  qname: string
  type: string
  start: string
  increment: string
  min: string
  max: string
  cache: string
  cycle: boolean
  // The column that owns it (ALTER SEQUENCE … OWNED BY), qualified.
  ownedBy: string | null
  lastValue: string | null
  isCalled: boolean
}
export type Relation = Owned & {
  id: string
  oid: number
  kind: 'r' | 'p' | 'v' | 'm' | 'f'
  schema: string
  name: string
  qname: string
  persistence: string
  options: string[] | null
  rls: boolean
  forceRls: boolean
  partitionKey: string | null
  partitionOf: string | null
  partitionBound: string | null
  viewDef: string | null
  populated: boolean
  columns: Column[]
}
export type Constraint = {
  id: string
  table: string
  tableSchema: string
  name: string
  ident: string
  type: string
  def: string
  validated: boolean
  // Copied from a partitioned parent (conparentid) or inherited (not conislocal): made by the parent's.
  inherited: boolean
  hasParent: boolean
  onPartition: boolean
  comment: string | null
}
export type Index = {
  id: string
  schema: string
  name: string
  qname: string
  table: string
  tableKind: string
  def: string
  valid: boolean
  isPartition: boolean
  parentIndex: string | null
  // p/u/x when a constraint owns the index (the constraint creates it).
  constraintType: string | null
  comment: string | null
}
export type TypeDef = Owned & {
  id: string
  kind: 'e' | 'c' | 'd'
  schema: string
  name: string
  qname: string
  labels: string[]
  attributes: { ident: string; type: string; collationQname: string | null }[]
  base: string | null
  notNull: boolean
  default: string | null
  collationQname: string | null
  checks: { name: string; ident: string; def: string; validated: boolean }[]
}
export type Routine = Owned & {
  id: string
  kind: 'f' | 'p' | 'a' | 'w'
  schema: string
  signature: string
  arguments: string
  result: string | null
  language: string
  volatility: string
  securityDefiner: boolean
  strict: boolean
  leakproof: boolean
  parallel: string
  config: string[] | null
  body: string
  // pg_get_functiondef: CREATE OR REPLACE … as PostgreSQL prints it; null for aggregates (it cannot print them).
  definition: string | null
}
export type Trigger = { id: string; name: string; ident: string; table: string; def: string; enabled: string; comment: string | null }
export type Policy = {
  id: string
  name: string
  ident: string
  table: string
  tableSchema: string
  cmd: string
  permissive: boolean
  // Role names; "public" for PUBLIC.
  roles: string[]
  using: string | null
  check: string | null
  comment: string | null
}
export type PlatformRls = { table: string; rls: boolean; forceRls: boolean }
export type DefaultAcl = { role: string; schema: string | null; objtype: string; items: AclItem[] }
export type Publication = {
  name: string
  ident: string
  owner: string
  allTables: boolean
  publish: string[]
  viaRoot: boolean
  tables: { table: string; filter: string | null; columns: string[] }[]
}
export type Extension = { name: string; ident: string; schema: string; schemaIdent: string; version: string }
// Rows of a table as to_jsonb documents (lossless for the types migrations use: arrays, timestamps, numerics),
// in a fixed order, with the columns that can be written (not generated).
export type TableRows = { table: string; columns: { ident: string; name: string; identityAlways: boolean }[]; rows: string[] }
export type CronJob = { jobid: string; jobname: string | null; schedule: string; command: string; active: boolean; database: string | null; username: string | null }
// pg_depend between objects of the model, by the objects' ids (pg_identify_object type and identity). An edge
// from a column default carries that column, so a cycle through a default can be broken by deferring it.
export type Dependency = { from: string; to: string; viaDefault: string | null }

export type CatalogModel = {
  serverVersion: string
  serverVersionNum: number
  schemas: Schema[]
  extensions: Extension[]
  types: TypeDef[]
  sequences: Sequence[]
  relations: Relation[]
  constraints: Constraint[]
  indexes: Index[]
  routines: Routine[]
  triggers: Trigger[]
  policies: Policy[]
  platformRls: PlatformRls[]
  defaultAcls: DefaultAcl[]
  publications: Publication[]
  buckets: TableRows | null
  cronJobs: CronJob[] | null
  data: TableRows[]
  dependencies: Dependency[]
  // quote_ident of every role name, for statements that name roles.
  roleIdents: Record<string, string>
}

// `generator`: also what only generating and verifying a baseline need (pg_depend edges, pg_get_functiondef,
// sequence values, which need SELECT on each sequence); drift and replay compare without them. `data`: tables
// whose rows are read too.
export type ReadOptions = { data?: readonly string[]; generator?: boolean }

type Row = Record<string, unknown>
const str = (v: unknown) => (v === null || v === undefined ? null : String(v))
const s = (v: unknown) => (v === null || v === undefined ? '' : String(v))

export async function readCatalogModel(sql: Sql, options: ReadOptions = {}): Promise<CatalogModel> {
  return (await sql.begin('isolation level repeatable read read only', (tx) => readModelInTransaction(tx as unknown as Sql, options))) as CatalogModel
}

// The same read inside a transaction the caller holds (set local lasts until it ends).
export async function readModelInTransaction(tx: Sql, options: ReadOptions = {}): Promise<CatalogModel> {
  await tx`set local search_path = ''`
  return readAll(tx, options)
}

// The id of an object as pg_identify_object names it: "table public.accounts", "function public.f(uuid)".
const idOf = (sql: Sql, catalog: string, oid: unknown) =>
  sql`(select o.type || ' ' || o.identity from pg_identify_object(${catalog}::regclass, ${oid as number}::oid, 0) o)`

// The readers that do not need each other's answers are started together: postgres.js pipelines their queries
// on the transaction's one connection, so a snapshot (the replay takes one after every file) costs a few round
// trips instead of one per reader.
async function readAll(sql: Sql, options: ReadOptions): Promise<CatalogModel> {
  const generator = Boolean(options.generator)
  const [[v], roles, sequences] = await Promise.all([
    sql<{ version: string; num: number }[]>`select current_setting('server_version') as version, current_setting('server_version_num')::int as num`,
    sql<{ name: string; ident: string }[]>`select rolname as name, quote_ident(rolname) as ident from pg_roles`,
    readSequences(sql, generator),
  ])
  const num = v.num
  const [relations, access, schemas, extensions, types, constraints, indexes, routines, triggers, policies, platformRls, dependencies] = await Promise.all([
    readRelations(sql, sequences), readAccess(sql, num), readSchemas(sql), readExtensions(sql), readTypes(sql), readConstraints(sql),
    readIndexes(sql), readRoutines(sql, num, generator), readTriggers(sql), readPolicies(sql), readPlatformRls(sql),
    generator ? readDependencies(sql) : Promise.resolve([]),
  ])
  return {
    serverVersion: v.version.replace(/ .*/, ''),
    serverVersionNum: num,
    schemas,
    extensions,
    types,
    sequences: sequences.filter((q) => !q.identity),
    relations,
    constraints,
    indexes,
    routines,
    triggers,
    policies,
    platformRls,
    ...access,
    ...(await readPlatformRows(sql, relations, options.data ?? [])),
    dependencies,
    roleIdents: Object.fromEntries(roles.map((r) => [r.name, r.ident])),
  }
}

// The pg_class, pg_proc, pg_type, pg_namespace filter: not the platform's schemas, not made by CREATE EXTENSION.
function memberOfExtension(sql: Sql, catalog: 'pg_class' | 'pg_proc' | 'pg_type' | 'pg_namespace') {
  switch (catalog) {
    case 'pg_class':
      return sql`exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')`
    case 'pg_proc':
      return sql`exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')`
    case 'pg_type':
      return sql`exists (select 1 from pg_depend d where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')`
    case 'pg_namespace':
      return sql`exists (select 1 from pg_depend d where d.classid = 'pg_namespace'::regclass and d.objid = n.oid and d.deptype = 'e')`
  }
}

// An ACL exploded, with its owner; NULL means the built-in default (acldefault), as GRANT/REVOKE see it.
const explodeAcl = (sql: Sql, acl: ReturnType<Sql>, kind: string, owner: ReturnType<Sql>) => sql`
  (select coalesce(json_agg(json_build_object('grantee', case when x.grantee = 0 then 'PUBLIC' else pg_get_userbyid(x.grantee) end,
     'privilege', x.privilege_type, 'grantable', x.is_grantable) order by x.ord), '[]')
   from aclexplode(coalesce(${acl}, acldefault(${kind}::"char", ${owner}))) with ordinality x(grantor, grantee, privilege_type, is_grantable, ord))`

async function readSchemas(sql: Sql): Promise<Schema[]> {
  const rows = await sql<Row[]>`
    select n.nspname as name, quote_ident(n.nspname) as ident, pg_get_userbyid(n.nspowner) as owner,
           ${explodeAcl(sql, sql`n.nspacl`, 'n', sql`n.nspowner`)} as acl, obj_description(n.oid, 'pg_namespace') as comment
    from pg_namespace n
    where n.nspname !~ ${INTERNAL_PATTERN} and not ${memberOfExtension(sql, 'pg_namespace')} order by 1`
  return rows.map((r) => ({ name: s(r.name), ident: s(r.ident), owner: s(r.owner), acl: r.acl as AclItem[], comment: str(r.comment) }))
}

async function readExtensions(sql: Sql): Promise<Extension[]> {
  const rows = await sql<Row[]>`
    select e.extname as name, quote_ident(e.extname) as ident, n.nspname as schema, quote_ident(n.nspname) as schema_ident, e.extversion as version
    from pg_extension e join pg_namespace n on n.oid = e.extnamespace order by 1`
  return rows.filter((r) => !(s(r.name) in PLATFORM_EXTENSIONS)).map((r) => ({ name: s(r.name), ident: s(r.ident), schema: s(r.schema), schemaIdent: s(r.schema_ident), version: s(r.version) }))
}

// Sequences, identity ones included (their column owns them; they are returned with `identity` set).
async function readSequences(sql: Sql, withValues: boolean): Promise<(Sequence & { identity: string | null })[]> {
  const rows = await sql<Row[]>`
    select ${idOf(sql, 'pg_class', sql`c.oid`)} as id, n.nspname as schema, c.relname as name, format('%I.%I', n.nspname, c.relname) as qname,
           s.seqtypid::regtype::text as type, s.seqstart::text as start, s.seqincrement::text as increment, s.seqmin::text as min,
           s.seqmax::text as max, s.seqcache::text as cache, s.seqcycle as cycle, pg_get_userbyid(c.relowner) as owner,
           ${explodeAcl(sql, sql`c.relacl`, 's', sql`c.relowner`)} as acl, obj_description(c.oid, 'pg_class') as comment,
           (select format('%I.%I.%I', on_.nspname, oc.relname, a.attname) from pg_depend d
              join pg_class oc on oc.oid = d.refobjid join pg_namespace on_ on on_.oid = oc.relnamespace
              join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
            where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i') and d.refobjsubid > 0) as owned_by,
           (select format('%s.%s', d.refobjid, d.refobjsubid) from pg_depend d
            where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'i' and d.refobjsubid > 0) as identity
    from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_sequence s on s.seqrelid = c.oid
    where c.relkind = 'S' and n.nspname !~ ${INTERNAL_PATTERN} and not ${memberOfExtension(sql, 'pg_class')}
    order by 4`
  const out: (Sequence & { identity: string | null })[] = []
  for (const r of rows) {
    const value = withValues
      ? await readOne(`sequence ${s(r.qname)}`, 'SELECT', () =>
        sql<{ last_value: string; is_called: boolean }[]>`select last_value::text, is_called from ${sql(s(r.schema))}.${sql(s(r.name))}`)
      : []
    out.push({
      id: s(r.id), schema: s(r.schema), name: s(r.name), qname: s(r.qname), type: s(r.type), start: s(r.start), increment: s(r.increment),
      min: s(r.min), max: s(r.max), cache: s(r.cache), cycle: Boolean(r.cycle), owner: s(r.owner), acl: r.acl as AclItem[],
      comment: str(r.comment), ownedBy: str(r.owned_by), lastValue: value[0]?.last_value ?? null, isCalled: Boolean(value[0]?.is_called),
      identity: str(r.identity),
    })
  }
  return out
}

// A read that needs a privilege beyond the catalog's (a sequence's value, a table's rows): a permission error
// becomes one sentence naming the object and the privilege.
export async function readOne<T>(object: string, privilege: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (err) {
    if ((err as { code?: string }).code === '42501') {
      throw new KitError('DB_PERMISSION', `cannot read ${object}: the role lacks ${privilege} on it`, `Grant ${privilege} on it to the role, or connect as the project's postgres role`)
    }
    throw err
  }
}

async function readRelations(sql: Sql, sequences: (Sequence & { identity: string | null })[]): Promise<Relation[]> {
  const rels = await sql<Row[]>`
    select c.oid::int as oid, ${idOf(sql, 'pg_class', sql`c.oid`)} as id, c.relkind as kind, n.nspname as schema, c.relname as name,
           format('%I.%I', n.nspname, c.relname) as qname, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
           c.relpersistence as persistence, c.reloptions as options, c.relispopulated as populated,
           case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partition_key,
           case when c.relispartition then (select format('%I.%I', pn.nspname, pc.relname) from pg_inherits i
             join pg_class pc on pc.oid = i.inhparent join pg_namespace pn on pn.oid = pc.relnamespace where i.inhrelid = c.oid) end as partition_of,
           case when c.relispartition then pg_get_expr(c.relpartbound, c.oid) end as partition_bound,
           case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) end as definition,
           obj_description(c.oid, 'pg_class') as comment, pg_get_userbyid(c.relowner) as owner,
           ${explodeAcl(sql, sql`c.relacl`, 'r', sql`c.relowner`)} as acl
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p', 'v', 'm', 'f') and n.nspname !~ ${INTERNAL_PATTERN} and not ${memberOfExtension(sql, 'pg_class')}
    order by 6`
  const cols = await sql<Row[]>`
    select a.attrelid::int as rel, a.attnum as num, a.attname as name, quote_ident(a.attname) as ident,
           format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null, a.attidentity as identity, a.attgenerated as generated,
           pg_get_expr(ad.adbin, ad.adrelid) as expr, a.attislocal as local,
           case when a.attcollation <> t.typcollation then co.collname end as collation,
           case when a.attcollation <> t.typcollation then format('%I.%I', cn.nspname, co.collname) end as collation_qname,
           col_description(a.attrelid, a.attnum) as comment,
           case when a.attacl is not null then ${explodeAcl(sql, sql`a.attacl`, 'c', sql`c.relowner`)} end as acl
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_type t on t.oid = a.atttypid
    left join pg_collation co on co.oid = a.attcollation left join pg_namespace cn on cn.oid = co.collnamespace
    left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
    where c.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped
      and n.nspname !~ ${INTERNAL_PATTERN} and not ${memberOfExtension(sql, 'pg_class')}
    order by 1, 2`
  const identitySeq = new Map(sequences.filter((q) => q.identity).map((q) => [q.identity!, q]))
  const byRel = new Map<number, Column[]>()
  for (const r of cols) {
    const list = byRel.get(Number(r.rel)) ?? []
    list.push({
      num: Number(r.num), name: s(r.name), ident: s(r.ident), type: s(r.type), notNull: Boolean(r.not_null), default: str(r.expr),
      identity: s(r.identity) as Column['identity'], identitySequence: identitySeq.get(`${s(r.rel)}.${s(r.num)}`) ?? null,
      generated: s(r.generated) as Column['generated'], collation: str(r.collation), collationQname: str(r.collation_qname),
      comment: str(r.comment), acl: (r.acl as AclItem[] | null) ?? null, local: Boolean(r.local),
    })
    byRel.set(Number(r.rel), list)
  }
  return rels.map((r) => ({
    id: s(r.id), oid: Number(r.oid), kind: s(r.kind) as Relation['kind'], schema: s(r.schema), name: s(r.name), qname: s(r.qname),
    persistence: s(r.persistence), options: (r.options as string[] | null) ?? null, rls: Boolean(r.rls), forceRls: Boolean(r.forced),
    partitionKey: str(r.partition_key), partitionOf: str(r.partition_of), partitionBound: str(r.partition_bound),
    viewDef: str(r.definition), populated: Boolean(r.populated), owner: s(r.owner), acl: r.acl as AclItem[], comment: str(r.comment),
    columns: byRel.get(Number(r.oid)) ?? [],
  }))
}

async function readConstraints(sql: Sql): Promise<Constraint[]> {
  const rows = await sql<Row[]>`
    select ${idOf(sql, 'pg_constraint', sql`co.oid`)} as id, format('%I.%I', n.nspname, c.relname) as rel, n.nspname as schema,
           co.conname as name, quote_ident(co.conname) as ident, co.contype as type, pg_get_constraintdef(co.oid) as def,
           co.convalidated as validated, (co.conparentid <> 0 or not co.conislocal) as inherited, c.relispartition as on_partition,
           obj_description(co.oid, 'pg_constraint') as comment, co.conparentid <> 0 as has_parent
    from pg_constraint co join pg_class c on c.oid = co.conrelid join pg_namespace n on n.oid = c.relnamespace
    where co.contype <> 'n' and n.nspname !~ ${INTERNAL_PATTERN} and not ${memberOfExtension(sql, 'pg_class')}
    order by 2, 4`
  return rows.map((r) => ({
    id: s(r.id), table: s(r.rel), tableSchema: s(r.schema), name: s(r.name), ident: s(r.ident), type: s(r.type), def: s(r.def),
    validated: Boolean(r.validated), inherited: Boolean(r.inherited), onPartition: Boolean(r.on_partition), comment: str(r.comment),
    hasParent: Boolean(r.has_parent),
  }))
}

async function readIndexes(sql: Sql): Promise<Index[]> {
  const rows = await sql<Row[]>`
    select ${idOf(sql, 'pg_class', sql`ic.oid`)} as id, n.nspname as schema, ic.relname as name, format('%I.%I', n.nspname, ic.relname) as qname,
           format('%I.%I', tn.nspname, c.relname) as rel, c.relkind as relkind, pg_get_indexdef(ic.oid) as def, x.indisvalid as valid,
           ic.relispartition as is_partition, obj_description(ic.oid, 'pg_class') as comment,
           (select format('%I.%I', pn.nspname, pc.relname) from pg_inherits i join pg_class pc on pc.oid = i.inhparent
              join pg_namespace pn on pn.oid = pc.relnamespace where i.inhrelid = ic.oid) as parent_index,
           (select co.contype from pg_constraint co where co.conindid = ic.oid and co.contype in ('p', 'u', 'x') and co.conrelid = c.oid) as constraint_type
    from pg_index x join pg_class ic on ic.oid = x.indexrelid join pg_class c on c.oid = x.indrelid
    join pg_namespace n on n.oid = ic.relnamespace join pg_namespace tn on tn.oid = c.relnamespace
    where n.nspname !~ ${INTERNAL_PATTERN} and not ${memberOfExtension(sql, 'pg_class')}
    order by 4`
  return rows.map((r) => ({
    id: s(r.id), schema: s(r.schema), name: s(r.name), qname: s(r.qname), table: s(r.rel), tableKind: s(r.relkind), def: s(r.def),
    valid: Boolean(r.valid), isPartition: Boolean(r.is_partition), parentIndex: str(r.parent_index), constraintType: str(r.constraint_type),
    comment: str(r.comment),
  }))
}

async function readTypes(sql: Sql): Promise<TypeDef[]> {
  const rows = await sql<Row[]>`
    select ${idOf(sql, 'pg_type', sql`t.oid`)} as id, t.typtype as kind, n.nspname as schema, t.typname as name,
           format('%I.%I', n.nspname, t.typname) as qname, obj_description(t.oid, 'pg_type') as comment, pg_get_userbyid(t.typowner) as owner,
           ${explodeAcl(sql, sql`t.typacl`, 'T', sql`t.typowner`)} as acl,
           (select coalesce(json_agg(e.enumlabel order by e.enumsortorder), '[]') from pg_enum e where e.enumtypid = t.oid) as labels,
           (select coalesce(json_agg(json_build_object('ident', quote_ident(a.attname), 'type', format_type(a.atttypid, a.atttypmod),
              'collationQname', case when a.attcollation <> at.typcollation then (select format('%I.%I', cn.nspname, co.collname) from pg_collation co
                join pg_namespace cn on cn.oid = co.collnamespace where co.oid = a.attcollation) end) order by a.attnum), '[]')
              from pg_attribute a join pg_type at on at.oid = a.atttypid where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped) as attributes,
           case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end as base, t.typnotnull as not_null, t.typdefault as default_value,
           case when t.typtype = 'd' and t.typcollation <> bt.typcollation then (select format('%I.%I', cn.nspname, co.collname) from pg_collation co
             join pg_namespace cn on cn.oid = co.collnamespace where co.oid = t.typcollation) end as collation_qname,
           (select coalesce(json_agg(json_build_object('name', co.conname, 'ident', quote_ident(co.conname), 'def', pg_get_constraintdef(co.oid),
              'validated', co.convalidated) order by co.conname), '[]') from pg_constraint co where co.contypid = t.oid and co.contype = 'c') as checks
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    left join pg_class c on c.oid = t.typrelid left join pg_type bt on bt.oid = t.typbasetype
    where (t.typtype in ('e', 'd') or (t.typtype = 'c' and c.relkind = 'c'))
      and n.nspname !~ ${INTERNAL_PATTERN} and not ${memberOfExtension(sql, 'pg_type')}
    order by 5`
  return rows.map((r) => ({
    id: s(r.id), kind: s(r.kind) as TypeDef['kind'], schema: s(r.schema), name: s(r.name), qname: s(r.qname), comment: str(r.comment),
    owner: s(r.owner), acl: r.acl as AclItem[], labels: r.labels as string[], attributes: r.attributes as TypeDef['attributes'],
    base: str(r.base), notNull: Boolean(r.not_null), default: str(r.default_value), collationQname: str(r.collation_qname),
    checks: r.checks as TypeDef['checks'],
  }))
}

async function readRoutines(sql: Sql, num: number, withDefinitions: boolean): Promise<Routine[]> {
  const rows = await sql<Row[]>`
    select ${idOf(sql, 'pg_proc', sql`p.oid`)} as id, p.prokind as kind, n.nspname as schema,
           format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) as signature,
           pg_get_function_arguments(p.oid) as arguments, pg_get_function_result(p.oid) as result, l.lanname as language,
           p.provolatile as volatility, p.prosecdef as security_definer, p.proisstrict as strict, p.proleakproof as leakproof,
           p.proparallel as parallel, p.proconfig as config,
           ${num >= 140000 ? sql`case when p.prosqlbody is not null then pg_get_function_sqlbody(p.oid) else p.prosrc end` : sql`p.prosrc`} as body,
           case when p.prokind <> 'a' and ${withDefinitions} then pg_get_functiondef(p.oid) end as definition,
           obj_description(p.oid, 'pg_proc') as comment, pg_get_userbyid(p.proowner) as owner,
           ${explodeAcl(sql, sql`p.proacl`, 'f', sql`p.proowner`)} as acl
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
    where n.nspname !~ ${INTERNAL_PATTERN} and not ${memberOfExtension(sql, 'pg_proc')}
    order by 4`
  return rows.map((r) => ({
    id: s(r.id), kind: s(r.kind) as Routine['kind'], schema: s(r.schema), signature: s(r.signature), arguments: s(r.arguments),
    result: str(r.result), language: s(r.language), volatility: s(r.volatility), securityDefiner: Boolean(r.security_definer),
    strict: Boolean(r.strict), leakproof: Boolean(r.leakproof), parallel: s(r.parallel), config: (r.config as string[] | null) ?? null,
    body: s(r.body), definition: str(r.definition), comment: str(r.comment), owner: s(r.owner), acl: r.acl as AclItem[],
  }))
}

// Users' triggers, on their tables and on auth/storage tables (not the platform's own, whose functions live in
// the platform's schemas). Partitions' clones (tgparentid) come with the parent's.
async function readTriggers(sql: Sql): Promise<Trigger[]> {
  const rows = await sql<Row[]>`
    select ${idOf(sql, 'pg_trigger', sql`t.oid`)} as id, t.tgname as name, quote_ident(t.tgname) as ident,
           format('%I.%I', n.nspname, c.relname) as rel, pg_get_triggerdef(t.oid) as def, t.tgenabled as enabled,
           obj_description(t.oid, 'pg_trigger') as comment
    from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_proc p on p.oid = t.tgfoid join pg_namespace pn on pn.oid = p.pronamespace
    where not t.tgisinternal and t.tgparentid = 0
      and (n.nspname !~ ${INTERNAL_PATTERN} or (n.nspname in ('auth', 'storage') and pn.nspname !~ ${INTERNAL_PATTERN}))
    order by 4, 2`
  return rows.map((r) => ({ id: s(r.id), name: s(r.name), ident: s(r.ident), table: s(r.rel), def: s(r.def), enabled: s(r.enabled), comment: str(r.comment) }))
}

// Policies on every table, storage.objects and auth tables included.
async function readPolicies(sql: Sql): Promise<Policy[]> {
  const rows = await sql<Row[]>`
    select ${idOf(sql, 'pg_policy', sql`p.oid`)} as id, p.polname as name, quote_ident(p.polname) as ident,
           format('%I.%I', n.nspname, c.relname) as rel, n.nspname as schema, p.polcmd as cmd, p.polpermissive as permissive,
           (select coalesce(json_agg(case when ro = 0 then 'public' else pg_get_userbyid(ro) end order by ord), '[]')
              from unnest(p.polroles) with ordinality u(ro, ord)) as roles,
           pg_get_expr(p.polqual, p.polrelid) as using, pg_get_expr(p.polwithcheck, p.polrelid) as check,
           obj_description(p.oid, 'pg_policy') as comment
    from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
    order by 4, 2`
  return rows.map((r) => ({
    id: s(r.id), name: s(r.name), ident: s(r.ident), table: s(r.rel), tableSchema: s(r.schema), cmd: s(r.cmd), permissive: Boolean(r.permissive),
    roles: r.roles as string[], using: str(r.using), check: str(r.check), comment: str(r.comment),
  }))
}

// RLS on the platform's own tables: the one part of them a migration changes (only those the shim also has).
async function readPlatformRls(sql: Sql): Promise<PlatformRls[]> {
  const rows = await sql<Row[]>`
    select format('%I.%I', n.nspname, c.relname) as name, c.relrowsecurity as rls, c.relforcerowsecurity as forced
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and format('%I.%I', n.nspname, c.relname) = any(${sql.array([...RLS_PLATFORM_TABLES])}) order by 1`
  return rows.map((r) => ({ table: s(r.name), rls: Boolean(r.rls), forceRls: Boolean(r.forced) }))
}
