// SELECT vault.create_secret('value', 'name', …) fails on a re-run with 23505: vault.secrets.name is unique.
// PERFORM in a DO block is the same call. The rewrite runs it only while no secret of that name exists.
import type { Node } from '../parse.ts'
import { literal, qname, rowsKey, type Detection, type Rule } from './shared.ts'

// One key per secret name; its parent is the rows of vault.secrets, so an earlier DELETE FROM vault.secrets
// in the file counts as a guard, as it does for other inserted rows.
export const secretKey = (name: string) => `secret:${name}`
export const SECRETS_ROWS = rowsKey(qname('vault', 'secrets'))

const stringOf = (e: Node): string | undefined => e?.A_Const?.sval?.sval ?? (e?.TypeCast ? stringOf(e.TypeCast.arg) : undefined)

// The secret names that a SELECT's vault.create_secret(…) calls set with a literal: the second positional
// argument, or new_name => '…'. A SELECT with WHERE (… WHERE NOT EXISTS …) or FROM is its own guard, or unknown.
export function createdSecrets(kind: string, s: Node): string[] {
  if (kind !== 'SelectStmt' || s.whereClause || s.fromClause || !s.targetList) return []
  return s.targetList.flatMap((t: Node): string[] => {
    const call = t.ResTarget?.val?.FuncCall
    const fn = (call?.funcname ?? []).map((n: Node) => n.String?.sval).join('.')
    if (fn !== 'vault.create_secret') return []
    const args: Node[] = call.args ?? []
    const named = args.find((a) => a.NamedArgExpr?.name === 'new_name')?.NamedArgExpr.arg
    const name = stringOf(named ?? (args[1]?.NamedArgExpr ? undefined : args[1]))
    return name === undefined ? [] : [name]
  })
}

export const vaultCreateSecret: Rule = {
  id: 'vault-create-secret',
  severity: 'error',
  reason: 'vault.create_secret(…, name) fails on a re-run: a secret with that name already exists (23505)',
  rewrite: "DO block: IF NOT EXISTS (SELECT 1 FROM vault.secrets WHERE name = '…') THEN PERFORM vault.create_secret(…); END IF",
  detect(t) {
    const names = createdSecrets(t.kind, t.ast)
    // Rewritten only when the call is the whole statement: SELECT becomes PERFORM (PL/pgSQL refuses a SELECT
    // without INTO, 42601) inside the DO block that carries the guard; a PERFORM in a DO block only gets the IF.
    const only = names.length === 1 && t.ast.targetList.length === 1 && !t.ast.withClause && !t.ast.intoClause
    const first = t.tokens[0]
    const edits = first?.upper === 'SELECT' ? [{ start: first.start, end: first.end, text: 'PERFORM' }] : first?.upper === 'PERFORM' ? [] : undefined
    return names.map((name): Detection => ({
      message: `vault.create_secret for '${name}' fails when the file runs again: the secret already exists`,
      when: { absent: secretKey(name) },
      conditions: ['unique_violation'],
      names: [name],
      fix: only && edits ? { edits, guard: `NOT EXISTS (SELECT 1 FROM vault.secrets WHERE name = ${literal(name)})` } : undefined,
    }))
  },
}
