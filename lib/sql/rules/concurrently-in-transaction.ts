// CREATE/DROP INDEX CONCURRENTLY (and REINDEX … CONCURRENTLY, VACUUM) cannot run inside a transaction block
// (25001). `supabase db push` sends each file as one transaction, so the file fails on its very first run
// (supabase/cli#2898).
import type { Rule } from './shared.ts'

export const concurrentlyInTransaction: Rule = {
  id: 'concurrently-in-transaction',
  severity: 'error',
  reason: 'CONCURRENTLY / VACUUM cannot run inside the transaction db push wraps each file in (25001)',
  rewrite: 'drop CONCURRENTLY (the index is built under a lock), or run it outside db push',
  detect(t) {
    const s = t.ast
    const concurrent =
      ((t.kind === 'IndexStmt' || t.kind === 'DropStmt') && s.concurrent) ||
      (t.kind === 'ReindexStmt' && (s.params ?? []).some((p: { DefElem?: { defname: string } }) => p.DefElem?.defname === 'concurrently')) ||
      (t.kind === 'VacuumStmt' && s.is_vacuumcmd)
    // Inside a DO block it fails too ("cannot be executed from a function").
    if (!concurrent) return []
    const i = t.tokens.findIndex((x) => x.upper === 'CONCURRENTLY')
    return [{
      message: `${t.kind === 'VacuumStmt' ? 'VACUUM' : 'CONCURRENTLY'} fails inside the transaction supabase db push runs each file in (25001)`,
      when: 'always',
      conditions: [],
      names: [],
      fix: i < 0 || t.kind === 'ReindexStmt' ? undefined : { edits: [{ start: t.tokens[i - 1].end, end: t.tokens[i].end, text: '' }] },
    }]
  },
}
