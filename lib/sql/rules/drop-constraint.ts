// ALTER TABLE … DROP CONSTRAINT without IF EXISTS fails on a re-run with 42704 undefined_object.
import { alterCmds, alterCommands, conKey, insertAfter, rangeVarName, wordIndex, type Detection, type Rule } from './shared.ts'

export const dropConstraint: Rule = {
  id: 'drop-constraint',
  severity: 'error',
  reason: 'DROP CONSTRAINT fails on a re-run: constraint does not exist (42704)',
  rewrite: 'ALTER TABLE … DROP CONSTRAINT IF EXISTS …',
  detect(t) {
    if (t.kind !== 'AlterTableStmt') return []
    const table = rangeVarName(t.ast.relation)
    const ranges = alterCommands(t)
    return alterCmds(t).flatMap((cmd, n): Detection[] => {
      if (cmd.subtype !== 'AT_DropConstraint' || cmd.missing_ok) return []
      const k = ranges[n] ? wordIndex(t.tokens, ['CONSTRAINT'], ranges[n].from) : -1
      return [{
        message: `DROP CONSTRAINT ${cmd.name} on ${table.name} fails when the file runs again: the constraint is gone`,
        when: { present: conKey(table, cmd.name) },
        conditions: ['undefined_object'],
        names: [cmd.name],
        fix: k < 0 || k >= ranges[n].to ? undefined : { edits: [insertAfter(t.tokens, k, 'IF EXISTS')] },
      }]
    })
  },
}
