import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { $ } from 'zx'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BAD = 'create table public.notes (id bigint primary key);\ncreate policy "Notes are public" on public.notes for select using (true);\n'
const GOOD = 'create table if not exists public.notes (id bigint primary key);\ndrop policy if exists "Notes are public" on public.notes;\ncreate policy "Notes are public" on public.notes for select using (true);\n'

// git and husky see only what the test gives them (no GIT_DIR of an outer hook, no HUSKY=0). uvu's CLI sets
// FORCE_COLOR under CI, and Node warns on stderr when it meets NO_COLOR too: the hook's output must be its own.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_') && k !== 'HUSKY' && k !== 'FORCE_COLOR'))

type Ctx = { repo: string }

// A fresh clone as a user has it after `npm install`: the kit's files, node_modules, and husky's `prepare` run.
function cloneLike(): string {
  const repo = mkdtempSync(join(tmpdir(), 'smk-hook-'))
  for (const p of ['package.json', 'tsconfig.json', '.gitignore', 'lib', '.husky/pre-commit', '.husky/pre-push']) cpSync(join(ROOT, p), join(repo, p), { recursive: true })
  mkdirSync(join(repo, 'scripts'))
  for (const script of ['check-idempotent.ts', 'check-sync.ts']) cpSync(join(ROOT, 'scripts', script), join(repo, 'scripts', script))
  symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'))
  mkdirSync(join(repo, 'supabase', 'migrations'), { recursive: true })
  writeFileSync(join(repo, 'supabase', 'config.toml'), 'project_id = "hook"\n\n[db]\nmajor_version = 15\n')
  return repo
}

const git = (ctx: Ctx, args: string[], extra: Record<string, string> = {}) =>
  $({ cwd: ctx.repo, nothrow: true, quiet: true, env: { ...env, ...extra } })`git ${args}`

function write(ctx: Ctx, file: string, text: string) {
  writeFileSync(join(ctx.repo, 'supabase', 'migrations', file), text)
}

async function commit(ctx: Ctx, message: string, extra: Record<string, string> = {}) {
  const r = await git(ctx, ['commit', '-q', '-m', message], extra)
  return { code: r.exitCode, output: r.stdout + r.stderr }
}

const headCount = async (ctx: Ctx) => Number((await git(ctx, ['rev-list', '--count', 'HEAD'])).stdout.trim())

// ---
const hook = suite<Ctx>('.husky hooks: pre-commit blocks migrations that cannot run twice, pre-push a cluttered folder')

hook.before(async (ctx) => {
  ctx.repo = cloneLike()
  await git(ctx, ['init', '-q', '-b', 'main'])
  await git(ctx, ['config', 'user.email', 'hook@test.invalid'])
  await git(ctx, ['config', 'user.name', 'Hook Test'])
  // What `npm install` runs through "prepare": husky points core.hooksPath at .husky/_.
  const install = await $({ cwd: ctx.repo, nothrow: true, quiet: true, env })`node_modules/.bin/husky`
  assert.is(install.exitCode, 0, install.stderr)
  await git(ctx, ['add', '-A'])
  const base = await commit(ctx, 'kit')
  assert.is(base.code, 0, base.output)
})
hook.after((ctx) => rmSync(ctx.repo, { recursive: true, force: true }))

hook('npm install set the hooks up (core.hooksPath is .husky/_)', async (ctx) => {
  assert.is((await git(ctx, ['config', 'core.hooksPath'])).stdout.trim(), '.husky/_')
})

hook('a commit that stages no migration passes silently', async (ctx) => {
  writeFileSync(join(ctx.repo, 'NOTES.md'), 'no migrations here\n')
  await git(ctx, ['add', 'NOTES.md'])
  const r = await commit(ctx, 'notes')
  assert.is(r.code, 0, r.output)
  assert.is(r.output.trim(), '')
})

hook('a staged migration that fails on a re-run is refused, with the finding', async (ctx) => {
  const before = await headCount(ctx)
  write(ctx, '20250101000000_notes.sql', BAD)
  await git(ctx, ['add', '-A'])
  const r = await commit(ctx, 'bad migration')
  assert.is.not(r.code, 0)
  assert.match(r.output, 'create-policy')
  assert.match(r.output, 'supabase/migrations/20250101000000_notes.sql')
  assert.is(await headCount(ctx), before)
})

hook('the index is what counts: fixing only the work tree is not enough', async (ctx) => {
  write(ctx, '20250101000000_notes.sql', GOOD)
  const r = await commit(ctx, 'still the bad blob')
  assert.is.not(r.code, 0)
})

hook('the same migration, idempotent and staged, is accepted', async (ctx) => {
  const before = await headCount(ctx)
  await git(ctx, ['add', '-A'])
  const r = await commit(ctx, 'good migration')
  assert.is(r.code, 0, r.output)
  assert.is(await headCount(ctx), before + 1)
})

hook('editing a committed migration is refused, and allowed with MIGRATION_KIT_ALLOW_EDIT=1', async (ctx) => {
  write(ctx, '20250101000000_notes.sql', GOOD + 'comment on table public.notes is $$Notes$$;\n')
  await git(ctx, ['add', '-A'])
  const refused = await commit(ctx, 'edit applied migration')
  assert.is.not(refused.code, 0)
  assert.match(refused.output, 'committed-migration-changed')
  const allowed = await commit(ctx, 'edit applied migration', { MIGRATION_KIT_ALLOW_EDIT: '1' })
  assert.is(allowed.code, 0, allowed.output)
})

hook('deleting a committed migration is refused', async (ctx) => {
  await git(ctx, ['rm', '-q', 'supabase/migrations/20250101000000_notes.sql'])
  const r = await commit(ctx, 'delete applied migration')
  assert.is.not(r.code, 0)
  assert.match(r.output, 'was already committed and is now deleted')
  await git(ctx, ['reset', '-q', 'HEAD', '--', 'supabase/migrations/20250101000000_notes.sql'])
  await git(ctx, ['checkout', '--', 'supabase/migrations/20250101000000_notes.sql'])
})

hook('a backup file staged into the migrations folder is refused', async (ctx) => {
  write(ctx, '20250101000000_notes.sql.backup', BAD)
  await git(ctx, ['add', '-A'])
  const r = await commit(ctx, 'clutter')
  assert.is.not(r.code, 0)
  assert.match(r.output, 'the Supabase CLI skips it')
  await git(ctx, ['rm', '-q', '--cached', 'supabase/migrations/20250101000000_notes.sql.backup'])
})

hook('pre-push refuses a folder with clutter that slipped past pre-commit, and pushes once it is gone', async (ctx) => {
  const remote = mkdtempSync(join(tmpdir(), 'smk-remote-'))
  try {
    await $({ quiet: true })`git init -q --bare ${remote}`
    await git(ctx, ['remote', 'add', 'origin', remote])
    await git(ctx, ['add', '-A'])
    assert.is((await git(ctx, ['commit', '-q', '--no-verify', '-m', 'clutter'])).exitCode, 0)
    const refused = await git(ctx, ['push', '-q', 'origin', 'main'])
    assert.is.not(refused.exitCode, 0)
    assert.match(refused.stdout + refused.stderr, 'clutter: supabase/migrations/20250101000000_notes.sql.backup')
    await git(ctx, ['rm', '-q', 'supabase/migrations/20250101000000_notes.sql.backup'])
    assert.is((await commit(ctx, 'remove clutter')).code, 0)
    const pushed = await git(ctx, ['push', '-q', 'origin', 'main'])
    assert.is(pushed.exitCode, 0, pushed.stdout + pushed.stderr)
  } finally {
    rmSync(remote, { recursive: true, force: true })
  }
})
hook.run()
