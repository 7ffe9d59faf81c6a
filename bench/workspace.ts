// What the bench cases share during one run: the kit checkout, a temp folder, the generated corpora (made once per
// size), the PostgreSQL server, the seed fixture's remote, and every database made (all dropped at the end).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { connect } from '../lib/db/connect.ts'
import { onInterrupt } from '../lib/run/cleanup.ts'
import { applyPlatformShim } from '../lib/db/platform/shim.ts'
import { buildSeedRemote, SEED_ROOT } from '../tests/helpers/seed.ts'
import { writeCorpus } from './corpus.ts'

export type Corpus = { root: string; migrations: string; files: string[] }

export type Workspace = {
  root: string
  tmp: string
  tsx: string
  server: string
  env: NodeJS.ProcessEnv
  seedRoot: string
  bin: (name: string) => string
  corpus: (files: number, guarded: boolean) => Corpus
  // A new database on the server with the platform shim (copied from a template made once).
  freshShimmedDatabase: () => Promise<string>
  buildSeedRemote: () => Promise<void>
  seedRemote: () => string
  // Per-run values handed from a side's prepare() to its command().
  scratch: { pushUrl?: string }
  dispose: () => Promise<void>
}

// `tools`: binaries installed outside node_modules/.bin (tests/helpers/npm-tool.ts), by the name cases ask for.
export function openWorkspace(root: string, server: string, tools: Record<string, string>): Workspace {
  const tmp = mkdtempSync(join(tmpdir(), 'smk-bench-'))
  const corpora = new Map<string, Corpus>()
  const databases: string[] = []
  const tag = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
  let template: Promise<string> | undefined
  let seed: string | undefined
  const urlOf = (name: string) => {
    const u = new URL(server)
    u.pathname = `/${name}`
    return u.toString()
  }
  const createDatabase = async (name: string, from?: string) => {
    const admin = connect(server, { app: 'bench', onNotice: () => {} })
    try {
      await (from ? admin`create database ${admin(name)} template ${admin(from)}` : admin`create database ${admin(name)}`)
      databases.push(name)
    } finally {
      await admin.end({ timeout: 5 })
    }
    return urlOf(name)
  }
  // Subprocesses must not inherit a parent's FORCE_COLOR (Node warns when NO_COLOR is also set).
  const { FORCE_COLOR: _drop, ...env } = process.env
  const w: Workspace = {
    root,
    tmp,
    tsx: join(root, 'node_modules', '.bin', 'tsx'),
    server,
    env: { ...env, NO_COLOR: '1' },
    seedRoot: SEED_ROOT,
    bin: (name) => tools[name] ?? join(root, 'node_modules', '.bin', name),
    corpus: (files, guarded) => {
      const key = `${files}-${guarded ? 'guarded' : 'mixed'}`
      let c = corpora.get(key)
      if (!c) {
        // A Supabase project root, so that the CLI and --replay find the folder as a user's checkout has it.
        const dir = join(tmp, `corpus-${key}`)
        const migrations = join(dir, 'supabase', 'migrations')
        const paths = writeCorpus(migrations, { files, guarded })
        writeFileSync(join(dir, 'supabase', 'config.toml'), 'project_id = "bench"\n')
        c = { root: dir, migrations, files: paths }
        corpora.set(key, c)
      }
      return c
    },
    freshShimmedDatabase: async () => {
      template ??= (async () => {
        const name = `smk_bench_tpl_${tag}`
        const url = await createDatabase(name)
        const sql = connect(url, { app: 'bench', onNotice: () => {} })
        try {
          await applyPlatformShim(sql)
        } finally {
          await sql.end({ timeout: 5 })
        }
        return name
      })()
      return createDatabase(`smk_bench_${tag}_${databases.length}`, await template)
    },
    buildSeedRemote: async () => {
      if (seed) return
      const url = await createDatabase(`smk_bench_seed_${tag}`)
      await buildSeedRemote(url)
      seed = url
    },
    seedRemote: () => {
      if (!seed) throw new Error('bench: the seed remote was not built')
      return seed
    },
    scratch: {},
    dispose: async () => {
      unregister()
      const admin = connect(server, { app: 'bench', onNotice: () => {} })
      try {
        // Newest first: the template goes last, after the databases copied from it.
        for (const name of [...databases].reverse()) await admin`drop database if exists ${admin(name)} with (force)`
      } finally {
        await admin.end({ timeout: 5 })
      }
      rmSync(tmp, { recursive: true, force: true })
    },
  }
  // Ctrl-C during a long case still drops the databases and the temp folder.
  const unregister = onInterrupt(() => w.dispose())
  return w
}
