// ALTER TABLE … DROP COLUMN without IF EXISTS fails on a re-run with 42703 undefined_column.
import { alterCmds, alterCommands, colKey, insertAfter, rangeVarName, type Detection, type Rule } from './shared.ts'

export const dropColumn: Rule = {
  id: 'drop-column',
  severity: 'error',
  reason: 'DROP COLUMN fails on a re-run: column does not exist (42703)',
  rewrite: 'ALTER TABLE … DROP COLUMN IF EXISTS …',
  detect(t) {
    if (t.kind !== 'AlterTableStmt') return []
    const table = rangeVarName(t.ast.relation)
    const ranges = alterCommands(t)
    return alterCmds(t).flatMap((cmd, n): Detection[] => {
      if (cmd.subtype !== 'AT_DropColumn' || cmd.missing_ok) return []
      const r = ranges[n]
      // DROP [COLUMN] name, or ALTER TYPE's DROP ATTRIBUTE name: the keyword after which IF EXISTS goes.
      const k = r && t.tokens[r.from]?.upper === 'DROP' ? (['COLUMN', 'ATTRIBUTE'].includes(t.tokens[r.from + 1]?.upper ?? '') ? r.from + 1 : r.from) : -1
      return [{
        message: `DROP COLUMN ${cmd.name} from ${table.name} fails when the file runs again: the column is gone`,
        when: { present: colKey(table, cmd.name) },
        conditions: ['undefined_column'],
        names: [cmd.name],
        fix: k < 0 ? undefined : { edits: [insertAfter(t.tokens, k, 'IF EXISTS')] },
      }]
    })
  },
}
