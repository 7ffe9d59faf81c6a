// CREATE TYPE (enum, composite, range) has no IF NOT EXISTS and fails on a re-run with 42710.
import { typeAbsent } from '../guarded.ts'
import { listName, rangeVarName, typeKey, type Rule } from './shared.ts'

export const createType: Rule = {
  id: 'create-type',
  severity: 'error',
  reason: 'CREATE TYPE fails on a re-run: type already exists (42710); it has no IF NOT EXISTS',
  rewrite: 'DO block: IF NOT EXISTS (SELECT FROM pg_type …) THEN CREATE TYPE …; END IF',
  detect(t) {
    const s = t.ast
    let parts: { schema?: string; name: string }
    if (t.kind === 'CreateEnumStmt' || t.kind === 'CreateRangeStmt') {
      const items = s.typeName.map((n: { String: { sval: string } }) => n.String.sval)
      parts = items.length > 1 ? { schema: items.at(-2), name: items.at(-1) } : { name: items[0] }
    } else if (t.kind === 'CompositeTypeStmt') parts = { schema: s.typevar.schemaname, name: s.typevar.relname }
    else return []
    const q = t.kind === 'CompositeTypeStmt' ? rangeVarName(s.typevar) : listName(s.typeName)
    return [{
      message: `CREATE TYPE ${q.name} fails when the file runs again: the type already exists`,
      when: { absent: typeKey(q) },
      conditions: ['duplicate_object'],
      names: [q.name],
      fix: { guard: typeAbsent(parts.schema, parts.name) },
    }]
  },
}
