// The lib/ rooms, the one direction imports take between them (each room's README.md says the same), and what
// the pre-commit path must not load.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { $ } from 'zx'
import { makeProject } from './helpers/project.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

// Who may import whom: a room imports itself and the rooms listed for it, nothing else.
const MAY_IMPORT: Record<string, readonly string[]> = {
  run: [],
  cli: ['run'],
  sql: ['run', 'cli'],
  db: ['run', 'cli'],
  catalog: ['run', 'cli', 'sql', 'db'],
  checks: ['run', 'cli', 'sql', 'db', 'catalog'],
}

type Source = { path: string; text: string }

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : []
  })

const sources = (dir: string): Source[] => walk(join(ROOT, dir)).map((p) => ({ path: relative(ROOT, p), text: readFileSync(p, 'utf8') }))

// Every relative import of a file, static or dynamic, as a path from the repository root.
const importsOf = (s: Source) =>
  [...s.text.matchAll(/(?:from\s+|import\(\s*)['"](\.\.?\/[^'"]+)['"]/g)].map((m) => join(dirname(s.path), m[1]))

const roomOf = (path: string) => (path.startsWith('lib/') ? path.split('/')[1] : path.split('/')[0])

// The imports of lib modules that go to a room they may not import.
function upwardImports(files: readonly Source[]): string[] {
  return files.flatMap((s) => {
    const from = roomOf(s.path)
    return importsOf(s)
      .filter((target) => roomOf(target) !== from && !(MAY_IMPORT[from] ?? []).includes(roomOf(target)))
      .map((target) => `${s.path} → ${target}`)
  })
}

const layout = suite('lib layout: rooms and the direction of imports')

layout('every lib module sits in one of the rooms, and each room has a README', () => {
  const entries = readdirSync(join(ROOT, 'lib'))
  assert.equal(entries.filter((name) => !statSync(join(ROOT, 'lib', name)).isDirectory()), [])
  assert.equal(entries.sort(), Object.keys(MAY_IMPORT).sort())
  for (const room of entries) assert.ok(statSync(join(ROOT, 'lib', room, 'README.md')).isFile(), `lib/${room}/README.md`)
})

layout('no lib room imports a room above it, and lib imports neither scripts nor tests', () => {
  assert.equal(upwardImports(sources('lib')), [])
})

layout('an upward import is found, static or dynamic, and a downward one is not', () => {
  const made = [
    { path: 'lib/db/shadow.ts', text: "import { snapshotCatalog } from '../catalog/snapshot.ts'" },
    { path: 'lib/cli/plan.ts', text: "const x = await import('../../scripts/check-sync.ts')" },
    { path: 'lib/catalog/snapshot.ts', text: "import type { Sql } from '../run/sql.ts'\nimport { connect } from '../db/connect.ts'" },
  ]
  assert.equal(upwardImports(made), ['lib/db/shadow.ts → lib/catalog/snapshot.ts', 'lib/cli/plan.ts → scripts/check-sync.ts'])
})

layout('scripts import lib only, never another script', () => {
  const wrong = sources('scripts').flatMap((s) => importsOf(s).filter((t) => !t.startsWith('lib/')).map((t) => `${s.path} → ${t}`))
  assert.equal(wrong, [])
})

layout.run()

// ---
const lazy = suite<{ dir: string }>('the static check (and so the pre-commit hook) loads no PGlite')

lazy.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'smk-imports-'))
})
lazy.after.each((ctx) => rmSync(ctx.dir, { recursive: true, force: true }))

const { FORCE_COLOR: _dropped, ...inherited } = process.env

// The module URLs one run of a script resolves.
async function loadedBy(ctx: { dir: string }, script: string, args: string[], cwd = ROOT): Promise<string[]> {
  const record = join(ctx.dir, `${script}.imports`)
  writeFileSync(record, '')
  // By URL, not by package name: the run's cwd may be a project outside this checkout.
  const tsx = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href
  const hook = pathToFileURL(join(ROOT, 'tests', 'helpers', 'record-imports.mjs')).href
  const run = await $({ cwd, nothrow: true, quiet: true, env: { ...inherited, RECORD_IMPORTS: record } })`${process.execPath} --import ${tsx} --import ${hook} ${join(ROOT, 'scripts', `${script}.ts`)} ${args}`
  assert.ok(run.exitCode === 0 || run.exitCode === 1, run.stderr)
  return readFileSync(record, 'utf8').split('\n').filter(Boolean)
}

const pglite = (urls: string[]) => urls.filter((u) => u.includes('@electric-sql/pglite'))

lazy('the recorder sees PGlite where a script does load it (check-drift imports the shadow)', async (ctx) => {
  assert.ok(pglite(await loadedBy(ctx, 'check-drift', ['--help'])).length > 0)
})

lazy('check-idempotent on a folder resolves no @electric-sql/pglite module', async (ctx) => {
  const project = makeProject({ '20250101000000_a.sql': 'create table public.a (id int);\n' })
  try {
    const urls = await loadedBy(ctx, 'check-idempotent', [project.migrations])
    assert.ok(urls.some((u) => u.includes('libpg-query')), 'the parser was loaded: the check really ran')
    assert.equal(pglite(urls), [])
  } finally {
    project.remove()
  }
})

lazy('check-idempotent --staged resolves no @electric-sql/pglite module', async (ctx) => {
  const project = makeProject({ '20250101000000_a.sql': 'create table if not exists public.a (id int);\n' })
  try {
    const git = $({ cwd: project.root, nothrow: true, quiet: true })
    await git`git init -q`
    await git`git add -A`
    const urls = await loadedBy(ctx, 'check-idempotent', ['--staged'], project.root)
    assert.ok(urls.some((u) => u.includes('libpg-query')), 'the parser was loaded: the staged file was checked')
    assert.equal(pglite(urls), [])
  } finally {
    project.remove()
  }
})

lazy('the hooks run check-idempotent --staged from a bundle that resolves no @electric-sql/pglite module either', async (ctx) => {
  const project = makeProject({ '20250101000000_a.sql': 'create table if not exists public.a (id int);\n' })
  try {
    const git = $({ cwd: project.root, nothrow: true, quiet: true })
    await git`git init -q`
    await git`git add -A`
    const record = join(ctx.dir, 'bundle.imports')
    writeFileSync(record, '')
    const hook = pathToFileURL(join(ROOT, 'tests', 'helpers', 'record-imports.mjs')).href
    const launcher = join(ROOT, '.husky', 'migration-kit.mjs')
    const run = await $({ cwd: project.root, nothrow: true, quiet: true, env: { ...inherited, RECORD_IMPORTS: record } })`${process.execPath} --import ${hook} ${launcher} ${join(ROOT, 'node_modules')} ${ROOT} check-idempotent --staged`
    assert.is(run.exitCode, 0, run.stderr)
    assert.is(run.stderr, '', 'no fallback on tsx')
    const urls = readFileSync(record, 'utf8').split('\n').filter(Boolean)
    assert.ok(urls.some((u) => u.includes('/.cache/supabase-migration-kit/hooks/')), 'the bundle ran')
    assert.ok(urls.some((u) => u.includes('libpg-query')), 'the parser was loaded: the staged file was checked')
    assert.equal(pglite(urls), [])
  } finally {
    project.remove()
  }
})

lazy.run()
