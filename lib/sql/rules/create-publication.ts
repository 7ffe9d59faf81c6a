// CREATE PUBLICATION has no IF NOT EXISTS and fails on a re-run with 42710.
import { publicationAbsent } from '../guarded.ts'
import { pubKey, type Rule } from './shared.ts'

export const createPublication: Rule = {
  id: 'create-publication',
  severity: 'error',
  reason: 'CREATE PUBLICATION fails on a re-run: publication already exists (42710)',
  rewrite: 'DO block: IF NOT EXISTS (SELECT FROM pg_publication …) THEN CREATE PUBLICATION …; END IF',
  detect(t) {
    if (t.kind !== 'CreatePublicationStmt') return []
    return [{
      message: `CREATE PUBLICATION ${t.ast.pubname} fails when the file runs again: the publication already exists`,
      when: { absent: pubKey(t.ast.pubname) },
      conditions: ['duplicate_object'],
      names: [t.ast.pubname],
      fix: { guard: publicationAbsent(t.ast.pubname) },
    }]
  },
}
