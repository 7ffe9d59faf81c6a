// Which extensions a shadow engine offers, and the warnings about the ones a migration needs but the engine lacks.
import type { Sql } from '../../run/sql.ts'
import { STUB_COMMENT } from './stubs.ts'

// Extensions a Supabase project has before its first migration (the supabase/postgres image's migrations/db/init-scripts; the CLI's internal/utils/templates/initial_schemas). Only
// these are created by the shim: hosted Supabase does not pre-create contrib extensions such as pg_trgm or citext,
// and pre-creating them would turn a migration's `create extension pg_trgm with schema public` into a no-op.
export const PREINSTALLED_EXTENSIONS = ['pgcrypto', 'uuid-ossp', 'pg_stat_statements', 'pg_graphql', 'supabase_vault'] as const

// Extensions migrations commonly enable, checked against the engine so a missing one is reported before replay.
const REFERENCED_EXTENSIONS = [
  'pgcrypto', 'uuid-ossp', 'pg_stat_statements', 'pg_trgm', 'citext', 'unaccent', 'fuzzystrmatch', 'hstore', 'ltree',
  'btree_gin', 'btree_gist', 'moddatetime', 'pg_net', 'pg_cron', 'pgsodium', 'supabase_vault', 'pg_graphql', 'vector', 'pgjwt',
  'pgmq', 'pg_tle', 'http', 'pg_jsonschema', 'pg_hashids', 'index_advisor', 'wrappers', 'hypopg', 'plpgsql_check', 'pgtap',
] as const

export type ExtensionStatus = { name: string; status: 'installed' | 'available' | 'stub' | 'missing' }

// The warning a script prints before a replay when files create extensions the shadow lacks.
export function missingExtensionsWarning(texts: readonly string[], missing: readonly string[]): string | undefined {
  const lacking = extensionsCreatedBy(texts, missing)
  if (lacking.length === 0) return undefined
  return `the shadow has no ${lacking.join(', ')}; the files that create ${lacking.length > 1 ? 'them' : 'it'} fail there`
}

// The extensions among `names` that some migration text creates: only those are worth a warning when missing.
export function extensionsCreatedBy(texts: readonly string[], names: readonly string[]): string[] {
  return names.filter((name) => {
    const quoted = name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')
    const create = new RegExp(`create\\s+extension\\s+(if\\s+not\\s+exists\\s+)?("${quoted}"|${quoted}\\b)`, 'i')
    return texts.some((t) => create.test(t))
  })
}

// For each commonly referenced extension: installed, available to CREATE EXTENSION, a stub (available, but one of
// ours: it creates placeholders only), or missing (a migration that creates it fails with 0A000 on this engine).
export async function extensionStatus(sql: Sql): Promise<ExtensionStatus[]> {
  const rows = await sql<{ name: string; installed: boolean; comment: string | null }[]>`
    select name, installed_version is not null as installed, comment
    from pg_available_extensions where name = any(${sql.array([...REFERENCED_EXTENSIONS])})`
  const byName = new Map(rows.map((r) => [r.name, r]))
  return REFERENCED_EXTENSIONS.map((name) => {
    const row = byName.get(name)
    if (!row) return { name, status: 'missing' as const }
    if (row.comment?.startsWith(STUB_COMMENT)) return { name, status: 'stub' as const }
    return { name, status: row.installed ? ('installed' as const) : ('available' as const) }
  })
}


// The kit's stand-ins a database holds: extensions created from a stub control file (PGlite), and the
// pre-installed ones the shim stood in for outside CREATE EXTENSION (`stubbed`). Scripts name them in their output,
// so a verdict about a file that uses one is read as "its SQL runs", not "the extension behaves".
export async function standInsInUse(sql: Sql, stubbed: readonly string[]): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    select name from pg_available_extensions
    where installed_version is not null and comment like ${STUB_COMMENT + '%'}`
  return [...new Set([...stubbed, ...rows.map((r) => r.name)])].sort()
}

// The note scripts print on stderr next to the shadow's engine.
export const standInsNote = (stubs: readonly string[]) =>
  stubs.length ? `stand-ins (placeholder objects, no real work) for ${stubs.join(', ')}: the files' SQL against them is checked, not what the extensions do` : undefined
