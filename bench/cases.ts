// The bench's cases, one entry each: what to time (ours), what to time it against (a peer tool doing the same job,
// or a floor), and the target. The runner (bench/run.ts) times every case the same way.
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import type { Command } from './measure.ts'
import type { Workspace } from './workspace.ts'

export type Target =
  | { kind: 'ratio'; max: number } // ours ÷ peer
  | { kind: 'added'; maxMs: number } // ours − peer
  | { kind: 'absolute'; maxMs: number } // ours alone

export type Side = {
  label: string
  command: (w: Workspace) => Command
  // Untimed work before each run of this side (a fresh database, the git index put back).
  prepare?: (w: Workspace) => Promise<void>
}

export type Case = {
  id: string
  title: string
  // Repository files the case needs; a checkout without them prints "not in this checkout".
  requires?: string[]
  ours: Side
  peer?: Side
  target: Target
  // 'reported': the last stdout line of ours is {"ms": …}, measured inside the process (the shadow's start).
  metric?: 'wall' | 'reported'
  // The corpus size, for the scaling groups' time-per-file slope.
  files?: number
  group?: string
  // At most this many runs (long cases), whatever --runs says.
  maxRuns?: number
  // Untimed, once, before the first run (e.g. build the seed remote).
  setup?: (w: Workspace) => Promise<void>
}

const script = (w: Workspace, name: string, args: string[], cwd?: string): Command => ({ argv: [w.tsx, join(w.root, 'scripts', name), ...args], cwd: cwd ?? w.root, env: w.env })

function staticCase(files: number, group?: string): Case {
  return {
    id: group ? `static-${files}` : 'static',
    title: `static check, ${files.toLocaleString('en')} files`,
    ours: { label: 'check-idempotent', command: (w) => script(w, 'check-idempotent.ts', ['--dir', w.corpus(files, false).migrations]) },
    // squawk takes the files as arguments; its exit code 1 (findings) is expected, like ours.
    peer: { label: 'squawk', command: (w) => ({ argv: [w.bin('squawk'), ...w.corpus(files, false).files], cwd: w.root, env: w.env }) },
    target: { kind: 'ratio', max: 1.0 },
    files,
    group,
  }
}

// `supabase db push` of the same chain twice to a fresh, shimmed database: the history rows are removed between the
// two pushes (else the second push has nothing to do), which is what the kit's second pass skips as well.
function replayCase(files: number, group?: string): Case {
  return {
    id: group ? `replay-${files}` : 'replay',
    title: `replay twice, ${files.toLocaleString('en')}-file chain`,
    ours: {
      label: 'check-idempotent --replay',
      command: (w) => script(w, 'check-idempotent.ts', ['--replay', '--shadow-url', w.server], w.corpus(files, true).root),
    },
    peer: {
      label: 'supabase db push ×2',
      prepare: async (w) => {
        w.scratch.pushUrl = await w.freshShimmedDatabase()
      },
      command: (w) => ({
        argv: ['bash', '-c', 'set -e; "$1" db push --db-url "$2" --yes; psql -q "$2" -c "truncate supabase_migrations.schema_migrations"; "$1" db push --db-url "$2" --yes', 'push-twice', w.bin('supabase'), w.scratch.pushUrl!],
        cwd: w.corpus(files, true).root,
        env: { ...w.env, SUPABASE_YES: '1', PGSSLMODE: 'disable' },
      }),
    },
    target: { kind: 'ratio', max: 1.3 },
    files,
    group,
    maxRuns: files > 500 ? 1 : undefined,
  }
}

// A copy of the kit inside a user's repository (scripts/, lib/, .husky/, package.json, node_modules linked), with
// 20 committed migrations and 5 new ones staged; each run puts HEAD back so the same 5 files are staged again.
// `hook`: another pre-commit body in place of the kit's (the floor: a hook that only starts Node).
function preCommitRepo(w: Workspace, hook?: string): string {
  const dir = join(w.tmp, hook ? 'hook-floor-repo' : 'hook-repo')
  if (existsSync(dir)) return dir
  mkdirSync(dir)
  for (const part of ['scripts', 'lib', '.husky', 'package.json']) cpSync(join(w.root, part), join(dir, part), { recursive: true })
  if (hook) writeFileSync(join(dir, '.husky', 'pre-commit'), hook)
  symlinkSync(join(w.root, 'node_modules'), join(dir, 'node_modules'))
  mkdirSync(join(dir, 'supabase', 'migrations'), { recursive: true })
  writeFileSync(join(dir, 'supabase', 'config.toml'), 'project_id = "bench"\n')
  const corpus = w.corpus(25, true)
  const names = readdirSync(corpus.migrations).sort()
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: w.env, stdio: 'pipe' })
  git('init', '-q', '-b', 'main')
  git('config', 'user.name', 'bench')
  git('config', 'user.email', 'bench@localhost')
  // What `npm install` runs through "prepare": husky points core.hooksPath at .husky/_ (its wrapper, then our hook).
  execFileSync(w.bin('husky'), [], { cwd: dir, env: w.env, stdio: 'pipe' })
  for (const n of names.slice(0, 20)) cpSync(join(corpus.migrations, n), join(dir, 'supabase', 'migrations', n))
  git('add', '-A')
  git('commit', '-q', '--no-verify', '-m', 'base')
  for (const n of names.slice(20)) cpSync(join(corpus.migrations, n), join(dir, 'supabase', 'migrations', n))
  git('add', 'supabase')
  git('tag', 'bench-base')
  return dir
}

const NODE_ONLY_HOOK = "node -e ''\n"
const resetIndex = (hook?: string) => async (w: Workspace) => {
  execFileSync('git', ['reset', '-q', '--soft', 'bench-base'], { cwd: preCommitRepo(w, hook), env: w.env })
}

export const CASES: Case[] = [
  staticCase(1000),
  {
    // Where parser start-up and parsing alone put us: libpg-query's WebAssembly, each file parsed once, no rules.
    id: 'parse-floor',
    title: 'floor: libpg-query alone, 1,000 files',
    ours: { label: 'node + libpg-query', command: (w) => ({ argv: [process.execPath, join(w.root, 'bench', 'parse-floor.mjs'), ...w.corpus(1000, false).files], cwd: w.root, env: w.env }) },
    peer: { label: 'squawk', command: (w) => ({ argv: [w.bin('squawk'), ...w.corpus(1000, false).files], cwd: w.root, env: w.env }) },
    target: { kind: 'ratio', max: 1.0 },
  },
  {
    id: 'pre-commit',
    title: 'pre-commit hook, 5 staged files',
    ours: { label: 'git commit (hook)', prepare: resetIndex(), command: (w) => ({ argv: ['git', 'commit', '-q', '-m', 'bench'], cwd: preCommitRepo(w), env: w.env }) },
    peer: { label: 'git commit --no-verify', prepare: resetIndex(), command: (w) => ({ argv: ['git', 'commit', '-q', '--no-verify', '-m', 'bench'], cwd: preCommitRepo(w), env: w.env }) },
    target: { kind: 'added', maxMs: 500 },
  },
  {
    // What any Node-based hook costs on this machine: the floor under the row above.
    id: 'hook-floor',
    title: "floor: pre-commit hook that only runs node -e ''",
    ours: { label: "git commit (node -e '')", prepare: resetIndex(NODE_ONLY_HOOK), command: (w) => ({ argv: ['git', 'commit', '-q', '-m', 'bench'], cwd: preCommitRepo(w, NODE_ONLY_HOOK), env: w.env }) },
    peer: { label: 'git commit --no-verify', prepare: resetIndex(NODE_ONLY_HOOK), command: (w) => ({ argv: ['git', 'commit', '-q', '--no-verify', '-m', 'bench'], cwd: preCommitRepo(w, NODE_ONLY_HOOK), env: w.env }) },
    target: { kind: 'added', maxMs: 500 },
  },
  {
    id: 'shadow',
    title: 'embedded shadow ready (connected, shim applied)',
    ours: { label: 'openShadow (PGlite)', command: (w) => ({ argv: [w.tsx, join(w.root, 'bench', 'shadow-ready.ts')], cwd: w.root, env: w.env }) },
    target: { kind: 'absolute', maxMs: 2000 },
    metric: 'reported',
  },
  replayCase(50),
  {
    id: 'check-drift',
    setup: (w) => w.buildSeedRemote(),
    title: 'check-drift, seed fixture, embedded shadow',
    ours: { label: 'check-drift', command: (w) => script(w, 'check-drift.ts', ['--db-url', w.seedRemote(), '--json'], w.seedRoot) },
    target: { kind: 'absolute', maxMs: 5000 },
  },
  {
    id: 'doctor',
    setup: (w) => w.buildSeedRemote(),
    title: 'doctor, seed fixture, embedded shadow',
    requires: ['scripts/doctor.ts'],
    ours: { label: 'doctor', command: (w) => script(w, 'doctor.ts', ['--db-url', w.seedRemote(), '--json'], w.seedRoot) },
    target: { kind: 'absolute', maxMs: 10000 },
  },
  {
    id: 'dump-baseline',
    setup: (w) => w.buildSeedRemote(),
    title: 'dump-baseline + verify, seed remote',
    requires: ['scripts/dump-baseline.ts'],
    ours: { label: 'dump-baseline', command: (w) => script(w, 'dump-baseline.ts', ['--db-url', w.seedRemote(), '--out', '-'], w.seedRoot) },
    target: { kind: 'absolute', maxMs: 10000 },
  },
  ...[100, 500, 2000].map((n) => staticCase(n, 'scaling: static check')),
  ...[100, 500, 2000].map((n) => replayCase(n, 'scaling: replay twice')),
]
