// What a statement needs to exist when it runs: the tables, columns, functions, types, enum labels, policies…
// it names, as object keys (the keys of effects.ts), each with the SQL test of its existence. chain.ts checks them
// against the state after the whole folder: a reference to something a later file dropped or renamed fails.
//
// Only names PostgreSQL resolves when the statement runs count: ALTER TABLE's table and columns, the tables and
// qualified (or single-table) columns of DML, views and policy expressions, the bodies of LANGUAGE sql functions
// (validated at CREATE time with check_function_bodies on, as db push runs them), trigger functions, COMMENT, GRANT,
// ALTER FUNCTION targets, casts of string literals to enum types. PL/pgSQL function bodies are not resolved until
// called, and … IF EXISTS forms skip a missing object with a NOTICE, so neither is a reference.
import type { Node } from './parse.ts'
import {
  colKey, conKey, enumKey, listName, literal, objectWithArgsKey, polKey, qname, quoted, regLiteral, relKey, schemaExpr,
  schemaKey, trgKey, typeKey, type QName,
} from './rules/shared.ts'

export type Reference = {
  key: string
  // For the message: "table public.notes", "column public.notes.body", "function public.f(int4)".
  what: string
  // A SQL boolean that is true while the object exists (the guard --fix adds); undefined when none can be written.
  exists?: string
  // `fn:s.f` without arguments: any function of that name (a call), or exactly one (COMMENT ON FUNCTION f).
  bare?: 'any' | 'unique'
  // DROP FUNCTION IF EXISTS f: fails only when f names several functions.
  onlyIfAmbiguous?: boolean
}

const relLiteral = (schema: string | undefined, name: string) => regLiteral(schema, name)

function rel(schema: string | undefined, name: string): Reference {
  const q = qname(schema, name)
  return { key: relKey(q), what: `relation ${q.schema}.${q.name}`, exists: `to_regclass(${relLiteral(schema, name)}) IS NOT NULL` }
}

const relOf = (rv: Node) => rel(rv.schemaname, rv.relname)

function col(schema: string | undefined, table: string, column: string): Reference {
  const q = qname(schema, table)
  return {
    key: colKey(q, column),
    what: `column ${q.schema}.${q.name}.${column}`,
    exists: `EXISTS (SELECT FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(${relLiteral(schema, table)}) AND attname = ${literal(column)} AND NOT attisdropped)`,
  }
}

function child(kind: 'pol' | 'trg' | 'con', schema: string | undefined, table: string, name: string): Reference {
  const q = qname(schema, table)
  const [key, what, test] =
    kind === 'pol' ? [polKey(q, name), 'policy', `pg_catalog.pg_policy WHERE polrelid = to_regclass(${relLiteral(schema, table)}) AND polname`]
    : kind === 'trg' ? [trgKey(q, name), 'trigger', `pg_catalog.pg_trigger WHERE tgrelid = to_regclass(${relLiteral(schema, table)}) AND tgname`]
    : [conKey(q, name), 'constraint', `pg_catalog.pg_constraint WHERE conrelid = to_regclass(${relLiteral(schema, table)}) AND conname`]
  return { key, what: `${what} ${name} on ${q.schema}.${q.name}`, exists: `EXISTS (SELECT FROM ${test} = ${literal(name)})` }
}

// "schema"."name"("type", …) of a CREATE FUNCTION as to_regprocedure reads it (input arguments only); null when an
// argument's type is known only at run time (%TYPE).
export function signatureText(s: Node): string | null {
  const types = (s.parameters ?? []).map((p: Node) => p.FunctionParameter).filter((p: Node) => p.mode !== 'FUNC_PARAM_OUT' && p.mode !== 'FUNC_PARAM_TABLE').map((p: Node) => typeSql(p.argType))
  if (types.some((x: string | null) => x === null)) return null
  return `${s.funcname.map((n: Node) => quoted(n.String.sval)).join('.')}(${types.join(', ')})`
}

// A type name as SQL text (quoted parts, array brackets); null for %TYPE references.
export function typeSql(t: Node): string | null {
  if (t.pct_type) return null
  return t.names.map((n: Node) => quoted(n.String.sval)).join('.') + '[]'.repeat(t.arrayBounds?.length ?? 0)
}

function typeRef(t: Node): Reference | null {
  const names: string[] = (t.names ?? []).map((n: Node) => n.String?.sval)
  if (names.length === 0 || names[0] === 'pg_catalog' || t.pct_type) return null
  const q = listName(t.names)
  const text = typeSql({ ...t, arrayBounds: undefined })
  return { key: typeKey(q), what: `type ${q.schema}.${q.name}`, exists: text ? `to_regtype(${literal(text)}) IS NOT NULL` : undefined }
}

function enumLabel(t: Node, label: string): Reference | null {
  const type = typeRef(t)
  if (!type || t.arrayBounds?.length) return null
  const q = listName(t.names)
  return { key: enumKey(q, label), what: `enum label '${label}' of ${q.schema}.${q.name}`, exists: `EXISTS (SELECT FROM pg_catalog.pg_enum WHERE enumtypid = to_regtype(${literal(typeSql(t)!)}) AND enumlabel = ${literal(label)})` }
}

// A function named with its argument list, or bare (COMMENT ON FUNCTION f: the only one of that name).
function fnRef(o: Node, procedure = false): Reference {
  const key = objectWithArgsKey(o)
  const q = listName(o.objname)
  const name = o.objname.map((n: Node) => quoted(n.String.sval)).join('.')
  if (o.args_unspecified) return { key, what: `${procedure ? 'procedure' : 'function'} ${q.schema}.${q.name}`, bare: 'unique', exists: anyFnExists(q) }
  const types = (o.objargs ?? []).map((a: Node) => typeSql(a.TypeName))
  const exists = types.every((x: string | null) => x !== null) ? `to_regprocedure(${literal(`${name}(${types.join(', ')})`)}) IS NOT NULL` : undefined
  return { key, what: `${procedure ? 'procedure' : 'function'} ${key.slice(3)}`, exists }
}

const anyFnExists = (q: QName) => `EXISTS (SELECT FROM pg_catalog.pg_proc WHERE proname = ${literal(q.name)} AND pronamespace = to_regnamespace(${schemaExpr(q.schema)}))`

// A call f(…): some function of that name must exist (which overload is PostgreSQL's choice).
function callRef(funcname: Node[]): Reference | null {
  const parts: string[] = funcname.map((n: Node) => n.String?.sval)
  if (parts[0] === 'pg_catalog') return null
  const q = listName(funcname)
  return { key: `fn:${q.schema}.${q.name}`, what: `function ${q.schema}.${q.name}`, bare: 'any', exists: anyFnExists(q) }
}

// ---- queries: DML, views, policy expressions, SQL function bodies ----

function walk(node: Node, visit: (key: string, value: Node) => boolean | void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit))
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) if (visit(k, v) !== false) walk(v, visit)
  }
}

// Tables, columns, calls and enum casts a query (or expression) uses. `scope` is the table unqualified columns
// belong to when the statement has one (UPDATE t, a policy's table); `unqualified` is false where names may be
// parameters (function bodies).
function queryRefs(node: Node, scope: Node | undefined, unqualified = true): Reference[] {
  const out: Reference[] = []
  const ctes = new Set<string>()
  const tables: Node[] = scope ? [scope] : []
  let otherSources = false
  walk(node, (k, v) => {
    if (k === 'CommonTableExpr') ctes.add(v.ctename)
    if (k === 'RangeVar') tables.push(v)
    if (k === 'RangeFunction' || k === 'RangeSubselect' || k === 'RangeTableFunc' || k === 'CommonTableExpr' || k === 'valuesLists') otherSources = true
  })
  const real = tables.filter((t) => t.schemaname || !ctes.has(t.relname))
  for (const t of real) if (t !== scope) out.push(relOf(t))
  // alias (or bare table name) → table, when it names one table only.
  const byAlias = new Map<string, Node | null>()
  for (const t of real) {
    for (const a of [t.alias?.aliasname ?? t.relname]) byAlias.set(a, byAlias.has(a) && byAlias.get(a) !== t ? null : t)
  }
  const distinct = new Set(real.map((t) => `${t.schemaname ?? ''}.${t.relname}`))
  const single = unqualified && !otherSources && distinct.size === 1 ? real[0] : undefined
  walk(node, (k, v) => {
    if (k === 'ColumnRef') {
      const f: string[] = (v.fields ?? []).map((x: Node) => x.String?.sval)
      if (f.some((x) => x === undefined)) return
      if (f.length === 1 && single) out.push(col(single.schemaname, single.relname, f[0]))
      else if (f.length === 2) {
        const t = byAlias.get(f[0])
        if (t) out.push(col(t.schemaname, t.relname, f[1]))
      } else if (f.length === 3) out.push(col(f[0], f[1], f[2]))
    }
    if (k === 'FuncCall' && !v.over) {
      const r = callRef(v.funcname)
      if (r) out.push(r)
    }
    if (k === 'TypeCast') {
      const t = typeRef(v.typeName)
      if (t) out.push(t)
      const label = v.arg?.A_Const?.sval?.sval
      const e = typeof label === 'string' ? enumLabel(v.typeName, label) : null
      if (e) out.push(e)
    }
  })
  return out
}

// INSERT/UPDATE/DELETE: the target table, its named columns, and what the rest of the statement reads.
function dmlRefs(kind: string, s: Node): Reference[] {
  const target = s.relation
  const out = [relOf(target)]
  const names = kind === 'InsertStmt' ? s.cols : kind === 'UpdateStmt' ? s.targetList : []
  for (const c of names ?? []) if (c.ResTarget?.name) out.push(col(target.schemaname, target.relname, c.ResTarget.name))
  const rest = kind === 'InsertStmt' ? [s.selectStmt] : kind === 'UpdateStmt' ? [s.targetList?.map((t: Node) => t.ResTarget.val), s.fromClause, s.whereClause] : [s.usingClause, s.whereClause]
  // In INSERT … SELECT the select's own FROM decides what unqualified names mean, not the target table.
  const scope = kind === 'InsertStmt' ? undefined : { ...target }
  const reads = queryRefs(rest, scope)
  // The target is also reachable by its alias in UPDATE … FROM / DELETE … USING.
  return [...out, ...reads]
}

// The statements of a LANGUAGE sql function body (AS '…' or BEGIN ATOMIC).
function sqlBody(s: Node, parse: (sql: string) => { kind: string; ast: Node }[] | null): Node[] {
  const language = (s.options ?? []).find((o: Node) => o.DefElem?.defname === 'language')?.DefElem.arg.String.sval
  if (language?.toLowerCase() !== 'sql') return []
  if (s.sql_body) return [s.sql_body]
  const as = (s.options ?? []).find((o: Node) => o.DefElem?.defname === 'as')?.DefElem.arg
  const text = as?.List?.items?.[0]?.String?.sval
  return typeof text === 'string' ? (parse(text) ?? []).map((p) => p.ast) : []
}

const ALTER_COLUMN = new Set(['AT_AlterColumnType', 'AT_ColumnDefault', 'AT_SetNotNull', 'AT_DropNotNull', 'AT_SetStatistics', 'AT_SetStorage', 'AT_SetIdentity', 'AT_AddIdentity', 'AT_SetCompression'])
const TABLES = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE', 'OBJECT_INDEX'])

export function referencesOf(kind: string, s: Node, parse: (sql: string) => { kind: string; ast: Node }[] | null): Reference[] {
  switch (kind) {
    case 'AlterTableStmt': {
      if (s.missing_ok || !TABLES.has(s.objtype)) return []
      const t = s.relation
      const out = [relOf(t)]
      for (const c of s.cmds ?? []) {
        const cmd = c.AlterTableCmd
        if (ALTER_COLUMN.has(cmd.subtype) && cmd.name) out.push(col(t.schemaname, t.relname, cmd.name))
        if (cmd.subtype === 'AT_AlterColumnType' && cmd.def?.ColumnDef?.typeName) out.push(...[typeRef(cmd.def.ColumnDef.typeName)].filter((r): r is Reference => r !== null))
        if (cmd.subtype === 'AT_ValidateConstraint') out.push(child('con', t.schemaname, t.relname, cmd.name))
        const constraints = cmd.subtype === 'AT_AddConstraint' ? [cmd.def] : cmd.subtype === 'AT_AddColumn' ? cmd.def.ColumnDef.constraints ?? [] : []
        for (const k of constraints) if (k.Constraint?.contype === 'CONSTR_FOREIGN' && k.Constraint.pktable) out.push(relOf(k.Constraint.pktable))
        if (cmd.subtype === 'AT_AddColumn' && !cmd.missing_ok) out.push(...[typeRef(cmd.def.ColumnDef.typeName)].filter((r): r is Reference => r !== null))
      }
      return out
    }
    case 'IndexStmt': {
      const t = s.relation
      return [relOf(t), ...(s.indexParams ?? []).filter((p: Node) => p.IndexElem?.name).map((p: Node) => col(t.schemaname, t.relname, p.IndexElem.name))]
    }
    case 'CreatePolicyStmt':
      return [relOf(s.table), ...queryRefs([s.qual, s.with_check], { ...s.table })]
    case 'AlterPolicyStmt':
      return [child('pol', s.table.schemaname, s.table.relname, s.policy_name), ...queryRefs([s.qual, s.with_check], { ...s.table })]
    case 'CreateTrigStmt': {
      const fn = listName(s.funcname)
      const name = s.funcname.map((n: Node) => quoted(n.String.sval)).join('.')
      return [relOf(s.relation), { key: `fn:${fn.schema}.${fn.name}()`, what: `trigger function ${fn.schema}.${fn.name}()`, exists: `to_regprocedure(${literal(`${name}()`)}) IS NOT NULL` }]
    }
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
      return dmlRefs(kind, s)
    case 'SelectStmt':
      return queryRefs(s, undefined)
    case 'ViewStmt':
      return queryRefs(s.query, undefined)
    case 'CreateTableAsStmt':
      return queryRefs(s.query, undefined)
    case 'RefreshMatViewStmt':
      return [relOf(s.relation)]
    case 'CallStmt':
      return [callRef(s.funccall.FuncCall.funcname)].filter((r): r is Reference => r !== null)
    case 'CreateFunctionStmt': {
      const types = [...(s.parameters ?? []).map((p: Node) => p.FunctionParameter.argType), s.returnType].filter(Boolean).map(typeRef).filter((r): r is Reference => r !== null)
      return [...types, ...sqlBody(s, parse).flatMap((b) => queryRefs(b, undefined, false))]
    }
    case 'AlterFunctionStmt':
      return [fnRef(s.func, s.objtype === 'OBJECT_PROCEDURE')]
    case 'CommentStmt':
      return commentTarget(s.objtype, s.object)
    case 'GrantStmt':
      return grantTargets(s)
    case 'AlterEnumStmt': {
      const q = listName(s.typeName)
      return s.oldVal ? [] : [{ key: typeKey(q), what: `type ${q.schema}.${q.name}`, exists: `to_regtype(${literal(s.typeName.map((n: Node) => quoted(n.String.sval)).join('.'))}) IS NOT NULL` }]
    }
    case 'DropStmt':
      // DROP FUNCTION IF EXISTS f without arguments still needs f to be unique (42725).
      return s.missing_ok && ['OBJECT_FUNCTION', 'OBJECT_PROCEDURE'].includes(s.removeType)
        ? (s.objects ?? []).filter((o: Node) => o.ObjectWithArgs?.args_unspecified).map((o: Node) => ({ ...fnRef(o.ObjectWithArgs), bare: 'unique' as const, exists: undefined, onlyIfAmbiguous: true }))
        : []
    default:
      return []
  }
}

function commentTarget(objtype: string, o: Node): Reference[] {
  const items: Node[] = o?.List?.items ?? []
  const names = items.map((i) => i.String?.sval as string)
  switch (objtype) {
    case 'OBJECT_TABLE':
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
    case 'OBJECT_SEQUENCE':
    case 'OBJECT_INDEX':
    case 'OBJECT_FOREIGN_TABLE':
      return [names.length > 1 ? rel(names.at(-2), names.at(-1)!) : rel(undefined, names[0])]
    case 'OBJECT_COLUMN':
      return names.length >= 2 ? [col(names.length > 2 ? names.at(-3) : undefined, names.at(-2)!, names.at(-1)!)] : []
    case 'OBJECT_FUNCTION':
    case 'OBJECT_PROCEDURE':
      return [fnRef(o.ObjectWithArgs, objtype === 'OBJECT_PROCEDURE')]
    case 'OBJECT_POLICY':
    case 'OBJECT_TRIGGER':
    case 'OBJECT_TABCONSTRAINT':
      return names.length >= 2 ? [child(objtype === 'OBJECT_POLICY' ? 'pol' : objtype === 'OBJECT_TRIGGER' ? 'trg' : 'con', names.length > 2 ? names.at(-3) : undefined, names.at(-2)!, names.at(-1)!)] : []
    case 'OBJECT_TYPE':
    case 'OBJECT_DOMAIN':
      return [typeRef(o.TypeName)].filter((r): r is Reference => r !== null)
    case 'OBJECT_SCHEMA':
      return [{ key: schemaKey(o.String.sval), what: `schema ${o.String.sval}`, exists: `to_regnamespace(${literal(quoted(o.String.sval))}) IS NOT NULL` }]
    default:
      return []
  }
}

function grantTargets(s: Node): Reference[] {
  if (s.targtype !== 'ACL_TARGET_OBJECT') return []
  const objects: Node[] = s.objects ?? []
  switch (s.objtype) {
    case 'OBJECT_TABLE':
    case 'OBJECT_SEQUENCE': {
      const cols = (s.privileges ?? []).flatMap((p: Node) => (p.AccessPriv?.cols ?? []).map((c: Node) => c.String.sval))
      return objects.flatMap((o) => [relOf(o.RangeVar), ...cols.map((c: string) => col(o.RangeVar.schemaname, o.RangeVar.relname, c))])
    }
    case 'OBJECT_FUNCTION':
    case 'OBJECT_PROCEDURE':
    case 'OBJECT_ROUTINE':
      return objects.map((o) => fnRef(o.ObjectWithArgs, s.objtype === 'OBJECT_PROCEDURE'))
    case 'OBJECT_SCHEMA':
      return objects.map((o) => ({ key: schemaKey(o.String.sval), what: `schema ${o.String.sval}`, exists: `to_regnamespace(${literal(quoted(o.String.sval))}) IS NOT NULL` }))
    default:
      return []
  }
}

