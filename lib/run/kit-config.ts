// The optional idempotency settings: `"migrationKit": { "idempotency": {…} }` in package.json, or the same
// object in .migration-kit.json. Unknown keys and unknown rule ids are refused, all of them at once.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { KitError } from './errors.ts'

export type IdempotencyConfig = { disable: string[]; ignore: string[]; source?: string }

const KEYS = ['disable', 'ignore']

export function readIdempotencyConfig(root: string, knownRules: readonly string[]): IdempotencyConfig {
  const candidates: { file: string; pick: (json: Record<string, unknown>) => unknown }[] = [
    { file: '.migration-kit.json', pick: (j) => j.idempotency },
    { file: 'package.json', pick: (j) => (j.migrationKit as Record<string, unknown> | undefined)?.idempotency },
  ]
  for (const c of candidates) {
    const path = join(root, c.file)
    if (!existsSync(path)) continue
    let json: Record<string, unknown>
    try {
      json = JSON.parse(readFileSync(path, 'utf8'))
    } catch (err) {
      throw new KitError('BAD_CONFIG', `${c.file} is not valid JSON (${(err as Error).message})`, 'Fix the file')
    }
    const section = c.pick(json)
    if (section === undefined) continue
    return validate(section, `${c.file}${c.file === 'package.json' ? ' "migrationKit"' : ''} "idempotency"`, knownRules)
  }
  return { disable: [], ignore: [] }
}

export function validate(section: unknown, where: string, knownRules: readonly string[]): IdempotencyConfig {
  const problems: string[] = []
  if (typeof section !== 'object' || section === null || Array.isArray(section)) throw new KitError('BAD_CONFIG', `${where} must be an object`, 'See the README')
  const s = section as Record<string, unknown>
  for (const k of Object.keys(s)) if (!KEYS.includes(k)) problems.push(`unknown key "${k}" (known: ${KEYS.join(', ')})`)
  const list = (k: string) => {
    const v = s[k] ?? []
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      problems.push(`"${k}" must be a list of strings`)
      return []
    }
    return v as string[]
  }
  const disable = list('disable')
  const ignore = list('ignore')
  for (const r of disable) if (!knownRules.includes(r)) problems.push(`unknown rule "${r}" in "disable"`)
  if (problems.length) throw new KitError('BAD_CONFIG', `${where}: ${problems.join('; ')}`, 'Fix the config (rule ids are listed by --help)')
  return { disable, ignore, source: where }
}

// A '/'-separated glob: ** any depth, * within a segment, ? one character.
function globToRegExp(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*'
      i++
      if (glob[i + 1] === '/') i++
    } else if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

export const isIgnored = (config: IdempotencyConfig, relPath: string) => config.ignore.some((g) => globToRegExp(g).test(relPath))
