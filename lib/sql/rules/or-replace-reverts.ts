// CREATE OR REPLACE FUNCTION/VIEW re-runs without error, but when a later migration redefined the object, running
// this file again silently restores the old definition. Functions are compared with their argument types: a
// later file that adds an overload does not redefine this one.
import { createdFnKey, listName, rangeVarName, relKey, type Rule } from './shared.ts'

export const orReplaceReverts: Rule = {
  id: 'or-replace-reverts',
  severity: 'warning',
  reason: 'CREATE OR REPLACE re-runs without error but restores an old definition that a later migration changed',
  rewrite: 'none: keep each definition in one place, or re-run the files in order',
  detect(t, ctx) {
    const s = t.ast
    let key: string | undefined
    let name = ''
    if (t.kind === 'CreateFunctionStmt' && s.replace) ((key = createdFnKey(s)), (name = listName(s.funcname).name))
    else if (t.kind === 'ViewStmt' && s.replace) ((key = relKey(rangeVarName(s.view))), (name = s.view.relname))
    const later = key && ctx.redefinedLater(key)
    if (!later) return []
    return [{
      message: `${name} is redefined by the later migration ${later}: re-running this file restores the older definition`,
      when: 'always',
      conditions: [],
      names: [],
    }]
  },
}
