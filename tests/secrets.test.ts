import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Server } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { main as checkDrift } from '../scripts/check-drift.ts'
import { main as checkIdempotent } from '../scripts/check-idempotent.ts'
import { main as checkSync } from '../scripts/check-sync.ts'
import { createTempDatabase, dropTempDatabase, SERVER } from './helpers/db.ts'
import { portOf, refusingServer } from './helpers/fake-servers.ts'
import { captureIo, makeProject, type Project } from './helpers/project.ts'
import { runScript } from './helpers/run.ts'

// The URL's password appears in no output, JSON document, SARIF log or written file, on the main paths and on
// the error paths, in process and as a subprocess with --debug (stack traces included). The password has a
// character that URLs encode, so both spellings are looked for.
const PASSWORD = 'S3cret@kit/pw'
const ENCODED = encodeURIComponent(PASSWORD)
const leaks = (text: string) => [PASSWORD, ENCODED, 'S3cret'].filter((p) => text.includes(p))

const withPassword = (url: string) => {
  const u = new URL(url)
  u.password = ENCODED
  return u.toString()
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}
const writtenLeaks = (dirs: string[]) => dirs.flatMap(filesUnder).filter((f) => leaks(readFileSync(f, 'utf8')).length > 0)

type Ctx = { url?: string; project?: Project; out?: string; servers: Server[] }
type Main = typeof checkSync

const FILES = {
  '20250101000000_a.sql': 'create table public.a (id int);\ncreate policy "p" on public.a using (true);\n',
  '20250102000000_b.sql': 'create table if not exists public.b (id int);\n',
}

const secrets = suite<Ctx>('secrets: the password appears in no output and no written file', { servers: [] })
secrets.before.each(async (ctx) => {
  ctx.project = makeProject(FILES)
  ctx.out = mkdtempSync(join(tmpdir(), 'smk-secrets-out-'))
  ctx.servers = []
})
secrets.after.each(async (ctx) => {
  ctx.project?.remove()
  if (ctx.out) rmSync(ctx.out, { recursive: true, force: true })
  for (const s of ctx.servers) s.close()
  if (ctx.url) await dropTempDatabase(ctx.url)
  ctx.url = undefined
})

async function run(ctx: Ctx, main: Main, args: string[], env: NodeJS.ProcessEnv = {}) {
  const cap = captureIo(ctx.project!.root)
  const code = await main(args, env, cap.io)
  return { code, text: `${cap.out()}\n${cap.err()}` }
}

const shadowArgs = () => (SERVER ? ['--shadow-url', withPassword(SERVER)] : [])

// Each case: a script, its arguments (built from the test database URL with the password in it), and the exit
// code it must return; together they cover every script's report, JSON, SARIF, --fix --out and error paths.
// `db`: the case reads the database (else the URL only has to look like one: the run fails before it connects
// or connects elsewhere), so only those cases pay for a database of their own.
const CASES: { name: string; main: Main; db?: true; args: (url: string, ctx: Ctx) => Promise<string[]> | string[]; env?: (url: string) => NodeJS.ProcessEnv; code: number }[] = [
  { name: 'check-sync report', db: true, main: checkSync, args: (u) => ['--db-url', u], code: 1 },
  { name: 'check-sync --json', db: true, main: checkSync, args: (u) => ['--db-url', u, '--json'], code: 1 },
  { name: 'check-sync with the URL from SUPABASE_DB_URL', db: true, main: checkSync, args: () => ['--json'], env: (u) => ({ SUPABASE_DB_URL: u }), code: 1 },
  { name: 'check-sync with the URL from DATABASE_URL', db: true, main: checkSync, args: () => [], env: (u) => ({ DATABASE_URL: u }), code: 1 },
  { name: 'check-sync on an unreachable port', main: checkSync, args: (u) => ['--db-url', u.replace(/:\d+\//, ':1/'), '--json'], code: 2 },
  { name: 'check-sync on a bad scheme', main: checkSync, args: (u) => ['--db-url', u.replace(/^postgresql:/, 'mysql:')], code: 2 },
  { name: 'check-sync on an unknown sslmode', main: checkSync, args: (u) => ['--db-url', `${u}?sslmode=bogus`], code: 2 },
  { name: 'check-sync against a server that echoes the password in its error', main: checkSync, args: async (_u, ctx) => ['--db-url', await echoingUrl(ctx)], code: 2 },
  { name: 'check-drift --json', db: true, main: checkDrift, args: (u) => ['--db-url', u, '--json', ...shadowArgs()], code: 0 },
  { name: 'check-drift report', db: true, main: checkDrift, args: (u) => ['--db-url', u, ...shadowArgs()], code: 0 },
  { name: 'check-drift with a shadow URL that is the database itself', db: true, main: checkDrift, args: (u) => ['--db-url', u, '--shadow-url', u], code: 2 },
  { name: 'check-drift against a server that echoes the password', main: checkDrift, args: async (_u, ctx) => ['--db-url', await echoingUrl(ctx)], code: 2 },
  { name: 'check-idempotent --replay --json on a shadow URL with a password', main: checkIdempotent, args: () => ['--replay', '--json', ...shadowArgs()], code: 1 },
  { name: 'check-idempotent --replay on an unreachable shadow', main: checkIdempotent, args: (u) => ['--replay', '--shadow-url', u.replace(/:\d+\//, ':1/')], code: 2 },
  { name: 'check-idempotent --sarif', main: checkIdempotent, args: () => ['--sarif'], code: 1 },
  { name: 'check-idempotent --fix --out', main: checkIdempotent, args: (_u, ctx) => ['--fix', '--out', ctx.out!], code: 0 },
]

async function echoingUrl(ctx: Ctx): Promise<string> {
  const server = await refusingServer(true)
  ctx.servers.push(server)
  return `postgresql://postgres:${ENCODED}@127.0.0.1:${portOf(server)}/postgres`
}

for (const c of CASES) {
  secrets(`${c.name}: exit ${c.code}, and the password is in no output and no file it wrote`, async (ctx) => {
    if (c.db) ctx.url = await createTempDatabase()
    const url = withPassword(ctx.url ?? 'postgresql://postgres@127.0.0.1:5432/smk_not_connected')
    const r = await run(ctx, c.main, await c.args(url, ctx), c.env?.(url) ?? {})
    assert.is(r.code, c.code, r.text)
    assert.equal(leaks(r.text), [], r.text)
    assert.equal(writtenLeaks([ctx.project!.root, ctx.out!]), [])
  })
}

secrets('the echoing server really does send the password back (the cases above would catch a leak)', async (ctx) => {
  const url = await echoingUrl(ctx)
  const postgres = (await import('postgres')).default
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 })
  const message = await sql`select 1`.then(() => '', (e: Error) => e.message)
  await sql.end({ timeout: 1 })
  assert.match(message, PASSWORD)
})

secrets('as a subprocess with --debug, an error with a stack trace prints no password', async (ctx) => {
  const url = withPassword('postgresql://postgres@127.0.0.1:1/postgres')
  for (const [script, args] of [['check-sync', ['--db-url', url, '--debug']], ['check-drift', ['--db-url', url, '--debug']], ['check-idempotent', ['--replay', '--shadow-url', url, '--debug']]] as const) {
    const r = await runScript(script, [...args], { cwd: ctx.project!.root })
    assert.is(r.code, 2, `${script}: ${r.stderr}`)
    assert.match(r.stderr, /\n\s+at /, `${script} prints a stack trace with --debug`)
    assert.equal(leaks(r.stdout + r.stderr), [], r.stderr)
  }
})
secrets.run()
