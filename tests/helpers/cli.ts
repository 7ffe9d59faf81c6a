// The real Supabase CLI (npm package `supabase`, pinned) as the oracle the kit's verdicts must match.
// Not a devDependency: see npm-tool.ts for why, and how it is installed instead.
import { $ } from 'zx'
import { toolBin } from './npm-tool.ts'

export const SUPABASE_CLI_VERSION = '3.1.0'

// The kit's users bring their own CLI; its tests install this one version on first use (see npm-tool.ts).
export const supabaseBin = () => toolBin('supabase', SUPABASE_CLI_VERSION, 'supabase')

export type CliRun = { code: number; stdout: string; stderr: string }

// Runs `supabase <args>` in a project root. SUPABASE_YES answers the prompts of remote targets; the test
// server has no TLS, and PGSSLMODE=disable says so up front instead of a fallback warning.
export async function supabase(cwd: string, args: string[]): Promise<CliRun> {
  const bin = await supabaseBin()
  const run = await $({ cwd, nothrow: true, quiet: true, input: '', env: { ...process.env, SUPABASE_YES: '1', NO_COLOR: '1', PGSSLMODE: 'disable' } })`${bin} ${args}`
  return { code: run.exitCode ?? -1, stdout: run.stdout, stderr: run.stderr }
}

export type ListedRow = { local: string; remote: string }

// `migration list --output-format json`: an absent side is blank.
export async function cliList(cwd: string, url: string): Promise<ListedRow[]> {
  const run = await supabase(cwd, ['migration', 'list', '--db-url', url, '--output-format', 'json'])
  if (run.code !== 0) throw new Error(`supabase migration list failed: ${run.stderr}`)
  const parsed = JSON.parse(run.stdout) as { migrations: { local: string; remote: string }[] }
  return parsed.migrations.map((m) => ({ local: m.local.trim(), remote: m.remote.trim() }))
}

export const cliPushDryRun = (cwd: string, url: string) => supabase(cwd, ['db', 'push', '--db-url', url, '--dry-run'])
