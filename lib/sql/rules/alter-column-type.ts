// ALTER COLUMN … TYPE … USING <expression>: the second run applies the conversion to the already converted
// column (to_timestamp(timestamptz), text parsing of a boolean, …) and fails. Without USING, or with USING that
// only casts the column itself, PostgreSQL re-runs it without error.
import type { Node } from '../parse.ts'
import { alterCmds, literal, quoted, rangeVarName, relationLiteral, type Detection, type Rule } from './shared.ts'

const isPlainColumn = (e: Node, col: string): boolean =>
  (e?.ColumnRef?.fields?.length === 1 && e.ColumnRef.fields[0].String?.sval === col) || (e?.TypeCast && isPlainColumn(e.TypeCast.arg, col))

// The type as a regtype literal: each name quoted, "[]" per array dimension (typmods do not change the type).
function typeLiteral(typeName: Node): string {
  const names: string[] = typeName.names.map((n: Node) => n.String.sval)
  return literal(names.map(quoted).join('.') + '[]'.repeat(typeName.arrayBounds?.length ?? 0))
}

export const alterColumnType: Rule = {
  id: 'alter-column-type',
  severity: 'error',
  reason: 'ALTER COLUMN TYPE … USING <expr> fails on a re-run: the expression is applied to the converted column',
  rewrite: 'DO block: IF the column is not yet of the new type (pg_attribute.atttypid) THEN ALTER TABLE …; END IF',
  detect(t) {
    if (t.kind !== 'AlterTableStmt') return []
    const table = rangeVarName(t.ast.relation)
    return alterCmds(t).flatMap((cmd): Detection[] => {
      if (cmd.subtype !== 'AT_AlterColumnType') return []
      const def = cmd.def.ColumnDef
      if (!def.raw_default || isPlainColumn(def.raw_default, cmd.name)) return []
      return [{
        message: `ALTER COLUMN ${cmd.name} TYPE … USING on ${table.name} fails when the file runs again: USING is applied to the already converted column`,
        when: 'always',
        conditions: ['undefined_function', 'invalid_text_representation', 'datatype_mismatch', 'cannot_coerce', 'invalid_datetime_format'],
        names: [cmd.name],
        fix: { guard: `EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(${relationLiteral(t.ast.relation)}) AND attname = ${literal(cmd.name)} AND NOT attisdropped AND atttypid <> to_regtype(${typeLiteral(def.typeName)}))` },
      }]
    })
  },
}
