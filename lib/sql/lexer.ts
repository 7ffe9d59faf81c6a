// A PostgreSQL token scanner used only to find splice points (keywords, names, the end of a clause) and the
// block structure of PL/pgSQL bodies. What a statement means is always decided by the real parser (parse.ts).

export type TokenType = 'word' | 'qident' | 'string' | 'dollar' | 'number' | 'param' | 'op' | 'punct'
export type Token = {
  type: TokenType
  text: string
  start: number
  end: number
  // Upper-cased text of a bare word, for keyword tests; '' otherwise.
  upper: string
}
export type Comment = { start: number; end: number; text: string }
export type Lexed = { tokens: Token[]; comments: Comment[] }

const WORD_START = /[A-Za-z_\u0080-\uffff]/
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/
const OP_CHARS = '+-*/<>=~!@#%^&|`?'

// Offsets are JS string indices into `text`, starting at `from`.
export function lex(text: string, from = 0, to = text.length): Lexed {
  const tokens: Token[] = []
  const comments: Comment[] = []
  let i = from
  const push = (type: TokenType, start: number, end: number) => {
    const t = text.slice(start, end)
    tokens.push({ type, text: t, start, end, upper: type === 'word' ? t.toUpperCase() : '' })
  }
  while (i < to) {
    const c = text[i]
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++
    } else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i)
      const end = nl === -1 || nl > to ? to : nl
      comments.push({ start: i, end, text: text.slice(i, end) })
      i = end
    } else if (c === '/' && text[i + 1] === '*') {
      // Block comments nest in PostgreSQL.
      let depth = 0
      let j = i
      while (j < to) {
        if (text[j] === '/' && text[j + 1] === '*') (depth++, (j += 2))
        else if (text[j] === '*' && text[j + 1] === '/') {
          depth--
          j += 2
          if (depth === 0) break
        } else j++
      }
      comments.push({ start: i, end: j, text: text.slice(i, j) })
      i = j
    } else if (c === "'" || ((c === 'E' || c === 'e') && text[i + 1] === "'")) {
      const escapes = c !== "'"
      let j = escapes ? i + 2 : i + 1
      while (j < to) {
        if (escapes && text[j] === '\\') j += 2
        else if (text[j] === "'" && text[j + 1] === "'") j += 2
        else if (text[j] === "'") break
        else j++
      }
      push('string', i, Math.min(j + 1, to))
      i = j + 1
    } else if (c === '"') {
      let j = i + 1
      while (j < to) {
        if (text[j] === '"' && text[j + 1] === '"') j += 2
        else if (text[j] === '"') break
        else j++
      }
      push('qident', i, Math.min(j + 1, to))
      i = j + 1
    } else if (c === '$') {
      const m = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(text.slice(i, Math.min(i + 64, to)))
      if (m) {
        const close = text.indexOf(m[0], i + m[0].length)
        const end = close === -1 || close + m[0].length > to ? to : close + m[0].length
        push('dollar', i, end)
        i = end
      } else {
        let j = i + 1
        while (j < to && /[0-9]/.test(text[j])) j++
        push('param', i, j)
        i = j
      }
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      let j = i + 1
      while (j < to && /[0-9A-Za-z_.]/.test(text[j]) && !(text[j] === '.' && text[j + 1] === '.')) j++
      push('number', i, j)
      i = j
    } else if (WORD_START.test(c)) {
      let j = i + 1
      while (j < to && WORD_PART.test(text[j])) j++
      push('word', i, j)
      i = j
    } else if (c === ':' && text[i + 1] === ':') {
      push('op', i, i + 2)
      i += 2
    } else if (c === ':' && text[i + 1] === '=') {
      push('op', i, i + 2)
      i += 2
    } else if ('(),;.[]:'.includes(c)) {
      push('punct', i, i + 1)
      i++
    } else if (OP_CHARS.includes(c)) {
      let j = i + 1
      while (j < to && OP_CHARS.includes(text[j]) && !(text[j] === '-' && text[j + 1] === '-') && !(text[j] === '/' && text[j + 1] === '*')) j++
      push('op', i, j)
      i = j
    } else {
      push('op', i, i + 1)
      i++
    }
  }
  return { tokens, comments }
}

export const isWord = (t: Token | undefined, ...words: string[]) => Boolean(t && t.type === 'word' && words.includes(t.upper))

// Index of the first token at paren depth 0 (relative to `from`) satisfying `test`, or -1.
export function findTopLevel(tokens: readonly Token[], from: number, test: (t: Token) => boolean, to = tokens.length): number {
  let depth = 0
  for (let i = from; i < to; i++) {
    const t = tokens[i]
    if (depth === 0 && test(t)) return i
    if (t.text === '(' || t.text === '[') depth++
    else if (t.text === ')' || t.text === ']') depth--
  }
  return -1
}

// The body of a dollar-quoted or plain string token: its text and the offset where that text starts.
export function stringBody(t: Token): { body: string; offset: number; exact: boolean } | null {
  if (t.type === 'dollar') {
    const tag = /^\$[^$]*\$/.exec(t.text)![0]
    return { body: t.text.slice(tag.length, t.text.length - tag.length), offset: t.start + tag.length, exact: true }
  }
  if (t.type === 'string' && t.text.startsWith("'")) {
    const inner = t.text.slice(1, -1)
    // Offsets stay exact only when no quote was doubled.
    return { body: inner.replace(/''/g, "'"), offset: t.start + 1, exact: !inner.includes("''") }
  }
  return null
}

// A dollar-quote tag that does not occur in `text`.
export function freeDollarTag(text: string, base = 'kit'): string {
  for (let n = 0; ; n++) {
    const tag = `$${base}${n || ''}$`
    if (!text.includes(tag)) return tag
  }
}
