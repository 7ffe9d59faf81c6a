// DROP … without IF EXISTS fails on a re-run (42P01, 42704, 42883, 3F000): the object is already gone. A DROP
// followed by a re-creation of the same object in the file is fine, and the re-run simulation sees that.
import { dropKeys } from '../effects.ts'
import { insertAfter, keyName, roleKey, wordIndex, type Detection, type Rule } from './shared.ts'

// The last keyword of the object type, after which IF EXISTS goes (DROP MATERIALIZED VIEW → VIEW).
const TYPE_WORD: Record<string, string> = {
  OBJECT_TABLE: 'TABLE', OBJECT_VIEW: 'VIEW', OBJECT_MATVIEW: 'VIEW', OBJECT_INDEX: 'INDEX', OBJECT_SEQUENCE: 'SEQUENCE',
  OBJECT_FOREIGN_TABLE: 'TABLE', OBJECT_TYPE: 'TYPE', OBJECT_DOMAIN: 'DOMAIN', OBJECT_FUNCTION: 'FUNCTION',
  OBJECT_PROCEDURE: 'PROCEDURE', OBJECT_ROUTINE: 'ROUTINE', OBJECT_AGGREGATE: 'AGGREGATE', OBJECT_TRIGGER: 'TRIGGER',
  OBJECT_POLICY: 'POLICY', OBJECT_RULE: 'RULE', OBJECT_SCHEMA: 'SCHEMA', OBJECT_EXTENSION: 'EXTENSION',
  OBJECT_PUBLICATION: 'PUBLICATION', OBJECT_EVENT_TRIGGER: 'TRIGGER', OBJECT_COLLATION: 'COLLATION',
  OBJECT_STATISTIC_EXT: 'STATISTICS', OBJECT_FOREIGN_SERVER: 'SERVER', OBJECT_OPERATOR: 'OPERATOR',
}

const CONDITIONS = ['undefined_table', 'undefined_object', 'undefined_function', 'invalid_schema_name', 'undefined_column']

export const dropWithoutIfExists: Rule = {
  id: 'drop-without-if-exists',
  severity: 'error',
  reason: 'DROP fails on a re-run: the object does not exist any more',
  rewrite: 'DROP … IF EXISTS …',
  detect(t) {
    const s = t.ast
    if (t.kind === 'DropRoleStmt' && !s.missing_ok) {
      const i = wordIndex(t.tokens, ['ROLE', 'USER', 'GROUP'])
      return (s.roles ?? []).map((r: { RoleSpec: { rolename: string } }, n: number): Detection => ({
        message: `DROP ROLE ${r.RoleSpec.rolename} fails when the file runs again: the role is gone`,
        when: { present: roleKey(r.RoleSpec.rolename) },
        conditions: CONDITIONS,
        names: [r.RoleSpec.rolename],
        fix: i < 0 ? undefined : n > 0 ? {} : { edits: [insertAfter(t.tokens, i, 'IF EXISTS')] },
      }))
    }
    if (t.kind !== 'DropStmt' || s.missing_ok) return []
    const word = TYPE_WORD[s.removeType]
    let i = word ? wordIndex(t.tokens, [word]) : -1
    if (i >= 0 && t.tokens[i + 1]?.upper === 'CONCURRENTLY') i++
    const what = (s.removeType as string).replace('OBJECT_', '').replace('_', ' ')
    // One DROP may name several objects; the first detection carries the one splice for all of them.
    return dropKeys(s).map((key, n): Detection => ({
      message: `DROP ${what} fails when the file runs again: ${key.replace(/^[a-z]+:(OBJECT_[A-Z_]+:)?/, '')} is gone`,
      when: { present: key },
      conditions: CONDITIONS,
      names: [keyName(key)],
      fix: i < 0 ? undefined : n > 0 ? {} : { edits: [insertAfter(t.tokens, i, 'IF EXISTS')] },
    }))
  },
}
