// --fix: rewrites the statements that fail on a re-run, splicing at their positions so comments and the
// formatting of everything else stay byte for byte.
import { guardedDo } from './guarded.ts'
import type { Finding, FixPlan } from './idempotency.ts'
import { lineLocator, parseSql } from './parse.ts'
import { FILE_CHECKS } from './rules/index.ts'

// Rewrites that would leave the file unparsable are not applied (the statement keeps its text) and come back as
// `fix-failed` findings: a wrong rewrite must never turn a migration that runs into one PostgreSQL rejects (42601).
export function applyParsableFixes(text: string, plans: readonly FixPlan[]): { text: string; applied: FixPlan[]; failures: Finding[] } {
  const problems = (t: string) => parseSql(t).problems.length
  const before = problems(text)
  // The usual case costs two parses; only a broken rewrite makes each one be tried alone.
  const all = applyFixes(text, plans)
  if (problems(all) <= before) return { text: all, applied: [...plans], failures: [] }
  let applied = plans.filter((p) => problems(applyFixes(text, [p])) <= before)
  // Rewrites that parse alone but not together: keep the file as it was.
  if (problems(applyFixes(text, applied)) > before) applied = []
  const fixed = applyFixes(text, applied)
  const locate = lineLocator(fixed)
  const { severity, reason } = FILE_CHECKS['fix-failed']
  const failures = plans.filter((p) => !applied.includes(p)).map((p): Finding => {
    // Where the statement sits in the text as written (earlier rewrites shift it).
    const start = applyFixes(text.slice(0, p.codeStart), applied.filter((q) => q.codeEnd <= p.codeStart)).length
    const a = locate(start)
    const b = locate(start + p.codeEnd - p.codeStart)
    return { rule: 'fix-failed', severity, message: `${reason}; the statement was left as it was`, line: a.line, column: a.column, endLine: b.line, endColumn: b.column, fixable: false }
  })
  return { text: fixed, applied, failures }
}

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
  const requires = plan.requires ?? []
  if (plan.guards.length > 0 || requires.length > 0) {
    // Several guards on one statement (ADD CONSTRAINT a, ADD CONSTRAINT b): run it while any is missing, so a
    // half-present state still raises instead of being skipped silently. What it uses must all exist.
    const any = plan.guards.length === 0 ? [] : [plan.guards.length === 1 ? plan.guards[0] : plan.guards.map((g) => `(${g})`).join('\n     OR ')]
    const all = [...requires, ...any]
    const condition = all.length === 1 ? all[0] : all.map((g) => `(${g})`).join('\n     AND ')
    body =
      plan.context === 'top'
        ? guardedDo(body, condition)
        : `IF ${condition} THEN\n${body};\nEND IF`
  }
  return plan.preludes.join('') + body
}
