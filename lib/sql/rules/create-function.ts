// CREATE FUNCTION / PROCEDURE without OR REPLACE fails on a re-run with 42723 duplicate_function. The key carries
// the input argument types: a new overload is a different function from the one a later DROP FUNCTION f(text) removes.
// Where later files define the function again, the fix also runs it only while no later body is in place.
import { laterDefinitionGuard } from './or-replace-reverts.ts'
import { createdFnKey, insertAfter, listName, type Rule } from './shared.ts'

export const createFunction: Rule = {
  id: 'create-function',
  severity: 'error',
  reason: 'CREATE FUNCTION fails on a re-run: function already exists with the same arguments (42723)',
  rewrite: 'CREATE OR REPLACE FUNCTION …',
  detect(t, ctx) {
    if (t.kind !== 'CreateFunctionStmt' || t.ast.replace) return []
    const q = listName(t.ast.funcname)
    return [{
      message: `CREATE ${t.ast.is_procedure ? 'PROCEDURE' : 'FUNCTION'} ${q.name} fails when the file runs again: it already exists`,
      when: { absent: createdFnKey(t.ast) },
      conditions: ['duplicate_function'],
      names: [q.name],
      fix: t.tokens[0]?.upper === 'CREATE' ? { edits: [insertAfter(t.tokens, 0, 'OR REPLACE')], ...laterDefinitionGuard(t.ast, ctx) } : undefined,
    }]
  },
}
