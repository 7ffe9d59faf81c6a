// INSERT without ON CONFLICT fails on a re-run with 23505 when it writes a unique key it wrote the first time
// (storage.buckets rows, seed rows with fixed ids). Inserts the table cannot reject (no unique key among the
// written columns, generated keys) re-run without error and are not reported.
import { ON_CONFLICT_DO_NOTHING } from '../guarded.ts'
import { findTopLevel } from '../lexer.ts'
import type { Node } from '../parse.ts'
import { rangeVarName, rowsKey, type Rule } from './shared.ts'

// Values that differ on every run, so a unique key made of them cannot collide with the first run's row.
const VOLATILE = new Set(['gen_random_uuid', 'uuid_generate_v4', 'uuid_generate_v1', 'uuid_generate_v1mc', 'random', 'nextval', 'clock_timestamp', 'now', 'uuid_generate_v7'])

const funcName = (e: Node): string | undefined => e?.FuncCall?.funcname?.at(-1)?.String?.sval
// The timestamps a re-run (a later transaction) gets anew; CURRENT_DATE, or a time cut to a day, repeats all day.
const NEW_EACH_RUN = new Set(['SVFOP_CURRENT_TIMESTAMP', 'SVFOP_CURRENT_TIMESTAMP_N', 'SVFOP_LOCALTIMESTAMP', 'SVFOP_LOCALTIMESTAMP_N'])
const TRUNCATING = new Set(['date_trunc', 'to_char', 'date', 'extract', 'date_part'])
const isDateCast = (e: Node) => e?.TypeCast && /^date$/.test(e.TypeCast.typeName?.names?.at(-1)?.String?.sval ?? '')
// Also inside an expression (NOW() - INTERVAL '7 days'), but not under a cast to date or a truncation.
function isVolatile(e: Node): boolean {
  if (!e || typeof e !== 'object') return false
  if (Array.isArray(e)) return e.some(isVolatile)
  if (e.SetToDefault || VOLATILE.has(funcName(e) ?? '') || NEW_EACH_RUN.has(e.SQLValueFunction?.op)) return true
  if (isDateCast(e) || TRUNCATING.has(funcName(e) ?? '') || e.SubLink) return false
  return Object.values(e).some(isVolatile)
}

// WHERE NOT EXISTS (SELECT … ) anywhere in the INSERT's own WHERE: only missing rows are inserted.
function hasNotExists(e: Node): boolean {
  if (!e || typeof e !== 'object') return false
  if (e.BoolExpr?.boolop === 'NOT_EXPR' && e.BoolExpr.args?.some((a: Node) => a.SubLink?.subLinkType === 'EXISTS_SUBLINK')) return true
  if (e.BoolExpr) return e.BoolExpr.args.some(hasNotExists)
  return false
}

export const insertWithoutOnConflict: Rule = {
  id: 'insert-without-on-conflict',
  severity: 'error',
  reason: 'INSERT of a fixed unique key fails on a re-run: duplicate key value violates unique constraint (23505)',
  rewrite: 'INSERT … ON CONFLICT DO NOTHING',
  detect(t, ctx) {
    const s = t.ast
    if (t.kind !== 'InsertStmt' || s.onConflictClause) return []
    const table = rangeVarName(s.relation)
    const select = s.selectStmt?.SelectStmt
    if (select?.whereClause && hasNotExists(select.whereClause)) return []
    const cols: string[] | undefined = s.cols?.map((c: Node) => c.ResTarget.name)
    const rows: Node[][] | undefined = select?.valuesLists?.map((l: Node) => l.List.items)
    const fixedValue = (col: string) => {
      if (!cols) return true
      const i = cols.indexOf(col)
      if (i < 0) return false
      return !rows || rows.some((r) => !isVolatile(r[i]))
    }
    const keys = ctx.uniqueKeys(table)
    // A table the folder does not define: an explicit id is the usual primary key.
    const conflicting = keys ? keys.some((k) => k.length > 0 && k.every(fixedValue)) : cols ? fixedValue('id') : false
    if (!conflicting) return []
    const returning = s.returningList ? findTopLevel(t.tokens, 0, (x) => x.upper === 'RETURNING') : -1
    const at = returning >= 0 ? t.tokens[returning].start : t.codeEnd
    return [{
      message: `INSERT INTO ${table.schema}.${table.name} fails when the file runs again: the same unique key is inserted twice`,
      when: { absent: rowsKey(table) },
      conditions: ['unique_violation'],
      names: [table.name],
      fix: { edits: [returning >= 0 ? { start: at, end: at, text: `${ON_CONFLICT_DO_NOTHING} ` } : { start: at, end: at, text: ` ${ON_CONFLICT_DO_NOTHING}` }] },
    }]
  },
}
