// ALTER TABLE … ADD COLUMN without IF NOT EXISTS fails on a re-run with 42701 duplicate_column; so does ALTER TYPE
// … ADD ATTRIBUTE on a composite type, whose grammar has no IF NOT EXISTS at all (it would be a 42601).
import { alterCmds, colKey, literal, rangeVarName, relationLiteral, type Detection, type Fix, type Rule } from './shared.ts'

export const addColumn: Rule = {
  id: 'add-column',
  severity: 'error',
  reason: 'ADD COLUMN / ADD ATTRIBUTE fails on a re-run: column already exists (42701)',
  rewrite: 'ALTER TABLE … ADD COLUMN IF NOT EXISTS …; for ALTER TYPE … ADD ATTRIBUTE a DO block testing pg_attribute',
  detect(t) {
    if (t.kind !== 'AlterTableStmt') return []
    const table = rangeVarName(t.ast.relation)
    const isType = t.ast.objtype === 'OBJECT_TYPE'
    const cmds = alterCmds(t)
    return cmds.flatMap((cmd, n): Detection[] => {
      if (cmd.subtype !== 'AT_AddColumn' || cmd.missing_ok) return []
      const col = cmd.def.ColumnDef
      if (cmds.slice(0, n).some((p) => p.subtype === 'AT_DropColumn' && p.name === col.colname)) return []
      let fix: Fix | undefined
      if (isType) {
        // A composite type's attributes live in pg_attribute under the type's own pg_class row (pg_type.typrelid).
        fix = { guard: `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = (SELECT typrelid FROM pg_catalog.pg_type WHERE oid = to_regtype(${relationLiteral(t.ast.relation)})) AND attname = ${literal(col.colname)} AND NOT attisdropped)` }
      } else {
        // The column definition's location is its name: IF NOT EXISTS goes right before it.
        const at = t.at(col.location)
        fix = at === null ? undefined : { edits: [{ start: at, end: at, text: 'IF NOT EXISTS ' }] }
      }
      return [{
        message: `ADD ${isType ? 'ATTRIBUTE' : 'COLUMN'} ${col.colname} to ${table.name} fails when the file runs again: the ${isType ? 'attribute' : 'column'} already exists`,
        when: { absent: colKey(table, col.colname) },
        conditions: ['duplicate_column'],
        names: [col.colname],
        fix,
      }]
    })
  },
}
