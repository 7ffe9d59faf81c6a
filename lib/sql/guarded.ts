// The guarded statement forms: how a statement that fails on a second run is made re-runnable. One place knows
// each form, so `check-idempotent --fix` (lib/sql/rules/*) and the baseline generator (lib/catalog/generate.ts)
// write the same SQL. Conditions are SQL booleans over pg_catalog; names only ever appear inside literals here,
// or as identifier text the caller has already quoted.
import { createHash } from 'node:crypto'
import { freeDollarTag } from './lexer.ts'

export const literal = (s: string) => `'${s.replace(/'/g, "''")}'`
export const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`
// A regclass/regtype literal that resolves exactly like the statement's own name (search_path when unqualified).
export const regLiteral = (schema: string | undefined, name: string) => literal(schema ? `${quoted(schema)}.${quoted(name)}` : quoted(name))
// Unqualified names are created in current_schema(), the first existing schema of the search_path.
export const schemaExpr = (schema: string | undefined) => (schema ? literal(schema) : 'current_schema()')

// What PostgreSQL offers itself, spliced after CREATE … INDEX / SCHEMA / MATERIALIZED VIEW / SEQUENCE / TABLE.
export const IF_NOT_EXISTS = 'IF NOT EXISTS'
// INSERT of rows that may already be there (storage.buckets, seed rows): the unique key decides, as on a re-run.
export const ON_CONFLICT_DO_NOTHING = 'ON CONFLICT DO NOTHING'

// CREATE POLICY and CREATE TRIGGER have no IF NOT EXISTS: drop first (the form Supabase's docs use; DROP TRIGGER
// also covers constraint triggers, which CREATE OR REPLACE TRIGGER does not accept). `name` and `table` are
// identifier text as it should appear in the statement.
export const dropPolicyFirst = (name: string, table: string) => `DROP POLICY IF EXISTS ${name} ON ${table};\n`
export const dropTriggerFirst = (name: string, table: string) => `DROP TRIGGER IF EXISTS ${name} ON ${table};\n`
// An index or constraint that exists with another definition is replaced: dropped if there, then created again
// (CREATE INDEX IF NOT EXISTS and ADD CONSTRAINT would keep the old definition or fail with 42710).
export const dropIndexFirst = (qname: string) => `DROP INDEX IF EXISTS ${qname};\n`
export const dropConstraintFirst = (name: string, table: string) => `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${name};\n`
// INSERT of a row whose values must win over a row already there (a storage bucket whose settings changed):
// the unique key decides which row, the listed columns take the new values.
export const onConflictUpdate = (key: readonly string[], columns: readonly string[]) =>
  `ON CONFLICT (${key.join(', ')}) DO ${columns.length ? `UPDATE SET ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}` : 'NOTHING'}`

// `rel` is a regclass literal (regLiteral): to_regclass gives NULL for a missing table, so the test is false.
export const policyAbsent = (rel: string, name: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_policy WHERE polrelid = to_regclass(${rel}) AND polname = ${literal(name)})`
export const triggerAbsent = (rel: string, name: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid = to_regclass(${rel}) AND tgname = ${literal(name)})`
export const constraintAbsent = (rel: string, name: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = to_regclass(${rel}) AND conname = ${literal(name)})`
export const primaryKeyAbsent = (rel: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = to_regclass(${rel}) AND contype = 'p')`
// CREATE TYPE / CREATE DOMAIN (42710 on a re-run).
export const typeAbsent = (schema: string | undefined, name: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = ${literal(name)} AND n.nspname = ${schemaExpr(schema)})`
export const domainConstraintAbsent = (schema: string, domain: string, name: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE contypid = to_regtype(${regLiteral(schema, domain)}) AND conname = ${literal(name)})`
export const publicationAbsent = (name: string) => `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ${literal(name)})`
export const publicationMember = (pub: string, rel: string) =>
  `EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel pr JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid WHERE p.pubname = ${literal(pub)} AND pr.prrelid = to_regclass(${rel}))`
// ALTER INDEX parent ATTACH PARTITION child fails when the child index is attached already.
export const indexPartitionAbsent = (child: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits WHERE inhrelid = to_regclass(${child}))`

// CREATE OR REPLACE FUNCTION of a function that later migrations define again: run unless one of the later bodies is
// already in place (pg_proc.prosrc holds the body as written; md5 keeps the condition short). On the first run the
// function is absent or older, so it runs as before; after the chain it is skipped instead of restoring the old
// body or failing where the old body no longer fits (42P13 when a composite type it returns gained a column).
export const md5Hex = (text: string) => createHash('md5').update(text, 'utf8').digest('hex')
export const functionNotRedefined = (signature: string, laterBodies: readonly string[]) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_proc WHERE oid = to_regprocedure(${literal(signature)}) AND md5(prosrc) IN (${[...new Set(laterBodies.map(md5Hex))].map(literal).join(', ')}))`

// The history table db push writes (supabase_migrations.schema_migrations) does not list `version`: the migration
// that removed what the statement makes has not run yet (a database without the table has run none).
export const laterMigrationNotApplied = (version: string) =>
  `to_regclass('supabase_migrations.schema_migrations') IS NULL OR NOT EXISTS (SELECT 1 FROM supabase_migrations.schema_migrations WHERE version = ${literal(version)})`

// A unique index without a predicate on exactly these columns: what INSERT … ON CONFLICT (cols) needs (42P10).
export const uniqueKeyOn = (rel: string, cols: readonly string[]) =>
  `EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = to_regclass(${rel}) AND i.indisunique AND i.indpred IS NULL AND (SELECT array_agg(a.attname::text ORDER BY a.attname::text) FROM pg_catalog.pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)) = (SELECT array_agg(c ORDER BY c) FROM unnest(ARRAY[${cols.map(literal).join(', ')}]::text[]) c))`

// A statement that runs only while `condition` holds, as a top-level DO block. The statement goes in unchanged
// (not re-indented: that would change multi-line string literals); the dollar tag is one its text lacks.
export function guardedDo(statement: string, condition: string): string {
  const tag = freeDollarTag(statement + condition)
  return `DO ${tag}\nBEGIN\n  IF ${condition} THEN\n${statement};\n  END IF;\nEND\n${tag}`
}
