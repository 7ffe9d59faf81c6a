// Text normalizations that make pg_get_* outputs of different PostgreSQL versions compare equal.
// Layout-only differences between pg_get_* outputs of different versions: runs of white space.
export const normalizeSql = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').replace(/\s*;\s*$/, '').trim()

// PostgreSQL 16 stopped qualifying columns in a view over one unaliased relation ("events.kind" became "kind").
// When the definition reads from exactly one relation, the qualifier is dropped on every engine; with joins or
// subqueries both versions qualify and the text is left alone.
export function normalizeViewDef(text: string | null | undefined): string {
  const def = normalizeSql(text)
  const froms = def.match(/\bFROM\b/g) ?? []
  const single = /\bFROM (?:[\w"]+\.)?([\w"]+)(?: (?:WHERE|GROUP|HAVING|WINDOW|ORDER|LIMIT|OFFSET|FETCH)\b|$)/.exec(def)
  if (froms.length !== 1 || !single || /\bJOIN\b/.test(def)) return def
  const rel = single[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return def.replace(new RegExp(`(^|[^.\\w"])${rel}\\.(?=[\\w"])`, 'g'), '$1')
}

// An identifier as format('%I') writes it: bare when it is a plain lower-case name, else double-quoted.
export const quoteIdent = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`)
