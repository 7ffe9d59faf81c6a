// Unnamed indexes and unnamed CHECK/UNIQUE/FOREIGN KEY constraints re-run without error but create a second copy
// (t_col_idx1, t_col_check1): PostgreSQL picks a new name each time.
import { alterCmds, rangeVarName, type Detection, type Rule } from './shared.ts'

export const unnamedDuplicate: Rule = {
  id: 'unnamed-duplicate',
  severity: 'warning',
  reason: 'an unnamed index or constraint is created again under a new name on every re-run',
  rewrite: 'give it a name, then CREATE INDEX IF NOT EXISTS name / a guarded ADD CONSTRAINT name',
  detect(t) {
    if (t.kind === 'IndexStmt' && !t.ast.idxname) {
      return [{ message: `unnamed index on ${rangeVarName(t.ast.relation).name} is created again on every run; name it and add IF NOT EXISTS`, when: 'always', conditions: [], names: [] }]
    }
    if (t.kind !== 'AlterTableStmt') return []
    return alterCmds(t).flatMap((cmd): Detection[] => {
      const c = cmd.subtype === 'AT_AddConstraint' ? cmd.def.Constraint : undefined
      if (!c || c.conname || c.contype === 'CONSTR_PRIMARY') return []
      return [{ message: `unnamed ${c.contype.replace('CONSTR_', '')} constraint on ${rangeVarName(t.ast.relation).name} is added again on every run; name it`, when: 'always', conditions: [], names: [] }]
    })
  },
}
