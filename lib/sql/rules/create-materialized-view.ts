// CREATE MATERIALIZED VIEW without IF NOT EXISTS fails on a re-run with 42P07.
import { IF_NOT_EXISTS } from '../guarded.ts'
import { insertAfter, rangeVarName, relKey, wordIndex, type Rule } from './shared.ts'

export const createMaterializedView: Rule = {
  id: 'create-materialized-view',
  severity: 'error',
  reason: 'CREATE MATERIALIZED VIEW fails on a re-run: relation already exists (42P07)',
  rewrite: 'CREATE MATERIALIZED VIEW IF NOT EXISTS …',
  detect(t) {
    const s = t.ast
    if (t.kind !== 'CreateTableAsStmt' || s.objtype !== 'OBJECT_MATVIEW' || s.if_not_exists) return []
    const rel = rangeVarName(s.into.rel)
    const i = wordIndex(t.tokens, ['VIEW'])
    return [{
      message: `CREATE MATERIALIZED VIEW ${rel.name} fails when the file runs again: it already exists`,
      when: { absent: relKey(rel) },
      conditions: ['duplicate_table'],
      names: [rel.name],
      fix: i < 0 ? undefined : { edits: [insertAfter(t.tokens, i, IF_NOT_EXISTS)] },
    }]
  },
}
