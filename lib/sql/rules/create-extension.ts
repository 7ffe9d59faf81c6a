// CREATE EXTENSION without IF NOT EXISTS fails on a re-run with 42710 duplicate_object.
import { IF_NOT_EXISTS } from '../guarded.ts'
import { extKey, insertAfter, wordIndex, type Rule } from './shared.ts'

export const createExtension: Rule = {
  id: 'create-extension',
  severity: 'error',
  reason: 'CREATE EXTENSION fails on a re-run: extension already exists (42710)',
  rewrite: 'CREATE EXTENSION IF NOT EXISTS …',
  detect(t) {
    if (t.kind !== 'CreateExtensionStmt' || t.ast.if_not_exists) return []
    const i = wordIndex(t.tokens, ['EXTENSION'])
    return [{
      message: `CREATE EXTENSION ${t.ast.extname} fails when the file runs again: the extension already exists`,
      when: { absent: extKey(t.ast.extname) },
      conditions: ['duplicate_object'],
      names: [t.ast.extname],
      fix: i < 0 ? undefined : { edits: [insertAfter(t.tokens, i, IF_NOT_EXISTS)] },
    }]
  },
}
