// Creates an empty, idempotent migration file whose version is newer than every local and remote version.
import { writeFileSync, mkdirSync, existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { findProjectRoot, resolveMigrationsDir } from '../lib/run/config.ts'
import { connect, describeDbError } from '../lib/db/connect.ts'
import { KitError } from '../lib/run/errors.ts'
import { kitCommand } from '../lib/run/kit-command.ts'
import { listFolder, newFileNameProblem } from '../lib/cli/folder.ts'
import { readHistory } from '../lib/cli/history.ts'
import { nextVersion } from '../lib/cli/version.ts'
import { EXIT, toJson } from '../lib/run/output.ts'
import { flagNames, processIo, runMain, scriptBody, type Io } from '../lib/run/script.ts'

export const USAGE = `Usage: npx tsx scripts/new-migration.ts [options] <name>

Writes supabase/migrations/<version>_<name>.sql, where <version> is the current UTC time in the CLI's
format (YYYYMMDDHHMMSS), or one second after the newest local or remote version if that is later, so the
file always sorts last for \`supabase db push\`. The file holds one commented-out example of each guarded
(idempotent) form; it runs twice without error as it is.

Options:
  --db-url <url>   also read the remote history's versions (else SUPABASE_DB_URL, else DATABASE_URL;
                   with none of them, only the folder is read)
  --offline        read only the folder, even when a database URL is set
  --dir <path>     migrations folder (default: <project root>/supabase/migrations)
  --json           print {"file", "version", "remoteChecked"} instead of the CLI's line
  --debug          print stack traces on errors
  --help           show this help

Exit codes:
  0  file created
  2  usage or runtime error (bad name, file exists, unreachable database)

Environment:
  SUPABASE_DB_URL, DATABASE_URL   connection URL when --db-url is absent (.env is read)
`

export const FLAGS = { string: ['db-url', 'dir'], boolean: ['offline', 'json', 'debug', 'help'] }
const SCRIPT = 'new-migration'

// Every form here is a no-op on its second run; a commented-out file is one statement (the comment) to the CLI,
// which runs it as an empty query.
export const TEMPLATE = `-- <name>: write the change below, each statement in a form that can run twice (check-idempotent checks it).
--
-- create table if not exists public.things (id bigint generated always as identity primary key, label text not null);
-- alter table public.things add column if not exists note text;
-- create index if not exists things_label_idx on public.things (label);
-- alter table public.things enable row level security;
-- drop policy if exists "things are readable" on public.things;
-- create policy "things are readable" on public.things for select to authenticated using (true);
-- create or replace function public.touch() returns trigger language plpgsql set search_path = '' as $$
-- begin new.updated_at := now(); return new; end $$;
-- drop trigger if exists things_touch on public.things;
-- create trigger things_touch before update on public.things for each row execute function public.touch();
-- do $$ begin
--   if not exists (select 1 from pg_type where typname = 'thing_kind' and typnamespace = 'public'::regnamespace) then
--     create type public.thing_kind as enum ('a', 'b');
--   end if;
-- end $$;
-- do $$ begin
--   if not exists (select 1 from pg_constraint where conname = 'things_label_key' and conrelid = 'public.things'::regclass) then
--     alter table public.things add constraint things_label_key unique (label);
--   end if;
-- end $$;
-- insert into storage.buckets (id, name, public) values ('things', 'things', false) on conflict (id) do nothing;
`

export async function main(args: string[], env: NodeJS.ProcessEnv = process.env, io: Io = processIo()): Promise<number> {
  return scriptBody({ script: SCRIPT, usage: USAGE, flags: FLAGS }, args, io, async (flags, hide) => {
    // 1. Validate every input before the first connection.
    if (flags._.length !== 1) throw new KitError('USAGE', flags._.length ? `one name expected, got ${flags._.length}` : 'no migration name given', `Run ${kitCommand(io.cwd, SCRIPT)} <name>`)
    const name = String(flags._[0])
    const probe = newFileNameProblem('0', name)
    if (probe) throw new KitError('USAGE', `bad migration name: ${probe}`, 'Use letters, digits and underscores, e.g. add_owner_repo')
    const dir = resolveMigrationsDir(flags.dir as string | undefined, io.cwd)
    const url = flags.offline ? undefined : (flags['db-url'] as string | undefined) || env.SUPABASE_DB_URL || env.DATABASE_URL
    hide(url)

    // 2. The versions of both sides (a missing history table is an empty history, as for the CLI).
    const local = listFolder(dir).files.map((f) => f.version)
    let remote: string[] = []
    if (url) {
      const sql = connect(url, { app: SCRIPT, onNotice: (m) => io.err(m) })
      try {
        remote = (await readHistory(sql)).rows.map((r) => r.version)
      } catch (err) {
        throw describeDbError(err, url)
      } finally {
        await sql.end({ timeout: 5 })
      }
    } else if (!flags.offline) {
      io.err(`${SCRIPT}: no database URL; the version is only newer than the local files (pass --db-url to check the remote too).`)
    }

    // 3. Write the file, never over an existing one.
    const version = nextVersion(local, remote, new Date())
    const file = `${version}_${name}.sql`
    const path = join(dir, file)
    if (existsSync(path)) throw new KitError('REFUSED', `${relative(io.cwd, path)} already exists`, 'Run the command again in a second')
    mkdirSync(dir, { recursive: true })
    writeFileSync(path, TEMPLATE.replace('<name>', name), { flag: 'wx' })
    // The CLI's own line (internal/migration/new/new.go), with the path from the project root.
    const shown = relative(findProjectRoot(io.cwd), path)
    io.out(flags.json ? toJson({ file: shown, version, remoteChecked: Boolean(url) }) : `Created new migration at ${shown}`)
    return EXIT.clean
  })
}

export const flags = flagNames(FLAGS)
runMain(import.meta.url, SCRIPT, main)
