// A CREATE FUNCTION of a function that a later migration drops for good (a new overload replaced it): re-running this
// file after the whole folder makes the dropped function again, and fails where its body no longer resolves (a call
// that the later overloads made ambiguous: 42725). The function itself cannot tell the first run from a re-run (it
// is absent both times), but the history table can: --fix runs the definition only while the later migration is
// not recorded as applied.
import { laterMigrationNotApplied } from '../guarded.ts'
import { createdFnKey, listName, versionOf, type Rule } from './shared.ts'

export const recreatesDropped: Rule = {
  id: 'recreates-dropped',
  severity: 'warning',
  reason: 're-running the file after a later migration dropped this function makes it again (and fails where its body no longer resolves)',
  rewrite: 'run the definition only while the later migration is not in supabase_migrations.schema_migrations',
  detect(t, ctx) {
    if (t.kind !== 'CreateFunctionStmt') return []
    const later = ctx.chain?.removedLater(createdFnKey(t.ast))
    const version = later && versionOf(later)
    if (!later || !version) return []
    return [{
      message: `${listName(t.ast.funcname).name} is dropped by the later migration ${later}: re-running this file after it makes the function again`,
      when: 'always',
      conditions: [],
      names: [],
      fix: { guard: laterMigrationNotApplied(version) },
    }]
  },
}
