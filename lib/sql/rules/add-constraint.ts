// ALTER TABLE … ADD CONSTRAINT has no IF NOT EXISTS: a named constraint fails on a re-run with 42710 (42P07 when
// its index name is taken), an unnamed PRIMARY KEY with 42P16 "multiple primary keys".
import { constraintAbsent, primaryKeyAbsent } from '../guarded.ts'
import { alterCmds, conKey, pkKey, rangeVarName, relationLiteral, type Detection, type Rule } from './shared.ts'

export const addConstraint: Rule = {
  id: 'add-constraint',
  severity: 'error',
  reason: 'ADD CONSTRAINT fails on a re-run: constraint already exists (42710) or multiple primary keys (42P16)',
  rewrite: 'DO block: IF NOT EXISTS (SELECT FROM pg_constraint …) THEN ALTER TABLE … ADD CONSTRAINT …; END IF',
  detect(t) {
    if (t.kind !== 'AlterTableStmt') return []
    const table = rangeVarName(t.ast.relation)
    const rel = relationLiteral(t.ast.relation)
    const cmds = alterCmds(t)
    return cmds.flatMap((cmd, n): Detection[] => {
      if (cmd.subtype !== 'AT_AddConstraint') return []
      const c = cmd.def.Constraint
      // DROP CONSTRAINT [IF EXISTS] x, ADD CONSTRAINT x in one statement: PostgreSQL runs them in order.
      if (c.conname && cmds.slice(0, n).some((p) => p.subtype === 'AT_DropConstraint' && p.name === c.conname)) return []
      const conditions = ['duplicate_object', 'duplicate_table', 'invalid_table_definition']
      if (c.conname) {
        return [{
          message: `ADD CONSTRAINT ${c.conname} on ${table.name} fails when the file runs again: the constraint already exists`,
          when: { absent: conKey(table, c.conname) },
          conditions,
          names: [c.conname],
          fix: { guard: constraintAbsent(rel, c.conname) },
        }]
      }
      if (c.contype !== 'CONSTR_PRIMARY') return [] // unnamed CHECK/UNIQUE/FK: see unnamed-duplicate
      return [{
        message: `ADD PRIMARY KEY on ${table.name} fails when the file runs again: multiple primary keys`,
        when: { absent: pkKey(table) },
        conditions,
        names: [table.name],
        fix: { guard: primaryKeyAbsent(rel) },
      }]
    })
  },
}
