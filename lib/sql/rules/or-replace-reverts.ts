// CREATE OR REPLACE FUNCTION/VIEW re-runs without error, but when a later migration redefined the object, running
// this file again silently restores the old definition (or fails, where the old body no longer fits what later
// files changed: 42P13). Functions are compared with their argument types: a later file that adds an overload does
// not redefine this one. --fix runs such a function's definition only while no later body is in place.
import { functionNotRedefined } from '../guarded.ts'
import { signatureText } from '../references.ts'
import type { Node } from '../parse.ts'
import { createdFnKey, functionBody, listName, rangeVarName, relKey, type Fix, type Rule, type RuleContext } from './shared.ts'

export const orReplaceReverts: Rule = {
  id: 'or-replace-reverts',
  severity: 'warning',
  reason: 'CREATE OR REPLACE re-runs without error but restores an old definition that a later migration changed',
  rewrite: 'functions: run the definition only while no later body is in place; views: none (keep each definition in one place)',
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
      fix: t.kind === 'CreateFunctionStmt' ? laterDefinitionGuard(s, ctx) : undefined,
    }]
  },
}

// The guard for a function that later files define again (also used by create-function, whose fix adds OR REPLACE).
export function laterDefinitionGuard(s: Node, ctx: RuleContext): Fix | undefined {
  const own = functionBody(s)
  const later = ctx.laterBodies(createdFnKey(s)).filter((b) => b !== own)
  const signature = signatureText(s)
  return own !== undefined && later.length > 0 && signature ? { guard: functionNotRedefined(signature, later) } : undefined
}
