// ALTER PUBLICATION … ADD TABLE fails on a re-run with 42710: the table is already a member (the usual
// `supabase_realtime` line). PostgreSQL has no IF NOT EXISTS here.
import { publicationTables } from '../effects.ts'
import type { Node } from '../parse.ts'
import { publicationMember } from '../guarded.ts'
import { pubRelKey, regLiteral, type Rule } from './shared.ts'

export const memberTest = (pub: string, rv: Node) => publicationMember(pub, regLiteral(rv.schemaname, rv.relname))

const relations = (s: Node): Node[] =>
  (s.pubobjects ?? []).filter((o: Node) => o.PublicationObjSpec?.pubobjtype === 'PUBLICATIONOBJ_TABLE').map((o: Node) => o.PublicationObjSpec.pubtable.relation)

export const publicationAddTable: Rule = {
  id: 'publication-add-table',
  severity: 'error',
  reason: 'ALTER PUBLICATION … ADD TABLE fails on a re-run: relation is already member of publication (42710)',
  rewrite: 'DO block: IF NOT EXISTS (SELECT FROM pg_publication_rel …) THEN ALTER PUBLICATION … ADD TABLE …; END IF',
  detect(t) {
    if (t.kind !== 'AlterPublicationStmt' || t.ast.action !== 'AP_AddObjects') return []
    const tables = publicationTables(t.ast.pubobjects)
    return relations(t.ast).map((rv, n) => ({
      message: `ALTER PUBLICATION ${t.ast.pubname} ADD TABLE ${tables[n].name} fails when the file runs again: the table is already a member`,
      when: { absent: pubRelKey(t.ast.pubname, tables[n]) },
      conditions: ['duplicate_object'],
      names: [tables[n].name],
      fix: { guard: `NOT ${memberTest(t.ast.pubname, rv)}` },
    }))
  },
}
