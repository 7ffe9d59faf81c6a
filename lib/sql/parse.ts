// SQL files parsed by the real PostgreSQL parser (libpg-query, WASM), with each statement's position in the file
// and parse errors returned as data.
//
// Why PostgreSQL 17's grammar (libpg-query 17.x): Supabase projects run PostgreSQL 15 or 17, and the grammar of
// 17 accepts everything 15 accepts in migrations (17 only adds syntax such as MERGE … RETURNING and JSON_TABLE).
// Parsing with 15 would reject valid migrations of PG17 projects; the reverse gap is only newer syntax that a PG15
// project would fail on when it runs anyway.
import { loadModule, parseSync } from 'libpg-query'
import { baselineWasmOnly } from '../run/wasm.ts'
import { lex } from './lexer.ts'
import { split } from '../cli/split.ts'

// A raw parse-tree node ({ CreateStmt: {...} } and so on); libpg-query's JSON, kept untyped on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Node = any

export type Statement = {
  // The node type, e.g. 'CreateStmt', and its body.
  kind: string
  ast: Node
  // JS string indices into the file text: [start, end) is the parser's range (leading comments included, the
  // terminating ';' excluded); [codeStart, codeEnd) drops surrounding white space and comments.
  start: number
  end: number
  codeStart: number
  codeEnd: number
  // Byte offset the parser uses for node locations inside this statement (see toIndex).
  byteBase: number
}

export type ParseProblem = { message: string; index: number }
export type ParsedFile = { text: string; statements: Statement[]; problems: ParseProblem[]; toIndex: (byteOffset: number) => number }

let loaded = false
export async function loadParser(): Promise<void> {
  if (!loaded) {
    baselineWasmOnly()
    await loadModule()
  }
  loaded = true
}

// Node locations are byte offsets into the UTF-8 text; JS strings index UTF-16 code units. One table per text.
export function byteIndexer(text: string): (byteOffset: number) => number {
  const bytes = Buffer.byteLength(text)
  if (bytes === text.length) return (b) => b
  const table = new Int32Array(bytes + 1)
  let b = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4
    for (let k = 0; k < width; k++) table[b + k] = i
    b += width
    if (code >= 0x10000) i++
  }
  table[bytes] = text.length
  return (offset) => table[Math.max(0, Math.min(offset, bytes))]
}

// The parser's error cursor counts characters (code points), not bytes.
function codePointIndex(text: string, cursor: number): number {
  let i = 0
  for (let n = 0; n < cursor && i < text.length; n++) i += (text.codePointAt(i)! >= 0x10000 ? 2 : 1)
  return i
}

// 1-based line and column (UTF-16 units, as SARIF's default columnKind) of a string index. The line starts are
// computed once per text: a dump with thousands of findings would otherwise be quadratic.
export function lineLocator(text: string): (index: number) => { line: number; column: number } {
  const starts = [0]
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return (index) => {
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid] <= index) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: index - starts[lo] + 1 }
  }
}

export const position = (text: string, index: number) => lineLocator(text)(index)

type RawStmt = { stmt: Node; stmt_location?: number; stmt_len?: number }

// The whole file in one parse; when that fails, each chunk of the CLI's splitter alone, so one bad statement is
// reported with its position and the others are still checked.
export function parseSql(text: string): ParsedFile {
  // PostgreSQL takes no NUL in SQL text (the protocol's strings end at one), and libpg-query stops reading at one,
  // or fails outright on a leading one: the NUL is the problem, the rest (a space in its place, one byte either
  // way, so positions hold) is parsed as usual.
  const nul = text.indexOf('\0')
  if (nul >= 0) {
    const rest = parseSql(text.replaceAll('\0', ' '))
    return { ...rest, text, problems: [{ message: 'a NUL character (U+0000): PostgreSQL accepts none in SQL text', index: nul }, ...rest.problems] }
  }
  const toIndex = byteIndexer(text)
  // libpg-query throws "Query cannot be empty" on blank text instead of returning no statements.
  if (text.trim() === '') return { text, statements: [], problems: [], toIndex }
  try {
    return { text, statements: fromRaw(text, parseSync(text).stmts ?? [], 0, toIndex), problems: [], toIndex }
  } catch (err) {
    if (!isSqlError(err)) throw err
  }
  const statements: Statement[] = []
  const problems: ParseProblem[] = []
  let offset = 0
  for (const chunk of split(text) ?? []) {
    const start = offset
    offset += chunk.length
    if (lex(chunk).tokens.length === 0) continue
    try {
      const raw = parseSync(chunk).stmts ?? []
      statements.push(...fromRaw(text, raw, Buffer.byteLength(text.slice(0, start)), toIndex))
    } catch (err) {
      if (!isSqlError(err)) throw err
      problems.push({ message: err.message, index: start + codePointIndex(chunk, err.sqlDetails?.cursorPosition ?? 0) })
    }
  }
  return { text, statements, problems, toIndex }
}

type SqlError = Error & { sqlDetails?: { cursorPosition: number } }
const isSqlError = (err: unknown): err is SqlError => err instanceof Error && 'sqlDetails' in err

function fromRaw(text: string, raw: RawStmt[], byteBase: number, toIndex: (b: number) => number): Statement[] {
  return raw.map((r) => {
    // libpg-query leaves stmt_location out for the first statement (0) and stmt_len out for a last statement
    // without ';' (to the end of the text).
    const startByte = byteBase + (r.stmt_location ?? 0)
    const start = toIndex(startByte)
    const end = r.stmt_len ? toIndex(startByte + r.stmt_len) : text.length
    const { tokens } = lex(text, start, end)
    const kind = Object.keys(r.stmt)[0]
    return {
      kind,
      ast: r.stmt[kind],
      start,
      end,
      codeStart: tokens[0]?.start ?? start,
      codeEnd: tokens.at(-1)?.end ?? end,
      byteBase,
    }
  })
}

// Parses one statement's text (a PL/pgSQL body's SQL, an EXECUTE string); null when it is not valid SQL.
export function parseFragment(sql: string): { kind: string; ast: Node }[] | null {
  if (sql.includes('\0')) return null
  if (sql.trim() === '') return []
  try {
    return (parseSync(sql).stmts ?? []).map((r: RawStmt) => {
      const kind = Object.keys(r.stmt)[0]
      return { kind, ast: r.stmt[kind] }
    })
  } catch (err) {
    if (isSqlError(err)) return null
    throw err
  }
}
