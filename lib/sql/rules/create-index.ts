// CREATE INDEX without IF NOT EXISTS fails on a re-run with 42P07 (the index is a relation).
import { IF_NOT_EXISTS } from '../guarded.ts'
import { insertAfter, qname, rangeVarName, relKey, wordIndex, type Rule } from './shared.ts'

export const createIndex: Rule = {
  id: 'create-index',
  severity: 'error',
  reason: 'CREATE INDEX fails on a re-run: relation already exists (42P07)',
  rewrite: 'CREATE INDEX IF NOT EXISTS name ON …',
  detect(t) {
    const s = t.ast
    // Unnamed indexes cannot take IF NOT EXISTS; unnamed-duplicate reports them.
    if (t.kind !== 'IndexStmt' || s.if_not_exists || !s.idxname) return []
    const table = rangeVarName(s.relation)
    let i = wordIndex(t.tokens, ['INDEX'])
    if (i >= 0 && t.tokens[i + 1]?.upper === 'CONCURRENTLY') i++
    return [{
      message: `CREATE INDEX ${s.idxname} fails when the file runs again: the index already exists`,
      when: { absent: relKey(qname(table.schema, s.idxname)) },
      conditions: ['duplicate_table'],
      names: [s.idxname],
      fix: i < 0 ? undefined : { edits: [insertAfter(t.tokens, i, IF_NOT_EXISTS)] },
    }]
  },
}
