// CREATE VIEW without OR REPLACE fails on a re-run with 42P07 (views have no IF NOT EXISTS).
import { insertAfter, rangeVarName, relKey, type Rule } from './shared.ts'

export const createView: Rule = {
  id: 'create-view',
  severity: 'error',
  reason: 'CREATE VIEW fails on a re-run: relation already exists (42P07)',
  rewrite: 'CREATE OR REPLACE VIEW …',
  detect(t) {
    if (t.kind !== 'ViewStmt' || t.ast.replace) return []
    const rel = rangeVarName(t.ast.view)
    return [{
      message: `CREATE VIEW ${rel.name} fails when the file runs again: the view already exists`,
      when: { absent: relKey(rel) },
      conditions: ['duplicate_table'],
      names: [rel.name],
      fix: t.tokens[0]?.upper === 'CREATE' ? { edits: [insertAfter(t.tokens, 0, 'OR REPLACE')] } : undefined,
    }]
  },
}
