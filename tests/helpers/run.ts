// Runs a kit script as a user would (npx tsx scripts/<name>.ts), with this checkout's tsx so a temp cwd works.
import { fileURLToPath } from 'node:url'
import { $ } from 'zx'

const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url))
const scriptPath = (name: string) => fileURLToPath(new URL(`../../scripts/${name}.ts`, import.meta.url))

// uvu's CLI sets FORCE_COLOR under CI; with NO_COLOR also set, Node would print a warning into the script's stderr.
const { FORCE_COLOR: _dropped, ...inherited } = process.env

export async function runScript(name: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const run = await $({ nothrow: true, quiet: true, cwd: options.cwd, env: { ...inherited, ...options.env } })`${TSX} ${scriptPath(name)} ${args}`
  return { code: run.exitCode, stdout: run.stdout, stderr: run.stderr }
}
