// The rarer CREATE statements that fail on a re-run with 42710 (event triggers, casts, aggregates, collations,
// text search configurations, operators, statistics, foreign servers) and ATTACH PARTITION (42P17, already a
// partition). Fixed with the form PostgreSQL offers, or a catalog guard, or left to the author (operators).
import { IF_NOT_EXISTS } from '../guarded.ts'
import { otherKey } from '../effects.ts'
import type { Node } from '../parse.ts'
import { aggregateKey, alterCmds, insertAfter, listName, literal, qtext, rangeVarName, relationLiteral, schemaExpr, wordIndex, type Detection, type Fix, type Rule, type Target } from './shared.ts'

const typeText = (t: Node) => literal(t.names.map((n: Node) => `"${n.String.sval.replace(/"/g, '""')}"`).join('.') + '[]'.repeat(t.arrayBounds?.length ?? 0))

function one(what: string, key: string, name: string, fix: Fix | undefined, names = [name]): Detection[] {
  return [{ message: `CREATE ${what} ${name} fails when the file runs again: it already exists`, when: { absent: key }, conditions: ['duplicate_object'], names, fix }]
}

const ifNotExistsAfter = (t: Target, word: string): Fix | undefined => {
  const i = wordIndex(t.tokens, [word])
  return i < 0 ? undefined : { edits: [insertAfter(t.tokens, i, IF_NOT_EXISTS)] }
}

export const createOther: Rule = {
  id: 'create-other',
  severity: 'error',
  reason: 'CREATE EVENT TRIGGER / CAST / AGGREGATE / COLLATION / TEXT SEARCH / OPERATOR / STATISTICS / SERVER and ATTACH PARTITION fail on a re-run',
  rewrite: 'IF NOT EXISTS or OR REPLACE where PostgreSQL has it, else a DO block testing pg_event_trigger, pg_cast, pg_ts_config or pg_inherits',
  detect(t) {
    const s = t.ast
    switch (t.kind) {
      case 'CreateEventTrigStmt':
        return one('EVENT TRIGGER', otherKey('OBJECT_EVENT_TRIGGER', s.trigname), s.trigname, { guard: `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger WHERE evtname = ${literal(s.trigname)})` })
      case 'CreateCastStmt':
        return one('CAST', otherKey('OBJECT_CAST', castName(s.sourcetype, s.targettype)), castName(s.sourcetype, s.targettype), {
          guard: `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_cast WHERE castsource = to_regtype(${typeText(s.sourcetype)}) AND casttarget = to_regtype(${typeText(s.targettype)}))`,
        }, [s.sourcetype.names.at(-1).String.sval, s.targettype.names.at(-1).String.sval])
      case 'CreateStatsStmt':
        if (s.if_not_exists || !s.defnames) return []
        return one('STATISTICS', otherKey('OBJECT_STATISTIC_EXT', qtext(listName(s.defnames))), listName(s.defnames).name, ifNotExistsAfter(t, 'STATISTICS'))
      case 'CreateForeignServerStmt':
        if (s.if_not_exists) return []
        return one('SERVER', otherKey('OBJECT_FOREIGN_SERVER', s.servername), s.servername, ifNotExistsAfter(t, 'SERVER'))
      case 'DefineStmt':
        return define(t, s)
      case 'AlterTableStmt':
        return alterCmds(t).flatMap((cmd): Detection[] => {
          if (cmd.subtype !== 'AT_AttachPartition' || !cmd.def?.PartitionCmd?.name) return []
          const part = cmd.def.PartitionCmd.name
          return [{
            message: `ATTACH PARTITION ${part.relname} fails when the file runs again: it is already a partition`,
            when: { absent: otherKey('ATTACH', qtext(rangeVarName(part))) },
            conditions: ['invalid_object_definition', 'duplicate_object'],
            names: [part.relname],
            fix: { guard: `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits WHERE inhrelid = to_regclass(${relationLiteral(part)}) AND inhparent = to_regclass(${relationLiteral(t.ast.relation)}))` },
          }]
        })
      default:
        return []
    }
  },
}

const castName = (a: Node, b: Node) => `(${a.names.map((n: Node) => n.String.sval).join('.')} AS ${b.names.map((n: Node) => n.String.sval).join('.')})`

function define(t: Target, s: Node): Detection[] {
  const q = listName(s.defnames)
  const items: string[] = s.defnames.map((n: Node) => n.String.sval)
  const key = otherKey(s.kind, qtext(q))
  switch (s.kind) {
    case 'OBJECT_AGGREGATE':
      return s.replace ? [] : one('AGGREGATE', aggregateKey(s), q.name, t.tokens[0]?.upper === 'CREATE' ? { edits: [insertAfter(t.tokens, 0, 'OR REPLACE')] } : undefined)
    case 'OBJECT_COLLATION':
      return s.if_not_exists ? [] : one('COLLATION', key, q.name, ifNotExistsAfter(t, 'COLLATION'))
    case 'OBJECT_TSCONFIGURATION':
      return one('TEXT SEARCH CONFIGURATION', key, q.name, {
        guard: `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_ts_config c JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace WHERE c.cfgname = ${literal(q.name)} AND n.nspname = ${schemaExpr(items.length > 1 ? items.at(-2) : undefined)})`,
      })
    case 'OBJECT_OPERATOR':
    case 'OBJECT_TSDICTIONARY':
    case 'OBJECT_TSPARSER':
    case 'OBJECT_TSTEMPLATE':
      // No short, exact catalog test (operators are identified by their argument types): reported, not rewritten.
      return one(String(s.kind).replace('OBJECT_', '').replace('TS', 'TEXT SEARCH '), key, q.name, undefined)
    default:
      return []
  }
}
