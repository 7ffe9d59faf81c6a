// A normalized snapshot of everything a Supabase migration can create, read from pg_catalog into plain items that
// compare equal across PostgreSQL 15 and 18 (and across a server and PGlite) when the schema is the same.
import type { Sql } from '../run/sql.ts'
import { itemKey, type Catalog, type CatalogItem, type CatalogKind } from './model.ts'
import { normalizeSql, normalizeViewDef, quoteIdent } from './normalize.ts'
import { INTERNAL_PATTERN, isInternal, PLATFORM_EXTENSIONS, RLS_PLATFORM_TABLES } from './scope.ts'

type Add = (kind: CatalogKind, name: string, props: Record<string, string>, parent?: string) => void

const put = (props: Record<string, string>, key: string, value: unknown) => {
  if (value === null || value === undefined || value === '' || value === false) return
  props[key] = value === true ? 'yes' : String(value)
}

type Row = Record<string, unknown>
const s = (v: unknown) => (v === null || v === undefined ? '' : String(v))

// One read-only transaction, so the snapshot is consistent, with search_path emptied: pg_get_* functions qualify
// names relative to it, and the remote's session may set its own.
export async function snapshotCatalog(sql: Sql): Promise<Catalog> {
  return (await sql.begin('isolation level repeatable read read only', async (tx) => {
    await tx`set local search_path = ''`
    return readCatalog(tx as unknown as Sql)
  })) as Catalog
}

// The same snapshot inside a transaction the caller holds (what a failing file made before it failed, read before
// the caller rolls it back).
export async function snapshotInTransaction(tx: Sql): Promise<Catalog> {
  await tx`set local search_path = ''`
  return readCatalog(tx)
}

async function readCatalog(sql: Sql): Promise<Catalog> {
  const [{ num }] = await sql<{ num: number }[]>`select current_setting('server_version_num')::int as num`
  // All readers at once: postgres.js pipelines their queries on the transaction's one connection, so the snapshot
  // costs one round trip instead of fifteen (the replay takes one after every file). Each reader fills its own list,
  // joined in a fixed order, so the result does not depend on which query answers first.
  const readers = [readSchemas, readRelations, readPlatformRls, readColumns, readConstraints, readIndexes, readTypes, readRoutines, readTriggers, readPolicies, readPrivileges, readDefaultPrivileges, readPublications, readExtensions, readPlatformRows]
  const lists = await Promise.all(
    readers.map(async (read) => {
      const list: CatalogItem[] = []
      const add: Add = (kind, name, props, parent) => {
        list.push(parent ? { kind, name, parent, props } : { kind, name, props })
      }
      await read(sql, add, num)
      return list
    }),
  )
  const items = lists.flat()
  items.sort((a, b) => (itemKey(a) < itemKey(b) ? -1 : itemKey(a) > itemKey(b) ? 1 : 0))
  return { major: Math.floor(num / 10000), items }
}

// Schemas.
async function readSchemas(sql: Sql, add: Add): Promise<void> {
  for (const r of await sql<Row[]>`
    select n.nspname as name, obj_description(n.oid, 'pg_namespace') as comment
    from pg_namespace n
    where n.nspname !~ ${INTERNAL_PATTERN} and not ${memberOfExtension(sql, 'pg_namespace')}`) {
    const props: Record<string, string> = {}
    put(props, 'comment', r.comment)
    add('schema', s(r.name), props)
  }
}

// Relations: tables, views, materialized views, sequences.
async function readRelations(sql: Sql, add: Add): Promise<void> {
  for (const r of await sql<Row[]>`
    select c.relkind as kind, format('%I.%I', n.nspname, c.relname) as name, c.relrowsecurity as rls,
           c.relforcerowsecurity as forced, c.relpersistence as persistence, c.reloptions as options,
           case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partition_key,
           case when c.relispartition then (select format('%I.%I', pn.nspname, pc.relname) from pg_inherits i
             join pg_class pc on pc.oid = i.inhparent join pg_namespace pn on pn.oid = pc.relnamespace where i.inhrelid = c.oid) end as partition_of,
           case when c.relispartition then pg_get_expr(c.relpartbound, c.oid) end as partition_bound,
           case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) end as definition,
           obj_description(c.oid, 'pg_class') as comment,
           s.seqtypid::regtype::text as seq_type, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
           (select format('%I.%I.%I', on_.nspname, oc.relname, a.attname) from pg_depend d
              join pg_class oc on oc.oid = d.refobjid join pg_namespace on_ on on_.oid = oc.relnamespace
              join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
            where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'a' and d.refobjsubid > 0) as owned_by
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    left join pg_sequence s on s.seqrelid = c.oid
    where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and n.nspname !~ ${INTERNAL_PATTERN}
      and not ${memberOfExtension(sql, 'pg_class')}
      -- Identity sequences belong to their column ("identity" below).
      and not (c.relkind = 'S' and exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'i'))`) {
    const props: Record<string, string> = {}
    const kind = s(r.kind)
    if (kind === 'S') {
      put(props, 'type', r.seq_type)
      put(props, 'start', r.seqstart)
      put(props, 'increment', r.seqincrement)
      put(props, 'min', r.seqmin)
      put(props, 'max', r.seqmax)
      put(props, 'cache', r.seqcache)
      put(props, 'cycle', r.seqcycle)
      put(props, 'owned by', r.owned_by)
      put(props, 'comment', r.comment)
      add('sequence', s(r.name), props)
      continue
    }
    put(props, 'options', (r.options as string[] | null)?.slice().sort().join(', '))
    put(props, 'comment', r.comment)
    if (kind === 'v' || kind === 'm') {
      put(props, 'definition', normalizeViewDef(s(r.definition)))
      add(kind === 'v' ? 'view' : 'materialized view', s(r.name), props)
      continue
    }
    put(props, 'partition by', r.partition_key)
    put(props, 'partition of', r.partition_of && `${s(r.partition_of)} ${s(r.partition_bound)}`)
    put(props, 'unlogged', r.persistence === 'u')
    put(props, 'foreign', kind === 'f')
    put(props, 'row level security', r.rls)
    put(props, 'forced row level security', r.forced)
    add('table', s(r.name), props)
  }
}

// RLS on the platform's own tables: the one part of them a migration changes. Only the tables the shim also
// has: the rest (auth.sessions, storage.migrations, …) varies with the hosted version and has no counterpart.
async function readPlatformRls(sql: Sql, add: Add): Promise<void> {
  for (const r of await sql<Row[]>`
    select format('%I.%I', n.nspname, c.relname) as name, c.relrowsecurity as rls, c.relforcerowsecurity as forced
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and format('%I.%I', n.nspname, c.relname) = any(${sql.array([...RLS_PLATFORM_TABLES])})`) {
    const props: Record<string, string> = { enabled: r.rls ? 'yes' : 'no' }
    put(props, 'forced', r.forced)
    add('row level security', s(r.name), props)
  }
}

// Columns of tables (partitions inherit theirs).
async function readColumns(sql: Sql, add: Add): Promise<void> {
  for (const r of await sql<Row[]>`
    select format('%I.%I', n.nspname, c.relname) as rel, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
           a.attnotnull as not_null, a.attidentity as identity, a.attgenerated as generated,
           pg_get_expr(ad.adbin, ad.adrelid) as expr,
           case when a.attcollation <> t.typcollation then (select collname from pg_collation where oid = a.attcollation) end as collation,
           col_description(c.oid, a.attnum) as comment
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_type t on t.oid = a.atttypid
    left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
    where c.relkind in ('r', 'p', 'f') and not c.relispartition and a.attnum > 0 and not a.attisdropped
      and n.nspname !~ ${INTERNAL_PATTERN} and not ${memberOfExtension(sql, 'pg_class')}`) {
    const props: Record<string, string> = { type: s(r.type) }
    put(props, 'not null', r.not_null)
    const identity = ({ a: 'always', d: 'by default' } as Record<string, string>)[s(r.identity)]
    put(props, 'identity', identity)
    const generated = ({ s: 'stored', v: 'virtual' } as Record<string, string>)[s(r.generated)]
    if (generated) put(props, `generated (${generated})`, normalizeSql(s(r.expr)))
    else put(props, 'default', normalizeSql(s(r.expr)))
    put(props, 'collation', r.collation)
    put(props, 'comment', r.comment)
    add('column', `${s(r.rel)}.${quoteIdent(s(r.name))}`, props, `table ${s(r.rel)}`)
  }
}

// Constraints on tables (not the copies on partitions; PostgreSQL 18's NOT NULL rows are column properties).
async function readConstraints(sql: Sql, add: Add): Promise<void> {
  for (const r of await sql<Row[]>`
    select format('%I.%I', n.nspname, c.relname) as rel, co.conname as name, pg_get_constraintdef(co.oid) as definition,
           obj_description(co.oid, 'pg_constraint') as comment
    from pg_constraint co join pg_class c on c.oid = co.conrelid join pg_namespace n on n.oid = c.relnamespace
    where co.contype <> 'n' and co.conparentid = 0 and n.nspname !~ ${INTERNAL_PATTERN}
      and not ${memberOfExtension(sql, 'pg_class')}`) {
    const props: Record<string, string> = { definition: normalizeSql(s(r.definition)) }
    put(props, 'comment', r.comment)
    add('constraint', `${quoteIdent(s(r.name))} on ${s(r.rel)}`, props, `table ${s(r.rel)}`)
  }
}

// Indexes, except those a constraint owns (the constraint says it) and partitions' copies.
async function readIndexes(sql: Sql, add: Add): Promise<void> {
  for (const r of await sql<Row[]>`
    select format('%I.%I', n.nspname, ic.relname) as name, format('%I.%I', n.nspname, c.relname) as rel, c.relkind as relkind,
           pg_get_indexdef(ic.oid) as definition, obj_description(ic.oid, 'pg_class') as comment
    from pg_index x join pg_class ic on ic.oid = x.indexrelid join pg_class c on c.oid = x.indrelid
    join pg_namespace n on n.oid = ic.relnamespace
    where n.nspname !~ ${INTERNAL_PATTERN} and not ic.relispartition
      and not exists (select 1 from pg_constraint co where co.conindid = ic.oid and co.contype in ('p', 'u', 'x'))
      and not ${memberOfExtension(sql, 'pg_class')}`) {
    const props: Record<string, string> = { definition: normalizeSql(s(r.definition)) }
    put(props, 'comment', r.comment)
    const parent = r.relkind === 'm' ? `materialized view ${s(r.rel)}` : `table ${s(r.rel)}`
    add('index', s(r.name), props, parent)
  }
}

// Types: enum labels in order, composite attributes, domains with their checks.
async function readTypes(sql: Sql, add: Add): Promise<void> {
  for (const r of await sql<Row[]>`
    select t.typtype as kind, format('%I.%I', n.nspname, t.typname) as name, obj_description(t.oid, 'pg_type') as comment,
           (select array_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid) as labels,
           (select array_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)) order by a.attnum)
              from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped) as attributes,
           case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end as base, t.typnotnull as not_null,
           t.typdefault as default_value,
           (select array_agg(format('%I %s', co.conname, pg_get_constraintdef(co.oid)) order by co.conname)
              from pg_constraint co where co.contypid = t.oid and co.contype = 'c') as checks
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    left join pg_class c on c.oid = t.typrelid
    where (t.typtype in ('e', 'd') or (t.typtype = 'c' and c.relkind = 'c'))
      and n.nspname !~ ${INTERNAL_PATTERN} and not ${memberOfExtension(sql, 'pg_type')}`) {
    const props: Record<string, string> = {}
    const kind = s(r.kind)
    if (kind === 'e') put(props, 'labels', (r.labels as string[]).join(', '))
    if (kind === 'c') put(props, 'attributes', ((r.attributes as string[] | null) ?? []).join(', '))
    if (kind === 'd') {
      put(props, 'type', r.base)
      put(props, 'not null', r.not_null)
      put(props, 'default', normalizeSql(s(r.default_value)))
      put(props, 'checks', ((r.checks as string[] | null) ?? []).map(normalizeSql).join('; '))
    }
    put(props, 'comment', r.comment)
    add(kind === 'e' ? 'enum' : kind === 'c' ? 'composite type' : 'domain', s(r.name), props)
  }
}

// Functions and procedures: the body as written (prosrc), or the parsed SQL-standard body.
async function readRoutines(sql: Sql, add: Add, num: number): Promise<void> {
  for (const r of await sql<Row[]>`
    select p.prokind as kind, format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) as name,
           pg_get_function_arguments(p.oid) as arguments, pg_get_function_result(p.oid) as result, l.lanname as language,
           p.provolatile as volatility, p.prosecdef as security_definer, p.proisstrict as strict, p.proleakproof as leakproof,
           p.proparallel as parallel, p.proconfig as config,
           ${num >= 140000 ? sql`case when p.prosqlbody is not null then pg_get_function_sqlbody(p.oid) else p.prosrc end` : sql`p.prosrc`} as body,
           obj_description(p.oid, 'pg_proc') as comment
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
    where n.nspname !~ ${INTERNAL_PATTERN} and not ${memberOfExtension(sql, 'pg_proc')}`) {
    const kind = s(r.kind)
    const props: Record<string, string> = {}
    put(props, 'arguments', r.arguments)
    put(props, 'returns', r.result)
    put(props, 'language', r.language)
    put(props, 'volatility', ({ i: 'immutable', s: 'stable', v: 'volatile' } as Record<string, string>)[s(r.volatility)])
    put(props, 'security definer', r.security_definer)
    put(props, 'strict', r.strict)
    put(props, 'leakproof', r.leakproof)
    put(props, 'parallel', ({ s: 'safe', r: 'restricted', u: 'unsafe' } as Record<string, string>)[s(r.parallel)])
    put(props, 'settings', ((r.config as string[] | null) ?? []).slice().sort().join(', '))
    put(props, 'body', s(r.body).replace(/\r\n/g, '\n'))
    put(props, 'comment', r.comment)
    add(kind === 'p' ? 'procedure' : kind === 'a' ? 'aggregate' : 'function', s(r.name), props)
  }
}

// Triggers, including users' triggers on auth.users and storage.objects (but not the platform's own, whose
// functions live in the platform's schemas).
async function readTriggers(sql: Sql, add: Add): Promise<void> {
  for (const r of await sql<Row[]>`
    select t.tgname as name, format('%I.%I', n.nspname, c.relname) as rel, pg_get_triggerdef(t.oid) as definition,
           t.tgenabled as enabled, obj_description(t.oid, 'pg_trigger') as comment
    from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_proc p on p.oid = t.tgfoid join pg_namespace pn on pn.oid = p.pronamespace
    where not t.tgisinternal and t.tgparentid = 0
      and (n.nspname !~ ${INTERNAL_PATTERN} or (n.nspname in ('auth', 'storage') and pn.nspname !~ ${INTERNAL_PATTERN}))`) {
    const props: Record<string, string> = { definition: normalizeSql(s(r.definition)) }
    if (r.enabled !== 'O') put(props, 'enabled', ({ D: 'disabled', R: 'replica', A: 'always' } as Record<string, string>)[s(r.enabled)])
    put(props, 'comment', r.comment)
    add('trigger', `${quoteIdent(s(r.name))} on ${s(r.rel)}`, props, `table ${s(r.rel)}`)
  }
}

// Policies, on every table (storage.objects and auth tables included).
async function readPolicies(sql: Sql, add: Add): Promise<void> {
  for (const r of await sql<Row[]>`
    select p.polname as name, format('%I.%I', n.nspname, c.relname) as rel, p.polcmd as cmd, p.polpermissive as permissive,
           (select array_agg(case when ro = 0 then 'public' else pg_get_userbyid(ro) end) from unnest(p.polroles) ro) as roles,
           pg_get_expr(p.polqual, p.polrelid) as using, pg_get_expr(p.polwithcheck, p.polrelid) as check,
           obj_description(p.oid, 'pg_policy') as comment
    from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace`) {
    const props: Record<string, string> = {
      command: ({ r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' } as Record<string, string>)[s(r.cmd)] ?? s(r.cmd),
      permissive: r.permissive ? 'PERMISSIVE' : 'RESTRICTIVE',
      roles: ((r.roles as string[] | null) ?? []).slice().sort().join(', '),
    }
    put(props, 'USING', normalizeSql(s(r.using)))
    put(props, 'WITH CHECK', normalizeSql(s(r.check)))
    put(props, 'comment', r.comment)
    const parent = `${isInternal(s(r.rel)) ? 'row level security' : 'table'} ${s(r.rel)}`
    add('policy', `"${s(r.name).replace(/"/g, '""')}" on ${s(r.rel)}`, props, parent)
  }
}

// Privileges on tables, views, sequences, columns, functions and schemas, one item per grantee.
async function readPrivileges(sql: Sql, add: Add): Promise<void> {
  for (const r of await sql<Row[]>`
    with objects as (
      select case c.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view' else 'table' end as kind,
             format('%I.%I', n.nspname, c.relname) as name, c.relowner as owner,
             coalesce(c.relacl, acldefault(case when c.relkind = 'S' then 's'::"char" else 'r'::"char" end, c.relowner)) as acl
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and n.nspname !~ ${INTERNAL_PATTERN} and not ${memberOfExtension(sql, 'pg_class')}
      union all
      select 'column', format('%I.%I.%I', n.nspname, c.relname, a.attname), c.relowner, a.attacl
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where a.attacl is not null and a.attnum > 0 and not a.attisdropped and n.nspname !~ ${INTERNAL_PATTERN}
      union all
      select case p.prokind when 'p' then 'procedure' else 'function' end,
             format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)), p.proowner,
             coalesce(p.proacl, acldefault('f', p.proowner))
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname !~ ${INTERNAL_PATTERN} and not ${memberOfExtension(sql, 'pg_proc')}
      union all
      select 'schema', quote_ident(n.nspname), n.nspowner, coalesce(n.nspacl, acldefault('n', n.nspowner))
      from pg_namespace n where n.nspname !~ ${INTERNAL_PATTERN} and not ${memberOfExtension(sql, 'pg_namespace')}
    )
    select o.kind, o.name,
           case when x.grantee = 0 then 'PUBLIC' when x.grantee = o.owner then 'owner' else pg_get_userbyid(x.grantee) end as grantee,
           array_agg(x.privilege_type || case when x.is_grantable then ' WITH GRANT OPTION' else '' end) as privileges
    from objects o, aclexplode(o.acl) x
    where x.privilege_type <> 'MAINTAIN'
    group by 1, 2, 3`) {
    const parent = s(r.kind) === 'column' ? `column ${s(r.name)}` : `${s(r.kind)} ${s(r.name)}`
    add('privileges', `on ${s(r.kind)} ${s(r.name)} to ${s(r.grantee)}`, { granted: (r.privileges as string[]).slice().sort().join(', ') }, parent)
  }
}

// Default privileges (ALTER DEFAULT PRIVILEGES), except the platform's own for supabase_admin. An entry for
// one schema adds to the built-in defaults: one item per grantee. A global entry replaces them (a REVOKE of
// EXECUTE from PUBLIC leaves only the owner): one item holding the whole list.
async function readDefaultPrivileges(sql: Sql, add: Add): Promise<void> {
  const globalDefaults = new Map<string, string[]>()
  for (const r of await sql<Row[]>`
    select pg_get_userbyid(d.defaclrole) as role, n.nspname as schema, d.defaclobjtype as objtype,
           case when x.grantee = 0 then 'PUBLIC' when x.grantee = d.defaclrole then 'owner' else pg_get_userbyid(x.grantee) end as grantee,
           array_agg(x.privilege_type || case when x.is_grantable then ' WITH GRANT OPTION' else '' end) as privileges
    from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace
    left join lateral aclexplode(d.defaclacl) x on x.privilege_type <> 'MAINTAIN'
    where pg_get_userbyid(d.defaclrole) <> 'supabase_admin' and (n.nspname is null or n.nspname !~ ${INTERNAL_PATTERN})
    group by 1, 2, 3, 4`) {
    const on = ({ r: 'tables', S: 'sequences', f: 'functions', T: 'types', n: 'schemas' } as Record<string, string>)[s(r.objtype)] ?? s(r.objtype)
    const granted = ((r.privileges as (string | null)[]) ?? []).filter((p): p is string => Boolean(p)).sort().join(', ')
    if (!r.schema) {
      const name = `for role ${s(r.role)} on ${on}`
      if (r.grantee && r.grantee !== 'owner') globalDefaults.set(name, [...(globalDefaults.get(name) ?? []), `${s(r.grantee)}: ${granted}`])
      else globalDefaults.set(name, globalDefaults.get(name) ?? [])
      continue
    }
    if (r.grantee === 'owner' || !r.grantee) continue
    add('default privileges', `for role ${s(r.role)} in schema ${quoteIdent(s(r.schema))} on ${on} to ${s(r.grantee)}`, { granted })
  }
  // No `granted` at all: only the owner may use new objects (after REVOKE … FROM PUBLIC).
  for (const [name, grants] of globalDefaults) add('default privileges', name, grants.length ? { granted: grants.sort().join('; ') } : {})
}

// Publications and their tables (supabase_realtime included: membership is what realtime migrations change).
async function readPublications(sql: Sql, add: Add, num: number): Promise<void> {
  for (const r of await sql<Row[]>`
    select pubname as name, puballtables as all_tables, pubinsert, pubupdate, pubdelete, pubtruncate, pubviaroot from pg_publication`) {
    const ops = ['insert', 'update', 'delete', 'truncate'].filter((op) => r[`pub${op}`]).join(', ')
    const props: Record<string, string> = { publish: ops }
    put(props, 'all tables', r.all_tables)
    put(props, 'via root', r.pubviaroot)
    add('publication', s(r.name), props)
  }
  // Row filters and column lists arrived in PostgreSQL 15 (SQL-standard bodies in 14).
  const filters = num >= 150000
    ? sql`pg_get_expr(pr.prqual, pr.prrelid) as filter, (select array_agg(a.attname order by a.attnum) from pg_attribute a
          where a.attrelid = pr.prrelid and a.attnum = any(pr.prattrs::int2[])) as columns`
    : sql`null as filter, null as columns`
  for (const r of await sql<Row[]>`
    select p.pubname as pub, format('%I.%I', n.nspname, c.relname) as rel, ${filters}
    from pg_publication_rel pr join pg_publication p on p.oid = pr.prpubid
    join pg_class c on c.oid = pr.prrelid join pg_namespace n on n.oid = c.relnamespace`) {
    const props: Record<string, string> = {}
    put(props, 'row filter', normalizeSql(s(r.filter)))
    put(props, 'columns', ((r.columns as string[] | null) ?? []).join(', '))
    add('publication member', `${s(r.rel)} in ${s(r.pub)}`, props, `publication ${s(r.pub)}`)
  }
}

// Extensions (schema only: versions are per engine, see ENGINE_EXCLUSIONS).
async function readExtensions(sql: Sql, add: Add): Promise<void> {
  for (const r of await sql<Row[]>`
    select e.extname as name, n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace`) {
    if (s(r.name) in PLATFORM_EXTENSIONS) continue
    add('extension', s(r.name), { schema: s(r.schema) })
  }
}

// Rows users write into platform tables: storage buckets and cron jobs.
async function readPlatformRows(sql: Sql, add: Add): Promise<void> {
  const [present] = await sql<{ buckets: boolean; cron: boolean }[]>`
    select to_regclass('storage.buckets') is not null as buckets, to_regclass('cron.job') is not null as cron`
  if (present.buckets) {
    // Older projects' storage.buckets lack file_size_limit and allowed_mime_types (supabase/storage migration
    // 0013-add-bucket-custom-limits): read only the columns this database has, NULL for the others.
    const columns = new Set((await sql<{ name: string }[]>`
      select attname as name from pg_attribute where attrelid = 'storage.buckets'::regclass and attnum > 0 and not attisdropped`).map((c) => c.name))
    const size = columns.has('file_size_limit') ? sql`file_size_limit::text` : sql`null::text`
    const mimes = columns.has('allowed_mime_types') ? sql`allowed_mime_types` : sql`null::text[]`
    const isPublic = columns.has('public') ? sql`public` : sql`null::boolean`
    for (const r of await sql<Row[]>`
      select id, name, ${isPublic} as public, ${size} as size, ${mimes} as mimes from storage.buckets`) {
      const props: Record<string, string> = { name: s(r.name), public: r.public ? 'yes' : 'no' }
      put(props, 'file size limit', r.size)
      put(props, 'allowed mime types', ((r.mimes as string[] | null) ?? []).join(', '))
      add('storage bucket', `"${s(r.id)}"`, props)
    }
  }
  if (present.cron) {
    for (const r of await sql<Row[]>`select jobid::text as id, jobname, schedule, command, active from cron.job`) {
      const props: Record<string, string> = { schedule: s(r.schedule), command: normalizeSql(s(r.command)) }
      put(props, 'inactive', r.active === false)
      add('cron job', r.jobname ? `"${s(r.jobname)}"` : `#${s(r.id)}`, props)
    }
  }
}

// Objects created by CREATE EXTENSION (pg_trgm's functions in public, say) belong to the extension item. Each
// catalog is queried under a fixed alias (c, p, t, n).
function memberOfExtension(sql: Sql, catalog: 'pg_class' | 'pg_proc' | 'pg_type' | 'pg_namespace') {
  switch (catalog) {
    case 'pg_class':
      return sql`exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')`
    case 'pg_proc':
      return sql`exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')`
    case 'pg_type':
      return sql`exists (select 1 from pg_depend d where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')`
    case 'pg_namespace':
      return sql`exists (select 1 from pg_depend d where d.classid = 'pg_namespace'::regclass and d.objid = n.oid and d.deptype = 'e')`
  }
}
