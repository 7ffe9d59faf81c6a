// The state a re-run meets after the whole folder has run: db push applies every file in order, so running an old
// file again meets what LATER files left — a table they dropped, renamed or moved to another schema, a function
// whose return type they changed, a view they gave more columns, an overload they added. buildChain simulates the
// folder once (the effects of effects.ts on one state, noting which file removed each object and the last
// definition of each function and view); checkAgainstChain then re-runs one file's statements on that end state
// and reports each statement PostgreSQL would reject, naming the later file.
import { effectsOf, type Effect } from './effects.ts'
import { parseFragment, type Node } from './parse.ts'
import { PLACEHOLDER } from './plpgsql.ts'
import { referencesOf, signatureText, typeSql, type Reference } from './references.ts'
import { conKey, createdFnKey, listName, literal, quoted, rangeVarName, regLiteral, relKey, typeKey } from './rules/shared.ts'
import { uniqueKeyOn } from './guarded.ts'
import { applyEffects, copyOnWrite, indexed, isBareFn, present, type State } from './state.ts'

export type ChainTarget = { kind: string; ast: Node }
type Removal = { file: number; how: string }
type FnDef = { kind: 'fn'; file: number; returns: string | null; inputNames: string[]; defaults: number }
type ViewDef = { kind: 'view'; file: number; columns: string[] | null }
type Def = FnDef | ViewDef

export type Chain = {
  files: string[]
  end: Map<string, string | undefined>
  // The function keys of `end` by bare name, in its order (each file's check starts its overloads from them).
  endOverloads: Map<string, Set<string>>
  removedBy: Map<string, Removal>
  // `fn:s.f` → the last removal of any function of that name.
  removedFns: Map<string, Removal>
  defs: Map<string, Def>
  // Function keys → the file that last created them (for "a later file added an overload").
  fnCreatedIn: Map<string, number>
  // Table keys → their unique keys (sorted column lists) and the constraint or index each lives in (none: made
  // with the table, gone with it), for ON CONFLICT (cols), which needs one (42P10).
  uniqueKeys: Map<string, { cols: string[]; owner?: string }[]>
}

export type ChainFinding = {
  index: number
  rule: 'chain-missing-object' | 'chain-ambiguous-function' | 'chain-function-signature' | 'chain-view-columns'
  message: string
  // A fix: existence tests that must all hold for the statement to run (object references), or a statement to run first.
  requires?: string[]
  prelude?: string
}

// Keys with a placeholder (EXECUTE format() loops) stand for names known only at run time: in the folder's
// simulation they would drop or create everything, so they are left out of it.
const concrete = (effects: Effect[]) => effects.filter((e) => !JSON.stringify(e).includes(PLACEHOLDER))

const describeKey = (key: string) => key.replace(/^[a-z]+:/, '')

export function buildChain(files: readonly { file: string; targets: readonly ChainTarget[] }[]): Chain {
  const chain: Chain = { files: files.map((f) => f.file), end: new Map(), endOverloads: new Map(), removedBy: new Map(), removedFns: new Map(), defs: new Map(), fnCreatedIn: new Map(), uniqueKeys: new Map() }
  const end = indexed(chain.end)
  // Functions by the types their signature uses: DROP TYPE … CASCADE drops them too.
  const typeUsers = new Map<string, Set<string>>()
  files.forEach((f, n) => {
    for (const t of f.targets) {
      const effects = concrete(effectsOf(t.kind, t.ast))
      const removed = (key: string, how: string) => {
        const removal = { file: n, how }
        chain.removedBy.set(key, removal)
        if (key.startsWith('fn:')) chain.removedFns.set(key.replace(/\(.*$/, ''), removal)
      }
      const skipped = skipsExisting(t, effects, end)
      if (!skipped) applyEffects(end, effects, (key, to) => {
        removed(key, to ? `renames or moves it to ${describeKey(to)}` : 'drops it')
        if (key.startsWith('rel:')) {
          const keys = chain.uniqueKeys.get(key)
          chain.uniqueKeys.delete(key)
          if (keys && to?.startsWith('rel:')) chain.uniqueKeys.set(to, keys)
        }
        if (!to && key.startsWith('type:') && t.kind === 'DropStmt' && t.ast.behavior === 'DROP_CASCADE') {
          for (const fn of typeUsers.get(key) ?? []) if (end.delete(fn)) removed(fn, `drops type ${describeKey(key)} with CASCADE, and with it the function`)
        }
        const def = chain.defs.get(key)
        chain.defs.delete(key)
        if (def && to) chain.defs.set(to, def)
      })
      const def = definitionOf(t, n)
      if (def) chain.defs.set(def.key, def.def)
      if (t.kind === 'CreateFunctionStmt') {
        chain.fnCreatedIn.set(createdFnKey(t.ast), n)
        for (const type of signatureTypes(t.ast)) typeUsers.set(type, (typeUsers.get(type) ?? new Set()).add(createdFnKey(t.ast)))
      }
      if (t.kind === 'RenameStmt' && t.ast.renameType === 'OBJECT_COLUMN') renameViewColumn(chain.defs, t.ast)
      if (!skipped) for (const u of uniqueKeysMade(t)) chain.uniqueKeys.set(u.table, [...(chain.uniqueKeys.get(u.table) ?? []), { cols: u.cols, owner: u.owner }])
    }
  })
  for (const k of chain.end.keys()) if (k.startsWith('fn:')) addOverload(chain.endOverloads, k)
  return chain
}

// CREATE TABLE IF NOT EXISTS over a table that is there is skipped whole: its columns are not made again (a column
// a later file dropped stays gone, and a COMMENT ON it further down fails).
const skipsExisting = (t: ChainTarget, effects: Effect[], state: State) =>
  (t.kind === 'CreateStmt' || t.kind === 'CreateTableAsStmt') && Boolean(t.ast.if_not_exists) && effects[0]?.op === 'create' && present(state, effects[0].key)

// The type keys of a function's arguments, result and RETURNS TABLE columns (built-in types never match a key).
function signatureTypes(s: Node): string[] {
  const types: Node[] = [...(s.parameters ?? []).map((p: Node) => p.FunctionParameter.argType), s.returnType].filter(Boolean)
  return types.map((t) => typeKey(listName(t.names))).filter((k) => !k.startsWith('type:pg_catalog.'))
}

const isUniqueConstraint = (c: Node | undefined) => c?.contype === 'CONSTR_PRIMARY' || c?.contype === 'CONSTR_UNIQUE'
const names = (items: Node[] | undefined) => (items ?? []).map((k: Node) => k.String?.sval as string)

// The unique keys a statement makes: PRIMARY KEY / UNIQUE in CREATE TABLE or ADD CONSTRAINT / ADD COLUMN, and
// CREATE UNIQUE INDEX without a WHERE (a partial index does not serve a plain ON CONFLICT (cols)).
function uniqueKeysMade(t: ChainTarget): { table: string; cols: string[]; owner?: string }[] {
  const s = t.ast
  const out: { table: string; cols: string[]; owner?: string }[] = []
  const add = (rel: ReturnType<typeof rangeVarName>, cols: string[], owner?: string) => {
    if (cols.length > 0 && cols.every(Boolean)) out.push({ table: relKey(rel), cols: [...cols].sort(), owner })
  }
  // A named constraint lives in its con: key; one made with the table (named or not) is taken to live with it.
  const constraint = (rel: ReturnType<typeof rangeVarName>, c: Node, withTable: boolean) => add(rel, names(c.keys), c.conname && !withTable ? conKey(rel, c.conname) : undefined)
  const column = (rel: ReturnType<typeof rangeVarName>, def: Node, withTable: boolean) => {
    for (const c of def.constraints ?? []) if (isUniqueConstraint(c.Constraint)) add(rel, [def.colname], c.Constraint.conname && !withTable ? conKey(rel, c.Constraint.conname) : undefined)
  }
  if (t.kind === 'CreateStmt') {
    const rel = rangeVarName(s.relation)
    for (const e of s.tableElts ?? []) {
      if (e.ColumnDef) column(rel, e.ColumnDef, true)
      if (isUniqueConstraint(e.Constraint)) constraint(rel, e.Constraint, true)
    }
  } else if (t.kind === 'AlterTableStmt') {
    const rel = rangeVarName(s.relation)
    for (const c of s.cmds ?? []) {
      const cmd = c.AlterTableCmd
      if (cmd.subtype === 'AT_AddConstraint' && isUniqueConstraint(cmd.def?.Constraint)) constraint(rel, cmd.def.Constraint, false)
      if (cmd.subtype === 'AT_AddColumn' && cmd.def?.ColumnDef) column(rel, cmd.def.ColumnDef, false)
    }
  } else if (t.kind === 'IndexStmt' && s.unique && !s.whereClause && s.idxname) {
    const rel = rangeVarName(s.relation)
    add(rel, (s.indexParams ?? []).map((p: Node) => p.IndexElem.name), relKey({ schema: rel.schema, name: s.idxname }))
  }
  return out
}

// INSERT … ON CONFLICT (cols) into a table that a later file dropped and made again without a unique key on those
// columns: the re-run after the folder fails with 42P10.
function onConflictWithoutKey(chain: Chain, self: number, k: number, t: ChainTarget): ChainFinding | null {
  const s = t.ast
  const elems: Node[] | undefined = s.onConflictClause?.infer?.indexElems
  if (t.kind !== 'InsertStmt' || !elems?.length || s.onConflictClause.infer.whereClause) return null
  const cols = elems.map((e: Node) => e.IndexElem?.name as string)
  if (!cols.every(Boolean)) return null
  const rel = rangeVarName(s.relation)
  const key = relKey(rel)
  const removal = chain.removedBy.get(key)
  if (!removal || removal.file <= self || !chain.end.has(key)) return null
  const wanted = [...cols].sort().join(',')
  const kept = (chain.uniqueKeys.get(key) ?? []).filter((k) => !k.owner || chain.end.has(k.owner))
  if (kept.some((u) => u.cols.join(',') === wanted)) return null
  return {
    index: k,
    rule: 'chain-missing-object',
    message: `ON CONFLICT (${cols.join(', ')}) needs a unique key that ${chain.files[removal.file]} does not make again when it re-makes the table: re-running this file after that fails (42P10)`,
    requires: [uniqueKeyOn(regLiteral(s.relation.schemaname, s.relation.relname), cols)],
  }
}

// ---- definitions: what CREATE OR REPLACE may not change ----

function typeIdentity(t: Node | undefined): string | null {
  if (!t) return null
  if (t.pct_type) return null
  const names: string[] = t.names.map((n: Node) => n.String.sval)
  const bare = names.length > 1 && (names[0] === 'pg_catalog' || names[0] === 'public') ? names.slice(1) : names
  return bare.join('.') + (t.arrayBounds?.length ? '[]' : '')
}

const INPUT = new Set(['FUNC_PARAM_IN', 'FUNC_PARAM_INOUT', 'FUNC_PARAM_VARIADIC', 'FUNC_PARAM_DEFAULT', undefined])
const OUTPUT = new Set(['FUNC_PARAM_OUT', 'FUNC_PARAM_INOUT', 'FUNC_PARAM_TABLE'])

// The return type as pg_proc compares it: one OUT column is that column's type; several make a record whose
// column names and types count (PostgreSQL: "cannot change return type of existing function").
function fnDef(s: Node, file: number): FnDef {
  const params: Node[] = (s.parameters ?? []).map((p: Node) => p.FunctionParameter)
  const outs = params.filter((p) => OUTPUT.has(p.mode))
  const ins = params.filter((p) => INPUT.has(p.mode))
  const setof = s.returnType?.setof ? 'setof ' : ''
  let returns: string | null
  if (outs.length === 1) returns = setof + typeIdentity(outs[0].argType)
  else if (outs.length > 1) returns = `${setof}record(${outs.map((p) => `${p.name ?? ''} ${typeIdentity(p.argType)}`).join(', ')})`
  else returns = s.returnType ? setof + typeIdentity(s.returnType) : null
  if (returns?.includes('null')) returns = null
  return { kind: 'fn', file, returns, inputNames: ins.map((p) => p.name ?? ''), defaults: ins.filter((p) => p.defexpr).length }
}

// Output column names of a view's query; null when one cannot be told without PostgreSQL (`*`, expressions).
function viewColumns(s: Node): string[] | null {
  let q = s.query?.SelectStmt
  while (q && q.op && q.op !== 'SETOP_NONE') q = q.larg
  if (!q?.targetList) return null
  const names: (string | null)[] = q.targetList.map((t: Node) => {
    const r = t.ResTarget
    if (r.name) return r.name
    const v = r.val?.TypeCast ? r.val.TypeCast.arg : r.val
    const fields = v?.ColumnRef?.fields
    if (fields) return fields.at(-1).String?.sval ?? null
    return v?.FuncCall && !v.FuncCall.over ? v.FuncCall.funcname.at(-1).String.sval : null
  })
  const aliases: string[] = (s.aliases ?? []).map((a: Node) => a.String.sval)
  aliases.forEach((a, i) => (names[i] = a))
  return names.every((n) => n !== null) ? (names as string[]) : null
}

function definitionOf(t: ChainTarget, file: number): { key: string; def: Def } | null {
  if (t.kind === 'CreateFunctionStmt') return { key: createdFnKey(t.ast), def: fnDef(t.ast, file) }
  if (t.kind === 'ViewStmt') return { key: relKey(rangeVarName(t.ast.view)), def: { kind: 'view', file, columns: viewColumns(t.ast) } }
  return null
}

function renameViewColumn(defs: Map<string, Def>, s: Node) {
  const def = s.relation && defs.get(relKey(rangeVarName(s.relation)))
  if (def?.kind === 'view' && def.columns) def.columns = def.columns.map((c: string) => (c === s.subname ? s.newname : c))
}

// Why re-running `now` over `before` fails (42P13), or null.
function signatureChange(before: FnDef, now: FnDef): string | null {
  if (before.returns !== null && now.returns !== null && before.returns !== now.returns) return `its return type is ${before.returns} there, ${now.returns} here: cannot change return type of existing function`
  const renamed = before.inputNames.findIndex((n, i) => n !== '' && now.inputNames[i] !== n)
  if (renamed >= 0) return `its parameter "${before.inputNames[renamed]}" is named "${now.inputNames[renamed] ?? ''}" here: cannot change name of input parameter`
  if (now.defaults < before.defaults) return 'it has more parameter defaults there: cannot remove parameter defaults from existing function'
  return null
}

function viewChange(before: ViewDef, now: ViewDef): string | null {
  if (!before.columns || !now.columns) return null
  if (now.columns.length < before.columns.length) return `it has ${before.columns.length} columns there, ${now.columns.length} here: cannot drop columns from view`
  const i = before.columns.findIndex((c, k) => now.columns![k] !== c)
  return i >= 0 ? `its column ${i + 1} is "${before.columns[i]}" there, "${now.columns[i]}" here: cannot change name of view column` : null
}

// ---- one file's re-run on the end state ----

const CODE: Record<string, string> = { rel: '42P01', col: '42703', fn: '42883', type: '42704', enum: '22P02', pol: '42704', trg: '42704', con: '42704', schema: '3F000' }
// PL/pgSQL condition names of those failures, so an EXCEPTION WHEN handler counts as a guard.
const CONDITION: Record<string, string> = { rel: 'undefined_table', col: 'undefined_column', fn: 'undefined_function', type: 'undefined_object', enum: 'invalid_text_representation', pol: 'undefined_object', trg: 'undefined_object', con: 'undefined_object', schema: 'invalid_schema_name' }

// Does `effect` take `key` away (the key itself, what it hangs off, or a name it is renamed from)?
function removes(e: Effect, key: string): boolean {
  if (e.op === 'drop') return key === e.key || (isBareFn(e.key) && key.startsWith(`${e.key}(`)) || childOf(key, e.key)
  if (e.op === 'rename') return key === e.from || key.startsWith(`${e.from}.`)
  return false
}

// col:s.t.c, pol:s.t.p, … hang off rel:s.t; enum:s.t.l off type:s.t; everything in schema s off schema:s.
function childOf(key: string, parent: string): boolean {
  const colon = key.indexOf(':')
  const rest = key.slice(colon + 1)
  if (parent.startsWith('rel:')) return !key.startsWith('rel:') && !key.startsWith('fn:') && !key.startsWith('type:') && rest.startsWith(`${parent.slice(4)}.`)
  if (parent.startsWith('type:')) return key.startsWith('enum:') && rest.startsWith(`${parent.slice(5)}.`)
  if (parent.startsWith('schema:')) return rest.startsWith(`${parent.slice(7)}.`)
  return false
}

// The later file that took `key` away for good: gone at the end of the folder, last removed after `file`. A re-run
// of `file` after the whole folder then makes `key` anew instead of failing on it.
export function removedForGood(chain: Chain, file: string, key: string): string | undefined {
  const removal = chain.removedBy.get(key)
  if (chain.end.has(key) || !removal || removal.file <= chain.files.indexOf(file)) return undefined
  return chain.files[removal.file]
}

export type Guarded = (index: number, names: string[], conditions: string[]) => boolean

export function checkAgainstChain(chain: Chain, file: string, targets: readonly ChainTarget[], guarded: Guarded): ChainFinding[] {
  const self = chain.files.indexOf(file)
  if (self < 0) return []
  const state: State = copyOnWrite(chain.end)
  const defs = new Map<string, Def | undefined>()
  const defOf = (key: string) => (defs.has(key) ? defs.get(key) : chain.defs.get(key))
  const effects = targets.map((t) => concrete(effectsOf(t.kind, t.ast)))
  const later = (n: number) => chain.files[n]
  const out: ChainFinding[] = []
  // Overloads by bare name in the state (a call needs one; COMMENT ON FUNCTION f needs exactly one).
  // (Copied from the end state's when first used: most files call few of the folder's functions.)
  const overloads = new Map<string, Set<string>>()
  const overloadsOf = (bare: string) => {
    let found = overloads.get(bare)
    if (!found) overloads.set(bare, (found = new Set(chain.endOverloads.get(bare))))
    return found
  }

  // pg_dump-style files turn check_function_bodies off: their SQL function bodies are not resolved at CREATE.
  const bodies = targets.some(turnsOffBodyChecks) ? () => null : parseBody
  targets.forEach((t, k) => {
    const removedHereLater = (key: string) => effects.some((es, m) => m > k && es.some((e) => removes(e, key)))
    // What this file creates further down did not exist when the statement first ran, so the statement cannot have
    // resolved it (a function body under check_function_bodies = off, a search_path trick): no guard may test it.
    const createdHereLater = (key: string) => effects.some((es, m) => m > k && es.some((e) => e.op === 'create' && e.key === key))
    // Who took `key` away after this statement ran the first time: a later file, or this file further down.
    const remover = (key: string, removal: Removal | undefined): string | null => {
      if (removal && removal.file > self) return `${later(removal.file)} ${removal.how}`
      return removedHereLater(key) ? 'this file drops or renames it further down' : null
    }
    const refs = referencesOf(t.kind, t.ast, bodies).filter((r) => !r.key.includes(PLACEHOLDER) && !createdHereLater(r.key))
    const missing: Reference[] = []
    const reasons: string[] = []
    for (const r of dedupe(refs)) {
      const kind = r.key.slice(0, r.key.indexOf(':'))
      const name = r.key.replace(/\(.*$/, '').replace(/^.*[.:]/, '')
      if (guarded(k, [name], [CONDITION[kind], CODE[kind]])) continue
      if (r.bare) {
        const found = overloadsOf(r.key)
        if (r.bare === 'unique' && found.size > 1) {
          const added = [...found].map((f) => chain.fnCreatedIn.get(f)).filter((n): n is number => n !== undefined && n > self)
          if (added.length > 0 && !guarded(k, [name], ['ambiguous_function', '42725'])) {
            out.push({ index: k, rule: 'chain-ambiguous-function', message: `${r.what} is not unique after ${later(Math.max(...added))} adds an overload: re-running this file after it fails (42725); name the argument types` })
          }
          continue
        }
        if (found.size > 0) continue
        if (r.onlyIfAmbiguous) continue
        const who = remover(r.key, chain.removedFns.get(r.key))
        if (who) (missing.push(r), reasons.push(`${r.what} (${who}; ${CODE.fn})`))
        continue
      }
      if (present(state, r.key)) continue
      const who = remover(r.key, chain.removedBy.get(r.key))
      if (who) (missing.push(r), reasons.push(`${r.what} (${who}; ${CODE[kind] ?? '42704'})`))
    }
    if (missing.length > 0) {
      const requires = missing.every((r) => r.exists) ? missing.map((r) => r.exists!) : undefined
      out.push({ index: k, rule: 'chain-missing-object', message: `uses ${reasons.join(', ')}: re-running this file after that fails`, requires })
    }

    const conflict = onConflictWithoutKey(chain, self, k, t)
    if (conflict) out.push(conflict)

    // CREATE OR REPLACE over the definition the end state holds.
    const def = definitionOf(t, self)
    if (def && t.ast.replace && state.has(def.key)) {
      const before = defOf(def.key)
      if (before && before.file >= self && before.kind === def.def.kind) {
        const why = before.kind === 'fn' ? signatureChange(before, def.def as FnDef) : viewChange(before, def.def as ViewDef)
        const where = before.file === self ? 'this file redefines it further down' : `${later(before.file)} redefines it`
        if (why && !guarded(k, [], before.kind === 'fn' ? ['invalid_function_definition', '42P13'] : ['invalid_table_definition', '42P16'])) {
          out.push(before.kind === 'fn'
            ? { index: k, rule: 'chain-function-signature', message: `CREATE OR REPLACE FUNCTION ${describeKey(def.key)} fails on a re-run: ${where} and ${why} (42P13)`, requires: optional(sameFunctionShape(t.ast)) }
            : { index: k, rule: 'chain-view-columns', message: `CREATE OR REPLACE VIEW ${describeKey(def.key)} fails on a re-run: ${where} and ${why} (42P16)`, requires: optional(sameViewColumns(t.ast)) })
        }
      }
    }

    // The statement runs (as the figures are measured: a failing statement is judged as if in a savepoint).
    for (const e of effects[k]) {
      if (e.op === 'create' && e.key.startsWith('fn:')) overloadsOf(bareFn(e.key)).add(e.key)
    }
    if (!skipsExisting(t, effects[k], state)) applyEffects(state, effects[k], (key, to) => {
      if (key.startsWith('fn:')) overloadsOf(bareFn(key)).delete(key)
      if (to?.startsWith('fn:')) overloadsOf(bareFn(to)).add(to)
      defs.set(key, undefined)
    })
    if (def) defs.set(def.key, def.def)
  })
  return out
}

const optional = (condition: string | null) => (condition ? [condition] : undefined)

const bareFn = (key: string) => key.replace(/\(.*$/, '')

function addOverload(overloads: Map<string, Set<string>>, key: string) {
  const bare = bareFn(key)
  if (!overloads.has(bare)) overloads.set(bare, new Set())
  overloads.get(bare)!.add(key)
}

const dedupe = (refs: Reference[]) => [...new Map(refs.map((r) => [r.key + (r.bare ?? ''), r])).values()]

// SET check_function_bodies = off, or select set_config('check_function_bodies', 'false', …) (pg_dump's header).
function turnsOffBodyChecks(t: ChainTarget): boolean {
  if (t.kind === 'VariableSetStmt') return t.ast.name === 'check_function_bodies' && /^(off|false|0)$/i.test(String(t.ast.args?.[0]?.A_Const?.sval?.sval ?? t.ast.args?.[0]?.A_Const?.boolval?.boolval ?? ''))
  return t.kind === 'SelectStmt' && /set_config.{0,6}check_function_bodies/i.test(JSON.stringify(t.ast).replace(/[^a-z_(]+/gi, ''))
}

// The SQL body of a LANGUAGE sql function, parsed here (only the chain check reads it).
const parseBody = (sql: string) => parseFragment(sql)

// The fix for a re-signed function: run the CREATE OR REPLACE only while no function of another shape holds the
// signature (return type, set-returning, argument and OUT names as pg_proc stores them). On the first run the old
// shape is there and it runs; after the chain the later definition stays. A DROP first would fail (2BP01) on the
// first run wherever a trigger, policy or view uses the function.
function sameFunctionShape(s: Node): string | null {
  const params: Node[] = (s.parameters ?? []).map((p: Node) => p.FunctionParameter)
  const signature = signatureText(s)
  const outs = params.filter((p) => OUTPUT.has(p.mode))
  const ret = outs.length > 1 ? 'record' : outs.length === 1 ? typeSql(outs[0].argType) : s.returnType ? typeSql(s.returnType) : null
  if (signature === null || ret === null || s.is_procedure) return null
  const names = params.some((p) => p.name) ? params.map((p) => literal(p.name ?? '')) : []
  const proc = `to_regprocedure(${literal(signature)})`
  return `NOT EXISTS (SELECT FROM pg_catalog.pg_proc WHERE oid = ${proc} AND (prorettype <> to_regtype(${literal(ret)}) OR proretset <> ${s.returnType?.setof ? 'true' : 'false'} OR coalesce(proargnames, '{}') <> ARRAY[${names.join(', ')}]::text[]))`
}

// The fix for a view whose columns a later file changed: run the CREATE OR REPLACE only while the view has no
// column this definition lacks or names differently (no DROP VIEW: its dependents would make it fail, 2BP01).
function sameViewColumns(s: Node): string | null {
  const columns = viewColumns(s)
  if (!columns) return null
  const v = s.view
  const rel = literal(`${v.schemaname ? `${quoted(v.schemaname)}.` : ''}${quoted(v.relname)}`)
  return `NOT EXISTS (SELECT FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(${rel}) AND attnum > 0 AND NOT attisdropped AND (attnum > ${columns.length} OR attname <> (ARRAY[${columns.map(literal).join(', ')}]::text[])[attnum]))`
}
