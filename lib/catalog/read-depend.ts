// The typed reader's pg_depend edges, each end mapped to the object a baseline statement creates. Part of one
// read (read.ts), in its transaction.
import type { Sql } from '../run/sql.ts'
import type { Dependency } from './read.ts'

type Row = Record<string, unknown>
const s = (v: unknown) => (v === null || v === undefined ? '' : String(v))
const str = (v: unknown) => (v === null || v === undefined ? null : String(v))

// pg_depend edges between the model's objects, each end mapped to the object a statement creates: a view's
// rewrite rule to the view, a table's row type to the table, an array type to its element, a constraint's
// index to the constraint, a domain's check to the domain, a column default to its table (noting the column).
// Partition edges (P/S) and extension membership are left out: the generator orders those itself.
export async function readDependencies(sql: Sql): Promise<Dependency[]> {
  const rows = await sql<Row[]>`
    with edges as (
      select d.classid, d.objid, d.refclassid, d.refobjid,
             case when d.classid = 'pg_attrdef'::regclass then (select quote_ident(a.attname) from pg_attrdef ad
               join pg_attribute a on a.attrelid = ad.adrelid and a.attnum = ad.adnum where ad.oid = d.objid) end as via_default
      from pg_depend d where d.deptype in ('n', 'a') and d.refclassid <> 'pg_namespace'::regclass
        and d.classid in ('pg_class'::regclass, 'pg_type'::regclass, 'pg_proc'::regclass, 'pg_constraint'::regclass, 'pg_rewrite'::regclass,
                          'pg_attrdef'::regclass, 'pg_trigger'::regclass, 'pg_policy'::regclass)
    )
    select distinct fa.v as "from", fb.v as "to", e.via_default
    from edges e
    cross join lateral (select ${mapClass(sql, sql`e.classid`, sql`e.objid`)} as c, ${mapOid(sql, sql`e.classid`, sql`e.objid`)} as o) ma
    cross join lateral (select ${mapClass(sql, sql`e.refclassid`, sql`e.refobjid`)} as c, ${mapOid(sql, sql`e.refclassid`, sql`e.refobjid`)} as o) mb
    cross join lateral (select o.type || ' ' || o.identity as v from pg_identify_object(ma.c, ma.o, 0) o) fa
    cross join lateral (select o.type || ' ' || o.identity as v from pg_identify_object(mb.c, mb.o, 0) o) fb
    where (ma.c, ma.o) is distinct from (mb.c, mb.o)
    order by 1, 2, 3`
  return rows.filter((r) => r.from && r.to && r.from !== r.to).map((r) => ({ from: s(r.from), to: s(r.to), viaDefault: str(r.via_default) }))
}

// (classid, objid) → the catalog and oid of the object that owns it.
const isConstraintIndex = (sql: Sql, objid: ReturnType<Sql>) => sql`(select co.oid from pg_constraint co join pg_index x on x.indexrelid = co.conindid
  where co.conindid = ${objid} and co.contype in ('p', 'u', 'x') and co.conrelid = x.indrelid)`
const tableOfRowType = (sql: Sql, objid: ReturnType<Sql>) => sql`(select t.typrelid from pg_type t join pg_class c on c.oid = t.typrelid where t.oid = ${objid} and c.relkind <> 'c')`
function mapClass(sql: Sql, classid: ReturnType<Sql>, objid: ReturnType<Sql>) {
  return sql`case when ${classid} in ('pg_rewrite'::regclass, 'pg_attrdef'::regclass) then 'pg_class'::regclass
    when ${classid} = 'pg_type'::regclass and ${tableOfRowType(sql, objid)} is not null then 'pg_class'::regclass
    when ${classid} = 'pg_constraint'::regclass and (select contypid from pg_constraint where oid = ${objid}) <> 0 then 'pg_type'::regclass
    when ${classid} = 'pg_class'::regclass and ${isConstraintIndex(sql, objid)} is not null then 'pg_constraint'::regclass
    else ${classid}::regclass end`
}
function mapOid(sql: Sql, classid: ReturnType<Sql>, objid: ReturnType<Sql>) {
  return sql`case when ${classid} = 'pg_rewrite'::regclass then (select ev_class from pg_rewrite where oid = ${objid})
    when ${classid} = 'pg_attrdef'::regclass then (select adrelid from pg_attrdef where oid = ${objid})
    when ${classid} = 'pg_type'::regclass then coalesce(${tableOfRowType(sql, objid)},
      (select t.typelem from pg_type t where t.oid = ${objid} and t.typcategory = 'A' and t.typelem <> 0), ${objid})
    when ${classid} = 'pg_constraint'::regclass then coalesce((select nullif(contypid, 0) from pg_constraint where oid = ${objid}), ${objid})
    when ${classid} = 'pg_class'::regclass then coalesce(${isConstraintIndex(sql, objid)}, ${objid})
    else ${objid} end`
}
