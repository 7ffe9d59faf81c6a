// What a statement creates, drops or renames, as object keys: the input of the re-run simulation in
// idempotency.ts, which replays a file's effects to know which objects exist when the file runs a second time.
import type { Node } from './parse.ts'
import {
  aggregateKey, colKey, conKey, createdFnKey, enumKey, extKey, listName, objectWithArgsKey, pkKey, polKey, pubKey, pubRelKey, qname, qtext, rangeVarName, relKey,
  roleKey, rowsKey, ruleKey, schemaKey, trgKey, typeKey, type QName,
} from './rules/shared.ts'
import { createdSecrets, secretKey, SECRETS_ROWS } from './rules/vault-create-secret.ts'

export type Effect =
  | { op: 'create'; key: string; parent?: string }
  | { op: 'drop'; key: string }
  // Keys starting with `from` move to `to` (a table rename carries its columns, policies, …).
  | { op: 'rename'; from: string; to: string }
  // Relations whose parent is `parent` (indexes) move from one schema to another.
  | { op: 'moveChildren'; parent: string; fromSchema: string; toSchema: string }

function createTable(t: QName, elts: Node[] = []): Effect[] {
  const out: Effect[] = [{ op: 'create', key: relKey(t), parent: schemaKey(t.schema) }]
  for (const e of elts) {
    if (e.ColumnDef) {
      out.push({ op: 'create', key: colKey(t, e.ColumnDef.colname), parent: relKey(t) })
      for (const c of e.ColumnDef.constraints ?? []) out.push(...constraintEffects(t, c.Constraint))
    }
    if (e.Constraint) out.push(...constraintEffects(t, e.Constraint))
    // (LIKE other): columns this file cannot name; any column of the table counts as present.
    if (e.TableLikeClause) out.push({ op: 'create', key: anyColumnKey(t), parent: relKey(t) })
  }
  return out
}

// Objects without a key of their own (event triggers, casts, aggregates, …), named as DROP names them.
export const otherKey = (type: string, name: string) => `obj:${type}:${name}`

const anyColumnKey = (t: QName) => `anycol:${t.schema}.${t.name}`

function constraintEffects(t: QName, c: Node): Effect[] {
  if (!c) return []
  const out: Effect[] = []
  if (c.conname) out.push({ op: 'create', key: conKey(t, c.conname), parent: relKey(t) })
  if (c.contype === 'CONSTR_PRIMARY') out.push({ op: 'create', key: pkKey(t), parent: relKey(t) })
  return out
}

export function effectsOf(kind: string, s: Node): Effect[] {
  switch (kind) {
    case 'CreateStmt':
      return createTable(rangeVarName(s.relation), s.tableElts)
    case 'CreateTableAsStmt':
      return createTable(rangeVarName(s.into.rel))
    case 'ViewStmt':
      return [{ op: 'create', key: relKey(rangeVarName(s.view)) }]
    case 'CreateSeqStmt':
      return [{ op: 'create', key: relKey(rangeVarName(s.sequence)) }]
    case 'IndexStmt': {
      if (!s.idxname) return []
      const t = rangeVarName(s.relation)
      return [{ op: 'create', key: relKey(qname(t.schema, s.idxname)), parent: relKey(t) }]
    }
    case 'CreateSchemaStmt':
      return s.schemaname ? [{ op: 'create', key: schemaKey(s.schemaname) }] : []
    case 'CreateExtensionStmt':
      return [{ op: 'create', key: extKey(s.extname) }]
    case 'CreateEnumStmt':
    case 'CreateRangeStmt':
      return [{ op: 'create', key: typeKey(listName(s.typeName)) }, ...(s.vals ?? []).map((v: Node) => ({ op: 'create' as const, key: enumKey(listName(s.typeName), v.String.sval), parent: typeKey(listName(s.typeName)) }))]
    case 'CompositeTypeStmt':
      return [{ op: 'create', key: typeKey(rangeVarName(s.typevar)) }]
    case 'CreateDomainStmt':
      return [{ op: 'create', key: typeKey(listName(s.domainname)) }]
    case 'CreateTrigStmt': {
      const t = rangeVarName(s.relation)
      return [{ op: 'create', key: trgKey(t, s.trigname), parent: relKey(t) }]
    }
    case 'CreatePolicyStmt': {
      const t = rangeVarName(s.table)
      return [{ op: 'create', key: polKey(t, s.policy_name), parent: relKey(t) }]
    }
    case 'RuleStmt': {
      const t = rangeVarName(s.relation)
      return [{ op: 'create', key: ruleKey(t, s.rulename), parent: relKey(t) }]
    }
    case 'CreatePublicationStmt':
      return [{ op: 'create', key: pubKey(s.pubname) }, ...publicationTables(s.pubobjects).map((t) => ({ op: 'create' as const, key: pubRelKey(s.pubname, t), parent: pubKey(s.pubname) }))]
    case 'AlterPublicationStmt': {
      const tables = publicationTables(s.pubobjects)
      if (s.action === 'AP_AddObjects') return tables.map((t) => ({ op: 'create', key: pubRelKey(s.pubname, t), parent: pubKey(s.pubname) }))
      if (s.action === 'AP_DropObjects') return tables.map((t) => ({ op: 'drop', key: pubRelKey(s.pubname, t) }))
      return []
    }
    case 'CreateRoleStmt':
      return [{ op: 'create', key: roleKey(s.role) }]
    case 'DropRoleStmt':
      return (s.roles ?? []).map((r: Node) => ({ op: 'drop', key: roleKey(r.RoleSpec.rolename) }))
    case 'CreateFunctionStmt':
      return [{ op: 'create', key: createdFnKey(s) }]
    case 'AlterEnumStmt': {
      const type = listName(s.typeName)
      if (s.oldVal) return [{ op: 'drop', key: enumKey(type, s.oldVal) }, { op: 'create', key: enumKey(type, s.newVal), parent: typeKey(type) }]
      return [{ op: 'create', key: enumKey(type, s.newVal), parent: typeKey(type) }]
    }
    case 'AlterTableStmt':
      return alterTable(s)
    case 'RenameStmt':
      return renameEffects(s)
    case 'AlterObjectSchemaStmt':
      return s.relation && RELATIONS.has(s.objectType) ? moveRelation(rangeVarName(s.relation), qname(s.newschema, s.relation.relname)) : []
    case 'DropStmt':
      return dropKeys(s).map((key) => ({ op: 'drop', key }))
    case 'CreateEventTrigStmt':
      return [{ op: 'create', key: otherKey('OBJECT_EVENT_TRIGGER', s.trigname) }]
    case 'CreateCastStmt':
      return [{ op: 'create', key: otherKey('OBJECT_CAST', castKey(s.sourcetype, s.targettype)) }]
    case 'CreateStatsStmt':
      return s.defnames ? [{ op: 'create', key: otherKey('OBJECT_STATISTIC_EXT', qtext(listName(s.defnames))) }] : []
    case 'CreateForeignServerStmt':
      return [{ op: 'create', key: otherKey('OBJECT_FOREIGN_SERVER', s.servername) }]
    case 'DefineStmt':
      // Aggregates live in pg_proc with the functions, keyed by their argument types.
      return [{ op: 'create', key: s.kind === 'OBJECT_AGGREGATE' ? aggregateKey(s) : otherKey(s.kind, qtext(listName(s.defnames))) }]
    case 'SelectStmt':
      return createdSecrets('SelectStmt', s).map((name) => ({ op: 'create', key: secretKey(name), parent: SECRETS_ROWS }))
    case 'InsertStmt':
      return [{ op: 'create', key: rowsKey(rangeVarName(s.relation)), parent: relKey(rangeVarName(s.relation)) }]
    case 'DeleteStmt':
      return [{ op: 'drop', key: rowsKey(rangeVarName(s.relation)) }]
    case 'TruncateStmt':
      return (s.relations ?? []).map((r: Node) => ({ op: 'drop', key: rowsKey(rangeVarName(r.RangeVar)) }))
    default:
      return []
  }
}

const castKey = (a: Node, b: Node) => `(${a.names.map((n: Node) => n.String.sval).join('.')} AS ${b.names.map((n: Node) => n.String.sval).join('.')})`

export function publicationTables(objects: Node[] | undefined): QName[] {
  return (objects ?? []).filter((o) => o.PublicationObjSpec?.pubobjtype === 'PUBLICATIONOBJ_TABLE').map((o) => rangeVarName(o.PublicationObjSpec.pubtable.relation))
}

function alterTable(s: Node): Effect[] {
  const t = rangeVarName(s.relation)
  const out: Effect[] = []
  for (const c of s.cmds ?? []) {
    const cmd = c.AlterTableCmd
    if (cmd.subtype === 'AT_AddColumn') {
      out.push({ op: 'create', key: colKey(t, cmd.def.ColumnDef.colname), parent: relKey(t) })
      for (const k of cmd.def.ColumnDef.constraints ?? []) out.push(...constraintEffects(t, k.Constraint))
    } else if (cmd.subtype === 'AT_DropColumn') out.push({ op: 'drop', key: colKey(t, cmd.name) })
    else if (cmd.subtype === 'AT_AddConstraint') out.push(...constraintEffects(t, cmd.def.Constraint))
    else if (cmd.subtype === 'AT_DropConstraint') out.push({ op: 'drop', key: conKey(t, cmd.name) })
    else if (cmd.subtype === 'AT_AttachPartition' && cmd.def?.PartitionCmd?.name) out.push({ op: 'create', key: otherKey('ATTACH', qtext(rangeVarName(cmd.def.PartitionCmd.name))) })
    else if (cmd.subtype === 'AT_DetachPartition' && cmd.def?.PartitionCmd?.name) out.push({ op: 'drop', key: otherKey('ATTACH', qtext(rangeVarName(cmd.def.PartitionCmd.name))) })
    else if (cmd.subtype === 'AT_AddIdentity') out.push({ op: 'create', key: `identity:${t.schema}.${t.name}.${cmd.name}`, parent: colKey(t, cmd.name) })
    else if (cmd.subtype === 'AT_DropIdentity') out.push({ op: 'drop', key: `identity:${t.schema}.${t.name}.${cmd.name}` })
  }
  return out
}

const RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_INDEX', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE'])

// Children (columns, policies, …) are keyed under the table name: they move along with it. Its indexes keep
// their names but follow the table into a new schema.
function moveRelation(rel: QName, to: QName): Effect[] {
  return [
    { op: 'rename', from: relKey(rel), to: relKey(to) },
    ...['col', 'con', 'pol', 'trg', 'rule', 'rows', 'pk', 'identity', 'anycol'].map((k) => ({ op: 'rename' as const, from: `${k}:${rel.schema}.${rel.name}`, to: `${k}:${to.schema}.${to.name}` })),
    ...(rel.schema !== to.schema ? [{ op: 'moveChildren' as const, parent: relKey(to), fromSchema: rel.schema, toSchema: to.schema }] : []),
  ]
}

function renameEffects(s: Node): Effect[] {
  const rel = s.relation ? rangeVarName(s.relation) : undefined
  switch (s.renameType) {
    case 'OBJECT_COLUMN':
      return [{ op: 'rename', from: colKey(rel!, s.subname), to: colKey(rel!, s.newname) }]
    case 'OBJECT_TABCONSTRAINT':
      return [{ op: 'rename', from: conKey(rel!, s.subname), to: conKey(rel!, s.newname) }]
    case 'OBJECT_POLICY':
      return [{ op: 'rename', from: polKey(rel!, s.subname), to: polKey(rel!, s.newname) }]
    case 'OBJECT_TRIGGER':
      return [{ op: 'rename', from: trgKey(rel!, s.subname), to: trgKey(rel!, s.newname) }]
    case 'OBJECT_SCHEMA':
      return [{ op: 'rename', from: schemaKey(s.subname), to: schemaKey(s.newname) }]
    case 'OBJECT_TYPE':
    case 'OBJECT_DOMAIN': {
      const from = listName(s.object.List.items)
      return [{ op: 'rename', from: typeKey(from), to: typeKey(qname(from.schema, s.newname)) }]
    }
    case 'OBJECT_ROLE':
      return [{ op: 'rename', from: roleKey(s.subname), to: roleKey(s.newname) }]
    default:
      return RELATIONS.has(s.renameType) && rel ? moveRelation(rel, qname(rel.schema, s.newname)) : []
  }
}

// Keys a DROP removes (dropping children is the simulation's job, through `parent`).
export function dropKeys(s: Node): string[] {
  const objects: Node[] = s.objects ?? []
  return objects.flatMap((o): string[] => {
    const items: Node[] = o.List?.items ?? (o.String ? [o] : [])
    switch (s.removeType) {
      case 'OBJECT_TABLE':
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
      case 'OBJECT_INDEX':
      case 'OBJECT_SEQUENCE':
      case 'OBJECT_FOREIGN_TABLE':
        return [relKey(listName(items))]
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN':
        return [typeKey(listName(o.TypeName.names))]
      case 'OBJECT_SCHEMA':
        return [schemaKey(o.String.sval)]
      case 'OBJECT_EXTENSION':
        return [extKey(o.String.sval)]
      case 'OBJECT_PUBLICATION':
        return [pubKey(o.String.sval)]
      case 'OBJECT_POLICY':
      case 'OBJECT_TRIGGER':
      case 'OBJECT_RULE': {
        const t = listName(items.slice(0, -1))
        const name = items.at(-1).String.sval
        return [s.removeType === 'OBJECT_POLICY' ? polKey(t, name) : s.removeType === 'OBJECT_TRIGGER' ? trgKey(t, name) : ruleKey(t, name)]
      }
      case 'OBJECT_FUNCTION':
      case 'OBJECT_PROCEDURE':
      case 'OBJECT_ROUTINE':
      case 'OBJECT_AGGREGATE':
        return [objectWithArgsKey(o.ObjectWithArgs)]
      case 'OBJECT_EVENT_TRIGGER':
      case 'OBJECT_FOREIGN_SERVER':
        return [otherKey(s.removeType, o.String.sval)]
      case 'OBJECT_CAST':
        return [otherKey('OBJECT_CAST', castKey(items[0].TypeName, items[1].TypeName))]
      case 'OBJECT_OPERATOR':
        return [otherKey(s.removeType, qtext(listName(o.ObjectWithArgs.objname)))]
      case 'OBJECT_COLLATION':
      case 'OBJECT_STATISTIC_EXT':
      case 'OBJECT_TSCONFIGURATION':
      case 'OBJECT_TSDICTIONARY':
        return [otherKey(s.removeType, qtext(listName(items)))]
      default:
        return [otherKey(s.removeType, JSON.stringify(o))]
    }
  })
}
