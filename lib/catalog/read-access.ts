// The typed reader's second half: default privileges, publications, and the rows users write into platform
// tables (storage.buckets, cron.job) or ask to keep (--data). Part of one read (read.ts), in its transaction.
import type { Sql } from '../run/sql.ts'
import { KitError } from '../run/errors.ts'
import { INTERNAL_PATTERN } from './scope.ts'
import { readOne, type AclItem, type CronJob, type DefaultAcl, type Publication, type Relation, type TableRows } from './read.ts'

type Row = Record<string, unknown>
const s = (v: unknown) => (v === null || v === undefined ? '' : String(v))

export async function readAccess(sql: Sql, num: number): Promise<{ defaultAcls: DefaultAcl[]; publications: Publication[] }> {
  return { defaultAcls: await readDefaultAcls(sql), publications: await readPublications(sql, num) }
}

// ALTER DEFAULT PRIVILEGES entries, except those of supabase_admin and those for the platform's schemas (the
// platform's own, which the CLI comments out of dumps too).
async function readDefaultAcls(sql: Sql): Promise<DefaultAcl[]> {
  const rows = await sql<Row[]>`
    select pg_get_userbyid(d.defaclrole) as role, n.nspname as schema, d.defaclobjtype as objtype,
           (select coalesce(json_agg(json_build_object('grantee', case when x.grantee = 0 then 'PUBLIC' else pg_get_userbyid(x.grantee) end,
              'privilege', x.privilege_type, 'grantable', x.is_grantable) order by x.ord), '[]')
              from aclexplode(d.defaclacl) with ordinality x(grantor, grantee, privilege_type, is_grantable, ord)) as items
    from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace
    where pg_get_userbyid(d.defaclrole) <> 'supabase_admin' and (n.nspname is null or n.nspname !~ ${INTERNAL_PATTERN})
    order by 1, 2 nulls first, 3`
  return rows.map((r) => ({ role: s(r.role), schema: r.schema === null ? null : s(r.schema), objtype: s(r.objtype), items: r.items as AclItem[] }))
}

// Publications (supabase_realtime included: its membership is what realtime migrations change). Row filters and
// column lists arrived in PostgreSQL 15.
async function readPublications(sql: Sql, num: number): Promise<Publication[]> {
  const pubs = await sql<Row[]>`
    select p.oid::int as oid, p.pubname as name, quote_ident(p.pubname) as ident, pg_get_userbyid(p.pubowner) as owner, p.puballtables as all_tables,
           p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate, p.pubviaroot
    from pg_publication p order by 2`
  const filters = num >= 150000
    ? sql`pg_get_expr(pr.prqual, pr.prrelid) as filter, (select coalesce(json_agg(quote_ident(a.attname) order by a.attnum), '[]') from pg_attribute a
          where a.attrelid = pr.prrelid and a.attnum = any(pr.prattrs::int2[])) as columns`
    : sql`null as filter, '[]'::json as columns`
  const members = await sql<Row[]>`
    select pr.prpubid::int as pub, format('%I.%I', n.nspname, c.relname) as rel, ${filters}
    from pg_publication_rel pr join pg_class c on c.oid = pr.prrelid join pg_namespace n on n.oid = c.relnamespace order by 2`
  return pubs.map((p) => ({
    name: s(p.name), ident: s(p.ident), owner: s(p.owner), allTables: Boolean(p.all_tables), viaRoot: Boolean(p.pubviaroot),
    publish: ['insert', 'update', 'delete', 'truncate'].filter((op) => p[`pub${op}`]),
    tables: members.filter((m) => m.pub === p.oid).map((m) => ({ table: s(m.rel), filter: m.filter === null ? null : s(m.filter), columns: m.columns as string[] })),
  }))
}

export async function readPlatformRows(sql: Sql, relations: Relation[], data: readonly string[]): Promise<{ buckets: TableRows | null; cronJobs: CronJob[] | null; data: TableRows[] }> {
  // Looked up in pg_class, not with to_regclass: that needs USAGE on the schema, which a role may lack for cron.
  const exists = (schema: string, table: string) => sql`exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = ${schema} and c.relname = ${table})`
  const [present] = await sql<{ buckets: boolean; cron: boolean }[]>`select ${exists('storage', 'buckets')} as buckets, ${exists('cron', 'job')} as cron`
  const buckets = present.buckets ? await readRows(sql, 'storage.buckets', 'storage bucket rows (storage.buckets)') : null
  let cronJobs: CronJob[] | null = null
  if (present.cron) {
    const rows = await readOne('cron jobs (cron.job)', 'SELECT', () => sql<Row[]>`
      select jobid::text as jobid, jobname, schedule, command, active, database, username from cron.job order by jobname nulls last, schedule, command, jobid`)
    cronJobs = rows.map((r) => ({
      jobid: s(r.jobid), jobname: r.jobname === null ? null : s(r.jobname), schedule: s(r.schedule), command: s(r.command), active: r.active !== false,
      database: r.database === null ? null : s(r.database), username: r.username === null ? null : s(r.username),
    }))
  }
  const tables: TableRows[] = []
  for (const name of data) {
    // Names as the user wrote them on the command line: to_regclass resolves them as psql would (quoted or not).
    const [found] = await sql<{ qname: string | null }[]>`
      select (select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where c.oid = to_regclass(${name.includes('.') ? name : `public.${name}`})) as qname`
    const rel = relations.find((r) => r.qname === found.qname && (r.kind === 'r' || r.kind === 'p'))
    if (!found.qname || !rel) throw new KitError('USAGE', `--data names ${name}, which is not a table of the dumped schemas`, 'Give schema-qualified table names, e.g. --data public.plans')
    tables.push(await readRows(sql, rel.qname, `table ${rel.qname}`))
  }
  return { buckets, cronJobs, data: tables }
}

// Every row of one table as a to_jsonb document, in the order of its text (stable across dumps), and the
// columns an INSERT can write (generated ones cannot be).
async function readRows(sql: Sql, qname: string, what: string): Promise<TableRows> {
  const columns = await sql<{ name: string; ident: string; always: boolean }[]>`
    select a.attname as name, quote_ident(a.attname) as ident, a.attidentity = 'a' as always from pg_attribute a
    where a.attrelid = ${qname}::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = '' order by a.attnum`
  const [schema, table] = await sql<{ schema: string; table: string }[]>`
    select n.nspname as schema, c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = ${qname}::regclass`.then((r) => [r[0].schema, r[0].table])
  const rows = await readOne(what, 'SELECT', () => sql<{ row: string }[]>`
    select to_jsonb(t)::text as row from ${sql(schema)}.${sql(table)} t order by 1`)
  return { table: qname, columns: columns.map((c) => ({ name: c.name, ident: c.ident, identityAlways: c.always })), rows: rows.map((r) => r.row) }
}
