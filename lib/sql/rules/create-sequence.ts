// CREATE SEQUENCE without IF NOT EXISTS fails on a re-run with 42P07.
import { IF_NOT_EXISTS } from '../guarded.ts'
import { insertAfter, rangeVarName, relKey, wordIndex, type Rule } from './shared.ts'

export const createSequence: Rule = {
  id: 'create-sequence',
  severity: 'error',
  reason: 'CREATE SEQUENCE fails on a re-run: relation already exists (42P07)',
  rewrite: 'CREATE SEQUENCE IF NOT EXISTS …',
  detect(t) {
    if (t.kind !== 'CreateSeqStmt' || t.ast.if_not_exists) return []
    const rel = rangeVarName(t.ast.sequence)
    const i = wordIndex(t.tokens, ['SEQUENCE'])
    return [{
      message: `CREATE SEQUENCE ${rel.name} fails when the file runs again: the sequence already exists`,
      when: { absent: relKey(rel) },
      conditions: ['duplicate_table'],
      names: [rel.name],
      fix: i < 0 ? undefined : { edits: [insertAfter(t.tokens, i, IF_NOT_EXISTS)] },
    }]
  },
}
