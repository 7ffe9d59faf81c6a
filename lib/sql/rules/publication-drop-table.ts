// ALTER PUBLICATION … DROP TABLE fails on a re-run with 42704: the table is no longer a member.
import { publicationTables } from '../effects.ts'
import type { Node } from '../parse.ts'
import { memberTest } from './publication-add-table.ts'
import { pubRelKey, type Rule } from './shared.ts'

export const publicationDropTable: Rule = {
  id: 'publication-drop-table',
  severity: 'error',
  reason: 'ALTER PUBLICATION … DROP TABLE fails on a re-run: relation is not part of the publication (42704)',
  rewrite: 'DO block: IF EXISTS (SELECT FROM pg_publication_rel …) THEN ALTER PUBLICATION … DROP TABLE …; END IF',
  detect(t) {
    if (t.kind !== 'AlterPublicationStmt' || t.ast.action !== 'AP_DropObjects') return []
    const tables = publicationTables(t.ast.pubobjects)
    const rvs: Node[] = (t.ast.pubobjects ?? []).filter((o: Node) => o.PublicationObjSpec?.pubobjtype === 'PUBLICATIONOBJ_TABLE').map((o: Node) => o.PublicationObjSpec.pubtable.relation)
    return rvs.map((rv, n) => ({
      message: `ALTER PUBLICATION ${t.ast.pubname} DROP TABLE ${tables[n].name} fails when the file runs again: the table is no longer a member`,
      when: { present: pubRelKey(t.ast.pubname, tables[n]) },
      conditions: ['undefined_object'],
      names: [tables[n].name],
      fix: { guard: memberTest(t.ast.pubname, rv) },
    }))
  },
}
