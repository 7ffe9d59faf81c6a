// Rendering shared by every script: aligned tables, JSON, GitHub annotations, and the exit codes.
export const EXIT = { clean: 0, findings: 1, error: 2 } as const

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c])))
      .join(' | ')
      .trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n')
}

export const toJson = (value: unknown) => JSON.stringify(value, null, 2)

// GitHub's workflow-command syntax; values are escaped as the runner expects.
export type Annotation = { level: 'error' | 'warning' | 'notice'; message: string; file?: string; line?: number; col?: number; title?: string }

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')

export function githubAnnotation(a: Annotation): string {
  const props = [
    a.file && `file=${escapeProperty(a.file)}`,
    a.line && `line=${a.line}`,
    a.col && `col=${a.col}`,
    a.title && `title=${escapeProperty(a.title)}`,
  ].filter(Boolean)
  return `::${a.level}${props.length ? ' ' + props.join(',') : ''}::${escapeData(a.message)}`
}

export const wantsAnnotations = (env: Record<string, string | undefined>) => env.GITHUB_ACTIONS === 'true'

export function colors(enabled: boolean) {
  const wrap = (code: number) => (s: string) => (enabled ? `\x1b[${code}m${s}\x1b[0m` : s)
  return { red: wrap(31), yellow: wrap(33), green: wrap(32), bold: wrap(1), dim: wrap(2) }
}

export const useColor = (stream: { isTTY?: boolean }, env: Record<string, string | undefined>) =>
  Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb'
