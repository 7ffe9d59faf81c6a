import { createHash } from 'node:crypto'
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs'
import type { Server } from 'node:net'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { main as checkDrift } from '../scripts/check-drift.ts'
import { main as checkIdempotent } from '../scripts/check-idempotent.ts'
import { main as checkSync } from '../scripts/check-sync.ts'
import { client, createTempDatabase, dropTempDatabase, onServer, SERVER } from './helpers/db.ts'
import { httpServer, portOf, refusingServer, silentServer } from './helpers/fake-servers.ts'
import { captureIo, makeProject, type Project } from './helpers/project.ts'

// The bad-input catalogue: one row per class of odd input, run through every script it applies to. Each run must
// end within a bound with the documented exit code, say what happened in one clear line (exit 2) or name the
// finding (exit 0/1), print no password, and change nothing: the folder's bytes and the history rows are compared
// before and after.

const PASSWORD = 'Bad1nput-S3cret'
// check-idempotent takes about 20 s on the 10 MB file on these 2-core machines: the bound is for a hang, not for speed.
const BOUND_MS = 60_000

type Script = 'check-sync' | 'check-sync --offline' | 'check-idempotent' | 'check-drift'
type Expect = { code: 0 | 1 | 2; says: RegExp }
type Ctx = { project?: Project; url?: string; role?: string; extra?: Server[] }
type Row = {
  name: string
  files?: Record<string, string | Uint8Array>
  arrange?: (p: Project) => void
  // The URL to give --db-url (default: the test database, with a password the trust-auth server ignores).
  url?: (ctx: Ctx) => Promise<string>
  // The URL leads nowhere near the test database: the run needs no database of its own.
  noDb?: true
  history?: 'cli' | 'odd-columns' | 'no-access'
  args?: (p: Project) => string[]
  expect: Partial<Record<Script, Expect>>
  server?: string
}

const withPassword = (url: string, password = PASSWORD) => {
  const u = new URL(url)
  u.password = password
  return u.toString()
}
const testUrl = async (ctx: Ctx, query = '') => withPassword(ctx.url!) + query
const A = 'create table if not exists public.a (id int);\n'

// A 10 MB seed-data file: one table and 10 MB of rows in multi-row INSERTs.
function tenMegabytes(): string {
  const rows = Array.from({ length: 1000 }, (_, i) => `(${i}, '${'x'.repeat(90)}')`).join(',\n')
  const insert = `insert into public.big (id, label) values\n${rows}\non conflict do nothing;\n`
  const parts = ['create table if not exists public.big (id int primary key, label text);\n']
  while (parts.join('').length < 10 * 1024 * 1024) parts.push(insert)
  return parts.join('')
}

async function listening(ctx: Ctx, start: () => Promise<Server>): Promise<number> {
  const server = await start()
  ;(ctx.extra ??= []).push(server)
  return portOf(server)
}

const ROWS: Row[] = [
  {
    name: 'an empty file',
    files: { '20250101000000_a.sql': '' },
    expect: {
      'check-sync --offline': { code: 1, says: /empty: supabase\/migrations\/20250101000000_a\.sql has no SQL/ },
      'check-sync': { code: 1, says: /20250101000000/ },
      'check-idempotent': { code: 0, says: /warning {2}empty-file/ },
    },
  },
  {
    name: 'a whitespace-only file',
    files: { '20250101000000_a.sql': '  \n\t\n\n' },
    expect: {
      'check-sync --offline': { code: 1, says: /empty: supabase\/migrations\/20250101000000_a\.sql has no SQL/ },
      'check-idempotent': { code: 0, says: /warning {2}empty-file/ },
    },
  },
  {
    name: 'a file that is not UTF-8',
    files: { '20250101000000_a.sql': new Uint8Array([0x73, 0x65, 0x6c, 0x65, 0x63, 0x74, 0x20, 0x27, 0xff, 0xfe, 0x27, 0x3b]) },
    expect: {
      'check-sync --offline': { code: 1, says: /unreadable: .*20250101000000_a\.sql is not valid UTF-8 \(line 1\)/ },
      'check-sync': { code: 1, says: /20250101000000/ },
      'check-idempotent': { code: 1, says: /error {4}not-utf8/ },
    },
  },
  {
    name: 'a byte-order mark before the first statement',
    files: { '20250101000000_a.sql': `\ufeff${A}` },
    expect: {
      'check-sync --offline': { code: 0, says: /1 migration files/ },
      // PostgreSQL rejects the BOM (42601), as the suite below checks, so db push would fail on this file.
      'check-idempotent': { code: 1, says: /error {4}parse-error {2}not valid SQL: syntax error at or near "\ufeffcreate"/ },
    },
  },
  {
    name: 'CRLF line endings',
    files: { '20250101000000_a.sql': `${A.trim()}\r\ncreate table public.b (id int);\r\n` },
    expect: {
      'check-sync --offline': { code: 0, says: /1 migration files/ },
      'check-idempotent': { code: 1, says: /2:1 {2}error {4}create-table/ },
    },
  },
  {
    name: 'a 10 MB file',
    files: { '20250101000000_big.sql': tenMegabytes() },
    expect: {
      'check-sync --offline': { code: 0, says: /1 migration files/ },
      'check-sync': { code: 1, says: /20250101000000/ },
      'check-idempotent': { code: 0, says: /1 file\(s\) checked: every statement can run twice/ },
    },
  },
  {
    name: 'an unterminated dollar quote',
    files: { '20250101000000_a.sql': 'create function public.f() returns int language sql as $$ select 1;\n' },
    expect: {
      'check-sync --offline': { code: 0, says: /1 migration files/ },
      'check-idempotent': { code: 1, says: /parse-error {2}not valid SQL: unterminated dollar-quoted string/ },
    },
  },
  {
    name: 'SQL that does not parse',
    files: { '20250101000000_a.sql': 'create tabel public.a (id int);\n' },
    expect: {
      'check-sync --offline': { code: 0, says: /1 migration files/ },
      'check-idempotent': { code: 1, says: /1:8 {2}error {4}parse-error {2}not valid SQL: syntax error at or near "tabel"/ },
    },
  },
  {
    name: 'a name the CLI skips',
    files: { '20250101000000_a.sql': A, 'create_users.sql': 'create table public.users (id int);\n' },
    expect: {
      'check-sync --offline': { code: 1, says: /Skipping migration create_users\.sql\.\.\. \(file name must match pattern "<timestamp>_name\.sql"\)/ },
      'check-sync': { code: 1, says: /Skipping migration create_users\.sql/ },
    },
  },
  {
    name: 'two files with one version',
    files: { '20250101000000_a.sql': A, '20250101000000_b.sql': 'create table if not exists public.b (id int);\n' },
    expect: {
      'check-sync --offline': { code: 1, says: /duplicate version 20250101000000: 20250101000000_a\.sql, 20250101000000_b\.sql/ },
      'check-sync': { code: 1, says: /duplicate version 20250101000000/ },
    },
  },
  {
    // The CLI lists files only (pkg/migration/list.go skips directories), so the kit sees no migration here.
    name: 'a folder where a migration file should be',
    arrange: (p) => mkdirSync(join(p.migrations, '20250101000000_a.sql')),
    expect: {
      'check-sync --offline': { code: 0, says: /0 migration files/ },
      'check-idempotent': { code: 0, says: /0 file\(s\) checked/ },
    },
  },
  {
    // A dangling symbolic link: the tests run as root, which reads a file whatever its mode says.
    name: 'an unreadable file',
    arrange: (p) => symlinkSync('/nonexistent/smk/20250101000000_a.sql', join(p.migrations, '20250101000000_a.sql')),
    expect: {
      'check-sync --offline': { code: 1, says: /unreadable: cannot read .*20250101000000_a\.sql: ENOENT/ },
      'check-idempotent': { code: 2, says: /cannot read .*20250101000000_a\.sql: ENOENT/ },
    },
  },
  {
    name: '--dir naming a folder that does not exist',
    files: { '20250101000000_a.sql': A },
    args: (p) => ['--dir', join(p.root, 'no-such-folder')],
    expect: {
      'check-sync': { code: 2, says: /no folder at .*no-such-folder \(--dir .*\)\. Check the path given to --dir\./ },
      'check-sync --offline': { code: 2, says: /no folder at .*no-such-folder/ },
      'check-idempotent': { code: 2, says: /no such file or folder: .*no-such-folder/ },
      'check-drift': { code: 2, says: /no folder at .*no-such-folder/ },
    },
  },
  {
    name: '--dir naming a file',
    files: { '20250101000000_a.sql': A },
    args: (p) => ['--dir', join(p.migrations, '20250101000000_a.sql')],
    expect: {
      'check-sync --offline': { code: 2, says: /20250101000000_a\.sql is not a folder/ },
      'check-drift': { code: 2, says: /20250101000000_a\.sql is not a folder/ },
    },
  },
  {
    name: 'no database URL at all',
    noDb: true,
    url: async () => '',
    expect: {
      'check-sync': { code: 2, says: /no database URL\. Pass --db-url, or set SUPABASE_DB_URL or DATABASE_URL/ },
      'check-drift': { code: 2, says: /no database URL\./ },
    },
  },
  {
    name: 'a URL with another scheme',
    noDb: true,
    url: async () => `mysql://root:${PASSWORD}@127.0.0.1:3306/app`,
    expect: {
      'check-sync': { code: 2, says: /unsupported URL scheme "mysql:" in mysql:\/\/root:\*\*\*\*@127\.0\.0\.1:3306\/app\. Use a postgresql:\/\/ URL\./ },
      'check-drift': { code: 2, says: /unsupported URL scheme "mysql:"/ },
    },
  },
  {
    name: 'sslmode=bogus',
    url: (ctx) => testUrl(ctx, '?sslmode=bogus'),
    expect: {
      'check-sync': { code: 2, says: /unknown sslmode "bogus" in .*\. Use one of disable, allow, prefer, require, verify-ca, verify-full\./ },
      'check-drift': { code: 2, says: /unknown sslmode "bogus"/ },
    },
  },
  {
    // pglite-socket answers no SSLRequest; the test server has TLS off (ssl = off in this cluster).
    name: 'sslmode=require against a server without TLS',
    server: 'the embedded engine answers no SSLRequest',
    url: (ctx) => testUrl(ctx, '?sslmode=require'),
    expect: {
      'check-sync': { code: 2, says: /closed the connection during the TLS handshake: it does not offer TLS \(sslmode=require\)\. Use sslmode=disable/ },
      'check-drift': { code: 2, says: /it does not offer TLS/ },
    },
  },
  {
    name: 'a port where nothing listens',
    noDb: true,
    url: async () => `postgresql://postgres:${PASSWORD}@127.0.0.1:1/postgres`,
    expect: {
      'check-sync': { code: 2, says: /cannot reach 127\.0\.0\.1:1\/postgres \(ECONNREFUSED\)\. Check --db-url or start the database\./ },
      'check-drift': { code: 2, says: /cannot reach 127\.0\.0\.1:1\/postgres \(ECONNREFUSED\)/ },
    },
  },
  {
    name: 'a host name that does not resolve',
    noDb: true,
    url: async () => `postgresql://postgres:${PASSWORD}@no-such-host.invalid:5432/postgres`,
    expect: {
      'check-sync': { code: 2, says: /cannot reach no-such-host\.invalid:5432\/postgres \(ENOTFOUND\)/ },
      'check-drift': { code: 2, says: /cannot reach no-such-host\.invalid/ },
    },
  },
  {
    name: 'a port that answers but is not PostgreSQL (an HTTP server)',
    noDb: true,
    url: async (ctx) => `postgresql://postgres:${PASSWORD}@127.0.0.1:${await listening(ctx, httpServer)}/postgres?connect_timeout=3`,
    expect: {
      'check-sync': { code: 2, says: /is not a PostgreSQL server/ },
      'check-drift': { code: 2, says: /is not a PostgreSQL server/ },
    },
  },
  {
    // A listener that accepts and stays silent: a black hole as the client sees it (see silentServer).
    name: 'an address that never answers',
    noDb: true,
    url: async (ctx) => `postgresql://postgres:${PASSWORD}@127.0.0.1:${await listening(ctx, silentServer)}/postgres?connect_timeout=3`,
    expect: {
      'check-sync': { code: 2, says: /no answer from 127\.0\.0\.1:\d+ within 3 s/ },
      'check-drift': { code: 2, says: /no answer from 127\.0\.0\.1:\d+ within 3 s/ },
    },
  },
  {
    name: 'a wrong password',
    noDb: true,
    url: async (ctx) => `postgresql://postgres:${PASSWORD}@127.0.0.1:${await listening(ctx, refusingServer)}/postgres`,
    expect: {
      'check-sync': { code: 2, says: /authentication failed for 127\.0\.0\.1:\d+\/postgres: password authentication failed for user "postgres"\. Check the user and password in the URL\./ },
      'check-drift': { code: 2, says: /authentication failed for 127\.0\.0\.1/ },
    },
  },
  {
    name: 'a database that does not exist',
    server: 'PGlite serves one database whatever the URL says',
    url: async (ctx) => withPassword(ctx.url!).replace(/\/[^/?]*$/, '/smk_no_such_database'),
    expect: {
      'check-sync': { code: 2, says: /database does not exist on 127\.0\.0\.1:5432\/smk_no_such_database/ },
      'check-drift': { code: 2, says: /database does not exist/ },
    },
  },
  {
    name: 'a role without privileges on the history table',
    server: 'roles need a real server',
    history: 'no-access',
    expect: {
      'check-sync': { code: 2, says: /permission denied on .*: permission denied for (schema|table) .*\. Connect as a role that owns the schema/ },
      'check-drift': { code: 2, says: /permission denied/ },
    },
  },
  {
    name: 'a history table with unexpected columns',
    history: 'odd-columns',
    expect: {
      'check-sync': { code: 2, says: /supabase_migrations\.schema_migrations lacks the Supabase CLI's columns \(column "name" does not exist\)\. The CLI reads version text, name text and statements text\[\]/ },
      'check-drift': { code: 2, says: /lacks the Supabase CLI's columns/ },
    },
  },
]

// --- the folder and the history table, before and after: nothing may change.
function folderState(root: string): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name)
      const st = lstatSync(path)
      if (st.isSymbolicLink()) out.push(`${path} -> ${readlinkSync(path)}`)
      else if (st.isDirectory()) (out.push(`${path}/`), walk(path))
      else out.push(`${path} ${st.mode.toString(8)} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`)
    }
  }
  walk(root)
  return out
}

async function historyState(url: string): Promise<unknown[]> {
  const sql = client(url)
  try {
    const [{ exists }] = await sql`select to_regclass('supabase_migrations.schema_migrations') is not null as exists`
    if (!exists) return []
    return [...(await sql`select * from supabase_migrations.schema_migrations order by 1`)].map((r) => ({ ...r }))
  } finally {
    await sql.end({ timeout: 5 })
  }
}

// The database states a row can ask for; each keeps one history row, so a change would show.
async function arrangeHistory(ctx: Ctx, kind: Row['history']): Promise<string | undefined> {
  const sql = client(ctx.url!)
  try {
    await sql`create schema supabase_migrations`
    if (kind === 'odd-columns') {
      await sql`create table supabase_migrations.schema_migrations (version bigint primary key, applied_at timestamptz default now())`
      await sql`insert into supabase_migrations.schema_migrations (version) values (20240101000000)`
      return
    }
    await sql`create table supabase_migrations.schema_migrations (version text primary key, statements text[], name text)`
    await sql`insert into supabase_migrations.schema_migrations values ('20240101000000', '{"select 1"}', 'old')`
    if (kind !== 'no-access') return
    // Roles are cluster-wide and other test runs share the server: a unique name, dropped in after.each.
    ctx.role = `smk_bad_input_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
    await sql`create role ${sql(ctx.role)} login`
    const u = new URL(withPassword(ctx.url!))
    u.username = ctx.role
    return u.toString()
  } finally {
    await sql.end({ timeout: 5 })
  }
}

const RUN: Record<Script, (args: string[], env: NodeJS.ProcessEnv, io: ReturnType<typeof captureIo>['io']) => Promise<number>> = {
  'check-sync': (args, env, io) => checkSync(args, env, io),
  'check-sync --offline': (args, env, io) => checkSync(['--offline', ...args], env, io),
  'check-idempotent': (args, env, io) => checkIdempotent(args, env, io),
  'check-drift': (args, env, io) => checkDrift([...args, ...(SERVER ? ['--shadow-url', SERVER] : [])], env, io),
}
const usesDb = (s: Script) => s === 'check-sync' || s === 'check-drift'

// ---
const catalogue = suite<Ctx>('bad input: one clear line, the documented exit code, a bounded time, nothing changed')
catalogue.after.each(async (ctx) => {
  ctx.project?.remove()
  for (const server of ctx.extra ?? []) server.close()
  if (ctx.url) await dropTempDatabase(ctx.url)
  if (ctx.role) {
    const sql = client(SERVER!)
    try {
      await sql`drop role if exists ${sql(ctx.role)}`
    } finally {
      await sql.end({ timeout: 5 })
    }
  }
  Object.assign(ctx, { project: undefined, extra: undefined, url: undefined, role: undefined })
})

for (const row of ROWS) {
  for (const [script, expect] of Object.entries(row.expect) as [Script, Expect][]) {
    const name = `${row.name}: ${script} exits ${expect.code}`
    const register = row.server ? onServer(catalogue, row.server) : catalogue
    register(name, async (ctx) => {
      ctx.project = makeProject(row.files ?? (row.arrange ? {} : { '20250101000000_a.sql': A }))
      row.arrange?.(ctx.project)
      let url: string | undefined
      if (usesDb(script)) {
        if (!row.noDb) ctx.url = await createTempDatabase()
        const roleUrl = row.history ? await arrangeHistory(ctx, row.history) : undefined
        url = roleUrl ?? (row.url ? await row.url(ctx) : await testUrl(ctx))
      }
      const before = { folder: folderState(ctx.project.root), history: ctx.url ? await historyState(ctx.url) : [] }
      const cap = captureIo(ctx.project.root)
      const args = [...(url ? ['--db-url', url] : []), ...(row.args?.(ctx.project) ?? [])]
      let timer: NodeJS.Timeout | undefined
      const bound = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), BOUND_MS)))
      const code = await Promise.race([RUN[script](args, {}, cap.io), bound]).finally(() => clearTimeout(timer))
      assert.is.not(code, 'timeout', `no exit within ${BOUND_MS / 1000} s`)
      const out = cap.out()
      const err = cap.err()
      assert.is(code, expect.code, `${out}\n${err}`)
      if (expect.code === 2) {
        assert.is(err.trim().split('\n').length, 1, err)
        assert.match(err, new RegExp(`^${script.split(' ')[0]}: .+\\. .+\\.$`))
        assert.match(err, expect.says)
      } else {
        assert.match(`${out}\n${err}`, expect.says)
        assert.not.match(err, /\n\s+at /, 'no stack trace')
      }
      assert.not.match(out + err, PASSWORD)
      assert.equal(folderState(ctx.project.root), before.folder, 'the folder is unchanged')
      if (ctx.url) assert.equal(await historyState(ctx.url), before.history, 'the history rows are unchanged')
    })
  }
}
catalogue.run()

// ---
const judged = suite<{ url: string }>('bad input: what PostgreSQL itself says about the odd files')
judged.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
})
judged.after.each(async (ctx) => {
  await dropTempDatabase(ctx.url)
})

judged('a byte-order mark before a statement is a syntax error (42601) when sent as db push sends it', async (ctx) => {
  const sql = client(ctx.url)
  try {
    const code = await sql.unsafe(`\ufeff${A}`).then(() => 'none', (e) => e.code)
    assert.is(code, '42601')
  } finally {
    await sql.end({ timeout: 5 })
  }
})
judged.run()
