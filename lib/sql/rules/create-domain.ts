// CREATE DOMAIN has no IF NOT EXISTS and fails on a re-run with 42710.
import { typeAbsent } from '../guarded.ts'
import { listName, typeKey, type Rule } from './shared.ts'

export const createDomain: Rule = {
  id: 'create-domain',
  severity: 'error',
  reason: 'CREATE DOMAIN fails on a re-run: type already exists (42710); it has no IF NOT EXISTS',
  rewrite: 'DO block: IF NOT EXISTS (SELECT FROM pg_type …) THEN CREATE DOMAIN …; END IF',
  detect(t) {
    if (t.kind !== 'CreateDomainStmt') return []
    const items: string[] = t.ast.domainname.map((n: { String: { sval: string } }) => n.String.sval)
    const q = listName(t.ast.domainname)
    return [{
      message: `CREATE DOMAIN ${q.name} fails when the file runs again: the type already exists`,
      when: { absent: typeKey(q) },
      conditions: ['duplicate_object'],
      names: [q.name],
      fix: { guard: typeAbsent(items.length > 1 ? items.at(-2) : undefined, items.at(-1)!) },
    }]
  },
}
