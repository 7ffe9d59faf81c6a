// ALTER TABLE … SET SCHEMA fails on a re-run with 42P01: the relation is no longer in its old schema.
import { movedGuard } from './rename-object.ts'
import { qname, rangeVarName, relKey, type Rule } from './shared.ts'

const RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE'])

export const setSchema: Rule = {
  id: 'set-schema',
  severity: 'error',
  reason: 'SET SCHEMA fails on a re-run: the relation is not in its old schema any more (42P01)',
  rewrite: 'DO block: IF the relation is still in the old schema and not in the new one THEN ALTER … SET SCHEMA …; END IF',
  detect(t) {
    const s = t.ast
    if (t.kind !== 'AlterObjectSchemaStmt' || !RELATIONS.has(s.objectType) || !s.relation || s.missing_ok) return []
    const rel = rangeVarName(s.relation)
    return [{
      message: `SET SCHEMA ${s.newschema} on ${rel.schema}.${rel.name} fails when the file runs again: it was already moved`,
      when: { present: relKey(rel), andAbsent: relKey(qname(s.newschema, rel.name)) },
      conditions: ['undefined_table', 'duplicate_table'],
      names: [rel.name],
      fix: { guard: movedGuard(s.relation.schemaname, rel.name, s.newschema, rel.name) },
    }]
  },
}
