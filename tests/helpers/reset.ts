// What reset-history's tests need around the seed fixture: a writable copy of the project (in git), a baseline file
// that holds the seed remote's schema, and exact snapshots of the history table, the data and the folder.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { $ } from 'zx'
import { applyChain } from '../../lib/cli/apply.ts'
import { listFolder, readMigration } from '../../lib/cli/folder.ts'
import { connect } from '../../lib/db/connect.ts'
import { applyPlatformShim } from '../../lib/db/platform/shim.ts'
import { splitAndTrim } from '../../lib/cli/split.ts'
import { client } from './db.ts'
import { SEED_REMOTE_DIR, SEED_ROOT, seedRemoteHistory } from './seed.ts'

export type SeedCopy = { root: string; migrations: string; remove: () => void }

// The seed project in a temporary git repository (all files committed), so archiving goes through git mv.
export async function seedProject(): Promise<SeedCopy> {
  const root = mkdtempSync(join(tmpdir(), 'smk-reset-'))
  cpSync(join(SEED_ROOT, 'supabase'), join(root, 'supabase'), { recursive: true })
  const git = $({ cwd: root, quiet: true })
  await git`git init -q`
  await git`git add -A`
  await git`git -c user.name=kit -c user.email=kit@localhost commit -qm seed --no-verify`
  return { root, migrations: join(root, 'supabase', 'migrations'), remove: () => rmSync(root, { recursive: true, force: true }) }
}

// The seed remote's schema as one migration, built from what ran on it: the applied chain (with the texts that
// ran), the half-applied statement, the dashboard edits and the dashboard's bucket. It stands in for issue #9's
// generated baseline until that lands; the assertions made with it switch to the generator's default path then.
export function seedBaselineText(): string {
  const chain = seedRemoteHistory().map((e) => e.text.trimEnd() + '\n;\n')
  const byHand = ['half-applied.sql', 'hand-edits.sql'].map((f) => readMigration(join(SEED_REMOTE_DIR, f)).trimEnd() + '\n;\n')
  const bucket = (splitAndTrim(readMigration(join(SEED_REMOTE_DIR, 'data.sql'))) ?? []).find((s) => s.includes('INSERT INTO storage.buckets'))!
  return [...chain, ...byHand, bucket, ';\n'].join('')
}

export function writeBaseline(dir: string): string {
  const path = join(dir, 'seed-baseline.sql')
  writeFileSync(path, seedBaselineText())
  return path
}

// Every row of the history table, every column, as PostgreSQL's to_jsonb prints it (null: no table).
export async function historyRows(url: string): Promise<unknown[] | null> {
  const sql = client(url)
  try {
    const [{ exists }] = await sql`select to_regclass('supabase_migrations.schema_migrations') is not null as exists`
    if (!exists) return null
    return (await sql`select to_jsonb(t) as row from supabase_migrations.schema_migrations t order by version`).map((r) => r.row)
  } finally {
    await sql.end({ timeout: 5 })
  }
}

// The rows of every user table and of the platform tables the seed writes, as text.
export async function dataRows(url: string): Promise<Record<string, string>> {
  const sql = client(url)
  try {
    const tables = await sql`select format('%I.%I', table_schema, table_name) as t from information_schema.tables
      where table_type = 'BASE TABLE' and (table_schema = 'public' or format('%I.%I', table_schema, table_name) in ('auth.users', 'storage.objects', 'storage.buckets'))
      order by 1`
    const out: Record<string, string> = {}
    for (const { t } of tables) {
      const [{ rows }] = await sql.unsafe(`select coalesce(jsonb_agg(to_jsonb(x) order by to_jsonb(x)::text), '[]')::text as rows from ${t} x`)
      out[t] = rows
    }
    return out
  } finally {
    await sql.end({ timeout: 5 })
  }
}

// Every file under supabase/ (but the backups) with its bytes, to compare a folder before and after.
export function folderState(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (name === '.migration-backups') continue
      if (statSync(path).isDirectory()) walk(path)
      else out[relative(root, path)] = readFileSync(path, 'latin1')
    }
  }
  walk(join(root, 'supabase'))
  return out
}

// Four files db push applied, then rows rewritten as tools that apply through the Management API leave them:
// b and c recorded under the tool's own versions (c under its own name too), d applied with no row, and a row
// for a migration that has no file.
export const ALIGN_FILES = {
  '20250101000000_a.sql': 'create table if not exists public.a (id int);\n',
  '20250102000000_b.sql': 'create table if not exists public.b (id int);\n',
  '20250103000000_c.sql': 'create table if not exists public.c (id int);\n',
  '20250104000000_d.sql': 'create table if not exists public.d (id int);\n',
}
export async function wrongRows(url: string, root: string) {
  const sql = connect(url, { app: 'reset-test', onNotice: () => {} })
  try {
    await applyPlatformShim(sql)
    const pushed = await applyChain(sql, listFolder(join(root, 'supabase', 'migrations')).files, { record: true })
    if (pushed.failure) throw new Error(`the fixture failed to apply: ${JSON.stringify(pushed.failure)}`)
    await sql`update supabase_migrations.schema_migrations set version = '20250601000000' where version = '20250102000000'`
    await sql`update supabase_migrations.schema_migrations set version = '20250602000000', name = 'mcp_c' where version = '20250103000000'`
    await sql`delete from supabase_migrations.schema_migrations where version = '20250104000000'`
    await sql`insert into supabase_migrations.schema_migrations (version, name, statements) values ('20250603000000', 'gone', '{"select 1"}')`
  } finally {
    await sql.end({ timeout: 5 })
  }
}
