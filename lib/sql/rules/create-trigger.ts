// CREATE TRIGGER fails on a re-run with 42710. Rewrite: DROP TRIGGER IF EXISTS first (works for constraint
// triggers too, which CREATE OR REPLACE TRIGGER does not accept).
import { dropTriggerFirst, triggerAbsent } from '../guarded.ts'
import { rangeVarName, relationLiteral, relationText, trgKey, wordIndex, type Rule } from './shared.ts'

export const createTrigger: Rule = {
  id: 'create-trigger',
  severity: 'error',
  reason: 'CREATE TRIGGER fails on a re-run: trigger already exists (42710)',
  rewrite: 'DROP TRIGGER IF EXISTS name ON table; CREATE TRIGGER …',
  detect(t) {
    if (t.kind !== 'CreateTrigStmt' || t.ast.replace) return []
    const table = rangeVarName(t.ast.relation)
    const i = wordIndex(t.tokens, ['TRIGGER'])
    const nameToken = i >= 0 ? t.tokens[i + 1] : undefined
    const on = relationText(t, t.ast.relation)
    const fixable = nameToken !== undefined && on !== null
    return [{
      message: `CREATE TRIGGER ${t.ast.trigname} on ${table.name} fails when the file runs again: the trigger already exists`,
      when: { absent: trgKey(table, t.ast.trigname) },
      conditions: ['duplicate_object'],
      names: [t.ast.trigname],
      fix: fixable ? { prelude: dropTriggerFirst(nameToken.text, on) } : undefined,
      guard: triggerAbsent(relationLiteral(t.ast.relation), t.ast.trigname),
    }]
  },
}
