// The Supabase platform shim: just enough of what a hosted Supabase database already has (roles, auth,
// storage, the realtime publication, default privileges, extensions) for real Supabase migrations to run on plain
// PostgreSQL, with the owners and ACLs Supabase's own sources give them (the supabase/postgres image's
// migrations/db/init-scripts, supabase/auth and supabase/storage migrations). It runs only on a database of the
// kit's own: where auth.users already exists (a real project, or the platform made by other means) it does
// nothing at all, and every object it grants on is one it has just created, so it can change nothing that was
// there. What it cannot reproduce: on hosted projects `postgres` is NOSUPERUSER (supabase_admin is the
// superuser), while a shadow is reached as a superuser, so statements only a superuser may run (event triggers,
// ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin, CREATE in realtime or graphql_public) pass on a shadow and
// fail on hosted. Role attributes of existing roles are never changed: roles are cluster-wide.
import type { Sql } from '../../run/sql.ts'
import { extensionStatus, PREINSTALLED_EXTENSIONS, type ExtensionStatus } from './extensions.ts'
import { STUB_COMMENT, STUB_EXTENSIONS } from './stubs.ts'

export const PLATFORM_ROLES = ['anon', 'authenticated', 'service_role', 'authenticator', 'supabase_admin', 'supabase_auth_admin', 'supabase_storage_admin', 'dashboard_user'] as const

// The search_path hosted Supabase gives postgres and the API roles (ALTER ROLE … SET search_path): migrations call
// uuid_generate_v4() or gen_random_bytes() unqualified because `extensions` is on it. The shim itself never alters
// roles or databases (it must change nothing on a real project); the databases the kit creates get it instead
// (lib/db/shadow.ts, lib/db/embedded.ts).
export const PLATFORM_SEARCH_PATH = '"$user", public, extensions'

export const PLATFORM_SCHEMAS = ['auth', 'storage', 'extensions', 'realtime', 'vault', 'graphql', 'graphql_public', 'supabase_functions', 'cron', 'net'] as const

const PLATFORM_SHIM = `
DO $shim$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated', 'service_role', 'authenticator', 'supabase_admin',
                           'supabase_auth_admin', 'supabase_storage_admin', 'dashboard_user'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      BEGIN
        -- NOINHERIT as on hosted for the roles that switch (authenticator, the service admins); never LOGIN or
        -- SUPERUSER: on a --shadow-url server a password-less login role would be a way in.
        EXECUTE format('CREATE ROLE %I NOLOGIN%s', r,
          CASE WHEN r IN ('authenticator', 'supabase_auth_admin', 'supabase_storage_admin') THEN ' NOINHERIT' ELSE '' END);
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

-- Owners and ACLs as hosted has them (the image's init-scripts 00000000000001-auth-schema.sql,
-- 00000000000002-storage-schema.sql, 00000000000003-post-setup.sql), set only on a schema made here.
DO $shim$
DECLARE
  spec text[];
  specs text[][] := ARRAY[
    -- schema, owner, what each grantee gets (role=privileges)
    ARRAY['auth', 'supabase_admin', 'anon=USAGE authenticated=USAGE service_role=USAGE supabase_auth_admin=ALL dashboard_user=ALL postgres=ALL'],
    ARRAY['storage', 'supabase_admin', 'anon=USAGE authenticated=USAGE service_role=USAGE supabase_storage_admin=ALL dashboard_user=ALL postgres=ALL'],
    ARRAY['extensions', 'postgres', 'anon=USAGE authenticated=USAGE service_role=USAGE dashboard_user=ALL'],
    ARRAY['realtime', 'supabase_admin', 'postgres=USAGE'],
    ARRAY['vault', 'supabase_admin', ''],
    ARRAY['graphql', 'supabase_admin', 'anon=USAGE authenticated=USAGE service_role=USAGE postgres=USAGE*'],
    ARRAY['graphql_public', 'supabase_admin', 'anon=USAGE authenticated=USAGE service_role=USAGE postgres=USAGE*'],
    -- Not made by the image (pg_net, pg_cron and the functions service make them on hosted): here, so the
    -- stand-ins and migrations that reference them find them. Not where the engine has the real extension (not the
    -- kit's stand-in, stubs.ts): its script makes the schema and fails on one that exists (42P06 for pg_cron,
    -- "not a member of extension" for pg_net).
    ARRAY['supabase_functions', 'postgres', ''],
    ARRAY['cron', 'postgres', ''],
    ARRAY['net', 'postgres', '']];
  grant_spec text;
BEGIN
  FOREACH spec SLICE 1 IN ARRAY specs LOOP
    CONTINUE WHEN to_regnamespace(spec[1]) IS NOT NULL;
    CONTINUE WHEN spec[1] IN ('cron', 'net') AND EXISTS (SELECT 1 FROM pg_available_extensions
      WHERE name = CASE spec[1] WHEN 'cron' THEN 'pg_cron' ELSE 'pg_net' END AND comment NOT LIKE '${STUB_COMMENT}%');
    EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', spec[1], spec[2]);
    FOREACH grant_spec IN ARRAY coalesce(string_to_array(nullif(spec[3], ''), ' '), '{}') LOOP
      EXECUTE format('GRANT %s ON SCHEMA %I TO %I%s', rtrim(split_part(grant_spec, '=', 2), '*'), spec[1],
        split_part(grant_spec, '=', 1), CASE WHEN grant_spec LIKE '%*' THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
  END LOOP;
END
$shim$;

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
    phone text UNIQUE DEFAULT NULL::character varying,
    phone_confirmed_at timestamptz,
    phone_change text DEFAULT ''::character varying,
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
  -- As GoTrue's migrations leave it (run as supabase_auth_admin; RLS since 20240612123726_enable_rls_update_grants).
  ALTER TABLE auth.users OWNER TO supabase_auth_admin;
  GRANT ALL ON auth.users TO dashboard_user, postgres;
  GRANT SELECT ON auth.users TO postgres WITH GRANT OPTION;
  ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY;
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
  ALTER TABLE auth.identities OWNER TO supabase_auth_admin;
  GRANT ALL ON auth.identities TO dashboard_user, postgres;
  GRANT SELECT ON auth.identities TO postgres WITH GRANT OPTION;
  ALTER TABLE auth.identities ENABLE ROW LEVEL SECURITY;
  END IF;
END
$shim$;

DO $shim$
BEGIN
  IF to_regprocedure('auth.uid()') IS NULL THEN
    CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS
      $f$ SELECT coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid $f$;
    ALTER FUNCTION auth.uid() OWNER TO supabase_auth_admin;
    GRANT EXECUTE ON FUNCTION auth.uid() TO dashboard_user;
  END IF;
  IF to_regprocedure('auth.role()') IS NULL THEN
    CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS
      $f$ SELECT coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text $f$;
    ALTER FUNCTION auth.role() OWNER TO supabase_auth_admin;
    GRANT EXECUTE ON FUNCTION auth.role() TO dashboard_user;
  END IF;
  IF to_regprocedure('auth.email()') IS NULL THEN
    CREATE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS
      $f$ SELECT coalesce(nullif(current_setting('request.jwt.claim.email', true), ''),
                          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'))::text $f$;
    ALTER FUNCTION auth.email() OWNER TO supabase_auth_admin;
    GRANT EXECUTE ON FUNCTION auth.email() TO dashboard_user;
  END IF;
  IF to_regprocedure('auth.jwt()') IS NULL THEN
    CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS
      $f$ SELECT coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                          nullif(current_setting('request.jwt.claims', true), ''))::jsonb $f$;
    ALTER FUNCTION auth.jwt() OWNER TO supabase_auth_admin;
    GRANT EXECUTE ON FUNCTION auth.jwt() TO dashboard_user, postgres;
  END IF;
END
$shim$;

-- storage.buckets and storage.objects as the storage service's migrations leave them (run as
-- supabase_storage_admin; current columns, the FK's camel-case name, RLS on from the start), and its
-- protect_delete triggers: a direct DELETE fails with 42501 on hosted unless storage.allow_delete_query is set.
DO $shim$
DECLARE made_buckets boolean := to_regclass('storage.buckets') IS NULL;
        made_objects boolean := to_regclass('storage.objects') IS NULL;
BEGIN
  IF made_buckets THEN
    IF to_regtype('storage.buckettype') IS NULL THEN
      CREATE TYPE storage.buckettype AS ENUM ('STANDARD', 'ANALYTICS', 'VECTOR');
      ALTER TYPE storage.buckettype OWNER TO supabase_storage_admin;
    END IF;
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
      owner_id text,
      type storage.buckettype NOT NULL DEFAULT 'STANDARD',
      versioning_status text NOT NULL DEFAULT 'DISABLED'
    );
    CREATE UNIQUE INDEX bname ON storage.buckets (name);
  END IF;
  IF made_objects THEN
    CREATE TABLE storage.objects (
      id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      bucket_id text CONSTRAINT "objects_bucketId_fkey" REFERENCES storage.buckets (id),
      name text,
      owner uuid,
      created_at timestamptz DEFAULT now(),
      updated_at timestamptz DEFAULT now(),
      last_accessed_at timestamptz DEFAULT now(),
      metadata jsonb,
      path_tokens text[] GENERATED ALWAYS AS (string_to_array(name, '/')) STORED,
      version text,
      owner_id text,
      user_metadata jsonb,
      archived_at timestamptz,
      is_delete_marker boolean NOT NULL DEFAULT false,
      is_versioned boolean NOT NULL DEFAULT false
    );
    CREATE UNIQUE INDEX bucketid_objname ON storage.objects (bucket_id, name);
  END IF;
  IF (made_buckets OR made_objects) AND to_regprocedure('storage.protect_delete()') IS NULL THEN
    CREATE FUNCTION storage.protect_delete() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF coalesce(current_setting('storage.allow_delete_query', true), 'false') != 'true' THEN
        RAISE EXCEPTION 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
          USING HINT = 'This prevents accidental data loss from orphaned objects.', ERRCODE = '42501';
      END IF;
      RETURN NULL;
    END
    $f$;
    ALTER FUNCTION storage.protect_delete() OWNER TO supabase_storage_admin;
  END IF;
  IF made_buckets THEN
    ALTER TABLE storage.buckets OWNER TO supabase_storage_admin;
    GRANT ALL ON storage.buckets TO anon, authenticated, service_role;
    GRANT ALL ON storage.buckets TO postgres WITH GRANT OPTION;
    ALTER TABLE storage.buckets ENABLE ROW LEVEL SECURITY;
    CREATE TRIGGER protect_buckets_delete BEFORE DELETE ON storage.buckets FOR EACH STATEMENT EXECUTE FUNCTION storage.protect_delete();
  END IF;
  IF made_objects THEN
    ALTER TABLE storage.objects OWNER TO supabase_storage_admin;
    GRANT ALL ON storage.objects TO anon, authenticated, service_role;
    GRANT ALL ON storage.objects TO postgres WITH GRANT OPTION;
    ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
    CREATE TRIGGER protect_objects_delete BEFORE DELETE ON storage.objects FOR EACH STATEMENT EXECUTE FUNCTION storage.protect_delete();
  END IF;
END
$shim$;

DO $shim$
BEGIN
  IF to_regprocedure('storage.foldername(text)') IS NULL THEN
    CREATE FUNCTION storage.foldername(name text) RETURNS text[] LANGUAGE plpgsql IMMUTABLE AS
      $f$ DECLARE parts text[]; BEGIN SELECT string_to_array(name, '/') INTO parts; RETURN parts[1:array_length(parts, 1) - 1]; END $f$;
    ALTER FUNCTION storage.foldername(text) OWNER TO supabase_storage_admin;
    GRANT EXECUTE ON FUNCTION storage.foldername(text) TO anon, authenticated, service_role, dashboard_user, postgres;
  END IF;
  IF to_regprocedure('storage.filename(text)') IS NULL THEN
    CREATE FUNCTION storage.filename(name text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS
      $f$ DECLARE parts text[]; BEGIN SELECT string_to_array(name, '/') INTO parts; RETURN parts[array_length(parts, 1)]; END $f$;
    ALTER FUNCTION storage.filename(text) OWNER TO supabase_storage_admin;
    GRANT EXECUTE ON FUNCTION storage.filename(text) TO anon, authenticated, service_role, dashboard_user, postgres;
  END IF;
  IF to_regprocedure('storage.extension(text)') IS NULL THEN
    CREATE FUNCTION storage.extension(name text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS
      $f$ DECLARE parts text[]; BEGIN SELECT string_to_array(name, '/') INTO parts; RETURN reverse(split_part(reverse(parts[array_length(parts, 1)]), '.', 1)); END $f$;
    ALTER FUNCTION storage.extension(text) OWNER TO supabase_storage_admin;
    GRANT EXECUTE ON FUNCTION storage.extension(text) TO anon, authenticated, service_role, dashboard_user, postgres;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'supabase_realtime') THEN
    -- The CLI's globals.sql spelling.
    CREATE PUBLICATION supabase_realtime WITH (publish = 'insert, update, delete, truncate');
    ALTER PUBLICATION supabase_realtime OWNER TO postgres;
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

-- Schema public as hosted (grantor pg_database_owner, its owner since PostgreSQL 15), postgres included.
GRANT USAGE ON SCHEMA public TO postgres, anon, authenticated, service_role;
DO $shim$
DECLARE r text;
BEGIN
  -- Checked first: a repeated GRANT of a role membership prints a NOTICE on every run.
  FOREACH r IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
    IF NOT pg_has_role('authenticator', r, 'MEMBER') THEN EXECUTE format('GRANT %I TO authenticator', r); END IF;
  END LOOP;
END
$shim$;
-- Supabase's default privileges, as rows of the roles that own them on hosted (FOR ROLE: the same rows whichever
-- superuser the shadow is reached as). postgres's rows also grant to postgres itself, so a migration's
-- 'alter default privileges … revoke … from anon' leaves the row hosted keeps. Storage's rows come after the
-- shim's own storage tables, which they must not touch. supabase_admin's and supabase_auth_admin's rows are the
-- platform's (left out of the catalog), set so that objects those roles make get hosted's grants.
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public, storage GRANT ALL ON TABLES TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public, storage GRANT ALL ON SEQUENCES TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public, storage GRANT ALL ON FUNCTIONS TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public, graphql, graphql_public GRANT ALL ON TABLES TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public, graphql, graphql_public GRANT ALL ON SEQUENCES TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public, graphql, graphql_public GRANT ALL ON FUNCTIONS TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA realtime GRANT ALL ON TABLES TO postgres, dashboard_user;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA realtime GRANT ALL ON SEQUENCES TO postgres, dashboard_user;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA realtime GRANT ALL ON FUNCTIONS TO postgres, dashboard_user;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA extensions GRANT ALL ON TABLES TO postgres WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA extensions GRANT ALL ON SEQUENCES TO postgres WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA extensions GRANT ALL ON FUNCTIONS TO postgres WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_auth_admin IN SCHEMA auth GRANT ALL ON TABLES TO postgres, dashboard_user;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_auth_admin IN SCHEMA auth GRANT ALL ON SEQUENCES TO postgres, dashboard_user;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_auth_admin IN SCHEMA auth GRANT ALL ON FUNCTIONS TO postgres, dashboard_user;
`

// `platformPresent`: auth.users existed before, so the shim did nothing (a real project, or a database whose
// platform was made by other means: it must change nothing there).
export type ShimReport = { extensions: ExtensionStatus[]; stubbed: string[]; missing: string[]; platformPresent: boolean }

// Applies the shim, then stands in (outside CREATE EXTENSION) for pre-installed platform extensions the engine
// lacks, so functions that call vault.create_secret() or graphql.resolve() still compile. Returns what the engine
// offers for each extension migrations commonly use.
export async function applyPlatformShim(sql: Sql): Promise<ShimReport> {
  const [{ present }] = await sql<{ present: boolean }[]>`select to_regclass('auth.users') is not null as present`
  if (present) {
    const extensions = await extensionStatus(sql)
    return { extensions, stubbed: [], missing: extensions.filter((e) => e.status === 'missing').map((e) => e.name), platformPresent: true }
  }
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
  return { extensions, stubbed, missing: extensions.filter((e) => e.status === 'missing').map((e) => e.name), platformPresent: false }
}

// A database of the kit's own (a shadow, a test database) gets hosted Supabase's search_path for every later
// session; hosted sets it on the roles, which are cluster-wide and not ours to touch.
export async function setPlatformSearchPath(sql: Sql, database: string): Promise<void> {
  await sql`alter database ${sql(database)} set search_path = ${sql.unsafe(PLATFORM_SEARCH_PATH)}`
}

// A relation, function signature ("f(text)") or type, by qualified name.
async function objectExists(sql: Sql, name: string): Promise<boolean> {
  const [row] = name.includes('(')
    ? await sql<{ found: boolean }[]>`select to_regprocedure(${name}) is not null as found`
    : await sql<{ found: boolean }[]>`select to_regclass(${name}) is not null or to_regtype(${name}) is not null as found`
  return row.found
}

