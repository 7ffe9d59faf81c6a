// CREATE RULE without OR REPLACE fails on a re-run with 42710.
import { insertAfter, rangeVarName, ruleKey, type Rule } from './shared.ts'

export const createRule: Rule = {
  id: 'create-rule',
  severity: 'error',
  reason: 'CREATE RULE fails on a re-run: rule already exists (42710)',
  rewrite: 'CREATE OR REPLACE RULE …',
  detect(t) {
    if (t.kind !== 'RuleStmt' || t.ast.replace) return []
    const table = rangeVarName(t.ast.relation)
    return [{
      message: `CREATE RULE ${t.ast.rulename} fails when the file runs again: the rule already exists`,
      when: { absent: ruleKey(table, t.ast.rulename) },
      conditions: ['duplicate_object'],
      names: [t.ast.rulename],
      fix: t.tokens[0]?.upper === 'CREATE' ? { edits: [insertAfter(t.tokens, 0, 'OR REPLACE')] } : undefined,
    }]
  },
}
