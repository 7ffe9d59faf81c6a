// ALTER TABLE … ADD COLUMN without IF NOT EXISTS fails on a re-run with 42701 duplicate_column.
import { alterCmds, colKey, rangeVarName, type Detection, type Rule } from './shared.ts'

export const addColumn: Rule = {
  id: 'add-column',
  severity: 'error',
  reason: 'ADD COLUMN fails on a re-run: column already exists (42701)',
  rewrite: 'ALTER TABLE … ADD COLUMN IF NOT EXISTS …',
  detect(t) {
    if (t.kind !== 'AlterTableStmt') return []
    const table = rangeVarName(t.ast.relation)
    const cmds = alterCmds(t)
    return cmds.flatMap((cmd, n): Detection[] => {
      if (cmd.subtype !== 'AT_AddColumn' || cmd.missing_ok) return []
      const col = cmd.def.ColumnDef
      if (cmds.slice(0, n).some((p) => p.subtype === 'AT_DropColumn' && p.name === col.colname)) return []
      // The column definition's location is its name: IF NOT EXISTS goes right before it.
      const at = t.at(col.location)
      return [{
        message: `ADD COLUMN ${col.colname} to ${table.name} fails when the file runs again: the column already exists`,
        when: { absent: colKey(table, col.colname) },
        conditions: ['duplicate_column'],
        names: [col.colname],
        fix: at === null ? undefined : { edits: [{ start: at, end: at, text: 'IF NOT EXISTS ' }] },
      }]
    })
  },
}
