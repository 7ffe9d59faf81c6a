// Stand-ins for platform extensions that no plain PostgreSQL build ships: the scripts, and the control files that
// offer them as extensions (lib/db/embedded.ts writes them into PGlite's share directory).
// Offered as extensions on PGlite. Each script only creates objects migrations reference (function signatures as in
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
