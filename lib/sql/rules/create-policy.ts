// CREATE POLICY has no IF NOT EXISTS and fails on a re-run with 42710. Rewrite: DROP POLICY IF EXISTS first,
// the form Supabase's own docs use.
import { dropPolicyFirst, policyAbsent } from '../guarded.ts'
import { polKey, rangeVarName, relationLiteral, relationText, wordIndex, type Rule } from './shared.ts'

export const createPolicy: Rule = {
  id: 'create-policy',
  severity: 'error',
  reason: 'CREATE POLICY fails on a re-run: policy already exists (42710); it has no IF NOT EXISTS',
  rewrite: 'DROP POLICY IF EXISTS name ON table; CREATE POLICY …',
  detect(t) {
    if (t.kind !== 'CreatePolicyStmt') return []
    const table = rangeVarName(t.ast.table)
    const i = wordIndex(t.tokens, ['POLICY'])
    const nameToken = i >= 0 ? t.tokens[i + 1] : undefined
    const on = relationText(t, t.ast.table)
    return [{
      message: `CREATE POLICY "${t.ast.policy_name}" on ${table.schema}.${table.name} fails when the file runs again: the policy already exists`,
      when: { absent: polKey(table, t.ast.policy_name) },
      conditions: ['duplicate_object'],
      names: [t.ast.policy_name],
      fix: nameToken && on !== null ? { prelude: dropPolicyFirst(nameToken.text, on) } : undefined,
      guard: policyAbsent(relationLiteral(t.ast.table), t.ast.policy_name),
    }]
  },
}
