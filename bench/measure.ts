// Timing whole processes: wall clock from spawn to exit, peak RSS from GNU time (`/usr/bin/time -f %M`) when it is
// installed, and medians of runs taken interleaved (ours, peer, ours, peer …) so that a machine whose load drifts
// during the bench shifts both sides alike and the ratio stays honest.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type Command = { argv: string[]; cwd?: string; env?: NodeJS.ProcessEnv }
export type Sample = { ms: number; rssKb?: number; cpuMs?: number; code: number; stdout: string; stderr: string }

const GNU_TIME = '/usr/bin/time'
export const hasGnuTime = existsSync(GNU_TIME)

export async function timeOnce(cmd: Command): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), 'smk-time-'))
  const rssFile = join(dir, 'rss')
  const argv = hasGnuTime ? [GNU_TIME, '-f', '%M', '-o', rssFile, ...cmd.argv] : cmd.argv
  try {
    const started = process.hrtime.bigint()
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((done, fail) => {
      const child = spawn(argv[0], argv.slice(1), { cwd: cmd.cwd, env: cmd.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
      const out: Buffer[] = []
      const err: Buffer[] = []
      child.stdout.on('data', (b: Buffer) => out.push(b))
      child.stderr.on('data', (b: Buffer) => err.push(b))
      child.on('error', fail)
      child.on('close', (c) => done({ code: c ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }))
    })
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    // GNU time writes "Command exited with non-zero status N" before the figure when the command fails.
    const rss = hasGnuTime && existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : undefined
    return { ms, rssKb: Number.isFinite(rss) ? rss : undefined, code, stdout, stderr }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

// Least-squares slope and intercept of y over x (ms over files): the per-file cost and the fixed start-up.
export function linearFit(points: readonly { x: number; y: number }[]): { slope: number; intercept: number } {
  const n = points.length
  const mx = points.reduce((a, p) => a + p.x, 0) / n
  const my = points.reduce((a, p) => a + p.y, 0) / n
  const sxy = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0)
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0)
  const slope = sxx ? sxy / sxx : 0
  return { slope, intercept: my - slope * mx }
}
