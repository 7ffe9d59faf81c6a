// A deterministic corpus of realistic Supabase migrations for the bench: tables with RLS and policies, functions,
// triggers, indexes, enums, views, storage buckets and their policies, realtime publication, grants. Seeded, so
// two runs (and two machines) time the same files; written to a temp folder at bench time, never committed.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export type CorpusOptions = {
  files: number
  seed?: number
  // Every statement guarded (IF NOT EXISTS, DROP … IF EXISTS first, ON CONFLICT, DO blocks): a chain that runs
  // twice without error, which the replay case needs (the CLI's second push stops at the first failing file).
  // Unguarded corpora mix guarded and bare statements about half and half, as real projects do.
  guarded: boolean
}

// mulberry32: small, fast, and the same sequence everywhere for one seed.
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const NOUNS = ['profile', 'project', 'task', 'comment', 'invoice', 'message', 'team', 'membership', 'document', 'event', 'order', 'product', 'review', 'note', 'tag', 'channel', 'subscription', 'payment', 'file', 'workspace']
const COLUMNS: [string, string][] = [
  ['title', 'text not null'], ['description', 'text'], ['body', 'text'], ['status', "text not null default 'draft'"],
  ['amount_cents', 'integer not null default 0'], ['due_at', 'timestamptz'], ['metadata', "jsonb not null default '{}'::jsonb"],
  ['is_archived', 'boolean not null default false'], ['position', 'integer'], ['slug', 'text'], ['score', 'numeric(10,2)'],
  ['avatar_url', 'text'], ['tags', "text[] not null default '{}'"], ['published_at', 'timestamptz'], ['priority', 'smallint default 0'],
]

type State = { tables: string[]; n: number; pick: <T>(xs: readonly T[]) => T; chance: (p: number) => boolean; guarded: boolean }

function guard(s: State): boolean {
  return s.guarded || s.chance(0.5)
}

function createTable(s: State): { name: string; sql: string } {
  const noun = s.pick(NOUNS)
  const table = `${noun}s_${s.n}`
  const cols = new Set<string>()
  const count = 2 + Math.floor(s.chance(0.5) ? 3 : 1)
  while (cols.size < count) cols.add(s.pick(COLUMNS).join(' '))
  const parent = s.tables.length && s.chance(0.4) ? s.pick(s.tables) : undefined
  const g = guard(s)
  const lines = [
    `create table ${g ? 'if not exists ' : ''}public.${table} (`,
    `  id uuid primary key default gen_random_uuid(),`,
    `  user_id uuid not null references auth.users (id) on delete cascade,`,
    ...(parent ? [`  ${parent}_id uuid references public.${parent} (id) on delete set null,`] : []),
    ...[...cols].map((c) => `  ${c},`),
    `  created_at timestamptz not null default now(),`,
    `  updated_at timestamptz not null default now()`,
    `);`,
    '',
    `alter table public.${table} enable row level security;`,
    '',
    ...policies(s, table),
    `create index ${guard(s) ? 'if not exists ' : ''}${table}_user_id_idx on public.${table} (user_id);`,
    ...(parent ? [`create index ${guard(s) ? 'if not exists ' : ''}${table}_${parent}_idx on public.${table} (${parent}_id);`] : []),
    '',
    `grant select, insert, update, delete on public.${table} to authenticated;`,
    `comment on table public.${table} is 'The ${noun}s a user owns.';`,
  ]
  s.tables.push(table)
  return { name: `create_${table}`, sql: lines.join('\n') + '\n' }
}

function policies(s: State, table: string): string[] {
  const out: string[] = []
  const forms: [string, string][] = [
    ['select', `for select to authenticated using ((select auth.uid()) = user_id)`],
    ['insert', `for insert to authenticated with check ((select auth.uid()) = user_id)`],
    ['update', `for update to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id)`],
    ['delete', `for delete to authenticated using ((select auth.uid()) = user_id)`],
  ]
  for (const [verb, body] of forms) {
    const name = `Users can ${verb} their own ${table}`
    if (guard(s)) out.push(`drop policy if exists "${name}" on public.${table};`)
    out.push(`create policy "${name}" on public.${table}`, `  ${body};`, '')
  }
  return out
}

function updatedAtTrigger(s: State): { name: string; sql: string } {
  const table = s.pick(s.tables)
  const fn = `set_${table}_updated_at`
  const g = guard(s)
  const sql = [
    `create or replace function public.${fn}()`,
    `returns trigger`,
    `language plpgsql`,
    `set search_path = ''`,
    `as $$`,
    `begin`,
    `  new.updated_at := now();`,
    `  return new;`,
    `end;`,
    `$$;`,
    '',
    ...(g ? [`drop trigger if exists ${fn} on public.${table};`] : []),
    `create trigger ${fn}`,
    `  before update on public.${table}`,
    `  for each row execute function public.${fn}();`,
  ]
  return { name: `${fn}_trigger`, sql: sql.join('\n') + '\n' }
}

function addColumn(s: State): { name: string; sql: string } {
  const table = s.pick(s.tables)
  const column = `extra_${s.n}`
  const g = guard(s)
  const sql = [
    `alter table public.${table} add column ${g ? 'if not exists ' : ''}${column} text;`,
    `create index ${guard(s) ? 'if not exists ' : ''}${table}_${column}_idx on public.${table} (${column}) where ${column} is not null;`,
  ]
  return { name: `add_${column}_to_${table}`, sql: sql.join('\n') + '\n' }
}

function enumType(s: State): { name: string; sql: string } {
  const table = s.pick(s.tables)
  const type = `${table}_stage`
  const g = guard(s)
  const create = `create type public.${type} as enum ('new', 'active', 'done');`
  const sql = [
    g ? `do $$\nbegin\n  ${create}\nexception when duplicate_object then null;\nend\n$$;` : create,
    '',
    `alter table public.${table} add column ${guard(s) ? 'if not exists ' : ''}stage public.${type} not null default 'new';`,
  ]
  return { name: `add_${type}`, sql: sql.join('\n') + '\n' }
}

function rpcFunction(s: State): { name: string; sql: string } {
  const table = s.pick(s.tables)
  const fn = `count_${table}_${s.n}`
  const sql = [
    `create or replace function public.${fn}(since timestamptz default now() - interval '30 days')`,
    `returns bigint`,
    `language sql`,
    `stable`,
    `security definer`,
    `set search_path = ''`,
    `as $$`,
    `  select count(*) from public.${table} t where t.user_id = (select auth.uid()) and t.created_at >= since;`,
    `$$;`,
    '',
    `revoke execute on function public.${fn}(timestamptz) from public, anon;`,
    `grant execute on function public.${fn}(timestamptz) to authenticated;`,
  ]
  return { name: fn, sql: sql.join('\n') + '\n' }
}

function view(s: State): { name: string; sql: string } {
  const table = s.pick(s.tables)
  const name = `${table}_recent_${s.n}`
  const sql = [
    `create or replace view public.${name} with (security_invoker = on) as`,
    `  select id, user_id, created_at from public.${table} where created_at > now() - interval '7 days';`,
    '',
    `grant select on public.${name} to authenticated;`,
  ]
  return { name: `create_${name}`, sql: sql.join('\n') + '\n' }
}

function storageBucket(s: State): { name: string; sql: string } {
  const bucket = `${s.pick(NOUNS)}-files-${s.n}`
  const g = guard(s)
  const policy = `Users can upload to their folder in ${bucket}`
  const sql = [
    `insert into storage.buckets (id, name, public)`,
    `values ('${bucket}', '${bucket}', false)${g ? '\non conflict (id) do nothing' : ''};`,
    '',
    ...(guard(s) ? [`drop policy if exists "${policy}" on storage.objects;`] : []),
    `create policy "${policy}" on storage.objects`,
    `  for insert to authenticated`,
    `  with check (bucket_id = '${bucket}' and (storage.foldername(name))[1] = (select auth.uid())::text);`,
  ]
  return { name: `storage_${bucket.replace(/-/g, '_')}`, sql: sql.join('\n') + '\n' }
}

function realtime(s: State): { name: string; sql: string } {
  const table = s.pick(s.tables)
  const add = `alter publication supabase_realtime add table public.${table};`
  const sql = guard(s)
    ? [
        `do $$`,
        `begin`,
        `  if not exists (select 1 from pg_publication_rel pr join pg_publication p on p.oid = pr.prpubid`,
        `                 where p.pubname = 'supabase_realtime' and pr.prrelid = 'public.${table}'::regclass) then`,
        `    ${add}`,
        `  end if;`,
        `end`,
        `$$;`,
      ]
    : [add]
  return { name: `realtime_${table}`, sql: sql.join('\n') + '\n' }
}

// Each kind once per table at most, so a guarded chain never redefines an object (a later redefinition would be a
// real "changes the catalog" finding of the replay, not what the bench times).
const KINDS = [updatedAtTrigger, addColumn, enumType, rpcFunction, view, storageBucket, realtime]

// 14-digit versions a few minutes to a few days apart, from 2024-01-01, as `supabase migration new` names them.
function versionAt(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14)
}

export type CorpusFile = { name: string; text: string }

export function generateCorpus(options: CorpusOptions): CorpusFile[] {
  const rnd = random(options.seed ?? 14)
  const used = new Map<string, Set<(s: State) => unknown>>()
  const s: State = {
    tables: [],
    n: 0,
    pick: (xs) => xs[Math.floor(rnd() * xs.length)],
    chance: (p) => rnd() < p,
    guarded: options.guarded,
  }
  let at = Date.UTC(2024, 0, 1)
  const files: CorpusFile[] = []
  for (let i = 0; i < options.files; i++) {
    s.n = i
    at += (5 + Math.floor(rnd() * 60 * 24 * 3)) * 60_000
    let made: { name: string; sql: string } | undefined
    if (s.tables.length >= 2 && !s.chance(0.3)) {
      const kind = s.pick(KINDS)
      if (kind === updatedAtTrigger || kind === enumType || kind === realtime) {
        // Pick a table this kind has not touched yet; if none is left, make a new table instead.
        const free = s.tables.filter((t) => !used.get(t)?.has(kind))
        if (free.length) {
          const table = s.pick(free)
          const saved = s.tables
          s.tables = [table]
          made = kind(s)
          s.tables = saved
          used.set(table, (used.get(table) ?? new Set()).add(kind))
        }
      } else made = kind(s)
    }
    made ??= createTable(s)
    files.push({ name: `${versionAt(at)}_${made.name}.sql`, text: made.sql })
  }
  return files
}

export function writeCorpus(dir: string, options: CorpusOptions): string[] {
  mkdirSync(dir, { recursive: true })
  const files = generateCorpus(options)
  for (const f of files) writeFileSync(join(dir, f.name), f.text)
  return files.map((f) => join(dir, f.name))
}
