// ALTER COLUMN … ADD GENERATED … AS IDENTITY fails on a re-run with 55000: the column is already an identity
// column. PostgreSQL has no IF NOT EXISTS for it.
import { alterCmds, literal, rangeVarName, relationLiteral, type Detection, type Rule } from './shared.ts'

const identityKey = (t: { schema: string; name: string }, col: string) => `identity:${t.schema}.${t.name}.${col}`

export const addIdentity: Rule = {
  id: 'add-identity',
  severity: 'error',
  reason: 'ADD GENERATED … AS IDENTITY fails on a re-run: column is already an identity column (55000)',
  rewrite: "DO block: IF the column's pg_attribute.attidentity is '' THEN ALTER TABLE … ADD GENERATED …; END IF",
  detect(t) {
    if (t.kind !== 'AlterTableStmt') return []
    const table = rangeVarName(t.ast.relation)
    return alterCmds(t).flatMap((cmd): Detection[] => {
      if (cmd.subtype !== 'AT_AddIdentity') return []
      return [{
        message: `ADD GENERATED AS IDENTITY on ${table.name}.${cmd.name} fails when the file runs again: it is already an identity column`,
        when: { absent: identityKey(table, cmd.name) },
        conditions: ['object_not_in_prerequisite_state'],
        names: [cmd.name],
        fix: { guard: `EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(${relationLiteral(t.ast.relation)}) AND attname = ${literal(cmd.name)} AND NOT attisdropped AND attidentity = '')` },
      }]
    })
  },
}
