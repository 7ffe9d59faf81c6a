// Migration versions as the Supabase CLI makes them: `migration new` stamps the current UTC time with Go's layout
// 20060102150405 (internal/migration/new/new.go, GetCurrentTimestamp), and versions compare as numbers in
// `migration list` (internal/migration/list/list.go) but as text in `db push` (pkg/migration/apply.go).

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

// YYYYMMDDHHMMSS in UTC, as the CLI's layout formats it.
export function formatVersion(at: Date): string {
  return `${pad(at.getUTCFullYear(), 4)}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`
}

// The instant a 14-digit version stands for, or undefined when it is no real UTC time (20251399000000).
export function versionDate(version: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(version)
  if (!m) return undefined
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number)
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s))
  return formatVersion(at) === version ? at : undefined
}

// A version strictly newer than every local and remote one as a number (and so, among the CLI's 14-digit versions,
// as text too), so that both `migration list` and `db push` put it last: the current UTC second, or one second after the newest version when a clock (or a
// tool that stamps its own versions) has already gone past now. Two files made in one second would share a
// version under the CLI; here the second one gets the next second.
export function nextVersion(localVersions: readonly string[], remoteVersions: readonly string[], now: Date): string {
  const digits = [...localVersions, ...remoteVersions].filter((v) => /^\d+$/.test(v))
  const newest = digits.reduce<bigint>((max, v) => (BigInt(v) > max ? BigInt(v) : max), -1n)
  const candidate = formatVersion(now)
  if (BigInt(candidate) > newest) return candidate
  const at = versionDate(String(newest))
  // A newest version that is no timestamp (20251399000000, or more than 14 digits) can only be passed by counting.
  if (!at) return String(newest + 1n)
  return formatVersion(new Date(at.getTime() + 1000))
}
