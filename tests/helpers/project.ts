// Throwaway Supabase project folders and captured script output for tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Io } from '../../lib/run/script.ts'

export type Project = { root: string; migrations: string; remove: () => void }

// A project root the Supabase CLI recognises (supabase/config.toml) with the given migration files.
export function makeProject(files: Record<string, string | Uint8Array>): Project {
  const root = mkdtempSync(join(tmpdir(), 'smk-project-'))
  const migrations = join(root, 'supabase', 'migrations')
  mkdirSync(migrations, { recursive: true })
  writeFileSync(join(root, 'supabase', 'config.toml'), 'project_id = "test"\n\n[db]\nmajor_version = 15\n')
  for (const [name, body] of Object.entries(files)) writeFileSync(join(migrations, name), body)
  return { root, migrations, remove: () => rmSync(root, { recursive: true, force: true }) }
}

export type Captured = { io: Io; out: () => string; err: () => string }

export function captureIo(cwd: string): Captured {
  const out: string[] = []
  const err: string[] = []
  return {
    io: { out: (t) => out.push(t), err: (t) => err.push(t), cwd, stdoutIsTTY: false },
    out: () => out.join('\n'),
    err: () => err.join('\n'),
  }
}
