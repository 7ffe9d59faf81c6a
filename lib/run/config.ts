// Where the kit finds the database and the migrations folder; the same order in every script.
import { existsSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { KitError } from './errors.ts'

export type Env = Record<string, string | undefined>

// --db-url, then SUPABASE_DB_URL, then DATABASE_URL. No fallback to PG* variables: postgres() without a URL
// would silently connect to localhost, which is the wrong database to repair.
export function resolveDbUrl(flag: string | undefined, env: Env): string {
  const url = optionalDbUrl(flag, env)
  if (!url) {
    throw new KitError(
      'NO_DB_URL',
      'no database URL',
      'Pass --db-url, or set SUPABASE_DB_URL or DATABASE_URL (a .env file in the working directory is read)',
    )
  }
  return url
}

// The same order, for a script that also has work to do without a database (doctor's offline part).
export const optionalDbUrl = (flag: string | undefined, env: Env): string | undefined => flag || env.SUPABASE_DB_URL || env.DATABASE_URL || undefined

// --shadow-url, then SHADOW_DATABASE_URL; undefined means "use the embedded PGlite".
export function resolveShadowUrl(flag: string | undefined, env: Env): string | undefined {
  return flag || env.SHADOW_DATABASE_URL || undefined
}

// The CLI's project root: the nearest ancestor holding supabase/config.toml, else the working directory.
export function findProjectRoot(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'supabase', 'config.toml'))) return dir
    if (dirname(dir) === dir) return resolve(cwd)
  }
}

export function resolveMigrationsDir(dirFlag: string | undefined, cwd: string): string {
  return dirFlag ? resolve(cwd, dirFlag) : join(findProjectRoot(cwd), 'supabase', 'migrations')
}

// A folder named with --dir must exist: a mistyped path would otherwise read as an empty, clean folder (exit 0).
// Without --dir a missing supabase/migrations is an empty folder, as the Supabase CLI treats it.
export function assertDirFlag(dirFlag: string | undefined, dir: string): void {
  if (!dirFlag) return
  if (!existsSync(dir)) throw new KitError('FOLDER_MISSING', `no folder at ${dir} (--dir ${dirFlag})`, 'Check the path given to --dir')
  if (!statSync(dir).isDirectory()) throw new KitError('FOLDER_MISSING', `${dir} is not a folder (--dir ${dirFlag})`, 'Give --dir the migrations folder, not a file')
}
