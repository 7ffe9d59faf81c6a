// The Supabase CLI's statement splitter (pkg/parser/token.go + state.go, the same in v2.58.5 and v2.65.5),
// reproduced quirks included: `statements` in the history table must be byte-identical to what the CLI writes.

// A state consumes one character and returns the next state, or null to emit the token so far (the CLI's nil).
// `data` is the token text up to and including `c`, as the CLI's byte window.
type State = { readonly isReady: boolean; next(c: string, data: string): State | null }

const endsWithFold = (data: string, word: string) =>
  data.length >= word.length && data.slice(-word.length).toUpperCase() === word

// The CLI advances one byte per step while decoding runes, so a multi-byte letter is followed by a
// RuneError that is not a letter: in practice only ASCII letters, digits and _ continue a $tag$.
const isTagChar = (c: string) => /^[A-Za-z0-9_]$/.test(c)

function ready(): State {
  const self: State = {
    isReady: true,
    next(c, data) {
      switch (c) {
        case '$':
          return tag(data.length - 1)
        case "'":
        case '"':
          return quote(c)
        case '-':
          return lineCommentStart()
        case '/':
          return block()
        case '\\':
          return escape()
        case ';':
          return null
        case '(':
          return atomic(self, ')')
        case 'c':
        case 'C':
          // The CLI checks neither BEGIN nor a word boundary: "public.atomic_test" opens a body too.
          return endsWithFold(data, 'ATOMIC') ? atomic(self, 'END') : self
        default:
          return self
      }
    },
  }
  return self
}

function lineCommentStart(): State {
  return {
    isReady: false,
    next(c, data) {
      return c === '-' ? dollar('\n') : ready().next(c, data)
    },
  }
}

function block(): State {
  let depth = 0
  const self: State = {
    isReady: false,
    next(c, data) {
      const window = data.slice(-2)
      if (window === '/*') {
        depth++
        return self
      }
      if (depth === 0) return ready().next(c, data)
      if (window === '*/') {
        depth--
        if (depth === 0) return ready()
      }
      return self
    },
  }
  return self
}

function quote(delimiter: string): State {
  let closing = false
  const self: State = {
    isReady: false,
    next(c, data) {
      if (closing) {
        if (c === delimiter) {
          closing = false
          return self
        }
        return ready().next(c, data)
      }
      if (c === delimiter) closing = true
      return self
    },
  }
  return self
}

function dollar(delimiter: string): State {
  const self: State = {
    isReady: false,
    next(_c, data) {
      return data.endsWith(delimiter) ? ready() : self
    },
  }
  return self
}

function tag(offset: number): State {
  const self: State = {
    isReady: false,
    next(c, data) {
      if (c === '$') return dollar(data.slice(offset))
      if (isTagChar(c)) return self
      return ready().next(c, data)
    },
  }
  return self
}

function escape(): State {
  return { isReady: false, next: () => ready() }
}

function atomic(initial: State, delimiter: string): State {
  let prev = initial
  const self: State = {
    isReady: false,
    next(c, data) {
      // Inside a quote or comment the delimiter does not count; a `;` emitted by prev is swallowed.
      const curr = prev.next(c, data)
      if (curr) prev = curr
      if (prev.isReady && endsWithFold(data, delimiter)) return ready()
      return self
    },
  }
  return self
}

// Tokens with their `;`, exactly as the CLI's Split; null where the CLI returns a nil slice.
export function split(sql: string): string[] | null {
  return scan(sql, (token) => token)
}

// What `statements` holds: trailing `;` stripped, then white space trimmed, empty tokens dropped (null when none).
export function splitAndTrim(sql: string): string[] | null {
  return scan(sql, (token) => token.replace(/;+$/, '').trim())
}

// Whether splitAndTrim(sql) is null (what the CLI calls an empty file), without its scan: the tokens join back to the
// text, a token holds a `;` before its end only inside a quote, a comment or a BEGIN ATOMIC body (each opened by some
// other character), and trimming takes off only trailing `;` and white space (the set `\s` matches). The fuzz test
// holds the two to one answer.
export const hasNoStatements = (sql: string): boolean => /^[\s;]*$/.test(sql)

function scan(sql: string, transform: (token: string) => string): string[] | null {
  const out: string[] = []
  const keep = (token: string) => {
    const t = transform(token)
    if (t.length > 0) out.push(t)
  }
  let state: State = ready()
  let start = 0
  let end = 0
  // Slices of the source, not concatenation: V8 slices are cheap, so long dollar-quoted bodies stay linear.
  for (const c of sql) {
    end += c.length
    const next = state.next(c, sql.slice(start, end))
    if (next === null) {
      keep(sql.slice(start, end))
      start = end
      state = ready()
    } else {
      state = next
    }
  }
  if (start < sql.length) keep(sql.slice(start))
  return out.length ? out : null
}

// Whether two `statements` arrays record the same file text. Exact equality first; failing that, equal once
// statement boundaries and white space are ignored, because CLI 3.x splits differently from 2.x (measured
// against the pinned 3.1.0: `atomic` identifiers, CASE…END inside BEGIN ATOMIC, E'\'' strings, `/*/`, and
// empty files stored as '{}' instead of NULL). A row written by either CLI then still matches its file.
export function sameStatements(a: readonly string[] | null, b: readonly string[] | null): boolean {
  const exact = JSON.stringify(a ?? []) === JSON.stringify(b ?? [])
  return exact || squash(a) === squash(b)
}

const squash = (statements: readonly string[] | null) => (statements ?? []).join('').replace(/[\s;]+/g, '')
