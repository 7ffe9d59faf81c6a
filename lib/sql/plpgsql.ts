// The SQL statements inside a DO block, with the guards around each one.
//
// libpg-query 17.7.4 exports no PL/pgSQL parser (only parse/parseSync), so the body's block structure (BEGIN …
// EXCEPTION WHEN … END, IF … THEN … END IF, loops) is followed with the lexer, and every embedded SQL statement,
// IF condition and literal EXECUTE string is handed to the real SQL parser. What this cannot see: SQL assembled at
// run time (EXECUTE of a concatenation or a format() with %s identifiers is read with placeholder names) and
// statements in exception handlers (they run only after an error).
import { findTopLevel, isWord, lex, stringBody, type Token } from './lexer.ts'
import { byteIndexer, parseFragment, type Node } from './parse.ts'

// A catalog test in an IF condition: the string constants it compares with (object names).
export type CatalogTest = { names: Set<string> }

// What stands for a format() argument (%I, %L, %s) when an EXECUTE template is parsed: the name is only known at
// run time. A key or a name holding it is a pattern (any object), never a name to write into a rewrite.
export const PLACEHOLDER = 'kit_placeholder'
export const hasPlaceholder = (s: string) => s.includes(PLACEHOLDER)
const fillTemplate = (s: string) => s.replace(/%%/g, '%').replace(/%(\d+\$)?I/g, PLACEHOLDER).replace(/%(\d+\$)?L/g, `'${PLACEHOLDER}'`).replace(/%(\d+\$)?s/g, PLACEHOLDER)
type Block = { kind: 'block'; handlers: string[] | null; inHandler: boolean }
type Frame = Block | { kind: 'if'; tests: (CatalogTest | null)[] } | { kind: 'loop' } | { kind: 'case' }

export type InnerStatement = {
  kind: string
  ast: Node
  codeStart: number
  codeEnd: number
  // File index of a parser byte location; null when the text is not at a fixed place in the file (EXECUTE).
  at: (byteLocation: number) => number | null
  exact: boolean
  // The statement itself (an EXECUTE included) sits at [codeStart, codeEnd) of the file.
  spanExact: boolean
  // An EXECUTE format() template or concatenation: names in it may be PLACEHOLDER.
  templated: boolean
  catalogTests: CatalogTest[]
  // The enclosing blocks; their handlers are known once the whole body is read.
  blocks: Block[]
}

// Catalog relations and functions whose use in an IF condition makes it a test of what exists.
const CATALOG_FUNCS = new Set(['to_regclass', 'to_regtype', 'to_regproc', 'to_regprocedure', 'to_regrole', 'to_regnamespace', 'to_regoper', 'to_regoperator', 'to_regcollation', 'to_regtypemod'])

function walk(node: Node, visit: (key: string, value: Node) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit))
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      visit(k, v)
      walk(v, visit)
    }
  }
}

export function catalogTest(condition: string): CatalogTest | null {
  const parsed = parseFragment(`SELECT ${condition}`)
  if (!parsed || parsed.length !== 1) return null
  let catalog = false
  const names = new Set<string>()
  walk(parsed[0].ast, (key, v) => {
    if (key === 'RangeVar' && (v.schemaname === 'pg_catalog' || v.schemaname === 'information_schema' || String(v.relname).startsWith('pg_'))) catalog = true
    if (key === 'FuncCall' && CATALOG_FUNCS.has(v.funcname?.at(-1)?.String?.sval)) catalog = true
    // Supabase Vault's table of secrets is where a secret's existence is recorded (vault.create_secret guards).
    if (key === 'RangeVar' && v.schemaname === 'vault' && (v.relname === 'secrets' || v.relname === 'decrypted_secrets')) catalog = true
    if (key === 'A_Const' && typeof v.sval?.sval === 'string') {
      // 'public.my_table', '"My Table"': keep the bare last name too.
      // A format('public.%I', name) test names what a templated EXECUTE names: the placeholder.
      const s: string = /%(\d+\$)?[ILs]/.test(v.sval.sval) ? fillTemplate(v.sval.sval) : v.sval.sval
      names.add(s)
      names.add(lastNamePart(s))
      // to_regprocedure('"public"."f"(int4)'): the function's name.
      if (s.includes('(')) names.add(lastNamePart(s.replace(/\(.*$/, '')))
    }
  })
  return catalog ? { names } : null
}

// The last part of a qualified name as PostgreSQL reads it: '"a.b"' is one part, '""' inside quotes is one '"'
// (PostgreSQL docs, "Identifiers and Key Words"). --fix writes such literals for names with quotes and dots.
function lastNamePart(s: string): string {
  const part = /(?:^|\.)("(?:[^"]|"")*"|[^."]*)$/.exec(s)?.[1] ?? s
  return part.startsWith('"') && part.length > 1 ? part.slice(1, -1).replace(/""/g, '"') : part
}

// EXECUTE 'sql' / EXECUTE format('sql %I', …) / EXECUTE 'sql ' || quote_ident(x) || …: the SQL text, with
// format() arguments and concatenated expressions filled with PLACEHOLDER (templated).
function executedSql(tokens: Token[]): { text: string; templated: boolean } | null {
  const first = tokens[0]
  if (!first) return null
  const body = stringBody(first)
  if (body && tokens.length === 1) return { text: body.body, templated: false }
  if (isWord(first, 'FORMAT') && tokens[1]?.text === '(') {
    const fmt = tokens[2] && stringBody(tokens[2])
    if (!fmt) return null
    return { text: fillTemplate(fmt.body), templated: true }
  }
  // 'alter table ' || quote_ident(t) || ' drop constraint ' || quote_ident(c): literals kept, the rest is a name.
  const parts = splitConcat(tokens)
  if (parts && parts.some((p) => p.literal !== null)) return { text: parts.map((p) => p.literal ?? PLACEHOLDER).join(''), templated: true }
  return null
}

// The operands of a top-level || chain: string literals, or null for anything else.
function splitConcat(tokens: Token[]): { literal: string | null }[] | null {
  const out: { literal: string | null }[] = []
  let depth = 0
  let from = 0
  for (let k = 0; k <= tokens.length; k++) {
    const x = tokens[k]?.text
    if (x === '(') depth++
    else if (x === ')') depth--
    else if (k === tokens.length || (x === '||' && depth === 0)) {
      const operand = tokens.slice(from, k)
      if (operand.length === 0) return null
      const lit = operand.length === 1 ? stringBody(operand[0]) : null
      out.push({ literal: lit ? lit.body : null })
      from = k + 1
    }
  }
  return out.length > 1 ? out : null
}

const IGNORED_STARTS = ['RAISE', 'RETURN', 'NULL', 'GET', 'ASSERT', 'EXIT', 'CONTINUE', 'OPEN', 'FETCH', 'CLOSE', 'MOVE', 'COMMIT', 'ROLLBACK', 'CALL']

// The DO statement's body token (dollar-quoted or a plain string) and its language.
export function doBody(tokens: Token[], ast: Node): Token | null {
  const language = (ast.args ?? []).find((a: Node) => a.DefElem?.defname === 'language')?.DefElem.arg.String.sval
  if (language && language.toLowerCase() !== 'plpgsql') return null
  return tokens.find((t, i) => i > 0 && (t.type === 'dollar' || t.type === 'string') && !isWord(tokens[i - 1], 'LANGUAGE')) ?? null
}

export function analyzeDoBody(text: string, bodyToken: Token): InnerStatement[] {
  const body = stringBody(bodyToken)
  if (!body) return []
  // With doubled quotes in a '…' body, offsets in the file are not exact: read the unescaped text on its own.
  const source = body.exact ? text : body.body
  const from = body.exact ? body.offset : 0
  const to = body.exact ? body.offset + body.body.length : body.body.length
  const tokens = lex(source, from, to).tokens
  const exact = body.exact
  const out: InnerStatement[] = []
  const stack: Frame[] = []
  const top = () => stack.at(-1)
  const blocks = () => stack.filter((f): f is Block => f.kind === 'block')
  const inHandler = () => blocks().some((b) => b.inHandler)
  let i = 0
  while (i < tokens.length) {
    const t = tokens[i]
    const f = top()
    if (t.text === '<<') {
      const close = tokens.findIndex((x, k) => k > i && x.text === '>>')
      i = close < 0 ? i + 1 : close + 1
    } else if (isWord(t, 'DECLARE')) {
      const begin = tokens.findIndex((x, k) => k > i && isWord(x, 'BEGIN'))
      i = begin < 0 ? tokens.length : begin
    } else if (isWord(t, 'BEGIN')) {
      stack.push({ kind: 'block', handlers: null, inHandler: false })
      i++
    } else if (isWord(t, 'EXCEPTION') && f?.kind === 'block') {
      f.handlers = []
      f.inHandler = true
      i++
    } else if (isWord(t, 'WHEN') && f?.kind === 'block' && f.inHandler) {
      const then = findTopLevel(tokens, i + 1, (x) => isWord(x, 'THEN'))
      const end = then < 0 ? tokens.length : then
      for (let k = i + 1; k < end; k++) {
        const x = tokens[k]
        if (x.type === 'word' && !isWord(x, 'OR', 'SQLSTATE')) f.handlers!.push(x.text.toLowerCase())
        if (x.type === 'string') f.handlers!.push(x.text.slice(1, -1).toUpperCase())
      }
      i = end + 1
    } else if (isWord(t, 'WHEN') && f?.kind === 'case') {
      const then = findTopLevel(tokens, i + 1, (x) => isWord(x, 'THEN'))
      i = then < 0 ? tokens.length : then + 1
    } else if (isWord(t, 'END')) {
      // END IF / END LOOP / END CASE / END: each closes the innermost frame.
      stack.pop()
      const semi = findTopLevel(tokens, i, (x) => x.text === ';')
      i = semi < 0 ? tokens.length : semi + 1
    } else if (isWord(t, 'IF', 'ELSIF', 'ELSEIF')) {
      const then = findTopLevel(tokens, i + 1, (x) => isWord(x, 'THEN'))
      const end = then < 0 ? tokens.length : then
      const test = catalogTest(source.slice(tokens[i + 1]?.start ?? 0, tokens[end - 1]?.end ?? 0))
      if (isWord(t, 'IF')) stack.push({ kind: 'if', tests: [test] })
      else if (f?.kind === 'if') f.tests.push(test)
      i = end + 1
    } else if (isWord(t, 'ELSE')) {
      i++
    } else if (isWord(t, 'CASE')) {
      stack.push({ kind: 'case' })
      const when = findTopLevel(tokens, i + 1, (x) => isWord(x, 'WHEN'))
      i = when < 0 ? tokens.length : when
    } else if (isWord(t, 'LOOP', 'FOR', 'FOREACH', 'WHILE')) {
      const loop = isWord(t, 'LOOP') ? i : findTopLevel(tokens, i + 1, (x) => isWord(x, 'LOOP'))
      stack.push({ kind: 'loop' })
      i = loop < 0 ? tokens.length : loop + 1
    } else {
      const semi = findTopLevel(tokens, i, (x) => x.text === ';')
      const end = semi < 0 ? tokens.length : semi
      if (!inHandler()) collect(tokens.slice(i, end))
      i = end + 1
    }
  }
  return out

  function collect(stmt: Token[]) {
    if (stmt.length === 0 || isWord(stmt[0], ...IGNORED_STARTS)) return
    // Assignments: name := …, name.field := …, name[i] := …
    if (stmt.some((x, k) => k < 6 && (x.text === ':=' || (x.text === '=' && k === 1)))) return
    const guards = {
      catalogTests: stack.flatMap((fr) => (fr.kind === 'if' ? fr.tests.filter((x): x is CatalogTest => x !== null) : [])),
      blocks: blocks(),
    }
    if (isWord(stmt[0], 'EXECUTE')) {
      const stop = stmt.findIndex((x, k) => k > 0 && isWord(x, 'USING', 'INTO'))
      const sqlText = executedSql(stmt.slice(1, stop < 0 ? stmt.length : stop))
      const parsed = sqlText && parseFragment(sqlText.text)
      for (const p of parsed || []) out.push({ ...p, codeStart: stmt[0].start, codeEnd: stmt.at(-1)!.end, at: () => null, exact: false, spanExact: exact, templated: sqlText!.templated, ...guards })
      return
    }
    // PERFORM q is SELECT q without a destination; 'SELECT ' has the same length, so positions stay exact.
    const perform = isWord(stmt[0], 'PERFORM')
    const sqlText = (perform ? 'SELECT ' : '') + source.slice(stmt[0].start + (perform ? 7 : 0), stmt.at(-1)!.end)
    // SELECT … INTO var is PL/pgSQL, not SQL; the statements that matter here never carry INTO.
    const parsed = parseFragment(sqlText)
    if (!parsed || parsed.length !== 1) return
    const toIndex = byteIndexer(sqlText)
    const base = stmt[0].start
    out.push({
      ...parsed[0],
      codeStart: base,
      codeEnd: stmt.at(-1)!.end,
      at: exact ? (b) => base + toIndex(b) : () => null,
      exact,
      spanExact: exact,
      templated: false,
      ...guards,
    })
  }
}
