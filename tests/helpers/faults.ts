// Faults injected into the kit's history writers from outside, at each remote step a script announces
// ("<script>: remote step: <step>") and before the statement that follows it. The announcement is a synchronous
// write to stderr, so the injection is synchronous too (psql in a child process, which the script's event loop
// waits for): the script's next statement meets the fault every time, at exactly that step. Two kinds:
//   terminate  pg_terminate_backend from a second session, waiting until the kit's backend is gone;
//   error      a statement of that step fails inside PostgreSQL: at the lock step another session holds the kit's
//              advisory lock; after it, a row-level security policy on the history table whose function raises
//              once a switch table holds a row fails the next statement that reads or writes the table, and a
//              deferred constraint trigger fails the COMMIT.
// Row-level security binds only a role that is neither a superuser nor exempt, so the kit runs as a throwaway role
// that owns the history schema (as on hosted Supabase, where postgres is no superuser). The switch lives in the
// supabase_migrations schema, which the kit's catalog reads leave out as the platform's.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HISTORY_LOCK_KEY } from '../../lib/checks/history-rewrite.ts'
import { client } from './db.ts'

export type FaultKind = 'terminate' | 'error'

// The injections run psql (the event loop of the script under test is blocked meanwhile, so no in-process client).
export const HAS_PSQL = spawnSync('psql', ['--version'], { stdio: 'ignore' }).status === 0

// Runs SQL with psql on stdin (so :'name' variables are quoted by psql), synchronously; returns its output.
export function psqlSync(url: string, sql: string, vars: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): string {
  const args = ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', url, ...Object.entries(vars).flatMap(([k, v]) => ['-v', `${k}=${v}`])]
  const run = spawnSync('psql', args, { input: sql, encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } })
  if (run.status !== 0) throw new Error(`psql failed (${run.status}): ${run.stderr}`)
  return run.stdout.trim()
}

// The switch: a table that, once it holds a row, makes the policy and the deferred trigger raise. It runs twice and
// on a database without a history table, so a migration file or a baseline can carry it: the kit counts a policy
// on a platform table as the project's, so a baseline or a capture must make it too.
export const SWITCH_SQL = `create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
create table if not exists supabase_migrations.smk_fault_switch (armed boolean);
create or replace function supabase_migrations.smk_fault_check() returns boolean language plpgsql volatile as $$
begin
  if exists (select from supabase_migrations.smk_fault_switch) then raise exception 'fault injected by the test'; end if;
  return true;
end $$;
create or replace function supabase_migrations.smk_fault_trigger() returns trigger language plpgsql as $$
begin
  perform supabase_migrations.smk_fault_check();
  return null;
end $$;
alter table supabase_migrations.schema_migrations enable row level security;
alter table supabase_migrations.schema_migrations force row level security;
drop policy if exists smk_fault on supabase_migrations.schema_migrations;
create policy smk_fault on supabase_migrations.schema_migrations for all
  using (supabase_migrations.smk_fault_check()) with check (supabase_migrations.smk_fault_check());
drop trigger if exists smk_fault_at_commit on supabase_migrations.schema_migrations;
create constraint trigger smk_fault_at_commit after insert or update or delete on supabase_migrations.schema_migrations
  deferrable initially deferred for each row execute function supabase_migrations.smk_fault_trigger();
`

export type FaultRole = { role: string; url: string; drop: () => Promise<void> }

// A login role that owns the history schema and table and reads everything, with the fault switch installed.
export async function faultRole(adminUrl: string): Promise<FaultRole> {
  const role = `smk_fault_${randomBytes(5).toString('hex')}`
  const sql = client(adminUrl)
  try {
    await sql`create role ${sql(role)} login`
    await sql`grant pg_read_all_data to ${sql(role)}`
    await sql.unsafe(SWITCH_SQL)
    await sql`alter schema supabase_migrations owner to ${sql(role)}`
    await sql.unsafe(SWITCH_SQL)
    await sql`alter table supabase_migrations.schema_migrations owner to ${sql(role)}`
    await sql`grant select on supabase_migrations.smk_fault_switch to ${sql(role)}`
  } finally {
    await sql.end({ timeout: 5 })
  }
  const url = new URL(adminUrl)
  url.username = role
  return {
    role,
    url: url.toString(),
    // After the database is dropped (the role owns objects in it until then).
    drop: async () => {
      const admin = client(adminUrl.replace(/\/[^/?]*(\?|$)/, '/postgres$1'))
      try {
        await admin`drop role if exists ${admin(role)}`
      } finally {
        await admin.end({ timeout: 5 })
      }
    },
  }
}

const terminate = (adminUrl: string, role: string) =>
  psqlSync(adminUrl, `select count(pg_terminate_backend(pid, 10000)) from pg_stat_activity where usename = :'role' and datname = current_database();`, { role })

// A second session that takes the kit's advisory lock and keeps it until stopped; returns once PostgreSQL shows it
// granted.
function holdAdvisoryLock(adminUrl: string): { stop: () => void } {
  const app = `smk-fault-holder-${randomBytes(4).toString('hex')}`
  const log = join(tmpdir(), `${app}.log`)
  const holder = spawn('psql', ['-X', '-q', '-d', adminUrl, '-c', `select pg_advisory_lock(${HISTORY_LOCK_KEY}::bigint)`, '-c', 'select pg_sleep(300)'], { stdio: ['ignore', 'ignore', openSync(log, 'w')], env: { ...process.env, PGAPPNAME: app } })
  // The backend sleeps on without noticing its client is gone: it is ended first, then psql.
  const stop = () => {
    psqlSync(adminUrl, `select count(pg_terminate_backend(pid, 10000)) from pg_stat_activity where application_name = :'app';`, { app })
    holder.kill()
    rmSync(log, { force: true })
  }
  // Polled from here (the event loop is blocked, so the child's exit is read from /proc).
  const deadline = Date.now() + 20_000
  while (psqlSync(adminUrl, `select exists (select from pg_locks l join pg_stat_activity a using (pid) where l.locktype = 'advisory' and l.granted and a.application_name = :'app');`, { app }) !== 't') {
    const gone = !existsSync(`/proc/${holder.pid}`) || / Z /.test(readFileSync(`/proc/${holder.pid}/stat`, 'utf8'))
    if (gone || Date.now() > deadline) {
      const said = readFileSync(log, 'utf8')
      stop()
      throw new Error(`the lock holder ${gone ? 'exited' : 'never took the lock'}: ${said}`)
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25)
  }
  return { stop }
}

export type Injector = {
  // Call with every line the script writes to stderr.
  line: (text: string) => void
  // The step the fault was injected at (null: the script never reached the n-th announcement).
  injectedAt: () => string | null
  // Steps announced, in order.
  steps: string[]
  stop: () => void
}

// Injects `kind` at the `at`-th (0-based) remote step the script announces.
export function injectAt(adminUrl: string, role: string, kind: FaultKind, at: number): Injector {
  const steps: string[] = []
  let injected: string | null = null
  let holder: { stop: () => void } | undefined
  return {
    steps,
    injectedAt: () => injected,
    line: (text) => {
      const m = /: remote step: (\S+)$/.exec(text)
      if (!m) return
      steps.push(m[1])
      if (steps.length - 1 !== at) return
      injected = m[1]
      if (kind === 'terminate') terminate(adminUrl, role)
      else if (m[1] === 'lock') holder = holdAdvisoryLock(adminUrl)
      else psqlSync(adminUrl, 'insert into supabase_migrations.smk_fault_switch values (true);')
    },
    stop: () => {
      holder?.stop()
    },
  }
}
