// ALTER … RENAME TO (tables, views, indexes, sequences, constraints, types, schemas, policies, triggers, enum
// values) fails on a re-run: the old name no longer exists.
import type { Node } from '../parse.ts'
import { typeAbsent } from '../guarded.ts'
import {
  conKey, enumKey, listName, literal, polKey, qname, rangeVarName, regLiteral, relationLiteral, relKey, schemaKey, trgKey,
  typeKey, type Detection, type Fix, type Rule,
} from './shared.ts'

const RELATION_TYPES: Record<string, string> = {
  OBJECT_TABLE: 'TABLE', OBJECT_VIEW: 'VIEW', OBJECT_MATVIEW: 'MATERIALIZED VIEW', OBJECT_INDEX: 'INDEX',
  OBJECT_SEQUENCE: 'SEQUENCE', OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
}

export const movedGuard = (fromSchema: string | undefined, from: string, toSchema: string | undefined, to: string) =>
  `to_regclass(${regLiteral(fromSchema, from)}) IS NOT NULL AND to_regclass(${regLiteral(toSchema, to)}) IS NULL`

function relationRename(s: Node): Detection {
  const rel = rangeVarName(s.relation)
  // Not ALTER TABLE IF EXISTS: a file that creates "old" (IF NOT EXISTS) before renaming it re-creates it on the
  // second run, and the rename then fails on "new". Run it only while old exists and new does not.
  const fix: Fix = { guard: movedGuard(s.relation.schemaname, rel.name, s.relation.schemaname, s.newname) }
  return {
    message: `ALTER ${RELATION_TYPES[s.renameType]} ${rel.name} RENAME TO ${s.newname} fails when the file runs again: ${rel.name} no longer exists`,
    when: { present: relKey(rel), andAbsent: relKey(qname(rel.schema, s.newname)) },
    conditions: ['undefined_table', 'undefined_object', 'duplicate_table'],
    names: [rel.name, s.newname],
    fix,
  }
}

export const renameObject: Rule = {
  id: 'rename-object',
  severity: 'error',
  reason: 'RENAME TO fails on a re-run: the old name no longer exists (42P01/42704)',
  rewrite: 'DO block: IF the old name exists and the new one does not (to_regclass, pg_constraint, …) THEN ALTER … RENAME …; END IF',
  detect(t) {
    const s = t.ast
    if (t.kind === 'AlterEnumStmt' && s.oldVal) {
      const type = listName(s.typeName)
      const typeText = literal(s.typeName.map((n: Node) => `"${n.String.sval.replace(/"/g, '""')}"`).join('.'))
      return [{
        message: `RENAME VALUE ${s.oldVal} TO ${s.newVal} on ${type.name} fails when the file runs again: ${s.oldVal} is no longer a label`,
        when: { present: enumKey(type, s.oldVal) },
        conditions: ['invalid_parameter_value'],
        names: [s.oldVal, s.newVal],
        fix: { guard: `EXISTS (SELECT 1 FROM pg_catalog.pg_enum WHERE enumtypid = to_regtype(${typeText}) AND enumlabel = ${literal(s.oldVal)})` },
      }]
    }
    if (t.kind !== 'RenameStmt' || s.missing_ok) return []
    if (RELATION_TYPES[s.renameType] && s.relation) return [relationRename(s)]
    const rel = s.relation ? rangeVarName(s.relation) : undefined
    const relLit = s.relation ? relationLiteral(s.relation) : ''
    const one = (what: string, key: string, guard: string, conditions: string[], newKey?: string): Detection[] => [{
      message: `RENAME ${what} ${s.subname ?? ''} TO ${s.newname} fails when the file runs again: the old name no longer exists`.replace(/  +/g, ' '),
      when: { present: key, andAbsent: newKey },
      conditions,
      names: [s.subname ?? s.newname, s.newname],
      fix: { guard },
    }]
    switch (s.renameType) {
      case 'OBJECT_TABCONSTRAINT':
        return one('CONSTRAINT', conKey(rel!, s.subname), `EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = to_regclass(${relLit}) AND conname = ${literal(s.subname)})`, ['undefined_object', 'duplicate_object'], conKey(rel!, s.newname))
      case 'OBJECT_POLICY':
        return one('POLICY', polKey(rel!, s.subname), `EXISTS (SELECT 1 FROM pg_catalog.pg_policy WHERE polrelid = to_regclass(${relLit}) AND polname = ${literal(s.subname)})`, ['undefined_object', 'duplicate_object'], polKey(rel!, s.newname))
      case 'OBJECT_TRIGGER':
        return one('TRIGGER', trgKey(rel!, s.subname), `EXISTS (SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid = to_regclass(${relLit}) AND tgname = ${literal(s.subname)})`, ['undefined_object', 'duplicate_object'], trgKey(rel!, s.newname))
      case 'OBJECT_SCHEMA':
        return one('SCHEMA', schemaKey(s.subname), `EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ${literal(s.subname)})`, ['invalid_schema_name'])
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN': {
        const items: string[] = s.object.List.items.map((n: Node) => n.String.sval)
        const from = listName(s.object.List.items)
        const d = one('TYPE', typeKey(from), `NOT ${typeAbsent(items.length > 1 ? items.at(-2) : undefined, items.at(-1)!)}`, ['undefined_object'])
        d[0].names = [from.name, s.newname]
        d[0].message = `ALTER TYPE ${from.name} RENAME TO ${s.newname} fails when the file runs again: ${from.name} no longer exists`
        return d
      }
      default:
        return []
    }
  },
}
