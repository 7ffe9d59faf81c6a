import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { $ } from 'zx'
import { connect } from '../lib/db/connect.ts'
import { applyPlatformShim } from '../lib/db/platform/shim.ts'
import { createHistoryTable, insertHistoryRow } from '../lib/cli/history.ts'
import { splitAndTrim } from '../lib/cli/split.ts'
import { createTempDatabase, dropTempDatabase, testServer } from './helpers/db.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const NO_DB_LINE = 'check-sync and check-drift against the database not run'
const BAD = 'create table public.notes (id bigint primary key);\ncreate policy "Notes are public" on public.notes for select using (true);\n'
const GOOD = 'create table if not exists public.notes (id bigint primary key);\ndrop policy if exists "Notes are public" on public.notes;\ncreate policy "Notes are public" on public.notes for select using (true);\n'

// git and husky see only what the test gives them (no GIT_DIR of an outer hook, no HUSKY=0). uvu's CLI sets
// FORCE_COLOR under CI, and Node warns on stderr when it meets NO_COLOR too: the hook's output must be its own.
// No database URL either, unless a test writes one into the project's .env.
const DROPPED = ['HUSKY', 'FORCE_COLOR', 'SUPABASE_DB_URL', 'DATABASE_URL', 'SHADOW_DATABASE_URL', 'MIGRATION_KIT_DIR', 'MIGRATION_KIT_SKIP']
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_') && !DROPPED.includes(k)))

type Ctx = { repo: string; project: string }

// Where the kit and the Supabase project sit in a scratch repository ('.' is the repository root).
type Layout = { name: string; kit: string; project: string }
const PLAIN: Layout = { name: 'plain repository', kit: '.', project: '.' }
const LAYOUTS: Layout[] = [
  PLAIN,
  { name: 'monorepo (apps/db/supabase/)', kit: '.', project: 'apps/db' },
  { name: 'kit copied under tools/migration-kit/', kit: 'tools/migration-kit', project: '.' },
]

// The kit's hook files, which every layout copies to .husky/.
const HOOK_FILES = ['pre-commit', 'pre-push', 'migration-kit.sh', 'migration-kit.mjs']

// A fresh clone as a user has it after `npm install`: the kit's files, node_modules, and husky's `prepare` run.
function cloneLike(layout: Layout = PLAIN): string {
  const repo = mkdtempSync(join(tmpdir(), 'smk-hook-'))
  for (const p of ['package.json', '.gitignore']) cpSync(join(ROOT, p), join(repo, p))
  for (const p of ['lib', 'scripts']) cpSync(join(ROOT, p), join(repo, layout.kit, p), { recursive: true })
  for (const f of HOOK_FILES) cpSync(join(ROOT, '.husky', f), join(repo, '.husky', f))
  symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'))
  mkdirSync(join(repo, layout.project, 'supabase', 'migrations'), { recursive: true })
  writeFileSync(join(repo, layout.project, 'supabase', 'config.toml'), 'project_id = "hook"\n\n[db]\nmajor_version = 15\n')
  return repo
}

const git = (ctx: { repo: string }, args: string[], extra: Record<string, string> = {}) =>
  $({ cwd: ctx.repo, nothrow: true, quiet: true, env: { ...env, ...extra } })`git ${args}`

const migrations = (ctx: Ctx) => join(ctx.repo, ctx.project, 'supabase', 'migrations')
const inFolder = (ctx: Ctx, file: string) => join(ctx.project, 'supabase', 'migrations', file)

function write(ctx: Ctx, file: string, text: string) {
  writeFileSync(join(migrations(ctx), file), text)
}

async function commit(ctx: Ctx, message: string, extra: Record<string, string> = {}) {
  const r = await git(ctx, ['commit', '-q', '-m', message], extra)
  return { code: r.exitCode, output: r.stdout + r.stderr }
}

async function push(ctx: Ctx, args: string[] = ['origin', 'main'], extra: Record<string, string> = {}) {
  const r = await git(ctx, ['push', '-q', ...args], extra)
  return { code: r.exitCode, output: r.stdout + r.stderr }
}

const headCount = async (ctx: Ctx) => Number((await git(ctx, ['rev-list', '--count', 'HEAD'])).stdout.trim())

// git init, identity, husky (what `npm install` runs through "prepare"), a first commit of everything, and a bare
// remote named origin.
async function initRepo(ctx: Ctx) {
  await git(ctx, ['init', '-q', '-b', 'main'])
  await git(ctx, ['config', 'user.email', 'hook@test.invalid'])
  await git(ctx, ['config', 'user.name', 'Hook Test'])
  const install = await $({ cwd: ctx.repo, nothrow: true, quiet: true, env })`node_modules/.bin/husky`
  assert.is(install.exitCode, 0, install.stderr)
  await git(ctx, ['add', '-A'])
  const base = await commit(ctx, 'kit')
  assert.is(base.code, 0, base.output)
  const remote = join(ctx.repo, '.git', 'test-remote.git')
  await $({ quiet: true })`git init -q --bare ${remote}`
  await git(ctx, ['remote', 'add', 'origin', remote])
}

// ---
const hook = suite<Ctx>('.husky hooks: pre-commit blocks migrations that cannot run twice, pre-push a cluttered folder')

hook.before(async (ctx) => {
  ctx.repo = cloneLike()
  ctx.project = '.'
  await initRepo(ctx)
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
  await git(ctx, ['add', '-A'])
  assert.is((await git(ctx, ['commit', '-q', '--no-verify', '-m', 'clutter'])).exitCode, 0)
  const refused = await push(ctx)
  assert.is.not(refused.code, 0)
  assert.match(refused.output, 'clutter: supabase/migrations/20250101000000_notes.sql.backup')
  await git(ctx, ['rm', '-q', 'supabase/migrations/20250101000000_notes.sql.backup'])
  assert.is((await commit(ctx, 'remove clutter')).code, 0)
  const pushed = await push(ctx)
  assert.is(pushed.code, 0, pushed.output)
})
hook.run()

// ---
for (const layout of LAYOUTS) {
  const where = suite<Ctx>(`hooks in a ${layout.name}: the kit and the project are found, nothing passes unchecked`)
  where.before(async (ctx) => {
    ctx.repo = cloneLike(layout)
    ctx.project = layout.project
    await initRepo(ctx)
  })
  where.after((ctx) => rmSync(ctx.repo, { recursive: true, force: true }))

  where('a staged migration that fails on a re-run is refused, naming the file and the rule', async (ctx) => {
    write(ctx, '20250101000000_notes.sql', BAD)
    await git(ctx, ['add', '-A'])
    const r = await commit(ctx, 'bad migration')
    assert.is.not(r.code, 0)
    assert.match(r.output, 'supabase/migrations/20250101000000_notes.sql')
    assert.match(r.output, 'create-policy')
    if (layout.project !== '.') assert.match(r.output, `migration-kit: ${layout.project} (paths below are relative to it)`)
  })

  where('the idempotent version of it is accepted', async (ctx) => {
    write(ctx, '20250101000000_notes.sql', GOOD)
    await git(ctx, ['add', '-A'])
    const r = await commit(ctx, 'good migration')
    assert.is(r.code, 0, r.output)
  })

  where('pre-push checks the pushed commit: committed clutter deleted on disk but not in a commit still blocks', async (ctx) => {
    write(ctx, '20250101000000_notes.sql.backup', BAD)
    await git(ctx, ['add', '-A'])
    assert.is((await git(ctx, ['commit', '-q', '--no-verify', '-m', 'clutter'])).exitCode, 0)
    rmSync(join(migrations(ctx), '20250101000000_notes.sql.backup'))
    const r = await push(ctx)
    assert.is.not(r.code, 0)
    assert.match(r.output, 'clutter: supabase/migrations/20250101000000_notes.sql.backup (backup)')
    assert.match(r.output, 'Commit the fixes (git rm <file> also records a deletion made only on disk), then push again.')
  })

  where('once the deletion is committed the push goes through, an untracked notes.sql.bak notwithstanding', async (ctx) => {
    await git(ctx, ['rm', '-q', '--cached', inFolder(ctx, '20250101000000_notes.sql.backup')])
    assert.is((await commit(ctx, 'remove clutter')).code, 0)
    write(ctx, 'notes.sql.bak', BAD)
    const r = await push(ctx)
    assert.is(r.code, 0, r.output)
    assert.match(r.output, '1 migration files, no clutter, no duplicate versions, no empty files.')
    // Without a database URL the online checks are skipped, in one line that says how to enable them.
    assert.is(r.output.split('\n').filter((l) => l.includes(NO_DB_LINE)).length, 1)
    assert.match(r.output, `${NO_DB_LINE} for ${layout.project}: no SUPABASE_DB_URL or DATABASE_URL (set one in the environment or in ${layout.project}/.env to run them before each push).`)
  })
  where.run()
}

// ---
const removal = suite<Ctx>('pre-commit lets a commit remove what the folder checks ask to remove, and says what applies')
removal.before(async (ctx) => {
  ctx.repo = cloneLike()
  ctx.project = '.'
  await initRepo(ctx)
  write(ctx, '20250101000000_notes.sql', GOOD)
  write(ctx, '20250102000000_empty.sql', '')
  write(ctx, '20250103000000_a.sql', 'select 1;\n')
  write(ctx, '20250103000000_b.sql', 'select 2;\n')
  await git(ctx, ['add', '-A'])
  assert.is((await git(ctx, ['commit', '-q', '--no-verify', '-m', 'an empty file and a duplicate version'])).exitCode, 0)
})
removal.after((ctx) => rmSync(ctx.repo, { recursive: true, force: true }))

removal('deleting a committed empty file and renaming one of two files that share a version is accepted', async (ctx) => {
  await git(ctx, ['rm', '-q', inFolder(ctx, '20250102000000_empty.sql')])
  await git(ctx, ['mv', inFolder(ctx, '20250103000000_b.sql'), inFolder(ctx, '20250104000000_b.sql')])
  const r = await commit(ctx, 'clean up')
  assert.is(r.code, 0, r.output)
  const tree = (await git(ctx, ['ls-tree', '--name-only', 'HEAD', 'supabase/migrations/'])).stdout.trim().split('\n')
  assert.equal(tree, ['supabase/migrations/20250101000000_notes.sql', 'supabase/migrations/20250103000000_a.sql', 'supabase/migrations/20250104000000_b.sql'])
})

removal('deleting a committed migration is refused with advice for a deletion only', async (ctx) => {
  await git(ctx, ['rm', '-q', inFolder(ctx, '20250101000000_notes.sql')])
  const r = await commit(ctx, 'delete applied migration')
  assert.is.not(r.code, 0)
  assert.match(r.output, '20250101000000_notes.sql was already committed and is now deleted')
  assert.match(r.output, 'Restore it (git restore --staged --worktree supabase/migrations/20250101000000_notes.sql)')
  assert.not.match(r.output, 'Put the change in a new migration')
  assert.not.match(r.output, 'Rename it back')
  await git(ctx, ['restore', '--staged', '--worktree', inFolder(ctx, '20250101000000_notes.sql')])
})

removal('renaming a committed migration that has no twin is refused with the command that renames it back', async (ctx) => {
  await git(ctx, ['mv', inFolder(ctx, '20250103000000_a.sql'), inFolder(ctx, '20250105000000_a.sql')])
  const r = await commit(ctx, 'rename applied migration')
  assert.is.not(r.code, 0)
  assert.match(r.output, 'Rename it back (git mv supabase/migrations/20250105000000_a.sql supabase/migrations/20250103000000_a.sql)')
  assert.not.match(r.output, 'git restore')
})
removal.run()

// ---
const lost = suite<Ctx>('a hook that cannot find the kit fails in one line, never passes silently')
lost.before.each(async (ctx) => {
  ctx.repo = cloneLike()
  ctx.project = '.'
  await initRepo(ctx)
})
lost.after.each((ctx) => rmSync(ctx.repo, { recursive: true, force: true }))

lost('with the kit removed from git, a staged migration is refused with the reason and what to do', async (ctx) => {
  await git(ctx, ['rm', '-r', '-q', '--cached', 'scripts', 'lib'])
  write(ctx, '20250101000000_notes.sql', GOOD)
  await git(ctx, ['add', 'supabase'])
  const r = await commit(ctx, 'no kit')
  assert.is.not(r.code, 0)
  assert.equal(r.output.split('\n').filter((l) => l.startsWith('migration-kit:')), [
    "migration-kit: cannot find the migration kit (no scripts/check-sync.ts with lib/ beside it in git). git add the kit's scripts/ and lib/, or set MIGRATION_KIT_DIR.",
  ])
})

lost('a MIGRATION_KIT_DIR that holds no kit is refused, naming it', async (ctx) => {
  write(ctx, '20250101000000_notes.sql', GOOD)
  await git(ctx, ['add', '-A'])
  const r = await commit(ctx, 'wrong dir', { MIGRATION_KIT_DIR: 'tools/nowhere' })
  assert.is.not(r.code, 0)
  assert.match(r.output, "migration-kit: MIGRATION_KIT_DIR=tools/nowhere holds no scripts/check-sync.ts. Point it at the folder holding the kit's scripts/ and lib/.")
})

lost('deleting a remote branch pushes nothing, so nothing is checked, even with clutter in the local commit', async (ctx) => {
  assert.is((await push(ctx, ['origin', 'main:other'])).code, 0)
  write(ctx, 'notes.sql.backup', BAD)
  await git(ctx, ['add', '-A'])
  assert.is((await git(ctx, ['commit', '-q', '--no-verify', '-m', 'clutter'])).exitCode, 0)
  const r = await push(ctx, ['origin', ':other'])
  assert.is(r.code, 0, r.output)
  assert.is(r.output.trim(), '')
})
lost.run()

// ---
const bundle = suite<Ctx & { refused: string }>('the hooks run a cached bundle of the kit: rebuilt after an edit of the kit, tsx with one line when it cannot be used')
bundle.before(async (ctx) => {
  ctx.repo = cloneLike()
  ctx.project = '.'
  await initRepo(ctx)
  write(ctx, '20250101000000_notes.sql', BAD)
  await git(ctx, ['add', '-A'])
})
bundle.after((ctx) => rmSync(ctx.repo, { recursive: true, force: true }))

const FALLBACK = /^migration-kit: (.*); running check-idempotent through tsx instead\.\n/m
const withoutFallback = (output: string) => output.replace(FALLBACK, '')
// This copy's manifest (node_modules, and so the cache, is shared with other copies of the kit).
function manifestOf(ctx: Ctx): { path: string; entry: string; outputs: [string, number, number][] } {
  const hooks = join(ctx.repo, 'node_modules', '.cache', 'supabase-migration-kit', 'hooks')
  for (const name of readdirSync(hooks)) {
    const path = join(hooks, name, 'check-idempotent.json')
    if (!existsSync(path)) continue
    const m = JSON.parse(readFileSync(path, 'utf8'))
    if (m.kit === ctx.repo) return { path, ...m }
  }
  throw new Error(`no bundle manifest for ${ctx.repo}`)
}

bundle('a refused commit through the bundle says what tsx says, and an edit of a lib/ file is in the next commit', async (ctx) => {
  const first = await commit(ctx, 'bad migration')
  assert.is(first.code, 1, first.output)
  assert.match(first.output, 'the policy already exists (--fix)')
  assert.not.match(first.output, FALLBACK)
  const rule = join(ctx.repo, 'lib', 'sql', 'rules', 'create-policy.ts')
  writeFileSync(rule, readFileSync(rule, 'utf8').replace('the policy already exists`', 'the policy already exists (edited kit)`'))
  const edited = await commit(ctx, 'bad migration')
  assert.is(edited.code, 1)
  assert.match(edited.output, 'the policy already exists (edited kit) (--fix)')
  assert.not.match(edited.output, FALLBACK)
  ctx.refused = edited.output
})

bundle('a cached bundle that does not load: the same verdict and output through tsx, one line more', async (ctx) => {
  // A bundle broken in place with its manifest still matching it (a disk fault, a half-copied cache).
  const m = manifestOf(ctx)
  writeFileSync(m.entry, 'export {\n')
  const stat = statSync(m.entry)
  const outputs = m.outputs.map(([p, size, at]) => (p === m.entry ? [p, stat.size, stat.mtimeMs] : [p, size, at]))
  writeFileSync(m.path, JSON.stringify({ ...JSON.parse(readFileSync(m.path, 'utf8')), outputs }))
  const broken = await commit(ctx, 'bad migration')
  assert.is(broken.code, 1)
  assert.match(broken.output.match(FALLBACK)?.[1] ?? '', 'does not load')
  assert.is(withoutFallback(broken.output), ctx.refused)
  // The next commit builds a new bundle.
  assert.not.ok(existsSync(m.path))
})

bundle('without esbuild (and no bundle yet) the commit is checked through tsx, with the reason in one line', async (ctx) => {
  // A node_modules of links to the real one, less esbuild and the cache.
  const shared = join(ROOT, 'node_modules')
  rmSync(join(ctx.repo, 'node_modules'))
  mkdirSync(join(ctx.repo, 'node_modules'))
  for (const name of readdirSync(shared).filter((n) => n !== 'esbuild' && n !== '.cache')) symlinkSync(join(shared, name), join(ctx.repo, 'node_modules', name))
  const r = await commit(ctx, 'bad migration')
  assert.is(r.code, 1)
  assert.match(r.output.match(FALLBACK)?.[1] ?? '', 'esbuild is not installed')
  assert.is(withoutFallback(r.output), ctx.refused)
})
bundle.run()

// ---
type OnlineCtx = Ctx & { url: string }
const online = suite<OnlineCtx>('pre-push with a database URL in .env also runs check-sync and check-drift against it')
online.before.each(async (ctx) => {
  ctx.url = await createTempDatabase()
  // The "remote" is a Supabase project: the platform check-drift expects (roles, schemas, default privileges).
  const sql = connect(ctx.url, { app: 'test' })
  try {
    await applyPlatformShim(sql)
  } finally {
    await sql.end()
  }
  ctx.repo = cloneLike()
  ctx.project = '.'
  await initRepo(ctx)
  // A shadow server makes check-drift's replay quick; without one it uses the embedded PGlite.
  const shadow = await testServer()
  writeFileSync(join(ctx.repo, '.env'), `SUPABASE_DB_URL=${ctx.url}\n${shadow ? `SHADOW_DATABASE_URL=${shadow}\n` : ''}`)
  write(ctx, '20250101000000_notes.sql', GOOD)
  await git(ctx, ['add', '-A'])
  assert.is((await commit(ctx, 'migration')).code, 0)
})
online.after.each(async (ctx) => {
  rmSync(ctx.repo, { recursive: true, force: true })
  await dropTempDatabase(ctx.url)
})

online('a commit whose only difference from the database is a file db push would apply is pushed', async (ctx) => {
  const r = await push(ctx)
  assert.is(r.code, 0, r.output)
  assert.match(r.output, 'Pending only: 1 local file(s) not applied yet, nothing to fix. Apply them: supabase db push --db-url "$SUPABASE_DB_URL"')
  assert.match(r.output, 'No drift: the database matches what the migration files produce.')
  assert.not.match(r.output, NO_DB_LINE)
})

online('a version applied on the database that the pushed commit lacks blocks the push', async (ctx) => {
  const sql = connect(ctx.url, { app: 'test' })
  try {
    await createHistoryTable(sql)
    await insertHistoryRow(sql, { version: '20250102000000', name: 'hotfix', statements: splitAndTrim('select 1;') })
  } finally {
    await sql.end()
  }
  const r = await push(ctx)
  assert.is.not(r.code, 0)
  assert.match(r.output, 'remote only 20250102000000: applied on the database but no file has it.')
  assert.is((await git(ctx, ['ls-remote', 'origin', 'main'])).stdout.trim(), '')
})
online.run()

// ---
const copy = suite<Ctx>('the README steps "Copy the kit into your repository", performed in a scratch repository')
const README = readFileSync(join(ROOT, 'README.md'), 'utf8')
const section = README.slice(README.indexOf('### Copy the kit into your repository'))
const STEPS = section.slice(section.indexOf('```sh\n') + 6, section.indexOf('\n```', section.indexOf('```sh\n'))).split('\n')
const KIT_PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))

// `npm install --save-exact a@1 b@2` → { a: '1', b: '2' }, as npm writes them into package.json.
const specs = (line: string) => Object.fromEntries(line.split(' ').filter((w) => /^@?[a-z].*@\d/.test(w)).map((w) => [w.slice(0, w.lastIndexOf('@')), w.slice(w.lastIndexOf('@') + 1)]))

copy.before(async (ctx) => {
  ctx.repo = mkdtempSync(join(tmpdir(), 'smk-copy-'))
  ctx.project = '.'
  writeFileSync(join(ctx.repo, 'package.json'), JSON.stringify({ name: 'my-app', private: true }, null, 2) + '\n')
  writeFileSync(join(ctx.repo, '.gitignore'), 'node_modules\n')
  await git(ctx, ['init', '-q', '-b', 'main'])
  await git(ctx, ['config', 'user.email', 'hook@test.invalid'])
  await git(ctx, ['config', 'user.name', 'Hook Test'])
})
copy.after((ctx) => rmSync(ctx.repo, { recursive: true, force: true }))

copy('the npm install lines pin exactly the runtime dependencies and husky, as the kit does', () => {
  const installs = STEPS.filter((l) => l.startsWith('npm install'))
  assert.is(installs.length, 2)
  const { husky: _, supabase: _s, typescript: _t, uvu: _u, 'fast-check': _f, '@types/node': _n, ...dev } = KIT_PACKAGE.devDependencies
  assert.equal(dev, {}, 'a new devDependency: say in the README whether a copy needs it')
  assert.equal(specs(installs[0]), KIT_PACKAGE.dependencies)
  assert.match(installs[1], '--save-dev')
  assert.equal(specs(installs[1]), { husky: KIT_PACKAGE.devDependencies.husky })
})

copy('every step runs as written, npm install done by hand (no registry): package.json, node_modules, prepare', async (ctx) => {
  const installs = STEPS.filter((l) => l.startsWith('npm install'))
  for (const line of STEPS) {
    if (line.startsWith('npm install')) {
      if (line !== installs.at(-1)) continue
      // What the npm install lines write into package.json; then this checkout's node_modules, and the
      // prepare script npm install runs.
      const pkg = JSON.parse(readFileSync(join(ctx.repo, 'package.json'), 'utf8'))
      assert.is(pkg.scripts.prepare, 'husky')
      const [deps, dev] = installs.map(specs)
      writeFileSync(join(ctx.repo, 'package.json'), JSON.stringify({ ...pkg, dependencies: deps, devDependencies: dev }, null, 2) + '\n')
      symlinkSync(join(ROOT, 'node_modules'), join(ctx.repo, 'node_modules'))
      const prepare = await $({ cwd: ctx.repo, nothrow: true, quiet: true, env })`npm run -s prepare`
      assert.is(prepare.exitCode, 0, prepare.stderr)
      continue
    }
    const r = await $({ cwd: ctx.repo, nothrow: true, quiet: true, env: { ...env, KIT: ROOT } })`sh -c ${line}`
    assert.is(r.exitCode, 0, `${line}: ${r.stderr}`)
  }
  assert.is((await git(ctx, ['config', 'core.hooksPath'])).stdout.trim(), '.husky/_')
  const r = await commit(ctx, 'migration kit')
  assert.is(r.code, 0, r.output)
  const tracked = (await git(ctx, ['ls-files', '.husky', 'tools/migration-kit/package.json', 'tools/migration-kit/scripts/check-sync.ts'])).stdout.trim().split('\n')
  assert.equal(tracked, ['.husky/migration-kit.mjs', '.husky/migration-kit.sh', '.husky/pre-commit', '.husky/pre-push', 'tools/migration-kit/package.json', 'tools/migration-kit/scripts/check-sync.ts'])
})

copy('in the copied repository a migration that cannot run twice is refused and its idempotent form accepted', async (ctx) => {
  mkdirSync(migrations(ctx), { recursive: true })
  writeFileSync(join(ctx.repo, 'supabase', 'config.toml'), 'project_id = "my-app"\n')
  write(ctx, '20250101000000_notes.sql', BAD)
  await git(ctx, ['add', '-A'])
  const refused = await commit(ctx, 'bad migration')
  assert.is.not(refused.code, 0)
  assert.match(refused.output, 'create-policy')
  write(ctx, '20250101000000_notes.sql', GOOD)
  await git(ctx, ['add', '-A'])
  const accepted = await commit(ctx, 'good migration')
  assert.is(accepted.code, 0, accepted.output)
  assert.is(await headCount(ctx), 2)
})
copy.run()
