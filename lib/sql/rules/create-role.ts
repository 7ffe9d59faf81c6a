// CREATE ROLE / USER / GROUP has no IF NOT EXISTS and fails on a re-run with 42710.
import { literal, roleKey, type Rule } from './shared.ts'

export const createRole: Rule = {
  id: 'create-role',
  severity: 'error',
  reason: 'CREATE ROLE fails on a re-run: role already exists (42710); roles are cluster-wide',
  rewrite: 'DO block: IF NOT EXISTS (SELECT FROM pg_roles …) THEN CREATE ROLE …; END IF',
  detect(t) {
    if (t.kind !== 'CreateRoleStmt') return []
    return [{
      message: `CREATE ROLE ${t.ast.role} fails when the file runs again: the role already exists`,
      when: { absent: roleKey(t.ast.role) },
      conditions: ['duplicate_object'],
      names: [t.ast.role],
      fix: { guard: `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${literal(t.ast.role)})` },
    }]
  },
}
