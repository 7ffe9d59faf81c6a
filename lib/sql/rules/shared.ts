// What every idempotency rule shares: the statement it looks at, what it reports, the object keys of the
// re-run simulation, and the few SQL builders the rewrites need (identifiers only ever inside quoted literals
// or copied verbatim from the statement's own tokens).
import { regLiteral } from '../guarded.ts'
import { isWord, type Token } from '../lexer.ts'
import type { Node, ParsedFile } from '../parse.ts'

export type Severity = 'error' | 'warning'

// A statement to check: top level, or inside a DO block's PL/pgSQL body.
export type Target = {
  kind: string
  ast: Node
  text: string // the whole file
  start: number
  end: number
  codeStart: number
  codeEnd: number
  tokens: Token[] // lexed [codeStart, codeEnd)
  // File index of a parser byte location, or null when the statement's text is not at a known place in the file
  // (an EXECUTE string): such statements are checked but never rewritten.
  at: (byteLocation: number) => number | null
  context: 'top' | 'plpgsql'
}

export type Edit = { start: number; end: number; text: string }
// How to make one statement re-runnable: splices inside it, a statement to put before it, and a condition
// (SQL boolean) under which it still has to run (rendered as a DO block, or a plain IF inside PL/pgSQL).
export type Fix = { edits?: Edit[]; prelude?: string; guard?: string }

// When the statement fails on a second run of its file: if the object exists (create), if it is gone (drop,
// rename), or always.
// A rename needs its old name present and its new name absent (`andAbsent`).
export type When = { absent: string } | { present: string; andAbsent?: string } | 'always'

export type Detection = {
  message: string
  when: When
  // PL/pgSQL condition names the failure raises, so an EXCEPTION WHEN … handler can count as a guard.
  conditions: string[]
  // Object names a catalog test (IF EXISTS (SELECT … FROM pg_…)) must mention to count as this statement's guard.
  names: string[]
  fix?: Fix
  // A condition under which the statement still has to run, for statements that cannot be spliced (the SQL of
  // an EXECUTE string): the EXECUTE is wrapped in IF <guard> THEN … END IF.
  guard?: string
}

export type RuleContext = {
  // Unique keys (column lists) of a table, from the migrations folder and the platform; undefined: unknown table.
  uniqueKeys: (table: QName) => string[][] | undefined
  // Keys (fnKey/relKey) that a later file of the folder defines again.
  redefinedLater: (key: string) => string | undefined
  // The bodies (as written between the dollar quotes) that later files give the function `key`.
  laterBodies: (key: string) => string[]
  // The folder's end state (lib/sql/chain.ts), for the statements whose re-run meets what later files left.
  chain?: {
    check: (targets: readonly { kind: string; ast: Node }[], guarded: (index: number, names: string[], conditions: string[]) => boolean) => ChainFindingLike[]
    // The later file that removed `key` for good (absent at the end of the folder), if any.
    removedLater: (key: string) => string | undefined
  }
  // The file as the folder's pass parsed it: checkSql uses it for the same text instead of parsing it again.
  parsed?: ParsedFile
}

// What lib/sql/chain.ts reports for one statement (declared here so rules/ does not import chain.ts).
export type ChainFindingLike = { index: number; rule: string; message: string; requires?: string[]; prelude?: string }

export type Rule = {
  id: string
  severity: Severity
  reason: string
  rewrite: string
  detect: (t: Target, ctx: RuleContext) => Detection[]
}

// ---- names and keys ----

export type QName = { schema: string; name: string }

// Unqualified names resolve to public, where Supabase's search_path creates them.
export const qname = (schema: string | undefined, name: string): QName => ({ schema: schema ?? 'public', name })
export const rangeVarName = (rv: Node): QName => qname(rv.schemaname, rv.relname)
export const listName = (items: Node[]): QName => {
  const parts = items.map((i) => i.String?.sval as string)
  return parts.length > 1 ? qname(parts.at(-2), parts.at(-1)!) : qname(undefined, parts[0])
}
export const qtext = (q: QName) => `${q.schema}.${q.name}`

export const relKey = (q: QName) => `rel:${qtext(q)}`
export const colKey = (t: QName, col: string) => `col:${qtext(t)}.${col}`
export const conKey = (t: QName, con: string) => `con:${qtext(t)}.${con}`
export const pkKey = (t: QName) => `pk:${qtext(t)}`
export const polKey = (t: QName, name: string) => `pol:${qtext(t)}.${name}`
export const trgKey = (t: QName, name: string) => `trg:${qtext(t)}.${name}`
export const ruleKey = (t: QName, name: string) => `rule:${qtext(t)}.${name}`
export const typeKey = (q: QName) => `type:${qtext(q)}`
export const enumKey = (q: QName, label: string) => `enum:${qtext(q)}.${label}`
export const schemaKey = (name: string) => `schema:${name}`
export const extKey = (name: string) => `ext:${name}`
export const pubKey = (name: string) => `pub:${name}`
export const pubRelKey = (pub: string, t: QName) => `pubrel:${pub}:${qtext(t)}`
export const roleKey = (name: string) => `role:${name}`
// A function, procedure or aggregate as pg_proc identifies it: schema, name and input argument types. Without
// `args` (DROP FUNCTION s.f, no list) the key means "the only one of that name" (see idempotency.ts).
const fnKey = (q: QName, args?: string[]) => `fn:${qtext(q)}${args ? `(${args.join(',')})` : ''}`
// The name part of a key (`fn:s.f(text,int4)` → `f`), what a catalog test has to mention.
export const keyName = (key: string) => (key.startsWith('fn:') ? key.replace(/\(.*$/, '') : key).replace(/^.*[.:]/, '')

// One argument type as PostgreSQL compares it: the parser already turns int/integer into pg_catalog.int4 and
// boolean into pg_catalog.bool, so dropping pg_catalog (and public, where unqualified types resolve on Supabase)
// makes `int`, `integer` and `int4` one type; type modifiers do not count, array dimensions all mean "array".
function typeIdentity(t: Node): string {
  const names: string[] = t.names.map((n: Node) => n.String.sval)
  const bare = names.length > 1 && (names[0] === 'pg_catalog' || names[0] === 'public') ? names.slice(1) : names
  return bare.join('.') + (t.arrayBounds?.length ? '[]' : '') + (t.pct_type ? '%type' : '')
}

// Input argument types of CREATE FUNCTION/PROCEDURE parameters: names, defaults, OUT and TABLE columns do not
// identify a function (DROP FUNCTION f(text) drops f(a text, out b int)).
const inputArgTypes = (params: Node[] | undefined): string[] =>
  (params ?? []).map((p) => p.FunctionParameter).filter((p) => p.mode !== 'FUNC_PARAM_OUT' && p.mode !== 'FUNC_PARAM_TABLE').map((p) => typeIdentity(p.argType))

// A migration file's version: the digits before the first underscore of its name (a path's folders left out).
export const versionOf = (file: string) => /^([0-9]+)_/.exec(file.slice(file.lastIndexOf('/') + 1))?.[1]

// The body of CREATE FUNCTION … AS '…' (one string; not a C function's file and symbol, not a BEGIN ATOMIC body).
export function functionBody(s: Node): string | undefined {
  const as = (s.options ?? []).find((o: Node) => o.DefElem?.defname === 'as')?.DefElem.arg?.List?.items
  return as?.length === 1 && typeof as[0].String?.sval === 'string' ? as[0].String.sval : undefined
}

// The key of the function a CREATE FUNCTION/PROCEDURE statement defines.
export const createdFnKey = (s: Node) => fnKey(listName(s.funcname), inputArgTypes(s.parameters))

// The key of a function named with its arguments (DROP FUNCTION, DROP AGGREGATE): objargs holds the input types.
export const objectWithArgsKey = (o: Node) => fnKey(listName(o.objname), o.args_unspecified ? undefined : (o.objargs ?? []).map((a: Node) => typeIdentity(a.TypeName)))

// CREATE AGGREGATE name (args) (…); the old style names its one input as basetype (ANY: no input).
export function aggregateKey(s: Node): string {
  if (!s.oldstyle) return fnKey(listName(s.defnames), inputArgTypes(s.args?.[0]?.List?.items))
  const base = (s.definition ?? []).find((d: Node) => d.DefElem.defname.toLowerCase() === 'basetype')?.DefElem.arg?.TypeName
  return fnKey(listName(s.defnames), base && typeIdentity(base).toLowerCase() !== 'any' ? [typeIdentity(base)] : [])
}
export const rowsKey = (t: QName) => `rows:${qtext(t)}`

// ---- SQL text builders ----

// The literal builders live with the guarded forms (lib/sql/guarded.ts), which the baseline generator shares.
export { literal, quoted, regLiteral, schemaExpr } from '../guarded.ts'

// ---- token helpers ----

// Index of the first token (from `from`) that is one of `words`.
export function wordIndex(tokens: readonly Token[], words: string[], from = 0): number {
  for (let i = from; i < tokens.length; i++) if (isWord(tokens[i], ...words)) return i
  return -1
}

// Insert `text` right after the token at index i (with one space before it).
export const insertAfter = (tokens: readonly Token[], i: number, text: string): Edit => ({ start: tokens[i].end, end: tokens[i].end, text: ` ${text}` })

// The index of the token starting at (or containing) a file index.
function tokenAt(tokens: readonly Token[], index: number): number {
  return tokens.findIndex((t) => t.start <= index && index < t.end)
}

// A possibly qualified name written at token i: `a`, `"A"`, `s.a`; returns its [start, end) and next token index.
function nameSpan(tokens: readonly Token[], i: number): { start: number; end: number; next: number } {
  let j = i
  while (tokens[j + 1]?.text === '.' && (tokens[j + 2]?.type === 'word' || tokens[j + 2]?.type === 'qident')) j += 2
  return { start: tokens[i].start, end: tokens[j].end, next: j + 1 }
}

// The source text of a relation named by a RangeVar, copied verbatim (keeps the author's quoting).
export function relationText(t: Target, rv: Node): string | null {
  const at = t.at(rv.location)
  if (at === null) return null
  const i = tokenAt(t.tokens, at)
  if (i < 0) return null
  const span = nameSpan(t.tokens, i)
  return t.text.slice(span.start, span.end)
}

export const splice = (...edits: (Edit | null)[]): Fix | undefined => {
  const ok = edits.filter((e): e is Edit => e !== null)
  return ok.length === edits.length ? { edits: ok } : undefined
}

// The token ranges [from, to) of the commands of an ALTER TABLE (after its table name), one per AST command.
export function alterCommands(t: Target): { from: number; to: number }[] {
  const at = t.at(t.ast.relation?.location)
  const i = at === null ? -1 : tokenAt(t.tokens, at)
  if (i < 0) return []
  let j = nameSpan(t.tokens, i).next
  if (t.tokens[j]?.text === '*') j++
  const out: { from: number; to: number }[] = []
  let depth = 0
  let from = j
  for (let k = j; k < t.tokens.length; k++) {
    const x = t.tokens[k].text
    if (x === '(' || x === '[') depth++
    else if (x === ')' || x === ']') depth--
    else if (x === ',' && depth === 0) {
      out.push({ from, to: k })
      from = k + 1
    }
  }
  out.push({ from, to: t.tokens.length })
  return out
}

export const alterCmds = (t: Target): Node[] => (t.ast.cmds ?? []).map((c: Node) => c.AlterTableCmd)

export const relationLiteral = (rv: Node) => regLiteral(rv.schemaname, rv.relname)
