// The version of a new migration: the CLI's timestamp format (pkg/migration/file.go, `YYYYMMDDHHMMSS` in UTC,
// as `supabase migration new` writes it), strictly newer than every version on either side so that `db push`
// applies it last and never reports it out of order (pkg/migration/apply.go FindPendingMigrations).
const stamp = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14)

// The current second, or one second past the newest known version when the clock is behind (or two runs
// fall in the same second). Versions that are not 14 digits are ignored: the CLI skips such files.
export function nextVersion(localVersions: readonly string[], remoteVersions: readonly string[], now: Date): string {
  const newest = [...localVersions, ...remoteVersions].filter((v) => /^\d{14}$/.test(v)).sort().at(-1)
  const candidate = stamp(now)
  if (!newest || candidate > newest) return candidate
  const t = Date.UTC(+newest.slice(0, 4), +newest.slice(4, 6) - 1, +newest.slice(6, 8), +newest.slice(8, 10), +newest.slice(10, 12), +newest.slice(12, 14))
  // A version such as 20251399999999 is not a date; the next integer is still newer and 14 digits.
  if (Number.isNaN(t) || stamp(new Date(t)) !== newest) return String(BigInt(newest) + 1n)
  return stamp(new Date(t + 1000))
}
