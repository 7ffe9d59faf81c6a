// Passwords never reach a terminal, a log or a JSON report: every message the kit prints passes through here.

// user:password@ anywhere (with or without a scheme and //), and password=... in keyword/value strings.
const URL_PASSWORD = /((?:^|[\s/'"(=])[^:/?#@\s'"]*:)([^@\s/'"]+)@/g
const KEYWORD_PASSWORD = /(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s]+)/gi
const MASK = '****'

// `secrets` are literal values to hide wherever they appear (a driver may echo a password outside a URL).
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(URL_PASSWORD, `$1${MASK}@`).replace(KEYWORD_PASSWORD, `$1${MASK}`)
  for (const secret of secrets) {
    if (secret.length >= 3) out = out.split(secret).join(MASK)
  }
  return out
}

// The password of a connection URL, decoded as the driver decodes it, so it can be hidden even when echoed raw.
export function passwordOf(url: string | undefined): string[] {
  if (!url) return []
  try {
    const password = new URL(url).password
    if (!password) return []
    const decoded = decodeURIComponent(password)
    return decoded === password ? [password] : [password, decoded]
  } catch {
    // An unparsable URL has no password we can isolate; the regular expressions above still mask it.
    return []
  }
}
