// ALTER TYPE … ADD VALUE without IF NOT EXISTS fails on a re-run with 42710.
import { IF_NOT_EXISTS } from '../guarded.ts'
import { enumKey, insertAfter, listName, wordIndex, type Rule } from './shared.ts'

export const enumAddValue: Rule = {
  id: 'enum-add-value',
  severity: 'error',
  reason: 'ALTER TYPE … ADD VALUE fails on a re-run: enum label already exists (42710)',
  rewrite: "ALTER TYPE … ADD VALUE IF NOT EXISTS '…'",
  detect(t) {
    const s = t.ast
    if (t.kind !== 'AlterEnumStmt' || s.oldVal || s.skipIfNewValExists) return []
    const type = listName(s.typeName)
    const i = wordIndex(t.tokens, ['VALUE'])
    return [{
      message: `ADD VALUE '${s.newVal}' to ${type.name} fails when the file runs again: the label already exists`,
      when: { absent: enumKey(type, s.newVal) },
      conditions: ['duplicate_object'],
      names: [s.newVal, type.name],
      fix: i < 0 ? undefined : { edits: [insertAfter(t.tokens, i, IF_NOT_EXISTS)] },
    }]
  },
}
