// What belongs to the platform, not to the project, and what differs between engines for the same migrations.
// The CLI's InternalSchemas (the CLI's pkg/migration/dump.go, InternalSchemas): platform-owned, never dumped. Objects in them are
// left out, except user objects attached to their tables (triggers, policies, RLS, publication membership) and the
// rows users write (storage buckets, cron jobs).
const INTERNAL_SCHEMAS = [
  'information_schema', 'pg_*', '_analytics', '_realtime', '_supavisor', 'auth', 'extensions', 'pgbouncer', 'realtime',
  'storage', 'supabase_functions', 'supabase_migrations', 'cron', 'dbdev', 'graphql', 'graphql_public', 'net', 'pgmq',
  'pgsodium', 'pgsodium_masks', 'pgtle', 'repack', 'tiger', 'tiger_data', 'timescaledb_*', '_timescaledb_*', 'topology', 'vault',
] as const
export const INTERNAL_PATTERN = `^(${INTERNAL_SCHEMAS.map((s) => s.replace('*', '.*')).join('|')})$`

// Extensions the platform installs by itself; which of them are real and which are the kit's stubs depends on the
// engine (pg_graphql is a stub on PGlite and absent on a plain server), so they are not the project's to compare.
export const PLATFORM_EXTENSIONS: Record<string, string> = {
  plpgsql: 'built into PostgreSQL',
  pg_graphql: 'pre-installed by Supabase; a stub or absent on shadows',
  supabase_vault: 'pre-installed by Supabase; a stub or absent on shadows',
  pgsodium: 'pre-installed by Supabase on older images; a stub or absent on shadows',
  pg_stat_statements: 'pre-installed by Supabase',
  pgjwt: 'pre-installed on older Supabase projects (supabase/postgres init scripts), deprecated since',
}

// Platform tables whose RLS flags are compared (the ones migrations enable RLS on or add policies to).
export const RLS_PLATFORM_TABLES = ['auth.users', 'auth.identities', 'storage.buckets', 'storage.objects'] as const

// What differs between engines (or between a shadow and a hosted project) for the same migrations, and what the
// snapshot does about it: left out on purpose where it cannot be normalized, normalized where it can.
// tests/lib/catalog.test.ts shows that the left-out ones really differ and that one chain snapshots equal.
export const ENGINE_EXCLUSIONS: Record<string, string> = {
  'extension version': 'each engine ships its own build (pgcrypto 1.3 on PostgreSQL 15, 1.4 on PGlite 18)',
  'object owner': 'postgres on a shadow, postgres or supabase_admin on a hosted project; grants to the owner show as "owner"',
  'MAINTAIN privilege': 'PostgreSQL 17 added MAINTAIN to ALL on tables; dropped so 15 and 17+ compare equal',
  'NOT NULL constraints': 'PostgreSQL 18 records NOT NULL in pg_constraint; kept as the column property "not null" only',
  'column order': 'a column added by hand lands last on both sides; order alone is not drift',
  'view column qualifiers': 'PostgreSQL 16+ prints "kind" where 15 prints "events.kind" in a one-table view; normalized by normalizeViewDef',
  'default privileges of supabase_admin': 'platform-owned on hosted projects (the CLI comments them out of dumps too)',
}

export const isInternal = (qualified: string) => new RegExp(INTERNAL_PATTERN).test(qualified.split('.')[0].replace(/"/g, ''))
