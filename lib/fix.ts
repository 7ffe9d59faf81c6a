// --fix: rewrites the statements that fail on a re-run, splicing at their positions so comments and the
// formatting of everything else stay byte for byte.
import { freeDollarTag } from './lexer.ts'
import type { FixPlan } from './idempotency.ts'

export function applyFixes(text: string, plans: readonly FixPlan[]): string {
  // Untouched text between the rewritten statements is copied as it is, in one pass (plans never overlap).
  const parts: string[] = []
  let copied = 0
  for (const plan of [...plans].sort((a, b) => a.codeStart - b.codeStart)) {
    parts.push(text.slice(copied, plan.codeStart), rewrite(text.slice(plan.codeStart, plan.codeEnd), plan))
    copied = plan.codeEnd
  }
  parts.push(text.slice(copied))
  return parts.join('')
}

function rewrite(code: string, plan: FixPlan): string {
  let body = code
  for (const e of [...plan.edits].sort((a, b) => b.start - a.start)) {
    body = body.slice(0, e.start - plan.codeStart) + e.text + body.slice(e.end - plan.codeStart)
  }
  if (plan.guards.length > 0) {
    // Several guards on one statement (ADD CONSTRAINT a, ADD CONSTRAINT b): run it while any is missing, so a
    // half-present state still raises instead of being skipped silently.
    const condition = plan.guards.length === 1 ? plan.guards[0] : plan.guards.map((g) => `(${g})`).join('\n     OR ')
    body =
      plan.context === 'top'
        ? wrapInDo(body, condition)
        : `IF ${condition} THEN\n${body};\nEND IF`
  }
  return plan.preludes.join('') + body
}

// The statement goes in unchanged (not re-indented: that would change multi-line string literals).
function wrapInDo(statement: string, condition: string): string {
  const tag = freeDollarTag(statement + condition)
  return `DO ${tag}\nBEGIN\n  IF ${condition} THEN\n${statement};\n  END IF;\nEND\n${tag}`
}
