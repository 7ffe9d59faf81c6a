// ALTER TABLE … RENAME COLUMN a TO b fails on a re-run with 42703: column a no longer exists.
import { colKey, literal, rangeVarName, relationLiteral, type Rule } from './shared.ts'

export const renameColumn: Rule = {
  id: 'rename-column',
  severity: 'error',
  reason: 'RENAME COLUMN fails on a re-run: the old column no longer exists (42703)',
  rewrite: 'DO block: IF EXISTS (the old column in pg_attribute) THEN ALTER TABLE … RENAME COLUMN …; END IF',
  detect(t) {
    if (t.kind !== 'RenameStmt' || t.ast.renameType !== 'OBJECT_COLUMN' || !t.ast.relation) return []
    const table = rangeVarName(t.ast.relation)
    return [{
      message: `RENAME COLUMN ${t.ast.subname} TO ${t.ast.newname} on ${table.name} fails when the file runs again: ${t.ast.subname} no longer exists`,
      when: { present: colKey(table, t.ast.subname), andAbsent: colKey(table, t.ast.newname) },
      conditions: ['undefined_column', 'duplicate_column'],
      names: [t.ast.subname, t.ast.newname],
      // to_regclass: a table renamed later in the same file is simply skipped instead of raising.
      fix: { guard: `EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(${relationLiteral(t.ast.relation)}) AND attname = ${literal(t.ast.subname)} AND NOT attisdropped)\n     AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(${relationLiteral(t.ast.relation)}) AND attname = ${literal(t.ast.newname)} AND NOT attisdropped)` },
    }]
  },
}
