// A pinned npm package whose binary lives in per-platform optional dependencies (the Supabase CLI, squawk), installed
// on first use into node_modules/.cache instead of being a devDependency: npm 11.19 leaves the other platforms'
// packages out of package-lock.json, and `npm ci` then refuses the lock ("Missing: @supabase/cli-darwin-arm64@ from
// lock file"). Installed through npm from the registry, into a fresh folder renamed into place, so two processes
// that start together never see half an install.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { $ } from 'zx'

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url))
const installs = new Map<string, Promise<string>>()

// The path of `bin` from `pkg@version`, installing it once.
export function toolBin(pkg: string, version: string, bin: string): Promise<string> {
  const key = `${pkg}@${version}`
  let installed = installs.get(key)
  if (!installed) {
    installed = install(pkg, version, bin)
    installs.set(key, installed)
  }
  return installed
}

async function install(pkg: string, version: string, bin: string): Promise<string> {
  const home = join(CACHE, `${pkg}-${version}`)
  const path = join(home, 'node_modules', '.bin', bin)
  if (existsSync(path)) return path
  mkdirSync(CACHE, { recursive: true })
  const staging = mkdtempSync(join(CACHE, `${pkg}-`))
  try {
    // Its own package.json: else npm walks up to the kit's and installs into the kit's node_modules.
    writeFileSync(join(staging, 'package.json'), '{ "private": true }\n')
    await $({ cwd: staging, quiet: true })`npm install --no-audit --no-fund --no-save --no-package-lock ${`${pkg}@${version}`}`
    try {
      renameSync(staging, home)
    } catch (err) {
      // Another process renamed its install into place first: use that one.
      if (!existsSync(path)) throw err
    }
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
  if (!existsSync(path)) throw new Error(`${pkg} ${version} did not install into ${home}`)
  return path
}
