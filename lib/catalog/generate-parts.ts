// The typed catalog model as parts of a baseline migration: each part creates one object (or one aspect of one,
// such as its grants) with statements that run twice, in the guarded forms `check-idempotent --fix` writes
// (lib/sql/guarded.ts). generate.ts orders the parts by their dependencies.
import {
  constraintAbsent, domainConstraintAbsent, dropPolicyFirst, dropTriggerFirst, guardedDo, IF_NOT_EXISTS, indexPartitionAbsent, literal,
  ON_CONFLICT_DO_NOTHING, publicationAbsent, publicationMember, typeAbsent,
} from '../sql/guarded.ts'
import type { AclItem, CatalogModel, Column, Relation, Sequence, TableRows } from './read.ts'
import { DEFAULT_ACL_OBJECTS } from './snapshot.ts'

// `phase` orders parts that do not depend on each other (schemas first, rows and sequence values last); `deps`
// are ids of parts that must come first; `defaults` are column defaults that may move out of a CREATE TABLE
// when they close a cycle (a default calling a function whose SQL body reads the table).
export type Part = {
  id: string
  phase: number
  kind: string
  deps: Set<string>
  statements: string[]
  defaults?: { column: string; sql: string; deps: Set<string>; deferred: boolean }[]
}

export const PHASE = {
  schema: 0, extension: 1, type: 2, sequence: 3, function: 4, table: 5, defaults: 6, constraint: 7, index: 8, foreignKey: 9,
  view: 10, ownedBy: 11, trigger: 12, rls: 13, policy: 14, grants: 15, defaultPrivileges: 16, publication: 17, member: 18,
  rows: 19, cron: 20, values: 21, refresh: 22,
} as const

// Roles Supabase's default privileges grant every new object to: revoked first, so an exact ACL survives on a
// platform whose defaults grant everything (REVOKE, then the remote's GRANTs).
const PLATFORM_GRANTEES = ['anon', 'authenticated', 'service_role']
const ALL_PRIVILEGES: Record<string, string[]> = {
  TABLE: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'],
  SEQUENCE: ['USAGE', 'SELECT', 'UPDATE'],
  FUNCTION: ['EXECUTE'],
  PROCEDURE: ['EXECUTE'],
  SCHEMA: ['USAGE', 'CREATE'],
  TABLES: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'],
  SEQUENCES: ['USAGE', 'SELECT', 'UPDATE'],
  FUNCTIONS: ['EXECUTE'],
  TYPES: ['USAGE'],
  SCHEMAS: ['USAGE', 'CREATE'],
}
const ORDER = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'MAINTAIN', 'USAGE', 'CREATE', 'EXECUTE']

export function modelParts(m: CatalogModel): Part[] {
  const parts: Part[] = []
  const part = (p: Omit<Part, 'deps'> & { deps?: Iterable<string> }) => {
    const made: Part = { ...p, deps: new Set(p.deps ?? []) }
    parts.push(made)
    return made
  }
  const role = (name: string) => (name === 'PUBLIC' || name === 'public' ? 'PUBLIC' : (m.roleIdents[name] ?? `"${name.replace(/"/g, '""')}"`))
  const present = new Set(Object.keys(m.roleIdents))
  const comment = (what: string, text: string | null) => (text === null ? [] : [`COMMENT ON ${what} IS ${literal(text)}`])

  // The exact ACL of one object: revoke from everyone the platform or the remote grants to, then grant.
  const acl = (id: string, keyword: string, object: string, items: readonly AclItem[], owner: string, prefix = '', as: Pick<Part, 'phase' | 'kind' | 'deps'> = { phase: PHASE.grants, kind: 'grants', deps: new Set([id]) }) => {
    const others = items.filter((a) => a.grantee !== owner)
    const revoke = [...new Set(['PUBLIC', ...PLATFORM_GRANTEES.filter((r) => present.has(r) && r !== owner), ...others.map((a) => a.grantee)])]
    const target = prefix ? `${keyword}S` : `${keyword} ${object}`
    const statements = [`${prefix}REVOKE ALL ON ${target} FROM ${revoke.map(role).join(', ')}`]
    // In the ACL's order, so the rebuilt array is the same; neighbours holding the same privileges share a GRANT.
    const grants: { clause: string; whom: string[] }[] = []
    for (const [who, grantable] of [...new Set(others.map((a) => `${a.grantee}\u0000${a.grantable}`))].map((k) => k.split('\u0000'))) {
      const privileges = others.filter((a) => a.grantee === who && String(a.grantable) === grantable).map((a) => a.privilege)
      const clause = `${privilegeList(privileges, prefix ? `${keyword}S` : keyword)}\u0000${grantable === 'true' ? ' WITH GRANT OPTION' : ''}`
      if (grants.at(-1)?.clause === clause) grants.at(-1)!.whom.push(role(who))
      else grants.push({ clause, whom: [role(who)] })
    }
    for (const { clause, whom } of grants) {
      const [privileges, option] = clause.split('\u0000')
      statements.push(`${prefix}GRANT ${privileges} ON ${target} TO ${whom.join(', ')}${option}`)
    }
    part({ id: `grants ${id}`, ...as, statements })
  }

  for (const n of m.schemas) {
    const statements = n.name === 'public' ? [] : [`CREATE SCHEMA ${IF_NOT_EXISTS} ${n.ident}`]
    part({ id: `schema ${n.ident}`, phase: PHASE.schema, kind: 'schema', statements: [...statements, ...comment(`SCHEMA ${n.ident}`, n.comment)] })
    acl(`schema ${n.ident}`, 'SCHEMA', n.ident, n.acl, n.owner)
  }
  for (const e of m.extensions) {
    part({ id: `extension ${e.ident}`, phase: PHASE.extension, kind: 'extension', deps: [`schema ${e.schemaIdent}`], statements: [`CREATE EXTENSION ${IF_NOT_EXISTS} ${e.ident} WITH SCHEMA ${e.schemaIdent}`] })
  }
  for (const t of m.types) {
    const keyword = t.kind === 'd' ? 'DOMAIN' : 'TYPE'
    let create: string
    if (t.kind === 'e') create = `CREATE TYPE ${t.qname} AS ENUM (${t.labels.map(literal).join(', ')})`
    else if (t.kind === 'c') create = `CREATE TYPE ${t.qname} AS (${t.attributes.map((a) => `${a.ident} ${a.type}${a.collationQname ? ` COLLATE ${a.collationQname}` : ''}`).join(', ')})`
    else {
      const checks = t.checks.filter((c) => c.validated).map((c) => ` CONSTRAINT ${c.ident} ${c.def}`).join('')
      create = `CREATE DOMAIN ${t.qname} AS ${t.base}${t.collationQname ? ` COLLATE ${t.collationQname}` : ''}${t.default !== null ? ` DEFAULT ${t.default}` : ''}${t.notNull ? ' NOT NULL' : ''}${checks}`
    }
    // Checks added NOT VALID stay NOT VALID (values stored before them may violate them).
    const invalid = t.checks.filter((c) => !c.validated).map((c) => guardedDo(`ALTER DOMAIN ${t.qname} ADD CONSTRAINT ${c.ident} ${c.def}`, domainConstraintAbsent(t.schema, t.name, c.name)))
    part({
      id: t.id, phase: PHASE.type, kind: t.kind === 'e' ? 'enum' : t.kind === 'c' ? 'composite type' : 'domain', deps: [schemaId(t.qname)],
      statements: [guardedDo(create, typeAbsent(t.schema, t.name)), ...invalid, ...comment(`${keyword} ${t.qname}`, t.comment)],
    })
  }
  for (const q of m.sequences) {
    part({ id: q.id, phase: PHASE.sequence, kind: 'sequence', deps: [schemaId(q.qname)], statements: [`CREATE SEQUENCE ${IF_NOT_EXISTS} ${q.qname} AS ${q.type}${sequenceOptions(q)}`, ...comment(`SEQUENCE ${q.qname}`, q.comment)] })
    part({ id: `value ${q.id}`, phase: PHASE.values, kind: 'sequence value', deps: [q.id], statements: [setval(literal(q.qname), q)] })
    acl(q.id, 'SEQUENCE', q.qname, q.acl, q.owner)
    if (q.ownedBy) {
      const table = q.ownedBy.slice(0, q.ownedBy.lastIndexOf('.'))
      part({ id: `owned by ${q.id}`, phase: PHASE.ownedBy, kind: 'owned by', deps: [q.id, `table ${table}`], statements: [`ALTER SEQUENCE ${q.qname} OWNED BY ${q.ownedBy}`] })
    }
  }
  for (const f of m.routines) {
    if (!f.definition) continue // aggregates: pg_get_functiondef cannot print them (left to verify to report)
    const keyword = f.kind === 'p' ? 'PROCEDURE' : 'FUNCTION'
    part({ id: f.id, phase: PHASE.function, kind: f.kind === 'p' ? 'procedure' : 'function', deps: [schemaId(f.signature)], statements: [f.definition.trim(), ...comment(`${keyword} ${f.signature}`, f.comment)] })
    acl(f.id, keyword, f.signature, f.acl, f.owner)
  }
  for (const r of m.relations) relationParts(r)
  const relKind = new Map(m.relations.map((r) => [r.qname, r]))
  for (const c of m.constraints) {
    if (c.hasParent || c.inherited) continue
    const table = relKind.get(c.table)
    part({
      id: c.id, phase: c.type === 'f' ? PHASE.foreignKey : PHASE.constraint, kind: 'constraint', deps: [table?.id ?? `table ${c.table}`],
      statements: [guardedDo(`ALTER TABLE ${c.table} ADD CONSTRAINT ${c.ident} ${c.def}`, constraintAbsent(literal(c.table), c.name)), ...comment(`CONSTRAINT ${c.ident} ON ${c.table}`, c.comment)],
    })
  }
  for (const x of m.indexes) {
    if (x.constraintType) continue
    const on = relKind.get(x.table)
    const create = x.def.replace(/^CREATE (UNIQUE )?INDEX /, `CREATE $1INDEX ${IF_NOT_EXISTS} `)
    part({ id: x.id, phase: PHASE.index, kind: 'index', deps: [on?.id ?? `table ${x.table}`], statements: [create, ...comment(`INDEX ${x.qname}`, x.comment)] })
    // A partitioned table's index stays invalid until every partition's index is attached (as pg_dump does it).
    const parent = x.parentIndex ? m.indexes.find((p) => p.qname === x.parentIndex) : undefined
    if (parent && !parent.constraintType) {
      part({ id: `attach ${x.id}`, phase: PHASE.index, kind: 'index attachment', deps: [x.id, parent.id], statements: [guardedDo(`ALTER INDEX ${parent.qname} ATTACH PARTITION ${x.qname}`, indexPartitionAbsent(literal(x.qname)))] })
    }
  }
  for (const t of m.triggers) {
    const on = relKind.get(t.table)
    const enabled = ({ D: 'DISABLE TRIGGER', R: 'ENABLE REPLICA TRIGGER', A: 'ENABLE ALWAYS TRIGGER' } as Record<string, string>)[t.enabled]
    part({
      id: t.id, phase: PHASE.trigger, kind: 'trigger', deps: on ? [on.id] : [],
      statements: [asStatement(dropTriggerFirst(t.ident, t.table)), t.def, ...(enabled ? [`ALTER TABLE ${t.table} ${enabled} ${t.ident}`] : []), ...comment(`TRIGGER ${t.ident} ON ${t.table}`, t.comment)],
    })
  }
  for (const r of m.platformRls) {
    // The platform enables RLS on these tables itself; only a different state is the project's.
    const statements = [...(r.rls ? [] : [`ALTER TABLE ${r.table} DISABLE ROW LEVEL SECURITY`]), ...(r.forceRls ? [`ALTER TABLE ${r.table} FORCE ROW LEVEL SECURITY`] : [])]
    if (statements.length) part({ id: `rls ${r.table}`, phase: PHASE.rls, kind: 'row level security', statements })
  }
  for (const p of m.policies) {
    const on = relKind.get(p.table)
    const cmd = ({ r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' } as Record<string, string>)[p.cmd]
    const create = `CREATE POLICY ${p.ident} ON ${p.table} AS ${p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${cmd} TO ${p.roles.map(role).join(', ')}` +
      `${p.using !== null ? ` USING (${p.using})` : ''}${p.check !== null ? ` WITH CHECK (${p.check})` : ''}`
    part({ id: p.id, phase: PHASE.policy, kind: 'policy', deps: on ? [on.id, `rls ${on.id}`] : [], statements: [asStatement(dropPolicyFirst(p.ident, p.table)), create, ...comment(`POLICY ${p.ident} ON ${p.table}`, p.comment)] })
  }
  for (const d of m.defaultAcls) {
    const objects = (DEFAULT_ACL_OBJECTS[d.objtype] ?? d.objtype).toUpperCase()
    const prefix = `ALTER DEFAULT PRIVILEGES FOR ROLE ${role(d.role)}${d.schema !== null ? ` IN SCHEMA ${d.schema === 'public' ? 'public' : (m.schemas.find((n) => n.name === d.schema)?.ident ?? d.schema)}` : ''} `
    const deps = new Set(d.schema !== null ? [`schema ${m.schemas.find((n) => n.name === d.schema)?.ident}`] : [])
    acl(`default privileges ${prefix}${objects}`, objects.slice(0, -1), '', d.items, d.role, prefix, { phase: PHASE.defaultPrivileges, kind: 'default privileges', deps })
  }
  for (const p of m.publications) {
    if (p.name !== 'supabase_realtime') {
      const options = [`publish = ${literal(p.publish.join(', '))}`, ...(p.viaRoot ? ['publish_via_partition_root = true'] : [])]
      part({ id: `publication ${p.ident}`, phase: PHASE.publication, kind: 'publication', statements: [guardedDo(`CREATE PUBLICATION ${p.ident}${p.allTables ? ' FOR ALL TABLES' : ''} WITH (${options.join(', ')})`, publicationAbsent(p.name))] })
    }
    for (const t of p.tables) {
      const on = relKind.get(t.table)
      const add = `ALTER PUBLICATION ${p.ident} ADD TABLE ${t.table}${t.columns.length ? ` (${t.columns.join(', ')})` : ''}${t.filter !== null ? ` WHERE (${t.filter})` : ''}`
      part({ id: `member ${t.table} in ${p.ident}`, phase: PHASE.member, kind: 'publication member', deps: [`publication ${p.ident}`, ...(on ? [on.id] : [])], statements: [guardedDo(add, `NOT ${publicationMember(p.name, literal(t.table))}`)] })
    }
  }
  if (m.buckets?.rows.length) part({ id: 'rows storage.buckets', phase: PHASE.rows, kind: 'storage bucket', statements: [insertRows(m.buckets)] })
  for (const j of m.cronJobs ?? []) {
    const args = [...(j.jobname !== null ? [literal(j.jobname)] : []), literal(j.schedule), literal(j.command)].join(', ')
    // A named job is upserted by cron.schedule; an unnamed one would be scheduled again on every run.
    const statements = j.jobname !== null
      ? [`SELECT cron.schedule(${args})`]
      : [guardedDo(`PERFORM cron.schedule(${args})`, `NOT EXISTS (SELECT 1 FROM cron.job WHERE jobname IS NULL AND schedule = ${literal(j.schedule)} AND command = ${literal(j.command)})`)]
    if (!j.active && j.jobname !== null) statements.push(`UPDATE cron.job SET active = false WHERE jobname = ${literal(j.jobname)}`)
    part({ id: `cron job ${j.jobname ?? j.command}`, phase: PHASE.cron, kind: 'cron job', statements })
  }
  for (const rows of m.data) {
    const table = relKind.get(rows.table)
    if (rows.rows.length) part({ id: `rows ${rows.table}`, phase: PHASE.rows, kind: 'rows', deps: table ? [table.id] : [], statements: [insertRows(rows)] })
  }
  return parts

  function relationParts(r: Relation): void {
    const deps = [schemaId(r.qname), ...(r.partitionOf ? [`table ${r.partitionOf}`] : [])]
    const keyword = r.kind === 'v' ? 'VIEW' : r.kind === 'm' ? 'MATERIALIZED VIEW' : r.kind === 'f' ? 'FOREIGN TABLE' : 'TABLE'
    const options = r.options?.length ? ` WITH (${r.options.join(', ')})` : ''
    const comments = [...comment(`${keyword} ${r.qname}`, r.comment), ...r.columns.flatMap((c) => comment(`COLUMN ${r.qname}.${c.ident}`, c.comment))]
    if (r.kind === 'f') return // foreign tables need their server and options: not generated (verify reports them)
    if (r.kind === 'v' || r.kind === 'm') {
      const body = (r.viewDef ?? '').trim().replace(/;$/, '')
      // Created empty, refreshed at the very end (after --data rows) when the remote's is populated.
      const create = r.kind === 'v' ? `CREATE OR REPLACE VIEW ${r.qname}${options} AS\n${body}` : `CREATE MATERIALIZED VIEW ${IF_NOT_EXISTS} ${r.qname}${options} AS\n${body}\nWITH NO DATA`
      part({ id: r.id, phase: PHASE.view, kind: r.kind === 'v' ? 'view' : 'materialized view', deps, statements: [create, ...comments] })
      if (r.kind === 'm' && r.populated) part({ id: `refresh ${r.id}`, phase: PHASE.refresh, kind: 'refresh', deps: [r.id], statements: [`REFRESH MATERIALIZED VIEW ${r.qname}`] })
    } else {
      const p = part({ id: r.id, phase: PHASE.table, kind: r.partitionOf ? 'partition' : 'table', deps, statements: [], defaults: [] })
      const columns = r.partitionOf ? [] : r.columns.map((c) => columnSql(c, p))
      const head = `CREATE ${r.persistence === 'u' ? 'UNLOGGED ' : ''}TABLE ${IF_NOT_EXISTS} ${r.qname}`
      const body = r.partitionOf ? ` PARTITION OF ${r.partitionOf}\n${r.partitionBound}` : ` (\n${columns.map((c) => `  ${c}`).join(',\n')}\n)`
      p.statements.push(`${head}${body}${r.partitionKey ? ` PARTITION BY ${r.partitionKey}` : ''}${options}`, ...comments)
      if (r.rls || r.forceRls) part({ id: `rls ${r.id}`, phase: PHASE.rls, kind: 'row level security', deps: [r.id], statements: [...(r.rls ? [`ALTER TABLE ${r.qname} ENABLE ROW LEVEL SECURITY`] : []), ...(r.forceRls ? [`ALTER TABLE ${r.qname} FORCE ROW LEVEL SECURITY`] : [])] })
      for (const c of r.columns) if (c.identitySequence) part({ id: `value ${r.id}.${c.ident}`, phase: PHASE.values, kind: 'sequence value', deps: [r.id], statements: [setval(`pg_catalog.pg_get_serial_sequence(${literal(r.qname)}, ${literal(c.name)})`, c.identitySequence)] })
    }
    acl(r.id, r.kind === 'v' || r.kind === 'm' || r.kind === 'r' || r.kind === 'p' ? 'TABLE' : keyword, r.qname, r.acl, r.owner)
    const columnGrants = r.columns.filter((c) => c.acl?.length)
    if (columnGrants.length) {
      const byGrant = new Map<string, string[]>()
      for (const c of columnGrants) for (const a of c.acl!) {
        if (a.grantee === r.owner) continue
        const key = `${a.privilege}\u0000${a.grantee}\u0000${a.grantable}`
        byGrant.set(key, [...(byGrant.get(key) ?? []), c.ident])
      }
      const statements = [...byGrant].map(([key, cols]) => {
        const [privilege, grantee, grantable] = key.split('\u0000')
        return `GRANT ${privilege} (${cols.join(', ')}) ON TABLE ${r.qname} TO ${role(grantee)}${grantable === 'true' ? ' WITH GRANT OPTION' : ''}`
      })
      part({ id: `column grants ${r.id}`, phase: PHASE.grants, kind: 'column grants', deps: [`grants ${r.id}`], statements })
    }
  }
}

// One column of CREATE TABLE; its default is noted on the part so a cycle can move it out.
export function columnSql(c: Column, p: Part): string {
  let text = `${c.ident} ${c.type}${c.collationQname ? ` COLLATE ${c.collationQname}` : ''}`
  if (c.generated === 's') text += ` GENERATED ALWAYS AS (${c.default}) STORED`
  else if (c.identity) text += ` GENERATED ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY (SEQUENCE NAME ${c.identitySequence!.qname}${sequenceOptions(c.identitySequence!)})`
  else if (c.default !== null) {
    // A placeholder generate.ts fills with the DEFAULT clause, or empties when the default moves out.
    text += `\u0001${p.defaults!.length}\u0002`
    p.defaults!.push({ column: c.ident, sql: c.default, deps: new Set(), deferred: false })
  }
  if (c.notNull) text += ' NOT NULL'
  return text
}

// A prelude of the guarded forms ("DROP … IF EXISTS …;\n") as a statement of its own.
const asStatement = (prelude: string) => prelude.replace(/;\s*$/, '')

const sequenceOptions = (q: Sequence) =>
  ` START WITH ${q.start} INCREMENT BY ${q.increment} MINVALUE ${q.min} MAXVALUE ${q.max} CACHE ${q.cache}${q.cycle ? ' CYCLE' : ' NO CYCLE'}`
const setval = (sequence: string, q: Sequence) => `SELECT pg_catalog.setval(${sequence}, ${q.lastValue ?? q.start}, ${q.isCalled})`

function privilegeList(privileges: string[], keyword: string): string {
  const all = ALL_PRIVILEGES[keyword] ?? []
  const set = new Set(privileges)
  if (all.length && all.every((p) => set.has(p))) return 'ALL'
  return [...set].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)).join(', ')
}

// The schema part of a qualified name ("public.accounts", "public.f(uuid)").
function schemaId(qname: string): string {
  const m = /^("(?:[^"]|"")*"|[^.]+)\./.exec(qname)
  return `schema ${m ? m[1] : 'public'}`
}

// Rows as one INSERT from a JSON literal (lossless for arrays, timestamps, numerics); ON CONFLICT DO NOTHING keeps
// rows already there, as a re-run must (a capture passes onConflictUpdate: the database's values win).
export function insertRows(rows: TableRows, conflict = ON_CONFLICT_DO_NOTHING): string {
  const cols = rows.columns.map((c) => c.ident).join(', ')
  const overriding = rows.columns.some((c) => c.identityAlways) ? ' OVERRIDING SYSTEM VALUE' : ''
  const json = `[\n${rows.rows.join(',\n')}\n]`
  return `INSERT INTO ${rows.table} (${cols})${overriding}\nSELECT ${cols} FROM pg_catalog.jsonb_populate_recordset(NULL::${rows.table}, ${literal(json)})\n${conflict}`
}
