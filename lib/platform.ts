// The Supabase platform shim: just enough of what a hosted Supabase database already has (roles, auth,
// storage, the realtime publication, default privileges, extensions) for real Supabase migrations to run on plain
// PostgreSQL. Every statement skips what exists, so running it against a real Supabase database changes nothing.
import type { Sql } from './db.ts'

export const PLATFORM_ROLES = ['anon', 'authenticated', 'service_role', 'authenticator', 'supabase_admin', 'supabase_auth_admin', 'supabase_storage_admin', 'dashboard_user'] as const

// The search_path hosted Supabase gives postgres and the API roles (ALTER ROLE … SET search_path): migrations call
// uuid_generate_v4() or gen_random_bytes() unqualified because `extensions` is on it. The shim itself never alters
// roles or databases (it must change nothing on a real project); the databases the kit creates get it instead
// (lib/shadow.ts, lib/embedded.ts).
export const PLATFORM_SEARCH_PATH = '"$user", public, extensions'

export const PLATFORM_SCHEMAS = ['auth', 'storage', 'extensions', 'realtime', 'vault', 'graphql', 'graphql_public', 'supabase_functions', 'cron', 'net'] as const

// Extensions a Supabase project has before its first migration (supabase/postgres images; contract §8). Only
// these are created by the shim: hosted Supabase does not pre-create contrib extensions such as pg_trgm or citext,
// and pre-creating them would turn a migration's `create extension pg_trgm with schema public` into a no-op.
export const PREINSTALLED_EXTENSIONS = ['pgcrypto', 'uuid-ossp', 'pg_stat_statements', 'pg_graphql', 'supabase_vault'] as const

// Extensions migrations commonly enable, checked against the engine so a missing one is reported before replay.
export const REFERENCED_EXTENSIONS = [
  'pgcrypto', 'uuid-ossp', 'pg_stat_statements', 'pg_trgm', 'citext', 'unaccent', 'fuzzystrmatch', 'hstore', 'ltree',
  'btree_gin', 'btree_gist', 'moddatetime', 'pg_net', 'pg_cron', 'pgsodium', 'supabase_vault', 'pg_graphql', 'vector', 'pgjwt',
] as const

// Stand-ins for platform extensions no plain PostgreSQL build ships, offered as extensions on PGlite (lib/shadow.ts
// writes their control files). Each script only creates objects migrations reference (function signatures as in
// the real extension). The pre-installed ones (vault, pg_graphql) also run outside CREATE EXTENSION on a server
// shadow, so they are guarded. Schemas are tested with to_regnamespace: inside an extension script CREATE SCHEMA
// IF NOT EXISTS fails (55000) on a schema the shim already made. Nothing here does real work: net.http_* never
// sends, cron.schedule never runs.
// `marker` is an object the script creates: when it exists, the stand-in (or the real thing) is already there.
export type StubExtension = { name: string; version: string; superuser: boolean; marker: string; script: string }

export const STUB_EXTENSIONS: readonly StubExtension[] = [
  {
    name: 'pg_net',
    marker: 'net.http_request_queue',
    version: '0.0-stub',
    superuser: false,
    script: `
DO $s$ BEGIN IF to_regnamespace('net') IS NULL THEN CREATE SCHEMA net; END IF; END $s$;
CREATE TABLE IF NOT EXISTS net.http_request_queue (id bigserial PRIMARY KEY, method text NOT NULL, url text NOT NULL, headers jsonb, body bytea, timeout_milliseconds integer);
CREATE OR REPLACE FUNCTION net.http_get(url text, params jsonb DEFAULT '{}', headers jsonb DEFAULT '{}', timeout_milliseconds integer DEFAULT 5000)
  RETURNS bigint LANGUAGE sql AS $f$ INSERT INTO net.http_request_queue (method, url, headers, timeout_milliseconds) VALUES ('GET', url, headers, timeout_milliseconds) RETURNING id $f$;
CREATE OR REPLACE FUNCTION net.http_post(url text, body jsonb DEFAULT '{}', params jsonb DEFAULT '{}', headers jsonb DEFAULT '{"Content-Type": "application/json"}', timeout_milliseconds integer DEFAULT 5000)
  RETURNS bigint LANGUAGE sql AS $f$ INSERT INTO net.http_request_queue (method, url, headers, body, timeout_milliseconds) VALUES ('POST', url, headers, convert_to(body::text, 'UTF8'), timeout_milliseconds) RETURNING id $f$;
CREATE OR REPLACE FUNCTION net.http_delete(url text, params jsonb DEFAULT '{}', headers jsonb DEFAULT '{}', timeout_milliseconds integer DEFAULT 5000)
  RETURNS bigint LANGUAGE sql AS $f$ INSERT INTO net.http_request_queue (method, url, headers, timeout_milliseconds) VALUES ('DELETE', url, headers, timeout_milliseconds) RETURNING id $f$;
`,
  },
  {
    name: 'pg_cron',
    marker: 'cron.job',
    version: '0.0-stub',
    superuser: false,
    script: `
DO $s$ BEGIN IF to_regnamespace('cron') IS NULL THEN CREATE SCHEMA cron; END IF; END $s$;
CREATE TABLE IF NOT EXISTS cron.job (jobid bigserial PRIMARY KEY, schedule text NOT NULL, command text NOT NULL, nodename text NOT NULL DEFAULT 'localhost', nodeport integer NOT NULL DEFAULT 5432, database text NOT NULL DEFAULT current_database(), username text NOT NULL DEFAULT current_user, active boolean NOT NULL DEFAULT true, jobname text UNIQUE);
-- pg_cron's run history (since 1.3): migrations grant on it or schedule a job that deletes from it.
CREATE SEQUENCE IF NOT EXISTS cron.runid_seq;
CREATE TABLE IF NOT EXISTS cron.job_run_details (jobid bigint, runid bigint PRIMARY KEY DEFAULT nextval('cron.runid_seq'), job_pid integer, database text, username text, command text, status text, return_message text, start_time timestamptz, end_time timestamptz);
CREATE OR REPLACE FUNCTION cron.schedule(job_name text, schedule text, command text) RETURNS bigint LANGUAGE sql AS
  $f$ INSERT INTO cron.job (jobname, schedule, command) VALUES (job_name, schedule, command) ON CONFLICT (jobname) DO UPDATE SET schedule = EXCLUDED.schedule, command = EXCLUDED.command RETURNING jobid $f$;
CREATE OR REPLACE FUNCTION cron.schedule(schedule text, command text) RETURNS bigint LANGUAGE sql AS
  $f$ INSERT INTO cron.job (schedule, command) VALUES (schedule, command) RETURNING jobid $f$;
CREATE OR REPLACE FUNCTION cron.unschedule(job_name text) RETURNS boolean LANGUAGE sql AS
  $f$ WITH d AS (DELETE FROM cron.job WHERE jobname = job_name RETURNING 1) SELECT count(*) > 0 FROM d $f$;
CREATE OR REPLACE FUNCTION cron.unschedule(job_id bigint) RETURNS boolean LANGUAGE sql AS
  $f$ WITH d AS (DELETE FROM cron.job WHERE jobid = job_id RETURNING 1) SELECT count(*) > 0 FROM d $f$;
`,
  },
  {
    name: 'pgsodium',
    marker: 'pgsodium.crypto_aead_det_noncegen()',
    version: '0.0-stub',
    superuser: false,
    script: `
DO $s$ BEGIN IF to_regnamespace('pgsodium') IS NULL THEN CREATE SCHEMA pgsodium; END IF; END $s$;
CREATE OR REPLACE FUNCTION pgsodium.crypto_aead_det_noncegen() RETURNS bytea LANGUAGE sql AS $f$ SELECT '\\x00'::bytea $f$;
`,
  },
  {
    name: 'supabase_vault',
    marker: 'vault.secrets',
    version: '0.0-stub',
    superuser: false,
    script: `
DO $s$ BEGIN IF to_regnamespace('vault') IS NULL THEN CREATE SCHEMA vault; END IF; END $s$;
CREATE TABLE IF NOT EXISTS vault.secrets (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text, description text NOT NULL DEFAULT '', secret text NOT NULL, key_id uuid, nonce bytea, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
-- supabase_vault's own index (a partial one, not a constraint): a second create_secret with the same name fails
-- with 23505 as on hosted, and ON CONFLICT (name) without the predicate fails as it does there (42P10).
CREATE UNIQUE INDEX IF NOT EXISTS secrets_name_idx ON vault.secrets (name) WHERE name IS NOT NULL;
CREATE OR REPLACE VIEW vault.decrypted_secrets AS SELECT id, name, description, secret, secret AS decrypted_secret, key_id, nonce, created_at, updated_at FROM vault.secrets;
CREATE OR REPLACE FUNCTION vault.create_secret(new_secret text, new_name text DEFAULT NULL, new_description text DEFAULT '', new_key_id uuid DEFAULT NULL) RETURNS uuid LANGUAGE sql AS
  $f$ INSERT INTO vault.secrets (secret, name, description, key_id) VALUES (new_secret, new_name, new_description, new_key_id) RETURNING id $f$;
CREATE OR REPLACE FUNCTION vault.update_secret(secret_id uuid, new_secret text DEFAULT NULL, new_name text DEFAULT NULL, new_description text DEFAULT NULL, new_key_id uuid DEFAULT NULL) RETURNS void LANGUAGE sql AS
  $f$ UPDATE vault.secrets SET secret = coalesce(new_secret, secret), name = coalesce(new_name, name), description = coalesce(new_description, description), updated_at = now() WHERE id = secret_id $f$;
`,
  },
  {
    name: 'pg_graphql',
    marker: 'graphql.resolve(text,jsonb,text,jsonb)',
    version: '0.0-stub',
    superuser: false,
    script: `
DO $s$ BEGIN IF to_regnamespace('graphql') IS NULL THEN CREATE SCHEMA graphql; END IF; END $s$;
CREATE OR REPLACE FUNCTION graphql.resolve("query" text, variables jsonb DEFAULT '{}', "operationName" text DEFAULT NULL, extensions jsonb DEFAULT NULL) RETURNS jsonb LANGUAGE sql AS
  $f$ SELECT jsonb_build_object('errors', jsonb_build_array(jsonb_build_object('message', 'pg_graphql stub'))) $f$;
`,
  },
  {
    // A varlena type that accepts vector(n) in column definitions and the distance operators in expressions.
    // hnsw and ivfflat are index methods on the hash handler (btree's refuses a foreign AM on PostgreSQL 15: "unexpected
    // non-btree AM"), with the real operator class names, so `create index … using hnsw (embedding vector_cosine_ops)`
    // runs; the index only hashes the bytes (hashvarlena is safe on any varlena) and never answers ORDER BY <=>.
    // Their options cannot be stubbed: a handler validates its own reloptions, so `with (m = 16)` or
    // `with (lists = 100)` still fails with 22023 (unrecognized parameter) and is reported.
    name: 'vector',
    marker: 'extensions.vector',
    version: '0.0-stub',
    superuser: true,
    script: `
CREATE TYPE vector;
CREATE FUNCTION vector_in(cstring, oid, integer) RETURNS vector LANGUAGE internal IMMUTABLE STRICT AS 'textin';
CREATE FUNCTION vector_out(vector) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'textout';
CREATE FUNCTION vector_typmod_in(cstring[]) RETURNS integer LANGUAGE internal IMMUTABLE STRICT AS 'varchartypmodin';
CREATE FUNCTION vector_typmod_out(integer) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'varchartypmodout';
CREATE TYPE vector (INPUT = vector_in, OUTPUT = vector_out, TYPMOD_IN = vector_typmod_in, TYPMOD_OUT = vector_typmod_out, INTERNALLENGTH = VARIABLE, STORAGE = extended);
CREATE FUNCTION vector_distance(vector, vector) RETURNS double precision LANGUAGE sql IMMUTABLE AS $f$ SELECT 0::double precision $f$;
CREATE OPERATOR <=> (LEFTARG = vector, RIGHTARG = vector, FUNCTION = vector_distance);
CREATE OPERATOR <-> (LEFTARG = vector, RIGHTARG = vector, FUNCTION = vector_distance);
CREATE OPERATOR <#> (LEFTARG = vector, RIGHTARG = vector, FUNCTION = vector_distance);
CREATE FUNCTION vector_stub_hash(vector) RETURNS integer LANGUAGE internal IMMUTABLE STRICT AS 'hashvarlena';
CREATE ACCESS METHOD hnsw TYPE INDEX HANDLER hashhandler;
CREATE ACCESS METHOD ivfflat TYPE INDEX HANDLER hashhandler;
CREATE OPERATOR CLASS vector_l2_ops FOR TYPE vector USING hnsw AS FUNCTION 1 vector_stub_hash(vector);
CREATE OPERATOR CLASS vector_ip_ops FOR TYPE vector USING hnsw AS FUNCTION 1 vector_stub_hash(vector);
CREATE OPERATOR CLASS vector_cosine_ops FOR TYPE vector USING hnsw AS FUNCTION 1 vector_stub_hash(vector);
CREATE OPERATOR CLASS vector_l1_ops FOR TYPE vector USING hnsw AS FUNCTION 1 vector_stub_hash(vector);
CREATE OPERATOR CLASS vector_l2_ops FOR TYPE vector USING ivfflat AS FUNCTION 1 vector_stub_hash(vector);
CREATE OPERATOR CLASS vector_ip_ops FOR TYPE vector USING ivfflat AS FUNCTION 1 vector_stub_hash(vector);
CREATE OPERATOR CLASS vector_cosine_ops FOR TYPE vector USING ivfflat AS FUNCTION 1 vector_stub_hash(vector);
`,
  },
]

export const PLATFORM_SHIM = `
DO $shim$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated', 'service_role', 'authenticator', 'supabase_admin',
                           'supabase_auth_admin', 'supabase_storage_admin', 'dashboard_user'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', r);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        -- Roles are cluster-wide: another session on the same server created it between the check and here.
        NULL;
      END;
    END IF;
  END LOOP;
  -- Supabase's service_role skips RLS; a role made earlier by an older shim may lack the flag.
  IF NOT (SELECT rolbypassrls FROM pg_roles WHERE rolname = 'service_role') THEN
    ALTER ROLE service_role BYPASSRLS;
  END IF;
END
$shim$;

CREATE SCHEMA IF NOT EXISTS auth;
CREATE SCHEMA IF NOT EXISTS storage;
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE SCHEMA IF NOT EXISTS realtime;
CREATE SCHEMA IF NOT EXISTS vault;
CREATE SCHEMA IF NOT EXISTS graphql;
CREATE SCHEMA IF NOT EXISTS graphql_public;
CREATE SCHEMA IF NOT EXISTS supabase_functions;
CREATE SCHEMA IF NOT EXISTS cron;
CREATE SCHEMA IF NOT EXISTS net;

DO $shim$
DECLARE e text;
BEGIN
  -- Only what the platform pre-installs, and only where the engine has it (a stub is created below otherwise).
  FOREACH e IN ARRAY ARRAY['pgcrypto', 'uuid-ossp', 'pg_stat_statements', 'pg_graphql', 'supabase_vault'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = e)
       AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = e) THEN
      EXECUTE format('CREATE EXTENSION IF NOT EXISTS %I WITH SCHEMA %I', e,
        CASE e WHEN 'pg_graphql' THEN 'graphql' WHEN 'supabase_vault' THEN 'vault' ELSE 'extensions' END);
    END IF;
  END LOOP;
END
$shim$;

DO $shim$
BEGIN
  IF to_regclass('auth.users') IS NULL THEN
  CREATE TABLE auth.users (
    instance_id uuid,
    id uuid NOT NULL PRIMARY KEY,
    aud varchar(255),
    role varchar(255),
    email varchar(255),
    encrypted_password varchar(255),
    email_confirmed_at timestamptz,
    invited_at timestamptz,
    confirmation_token varchar(255),
    confirmation_sent_at timestamptz,
    recovery_token varchar(255),
    recovery_sent_at timestamptz,
    email_change_token_new varchar(255),
    email_change varchar(255),
    email_change_sent_at timestamptz,
    last_sign_in_at timestamptz,
    raw_app_meta_data jsonb,
    raw_user_meta_data jsonb,
    is_super_admin boolean,
    created_at timestamptz,
    updated_at timestamptz,
    phone text UNIQUE DEFAULT NULL,
    phone_confirmed_at timestamptz,
    phone_change text DEFAULT '',
    phone_change_token varchar(255) DEFAULT '',
    phone_change_sent_at timestamptz,
    confirmed_at timestamptz GENERATED ALWAYS AS (LEAST(email_confirmed_at, phone_confirmed_at)) STORED,
    email_change_token_current varchar(255) DEFAULT '',
    email_change_confirm_status smallint DEFAULT 0 CHECK (email_change_confirm_status >= 0 AND email_change_confirm_status <= 2),
    banned_until timestamptz,
    reauthentication_token varchar(255) DEFAULT '',
    reauthentication_sent_at timestamptz,
    is_sso_user boolean NOT NULL DEFAULT false,
    deleted_at timestamptz,
    is_anonymous boolean NOT NULL DEFAULT false
  );
  END IF;
END
$shim$;

DO $shim$
BEGIN
  IF to_regclass('auth.identities') IS NULL THEN
  CREATE TABLE auth.identities (
    provider_id text NOT NULL,
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    identity_data jsonb NOT NULL,
    provider text NOT NULL,
    last_sign_in_at timestamptz,
    created_at timestamptz,
    updated_at timestamptz,
    email text GENERATED ALWAYS AS (lower(identity_data ->> 'email')) STORED,
    id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    CONSTRAINT identities_provider_id_provider_unique UNIQUE (provider_id, provider)
  );
  END IF;
END
$shim$;

DO $shim$
BEGIN
  IF to_regprocedure('auth.uid()') IS NULL THEN
    CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS
      $f$ SELECT coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid $f$;
  END IF;
  IF to_regprocedure('auth.role()') IS NULL THEN
    CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS
      $f$ SELECT coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text $f$;
  END IF;
  IF to_regprocedure('auth.email()') IS NULL THEN
    CREATE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS
      $f$ SELECT coalesce(nullif(current_setting('request.jwt.claim.email', true), ''),
                          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'))::text $f$;
  END IF;
  IF to_regprocedure('auth.jwt()') IS NULL THEN
    CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS
      $f$ SELECT coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                          nullif(current_setting('request.jwt.claims', true), ''))::jsonb $f$;
  END IF;
END
$shim$;

DO $shim$
BEGIN
  IF to_regclass('storage.buckets') IS NULL THEN
  CREATE TABLE storage.buckets (
    id text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    owner uuid,
    created_at timestamptz DEFAULT now(),
    updated_at timestamptz DEFAULT now(),
    public boolean DEFAULT false,
    avif_autodetection boolean DEFAULT false,
    file_size_limit bigint,
    allowed_mime_types text[],
    owner_id text
  );
  END IF;
END
$shim$;

DO $shim$
BEGIN
  IF to_regclass('storage.objects') IS NULL THEN
  CREATE TABLE storage.objects (
    id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    bucket_id text REFERENCES storage.buckets (id),
    name text,
    owner uuid,
    created_at timestamptz DEFAULT now(),
    updated_at timestamptz DEFAULT now(),
    last_accessed_at timestamptz DEFAULT now(),
    metadata jsonb,
    path_tokens text[] GENERATED ALWAYS AS (string_to_array(name, '/')) STORED,
    version text,
    owner_id text,
    user_metadata jsonb
  );
  END IF;
END
$shim$;
-- Index and RLS changes need the table's owner (supabase_storage_admin on hosted projects): checked first, so a
-- run as postgres against a real project touches nothing. RLS is on for the auth tables since supabase/auth
-- migration 20240612123726_enable_rls_update_grants, and on for storage's from the start.
DO $shim$
BEGIN
  IF NOT (SELECT relrowsecurity FROM pg_class WHERE oid = 'auth.users'::regclass) THEN ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY; END IF;
  IF NOT (SELECT relrowsecurity FROM pg_class WHERE oid = 'auth.identities'::regclass) THEN ALTER TABLE auth.identities ENABLE ROW LEVEL SECURITY; END IF;
  IF to_regclass('storage.bname') IS NULL THEN CREATE UNIQUE INDEX bname ON storage.buckets (name); END IF;
  IF to_regclass('storage.bucketid_objname') IS NULL THEN CREATE UNIQUE INDEX bucketid_objname ON storage.objects (bucket_id, name); END IF;
  IF NOT (SELECT relrowsecurity FROM pg_class WHERE oid = 'storage.buckets'::regclass) THEN ALTER TABLE storage.buckets ENABLE ROW LEVEL SECURITY; END IF;
  IF NOT (SELECT relrowsecurity FROM pg_class WHERE oid = 'storage.objects'::regclass) THEN ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY; END IF;
END
$shim$;

DO $shim$
BEGIN
  IF to_regprocedure('storage.foldername(text)') IS NULL THEN
    CREATE FUNCTION storage.foldername(name text) RETURNS text[] LANGUAGE plpgsql IMMUTABLE AS
      $f$ DECLARE parts text[]; BEGIN SELECT string_to_array(name, '/') INTO parts; RETURN parts[1:array_length(parts, 1) - 1]; END $f$;
  END IF;
  IF to_regprocedure('storage.filename(text)') IS NULL THEN
    CREATE FUNCTION storage.filename(name text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS
      $f$ DECLARE parts text[]; BEGIN SELECT string_to_array(name, '/') INTO parts; RETURN parts[array_length(parts, 1)]; END $f$;
  END IF;
  IF to_regprocedure('storage.extension(text)') IS NULL THEN
    CREATE FUNCTION storage.extension(name text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS
      $f$ DECLARE parts text[]; BEGIN SELECT string_to_array(name, '/') INTO parts; RETURN reverse(split_part(reverse(parts[array_length(parts, 1)]), '.', 1)); END $f$;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'supabase_realtime') THEN
    -- The CLI's globals.sql spelling.
    CREATE PUBLICATION supabase_realtime WITH (publish = 'insert, update, delete, truncate');
  END IF;
END
$shim$;

-- Realtime Broadcast from the database (the supabase/realtime tenant migrations): migrations add policies on
-- realtime.messages and call realtime.send() or realtime.broadcast_changes() from triggers. Hosted projects partition
-- the table by day (the realtime service creates the partitions); a default partition stands in for them so a send
-- during a migration lands somewhere. Grants and RLS are set only when the shim made the table.
DO $shim$
BEGIN
  IF to_regclass('realtime.messages') IS NULL THEN
    CREATE TABLE realtime.messages (
      topic text NOT NULL,
      extension text NOT NULL,
      payload jsonb,
      event text,
      private boolean DEFAULT false,
      updated_at timestamp NOT NULL DEFAULT now(),
      inserted_at timestamp NOT NULL DEFAULT now(),
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      CONSTRAINT messages_pkey PRIMARY KEY (id, inserted_at)
    ) PARTITION BY RANGE (inserted_at);
    CREATE TABLE realtime.messages_default PARTITION OF realtime.messages DEFAULT;
    ALTER TABLE realtime.messages ENABLE ROW LEVEL SECURITY;
    GRANT USAGE ON SCHEMA realtime TO anon, authenticated, service_role;
    GRANT SELECT, INSERT, UPDATE ON realtime.messages TO anon, authenticated, service_role;
  END IF;
  IF to_regprocedure('realtime.topic()') IS NULL THEN
    -- What policies on realtime.messages test: the channel the client joins, set by the realtime service.
    CREATE FUNCTION realtime.topic() RETURNS text LANGUAGE sql STABLE AS
      $f$ SELECT nullif(current_setting('realtime.topic', true), '')::text $f$;
  END IF;
  IF to_regprocedure('realtime.send(jsonb,text,text,boolean)') IS NULL THEN
    -- Like the real one, a failed send is a WARNING, never an error: a trigger calling it must not abort the write.
    CREATE FUNCTION realtime.send(payload jsonb, event text, topic text, private boolean DEFAULT true) RETURNS void LANGUAGE plpgsql AS
      $f$
      DECLARE message_id uuid := gen_random_uuid();
      BEGIN
        PERFORM set_config('realtime.topic', topic, true);
        INSERT INTO realtime.messages (id, payload, event, topic, private, extension)
        VALUES (message_id, CASE WHEN payload ? 'id' THEN payload ELSE payload || jsonb_build_object('id', message_id) END,
                event, topic, private, 'broadcast');
      EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'ErrorSendingBroadcastMessage: %', SQLERRM;
      END
      $f$;
  END IF;
  IF to_regprocedure('realtime.broadcast_changes(text,text,text,text,text,record,record,text)') IS NULL THEN
    CREATE FUNCTION realtime.broadcast_changes(topic_name text, event_name text, operation text, table_name text, table_schema text, new record, old record, level text DEFAULT 'ROW') RETURNS void LANGUAGE plpgsql AS
      $f$
      BEGIN
        IF level = 'STATEMENT' THEN RAISE EXCEPTION 'function can only be triggered for each row, not for each statement'; END IF;
        IF operation NOT IN ('INSERT', 'UPDATE', 'DELETE') THEN RAISE EXCEPTION 'Unexpected operation type: %', operation; END IF;
        PERFORM realtime.send(jsonb_build_object('old_record', old, 'record', new, 'operation', operation, 'table', table_name, 'schema', table_schema), event_name, topic_name);
      END
      $f$;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  -- A hosted project from before Broadcast (2024) lacks these, and postgres may not create in the platform's
  -- realtime schema: nothing to add there, and the shim must not fail.
  NULL;
END
$shim$;

DO $shim$
BEGIN
  GRANT USAGE ON SCHEMA public, auth, storage, extensions, graphql_public TO anon, authenticated, service_role;
  GRANT ALL ON ALL TABLES IN SCHEMA storage TO anon, authenticated, service_role;
EXCEPTION WHEN insufficient_privilege THEN
  -- Not the owner (a hosted project, where the platform made these grants already): nothing to add.
  NULL;
END
$shim$;
DO $shim$
DECLARE r text;
BEGIN
  -- Checked first: a repeated GRANT of a role membership prints a NOTICE on every run.
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
    IF NOT pg_has_role('authenticator', r, 'MEMBER') THEN EXECUTE format('GRANT %I TO authenticator', r); END IF;
  END LOOP;
END
$shim$;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
`

export type ExtensionStatus = { name: string; status: 'installed' | 'available' | 'stub' | 'missing' }
export type ShimReport = { extensions: ExtensionStatus[]; stubbed: string[]; missing: string[] }

// Applies the shim, then stands in (outside CREATE EXTENSION) for pre-installed platform extensions the engine
// lacks, so functions that call vault.create_secret() or graphql.resolve() still compile. Returns what the engine
// offers for each extension migrations commonly use.
export async function applyPlatformShim(sql: Sql): Promise<ShimReport> {
  await sql.unsafe(PLATFORM_SHIM)
  const available = new Set((await sql<{ name: string }[]>`select name from pg_available_extensions`).map((r) => r.name))
  const stubbed: string[] = []
  for (const stub of STUB_EXTENSIONS) {
    if (available.has(stub.name) || !(PREINSTALLED_EXTENSIONS as readonly string[]).includes(stub.name)) continue
    if (await objectExists(sql, stub.marker)) continue
    await sql.unsafe(stub.script)
    stubbed.push(stub.name)
  }
  const extensions = await extensionStatus(sql)
  return { extensions, stubbed, missing: extensions.filter((e) => e.status === 'missing').map((e) => e.name) }
}

// A database of the kit's own (a shadow, a test database) gets hosted Supabase's search_path for every later
// session; hosted sets it on the roles, which are cluster-wide and not ours to touch.
export async function setPlatformSearchPath(sql: Sql, database: string): Promise<void> {
  await sql`alter database ${sql(database)} set search_path = ${sql.unsafe(PLATFORM_SEARCH_PATH)}`
}

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

// A relation, function signature ("f(text)") or type, by qualified name.
async function objectExists(sql: Sql, name: string): Promise<boolean> {
  const [row] = name.includes('(')
    ? await sql<{ found: boolean }[]>`select to_regprocedure(${name}) is not null as found`
    : await sql<{ found: boolean }[]>`select to_regclass(${name}) is not null or to_regtype(${name}) is not null as found`
  return row.found
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

// The comment line of every stub extension's control file: how extensionStatus tells a stub from the real thing.
export const STUB_COMMENT = 'supabase-migration-kit stub'

// The two files PostgreSQL needs to offer an extension (share/extension/<name>.control and <name>--<v>.sql).
export function stubControlFiles(stub: StubExtension): { name: string; text: string }[] {
  const control = [
    `comment = '${STUB_COMMENT}: placeholders only'`,
    `default_version = '${stub.version}'`,
    // No fixed schema: migrations say `with schema extensions` or `with schema pg_catalog`, and the scripts name
    // their own schemas.
    'relocatable = false',
    `superuser = ${stub.superuser}`,
    '',
  ].join('\n')
  return [
    { name: `${stub.name}.control`, text: control },
    { name: `${stub.name}--${stub.version}.sql`, text: stub.script },
  ]
}
