// What `supabase db push` decides from the folder and the history table (internal/migration/up/up.go,
// pkg/migration/apply.go: FindPendingMigrations), as pure data, with the CLI's exact texts.
import { join } from 'node:path'
import type { MigrationFile } from './folder.ts'

export const ERR_MISSING_LOCAL = 'Remote migration versions not found in local migrations directory.'
export const ERR_MISSING_REMOTE = 'Found local migration files to be inserted before the last migration on remote database.'

export type PushVerdict =
  | { ok: true; pending: MigrationFile[]; pendingWithIncludeAll: MigrationFile[] }
  | { ok: false; kind: 'missingLocal'; error: string; hint: string; versions: string[]; pendingWithIncludeAll: MigrationFile[] }
  | { ok: false; kind: 'missingRemote'; error: string; hint: string; files: MigrationFile[]; pendingWithIncludeAll: MigrationFile[] }

// The CLI's two-pointer walk. `local` is in filename order, `remote` in SQL `ORDER BY version`; versions compare
// as Go strings (byte-wise), so "10" < "9" here exactly as in the CLI (see PR #6038 for that flaw).
export function planPush(local: readonly MigrationFile[], remote: readonly string[], relativeDir = 'supabase/migrations'): PushVerdict {
  const missing: string[] = []
  const unapplied: MigrationFile[] = []
  let i = 0
  let j = 0
  while (i < remote.length && j < local.length) {
    const r = remote[i]
    const l = local[j].version
    if (r === l) {
      i++
      j++
    } else if (byteLess(r, l)) {
      missing.push(r)
      i++
    } else {
      unapplied.push(local[j])
      j++
    }
  }
  if (j === local.length) missing.push(...remote.slice(i))
  const pendingAfter = (skip: number) => local.slice(skip)
  if (missing.length > 0) {
    // --include-all never overrides ErrMissingLocal.
    return { ok: false, kind: 'missingLocal', error: ERR_MISSING_LOCAL, hint: revertHint(missing), versions: missing, pendingWithIncludeAll: [] }
  }
  if (unapplied.length > 0) {
    return {
      ok: false,
      kind: 'missingRemote',
      error: ERR_MISSING_REMOTE,
      hint: includeAllHint(unapplied.map((f) => join(relativeDir, f.file))),
      files: unapplied,
      pendingWithIncludeAll: [...unapplied, ...pendingAfter(remote.length + unapplied.length)],
    }
  }
  const pending = pendingAfter(remote.length)
  return { ok: true, pending, pendingWithIncludeAll: pending }
}

const byteLess = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0

// suggestRevertHistory in up.go: one space-joined repair line.
function revertHint(versions: readonly string[]): string {
  return [
    '',
    'Make sure your local git repo is up-to-date. If the error persists, try repairing the migration history table:',
    `supabase migration repair --status reverted ${versions.join(' ')}`,
    '',
    'And update local migrations to match remote database:',
    'supabase db pull',
  ].join('\n')
}

// suggestIgnoreFlag in up.go.
function includeAllHint(paths: readonly string[]): string {
  return ['', 'Rerun the command with --include-all flag to apply these migrations:', ...paths].join('\n')
}

// `supabase migration list` shows the version parsed with layout 20060102150405, or the raw version.
export function versionTime(version: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(version)
  if (!m) return version
  const [, y, mo, d, h, mi, s] = m
  const date = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s))
  // Go's time.Parse rejects out-of-range fields (month 13, second 61); Date would roll them over.
  if (date.getUTCMonth() !== +mo - 1 || date.getUTCDate() !== +d || date.getUTCHours() !== +h || date.getUTCMinutes() !== +mi || date.getUTCSeconds() !== +s) return version
  return `${y}-${mo}-${d} ${h}:${mi}:${s}`
}

export type ListRow = { local: string; remote: string; time: string }

// `migration list` merges both sides numerically (strconv.Atoi); non-numeric versions are left out.
export function listRows(local: readonly MigrationFile[], remote: readonly string[]): ListRow[] {
  const numeric = (v: string) => /^\d+$/.test(v) && BigInt(v) <= 9223372036854775807n
  const l = [...new Set(local.map((f) => f.version).filter(numeric))].sort(numericOrder)
  const r = [...new Set(remote.filter(numeric))].sort(numericOrder)
  const rows: ListRow[] = []
  let i = 0
  let j = 0
  while (i < l.length || j < r.length) {
    const cmp = i >= l.length ? 1 : j >= r.length ? -1 : numericOrder(l[i], r[j])
    if (cmp === 0) rows.push({ local: l[i], remote: r[j], time: versionTime(l[i]) }), i++, j++
    else if (cmp < 0) rows.push({ local: l[i], remote: '', time: versionTime(l[i]) }), i++
    else rows.push({ local: '', remote: r[j], time: versionTime(r[j]) }), j++
  }
  return rows
}

const numericOrder = (a: string, b: string) => {
  const d = BigInt(a) - BigInt(b)
  return d < 0n ? -1 : d > 0n ? 1 : 0
}
