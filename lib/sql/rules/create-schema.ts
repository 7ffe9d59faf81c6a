// CREATE SCHEMA without IF NOT EXISTS fails on a re-run with 42P06 duplicate_schema.
import { IF_NOT_EXISTS } from '../guarded.ts'
import { insertAfter, schemaKey, wordIndex, type Rule } from './shared.ts'

export const createSchema: Rule = {
  id: 'create-schema',
  severity: 'error',
  reason: 'CREATE SCHEMA fails on a re-run: schema already exists (42P06)',
  rewrite: 'CREATE SCHEMA IF NOT EXISTS …',
  detect(t) {
    const s = t.ast
    if (t.kind !== 'CreateSchemaStmt' || s.if_not_exists) return []
    const name = s.schemaname ?? s.authrole?.RoleSpec?.rolename
    const i = wordIndex(t.tokens, ['SCHEMA'])
    // PostgreSQL refuses IF NOT EXISTS together with schema elements (CREATE SCHEMA s CREATE TABLE …).
    const fixable = i >= 0 && !(s.schemaElts?.length > 0)
    return [{
      message: `CREATE SCHEMA ${name} fails when the file runs again: the schema already exists`,
      when: { absent: schemaKey(name) },
      conditions: ['duplicate_schema'],
      names: [name],
      fix: fixable ? { edits: [insertAfter(t.tokens, i, IF_NOT_EXISTS)] } : undefined,
    }]
  },
}
