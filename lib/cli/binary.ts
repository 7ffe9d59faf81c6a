// Which Supabase CLI the user has, so printed commands use its spelling: `supabase --version` prints e.g. "2.58.5".
// Looked for on PATH, then in the project's node_modules/.bin (npm's `supabase` package, run as `npx supabase`).
import { join } from 'node:path'
import { $ } from 'zx'

export type InstalledCli = { version: string; major: number } | null

export async function installedCli(root: string): Promise<InstalledCli> {
  for (const bin of ['supabase', join(root, 'node_modules', '.bin', 'supabase')]) {
    const run = await $({ nothrow: true, quiet: true, timeout: '10s', cwd: root })`${bin} --version`
    const version = /^(\d+)\.\d+\.\d+/.exec(run.stdout.trim())
    if (run.exitCode === 0 && version) return { version: version[0], major: Number(version[1]) }
  }
  return null
}
