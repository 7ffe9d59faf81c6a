// CREATE TABLE without IF NOT EXISTS fails on a re-run with 42P07 duplicate_table.
import { IF_NOT_EXISTS } from '../guarded.ts'
import { insertAfter, rangeVarName, relKey, wordIndex, type Rule } from './shared.ts'

export const createTable: Rule = {
  id: 'create-table',
  severity: 'error',
  reason: 'CREATE TABLE fails on a re-run: relation already exists (42P07)',
  rewrite: 'CREATE TABLE IF NOT EXISTS …',
  detect(t) {
    const s = t.ast
    const isTable = t.kind === 'CreateStmt' || (t.kind === 'CreateTableAsStmt' && s.objtype === 'OBJECT_TABLE')
    if (!isTable || s.if_not_exists) return []
    const rel = rangeVarName(t.kind === 'CreateStmt' ? s.relation : s.into.rel)
    const i = wordIndex(t.tokens, ['TABLE'])
    return [{
      message: `CREATE TABLE ${rel.name} fails when the file runs again: the table already exists`,
      when: { absent: relKey(rel) },
      conditions: ['duplicate_table'],
      names: [rel.name],
      fix: i < 0 ? undefined : { edits: [insertAfter(t.tokens, i, IF_NOT_EXISTS)] },
    }]
  },
}
