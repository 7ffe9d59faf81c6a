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
CREATE OR REPLACE FUNCTION cron.schedule_in_database(job_name text, schedule text, command text, database text, username text DEFAULT NULL, active boolean DEFAULT true) RETURNS bigint LANGUAGE sql AS
  $f$ INSERT INTO cron.job (jobname, schedule, command, database, username, active) VALUES (job_name, schedule, command, database, coalesce(username, current_user), active)
      ON CONFLICT (jobname) DO UPDATE SET schedule = EXCLUDED.schedule, command = EXCLUDED.command RETURNING jobid $f$;
CREATE OR REPLACE FUNCTION cron.alter_job(job_id bigint, schedule text DEFAULT NULL, command text DEFAULT NULL, database text DEFAULT NULL, username text DEFAULT NULL, active boolean DEFAULT NULL) RETURNS void LANGUAGE sql AS
  $f$ UPDATE cron.job SET schedule = coalesce(alter_job.schedule, job.schedule), command = coalesce(alter_job.command, job.command),
        database = coalesce(alter_job.database, job.database), username = coalesce(alter_job.username, job.username), active = coalesce(alter_job.active, job.active)
      WHERE jobid = job_id $f$;
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

  // The extensions hosted Supabase offers that migrations call, each with the objects and signatures those
  // migrations reference (names and argument lists as in the real extension's SQL), doing no real work.
  {
    // pgjwt (pre-installed on older projects): sign() and verify() as its pgjwt--0.2.0.sql declares them.
    name: 'pgjwt',
    marker: 'extensions.sign(json,text,text)',
    version: '0.0-stub',
    superuser: false,
    script: `
CREATE FUNCTION url_encode(data bytea) RETURNS text LANGUAGE sql IMMUTABLE AS $f$ SELECT translate(encode(data, 'base64'), E'+/=\\n', '-_') $f$;
CREATE FUNCTION url_decode(data text) RETURNS bytea LANGUAGE sql IMMUTABLE AS $f$ SELECT convert_to(data, 'UTF8') $f$;
CREATE FUNCTION algorithm_sign(signables text, secret text, algorithm text) RETURNS text LANGUAGE sql IMMUTABLE AS $f$ SELECT 'stub-signature'::text $f$;
CREATE FUNCTION sign(payload json, secret text, algorithm text DEFAULT 'HS256') RETURNS text LANGUAGE sql IMMUTABLE AS
  $f$ SELECT 'stub.' || translate(encode(convert_to(payload::text, 'UTF8'), 'base64'), E'+/=\\n', '-_') || '.stub-signature' $f$;
CREATE FUNCTION verify(token text, secret text, algorithm text DEFAULT 'HS256') RETURNS TABLE(header json, payload json, valid boolean) LANGUAGE sql IMMUTABLE AS
  $f$ SELECT '{"alg":"HS256","typ":"JWT"}'::json, '{}'::json, false $f$;
`,
  },
  {
    // pgmq 1.5.1 (hosted's version; pgflow and others check for message_record.headers): its public functions with
    // their signatures. Queues are tables pgmq.q_<name> and pgmq.a_<name>, as pgmq.create() makes them; reads
    // return nothing.
    name: 'pgmq',
    marker: 'pgmq.meta',
    version: '0.0-stub',
    superuser: false,
    script: `
DO $s$ BEGIN IF to_regnamespace('pgmq') IS NULL THEN CREATE SCHEMA pgmq; END IF; END $s$;
CREATE TABLE pgmq.meta (queue_name varchar UNIQUE NOT NULL, is_partitioned boolean NOT NULL DEFAULT false, is_unlogged boolean NOT NULL DEFAULT false, created_at timestamptz NOT NULL DEFAULT now());
CREATE TYPE pgmq.message_record AS (msg_id bigint, read_ct integer, enqueued_at timestamptz, vt timestamptz, message jsonb, headers jsonb);
CREATE TYPE pgmq.queue_record AS (queue_name varchar, is_partitioned boolean, is_unlogged boolean, created_at timestamptz);
CREATE TYPE pgmq.metrics_result AS (queue_name text, queue_length bigint, newest_msg_age_sec int, oldest_msg_age_sec int, total_messages bigint, scrape_time timestamptz, queue_visible_length bigint);
CREATE FUNCTION pgmq.create(queue_name text) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
  EXECUTE format('CREATE TABLE IF NOT EXISTS pgmq.%I (msg_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, read_ct integer NOT NULL DEFAULT 0, enqueued_at timestamptz NOT NULL DEFAULT now(), vt timestamptz NOT NULL DEFAULT now(), message jsonb, headers jsonb)', 'q_' || queue_name);
  EXECUTE format('CREATE TABLE IF NOT EXISTS pgmq.%I (msg_id bigint PRIMARY KEY, read_ct integer NOT NULL DEFAULT 0, enqueued_at timestamptz NOT NULL DEFAULT now(), archived_at timestamptz NOT NULL DEFAULT now(), vt timestamptz NOT NULL, message jsonb, headers jsonb)', 'a_' || queue_name);
  INSERT INTO pgmq.meta (queue_name) VALUES (queue_name) ON CONFLICT DO NOTHING;
END $f$;
CREATE FUNCTION pgmq.create_non_partitioned(queue_name text) RETURNS void LANGUAGE sql AS $f$ SELECT pgmq.create(queue_name) $f$;
CREATE FUNCTION pgmq.create_unlogged(queue_name text) RETURNS void LANGUAGE sql AS $f$ SELECT pgmq.create(queue_name) $f$;
CREATE FUNCTION pgmq.create_partitioned(queue_name text, partition_interval text DEFAULT '10000', retention_interval text DEFAULT '100000') RETURNS void LANGUAGE sql AS $f$ SELECT pgmq.create(queue_name) $f$;
CREATE FUNCTION pgmq.drop_queue(queue_name text) RETURNS boolean LANGUAGE plpgsql AS $f$
BEGIN
  EXECUTE format('DROP TABLE IF EXISTS pgmq.%I, pgmq.%I', 'q_' || queue_name, 'a_' || queue_name);
  DELETE FROM pgmq.meta WHERE meta.queue_name = drop_queue.queue_name;
  RETURN true;
END $f$;
CREATE FUNCTION pgmq.drop_queue(queue_name text, partitioned boolean) RETURNS boolean LANGUAGE sql AS $f$ SELECT pgmq.drop_queue(queue_name) $f$;
CREATE FUNCTION pgmq.send(queue_name text, msg jsonb, headers jsonb, delay timestamptz) RETURNS SETOF bigint LANGUAGE plpgsql AS $f$
BEGIN RETURN QUERY EXECUTE format('INSERT INTO pgmq.%I (vt, message, headers) VALUES ($1, $2, $3) RETURNING msg_id', 'q_' || queue_name) USING delay, msg, headers; END $f$;
CREATE FUNCTION pgmq.send(queue_name text, msg jsonb) RETURNS SETOF bigint LANGUAGE sql AS $f$ SELECT pgmq.send(queue_name, msg, NULL::jsonb, now()) $f$;
CREATE FUNCTION pgmq.send(queue_name text, msg jsonb, headers jsonb) RETURNS SETOF bigint LANGUAGE sql AS $f$ SELECT pgmq.send(queue_name, msg, headers, now()) $f$;
CREATE FUNCTION pgmq.send(queue_name text, msg jsonb, delay integer) RETURNS SETOF bigint LANGUAGE sql AS $f$ SELECT pgmq.send(queue_name, msg, NULL::jsonb, now() + make_interval(secs => delay)) $f$;
CREATE FUNCTION pgmq.send(queue_name text, msg jsonb, delay timestamptz) RETURNS SETOF bigint LANGUAGE sql AS $f$ SELECT pgmq.send(queue_name, msg, NULL::jsonb, delay) $f$;
CREATE FUNCTION pgmq.send(queue_name text, msg jsonb, headers jsonb, delay integer) RETURNS SETOF bigint LANGUAGE sql AS $f$ SELECT pgmq.send(queue_name, msg, headers, now() + make_interval(secs => delay)) $f$;
CREATE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], headers jsonb[], delay timestamptz) RETURNS SETOF bigint LANGUAGE plpgsql AS $f$
BEGIN RETURN QUERY EXECUTE format('INSERT INTO pgmq.%I (vt, message, headers) SELECT $1, m, h FROM unnest($2, $3) AS u(m, h) RETURNING msg_id', 'q_' || queue_name) USING delay, msgs, headers; END $f$;
CREATE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[]) RETURNS SETOF bigint LANGUAGE sql AS $f$ SELECT pgmq.send_batch(queue_name, msgs, NULL::jsonb[], now()) $f$;
CREATE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], headers jsonb[]) RETURNS SETOF bigint LANGUAGE sql AS $f$ SELECT pgmq.send_batch(queue_name, msgs, headers, now()) $f$;
CREATE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], delay integer) RETURNS SETOF bigint LANGUAGE sql AS $f$ SELECT pgmq.send_batch(queue_name, msgs, NULL::jsonb[], now() + make_interval(secs => delay)) $f$;
CREATE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], delay timestamptz) RETURNS SETOF bigint LANGUAGE sql AS $f$ SELECT pgmq.send_batch(queue_name, msgs, NULL::jsonb[], delay) $f$;
CREATE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], headers jsonb[], delay integer) RETURNS SETOF bigint LANGUAGE sql AS $f$ SELECT pgmq.send_batch(queue_name, msgs, headers, now() + make_interval(secs => delay)) $f$;
CREATE FUNCTION pgmq.read(queue_name text, vt integer, qty integer, conditional jsonb DEFAULT '{}') RETURNS SETOF pgmq.message_record LANGUAGE sql AS $f$ SELECT NULL::pgmq.message_record WHERE false $f$;
CREATE FUNCTION pgmq.read_with_poll(queue_name text, vt integer, qty integer, max_poll_seconds integer DEFAULT 5, poll_interval_ms integer DEFAULT 100, conditional jsonb DEFAULT '{}') RETURNS SETOF pgmq.message_record LANGUAGE sql AS $f$ SELECT NULL::pgmq.message_record WHERE false $f$;
CREATE FUNCTION pgmq.pop(queue_name text) RETURNS SETOF pgmq.message_record LANGUAGE sql AS $f$ SELECT NULL::pgmq.message_record WHERE false $f$;
CREATE FUNCTION pgmq.set_vt(queue_name text, msg_id bigint, vt integer) RETURNS SETOF pgmq.message_record LANGUAGE sql AS $f$ SELECT NULL::pgmq.message_record WHERE false $f$;
CREATE FUNCTION pgmq.delete(queue_name text, msg_id bigint) RETURNS boolean LANGUAGE sql AS $f$ SELECT false $f$;
CREATE FUNCTION pgmq.delete(queue_name text, msg_ids bigint[]) RETURNS SETOF bigint LANGUAGE sql AS $f$ SELECT NULL::bigint WHERE false $f$;
CREATE FUNCTION pgmq.archive(queue_name text, msg_id bigint) RETURNS boolean LANGUAGE sql AS $f$ SELECT false $f$;
CREATE FUNCTION pgmq.archive(queue_name text, msg_ids bigint[]) RETURNS SETOF bigint LANGUAGE sql AS $f$ SELECT NULL::bigint WHERE false $f$;
CREATE FUNCTION pgmq.purge_queue(queue_name text) RETURNS bigint LANGUAGE sql AS $f$ SELECT 0::bigint $f$;
CREATE FUNCTION pgmq.detach_archive(queue_name text) RETURNS void LANGUAGE sql AS $f$ SELECT $f$;
CREATE FUNCTION pgmq.metrics(queue_name text) RETURNS pgmq.metrics_result LANGUAGE sql AS $f$ SELECT queue_name, 0::bigint, NULL::int, NULL::int, 0::bigint, now(), 0::bigint $f$;
CREATE FUNCTION pgmq.metrics_all() RETURNS SETOF pgmq.metrics_result LANGUAGE sql AS $f$ SELECT pgmq.metrics(queue_name) FROM pgmq.meta $f$;
CREATE FUNCTION pgmq.list_queues() RETURNS SETOF pgmq.queue_record LANGUAGE sql AS $f$ SELECT queue_name, is_partitioned, is_unlogged, created_at FROM pgmq.meta $f$;
`,
  },
  {
    // pg_tle: install_extension() records the extension; a later CREATE EXTENSION of it still fails on the
    // shadow (only the real pg_tle serves its own control files).
    name: 'pg_tle',
    marker: 'pgtle.install_extension(text,text,text,text,text[])',
    version: '0.0-stub',
    superuser: false,
    script: `
DO $s$ BEGIN IF to_regnamespace('pgtle') IS NULL THEN CREATE SCHEMA pgtle; END IF; END $s$;
CREATE TABLE pgtle.stub_extensions (name text, version text, description text, ext text, requires text[], PRIMARY KEY (name, version));
CREATE FUNCTION pgtle.install_extension(name text, version text, description text, ext text, requires text[] DEFAULT NULL) RETURNS boolean LANGUAGE sql AS
  $f$ INSERT INTO pgtle.stub_extensions VALUES (name, version, description, ext, requires) RETURNING true $f$;
CREATE FUNCTION pgtle.install_update_path(name text, fromvers text, tovers text, ext text) RETURNS boolean LANGUAGE sql AS $f$ SELECT true $f$;
CREATE FUNCTION pgtle.set_default_version(name text, version text) RETURNS boolean LANGUAGE sql AS $f$ SELECT true $f$;
CREATE FUNCTION pgtle.uninstall_extension(extname text) RETURNS boolean LANGUAGE sql AS
  $f$ WITH d AS (DELETE FROM pgtle.stub_extensions WHERE name = extname RETURNING 1) SELECT count(*) > 0 FROM d $f$;
CREATE FUNCTION pgtle.available_extensions() RETURNS TABLE(name text, default_version text, comment text) LANGUAGE sql AS
  $f$ SELECT name, max(version), max(description) FROM pgtle.stub_extensions GROUP BY name $f$;
`,
  },
  {
    // http (pgsql-http): its types and the request functions, answering status 0 without a request.
    name: 'http',
    marker: 'extensions.http_response',
    version: '0.0-stub',
    superuser: false,
    script: `
CREATE DOMAIN http_method AS text;
CREATE DOMAIN content_type AS text;
CREATE TYPE http_header AS (field varchar, value varchar);
CREATE TYPE http_request AS (method http_method, uri varchar, headers http_header[], content_type varchar, content varchar);
CREATE TYPE http_response AS (status integer, content_type varchar, headers http_header[], content varchar);
CREATE FUNCTION http_header(field varchar, value varchar) RETURNS http_header LANGUAGE sql AS $f$ SELECT ROW(field, value)::http_header $f$;
CREATE FUNCTION http(request http_request) RETURNS http_response LANGUAGE sql AS $f$ SELECT ROW(0, NULL, NULL, NULL)::http_response $f$;
CREATE FUNCTION http_get(uri varchar) RETURNS http_response LANGUAGE sql AS $f$ SELECT ROW(0, NULL, NULL, NULL)::http_response $f$;
CREATE FUNCTION http_get(uri varchar, data jsonb) RETURNS http_response LANGUAGE sql AS $f$ SELECT ROW(0, NULL, NULL, NULL)::http_response $f$;
CREATE FUNCTION http_post(uri varchar, content varchar, content_type varchar) RETURNS http_response LANGUAGE sql AS $f$ SELECT ROW(0, NULL, NULL, NULL)::http_response $f$;
CREATE FUNCTION http_post(uri varchar, data jsonb) RETURNS http_response LANGUAGE sql AS $f$ SELECT ROW(0, NULL, NULL, NULL)::http_response $f$;
CREATE FUNCTION http_put(uri varchar, content varchar, content_type varchar) RETURNS http_response LANGUAGE sql AS $f$ SELECT ROW(0, NULL, NULL, NULL)::http_response $f$;
CREATE FUNCTION http_patch(uri varchar, content varchar, content_type varchar) RETURNS http_response LANGUAGE sql AS $f$ SELECT ROW(0, NULL, NULL, NULL)::http_response $f$;
CREATE FUNCTION http_delete(uri varchar) RETURNS http_response LANGUAGE sql AS $f$ SELECT ROW(0, NULL, NULL, NULL)::http_response $f$;
CREATE FUNCTION http_head(uri varchar) RETURNS http_response LANGUAGE sql AS $f$ SELECT ROW(0, NULL, NULL, NULL)::http_response $f$;
CREATE FUNCTION http_set_curlopt(curlopt varchar, value varchar) RETURNS boolean LANGUAGE sql AS $f$ SELECT true $f$;
CREATE FUNCTION http_reset_curlopt() RETURNS boolean LANGUAGE sql AS $f$ SELECT true $f$;
CREATE FUNCTION urlencode(string varchar) RETURNS text LANGUAGE sql IMMUTABLE AS $f$ SELECT string::text $f$;
CREATE FUNCTION urlencode(data jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $f$ SELECT data::text $f$;
`,
  },
  {
    // pg_jsonschema: every instance "matches" (CHECK constraints that call it accept every row).
    name: 'pg_jsonschema',
    marker: 'extensions.json_matches_schema(json,json)',
    version: '0.0-stub',
    superuser: false,
    script: `
CREATE FUNCTION json_matches_schema(schema json, instance json) RETURNS boolean LANGUAGE sql IMMUTABLE AS $f$ SELECT true $f$;
CREATE FUNCTION jsonb_matches_schema(schema json, instance jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $f$ SELECT true $f$;
CREATE FUNCTION jsonschema_is_valid(schema json) RETURNS boolean LANGUAGE sql IMMUTABLE AS $f$ SELECT true $f$;
CREATE FUNCTION jsonschema_validation_errors(schema json, instance json) RETURNS text[] LANGUAGE sql IMMUTABLE AS $f$ SELECT '{}'::text[] $f$;
`,
  },
  {
    // pg_hashids: id_encode/id_decode with the real overloads (salt, minimum length, alphabet); the "hash" is the number.
    name: 'pg_hashids',
    marker: 'extensions.id_encode(bigint)',
    version: '0.0-stub',
    superuser: false,
    script: `
CREATE FUNCTION id_encode(bigint) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT $1::text $f$;
CREATE FUNCTION id_encode(bigint, text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT $1::text $f$;
CREATE FUNCTION id_encode(bigint, text, integer) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT $1::text $f$;
CREATE FUNCTION id_encode(bigint, text, integer, text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT $1::text $f$;
CREATE FUNCTION id_encode(bigint[]) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT array_to_string($1, '-') $f$;
CREATE FUNCTION id_encode(bigint[], text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT array_to_string($1, '-') $f$;
CREATE FUNCTION id_encode(bigint[], text, integer) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT array_to_string($1, '-') $f$;
CREATE FUNCTION id_encode(bigint[], text, integer, text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT array_to_string($1, '-') $f$;
CREATE FUNCTION id_decode(text) RETURNS bigint[] LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT string_to_array($1, '-')::bigint[] $f$;
CREATE FUNCTION id_decode(text, text) RETURNS bigint[] LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT string_to_array($1, '-')::bigint[] $f$;
CREATE FUNCTION id_decode(text, text, integer) RETURNS bigint[] LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT string_to_array($1, '-')::bigint[] $f$;
CREATE FUNCTION id_decode(text, text, integer, text) RETURNS bigint[] LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT string_to_array($1, '-')::bigint[] $f$;
CREATE FUNCTION id_decode_once(text) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT split_part($1, '-', 1)::bigint $f$;
CREATE FUNCTION id_decode_once(text, text) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT split_part($1, '-', 1)::bigint $f$;
CREATE FUNCTION id_decode_once(text, text, integer) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT split_part($1, '-', 1)::bigint $f$;
CREATE FUNCTION id_decode_once(text, text, integer, text) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT split_part($1, '-', 1)::bigint $f$;
`,
  },
  {
    // hypopg: hypothetical indexes are never made; the functions answer with none.
    name: 'hypopg',
    marker: 'extensions.hypopg_reset()',
    version: '0.0-stub',
    superuser: false,
    script: `
CREATE FUNCTION hypopg_create_index(sql_order text, OUT indexrelid oid, OUT indexname text) RETURNS SETOF record LANGUAGE sql AS $f$ SELECT 0::oid, ''::text WHERE false $f$;
CREATE FUNCTION hypopg_drop_index(indexid oid) RETURNS boolean LANGUAGE sql AS $f$ SELECT false $f$;
CREATE FUNCTION hypopg_reset() RETURNS void LANGUAGE sql AS $f$ SELECT $f$;
CREATE FUNCTION hypopg_relation_size(indexid oid) RETURNS bigint LANGUAGE sql AS $f$ SELECT 0::bigint $f$;
CREATE FUNCTION hypopg(OUT indexname text, OUT indexrelid oid, OUT indrelid oid, OUT innatts integer, OUT indisunique boolean, OUT indkey int2vector, OUT indcollation oidvector, OUT indclass oidvector, OUT indoption oidvector, OUT indexprs pg_node_tree, OUT indpred pg_node_tree, OUT amid oid)
  RETURNS SETOF record LANGUAGE sql AS $f$ SELECT NULL::text, NULL::oid, NULL::oid, NULL::integer, NULL::boolean, NULL::int2vector, NULL::oidvector, NULL::oidvector, NULL::oidvector, NULL::pg_node_tree, NULL::pg_node_tree, NULL::oid WHERE false $f$;
`,
  },
  {
    // index_advisor (needs hypopg on hosted): the one function, advising nothing.
    name: 'index_advisor',
    marker: 'extensions.index_advisor(text)',
    version: '0.0-stub',
    superuser: false,
    script: `
CREATE FUNCTION index_advisor(query text) RETURNS TABLE(startup_cost_before jsonb, startup_cost_after jsonb, total_cost_before jsonb, total_cost_after jsonb, index_statements text[], errors text[]) LANGUAGE sql AS
  $f$ SELECT '0'::jsonb, '0'::jsonb, '0'::jsonb, '0'::jsonb, '{}'::text[], '{}'::text[] $f$;
`,
  },
  {
    // plpgsql_check: checks nothing, reports nothing.
    name: 'plpgsql_check',
    marker: 'extensions.plpgsql_check_function(regprocedure,regclass,text,boolean,boolean,boolean,boolean,boolean)',
    version: '0.0-stub',
    superuser: false,
    script: `
CREATE FUNCTION plpgsql_check_function(funcoid regprocedure, relid regclass DEFAULT 0, format text DEFAULT 'text', fatal_errors boolean DEFAULT true, other_warnings boolean DEFAULT true, performance_warnings boolean DEFAULT false, extra_warnings boolean DEFAULT true, security_warnings boolean DEFAULT false)
  RETURNS SETOF text LANGUAGE sql AS $f$ SELECT ''::text WHERE false $f$;
CREATE FUNCTION plpgsql_check_function_tb(funcoid regprocedure, relid regclass DEFAULT 0, fatal_errors boolean DEFAULT true, other_warnings boolean DEFAULT true, performance_warnings boolean DEFAULT false, extra_warnings boolean DEFAULT true, security_warnings boolean DEFAULT false)
  RETURNS TABLE(functionid regproc, lineno integer, statement text, sqlstate text, message text, detail text, hint text, level text, "position" integer, query text, context text)
  LANGUAGE sql AS $f$ SELECT NULL::regproc, NULL::integer, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::integer, NULL::text, NULL::text WHERE false $f$;
`,
  },
  {
    // pgTAP: the assertions a migration or test file calls, each passing.
    name: 'pgtap',
    marker: 'extensions.no_plan()',
    version: '0.0-stub',
    superuser: false,
    script: `
CREATE FUNCTION plan(integer) RETURNS text LANGUAGE sql AS $f$ SELECT '1..' || $1 $f$;
CREATE FUNCTION no_plan() RETURNS SETOF boolean LANGUAGE sql AS $f$ SELECT true $f$;
CREATE FUNCTION finish() RETURNS SETOF text LANGUAGE sql AS $f$ SELECT ''::text WHERE false $f$;
CREATE FUNCTION diag(msg text) RETURNS text LANGUAGE sql AS $f$ SELECT '# ' || msg $f$;
CREATE FUNCTION pass(text DEFAULT '') RETURNS text LANGUAGE sql AS $f$ SELECT 'ok ' || $1 $f$;
CREATE FUNCTION fail(text DEFAULT '') RETURNS text LANGUAGE sql AS $f$ SELECT 'ok ' || $1 $f$;
CREATE FUNCTION ok(boolean, text DEFAULT '') RETURNS text LANGUAGE sql AS $f$ SELECT 'ok ' || $2 $f$;
CREATE FUNCTION is(anyelement, anyelement, text DEFAULT '') RETURNS text LANGUAGE sql AS $f$ SELECT 'ok ' || $3 $f$;
CREATE FUNCTION isnt(anyelement, anyelement, text DEFAULT '') RETURNS text LANGUAGE sql AS $f$ SELECT 'ok ' || $3 $f$;
CREATE FUNCTION has_table(name, text DEFAULT '') RETURNS text LANGUAGE sql AS $f$ SELECT 'ok ' || $2 $f$;
CREATE FUNCTION has_table(name, name, text) RETURNS text LANGUAGE sql AS $f$ SELECT 'ok ' || $3 $f$;
CREATE FUNCTION has_column(name, name, text DEFAULT '') RETURNS text LANGUAGE sql AS $f$ SELECT 'ok ' || $3 $f$;
CREATE FUNCTION has_function(name, text DEFAULT '') RETURNS text LANGUAGE sql AS $f$ SELECT 'ok ' || $2 $f$;
CREATE FUNCTION policies_are(name, name, name[], text DEFAULT '') RETURNS text LANGUAGE sql AS $f$ SELECT 'ok ' || $4 $f$;
CREATE FUNCTION throws_ok(text, text DEFAULT NULL, text DEFAULT NULL) RETURNS text LANGUAGE sql AS $f$ SELECT 'ok'::text $f$;
CREATE FUNCTION lives_ok(text, text DEFAULT '') RETURNS text LANGUAGE sql AS $f$ SELECT 'ok ' || $2 $f$;
`,
  },
  {
    // Supabase Wrappers: each FDW's handler, validator and meta function. A handler must return fdw_handler, which
    // only C (or internal) functions can; fdw_handler_in (the pseudo-type's input function) gives one that CREATE
    // FOREIGN DATA WRAPPER accepts and that fails if a query ever calls it (which replaying DDL never does).
    name: 'wrappers',
    marker: 'extensions.wrappers_fdw_stats',
    version: '0.0-stub',
    superuser: true,
    script: `
CREATE TABLE wrappers_fdw_stats (fdw_name text PRIMARY KEY, create_times bigint, rows_in bigint, rows_out bigint, bytes_in bigint, bytes_out bigint, metadata jsonb, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
DO $s$
DECLARE fdw text;
BEGIN
  FOREACH fdw IN ARRAY ARRAY['stripe', 'firebase', 's3', 'clickhouse', 'bigquery', 'airtable', 'logflare', 'auth0', 'cognito', 'mssql', 'redis', 'wasm', 'iceberg', 'duckdb', 'notion', 'paddle', 'snowflake', 'cal', 'calendly', 'cfd1', 'hello_world'] LOOP
    EXECUTE format('CREATE FUNCTION %I() RETURNS fdw_handler LANGUAGE internal AS %L', fdw || '_fdw_handler', 'fdw_handler_in');
    EXECUTE format('CREATE FUNCTION %I(options text[], catalog oid) RETURNS void LANGUAGE plpgsql AS $f$ BEGIN END $f$', fdw || '_fdw_validator');
    EXECUTE format('CREATE FUNCTION %I() RETURNS TABLE(name text, version text, author text, website text) LANGUAGE sql AS $f$ SELECT %L, ''0.0-stub'', ,  $f$', fdw || '_fdw_meta', fdw);
  END LOOP;
END $s$;
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
