// The real Supabase CLI (npm package `supabase`, pinned) as the oracle the kit's verdicts must match.
//
// It is not a devDependency: the package lists a binary package per platform as optional dependencies, and npm
// 11.19 leaves the ones it cannot fetch out of package-lock.json, which `npm ci` then refuses ("Missing:
// @supabase/cli-darwin-arm64@ from lock file"). The kit's users bring their own CLI; its tests install this one
// version on first use into node_modules/.cache (so `npm ci` starts it afresh), through npm, from the registry.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { $ } from 'zx'

export const SUPABASE_CLI_VERSION = '3.1.0'
const CACHE = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url))
const HOME = join(CACHE, `supabase-cli-${SUPABASE_CLI_VERSION}`)
const BIN = join(HOME, 'node_modules', '.bin', 'supabase')

let installed: Promise<string> | undefined

// The CLI's path, installing it once. Into a fresh folder renamed into place, so two test processes that start
// together never see half an install.
export function supabaseBin(): Promise<string> {
  installed ??= (async () => {
    if (existsSync(BIN)) return BIN
    mkdirSync(CACHE, { recursive: true })
    const staging = mkdtempSync(join(CACHE, 'supabase-cli-'))
    try {
      // Its own package.json: else npm walks up to the kit's and installs into the kit's node_modules.
      writeFileSync(join(staging, 'package.json'), '{ "private": true }\n')
      await $({ cwd: staging, quiet: true })`npm install --no-audit --no-fund --no-save --no-package-lock ${`supabase@${SUPABASE_CLI_VERSION}`}`
      try {
        renameSync(staging, HOME)
      } catch (err) {
        // Another test process renamed its install into place first: use that one.
        if (!existsSync(BIN)) throw err
      }
    } finally {
      rmSync(staging, { recursive: true, force: true })
    }
    if (!existsSync(BIN)) throw new Error(`the Supabase CLI ${SUPABASE_CLI_VERSION} did not install into ${HOME}`)
    return BIN
  })()
  return installed
}

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
