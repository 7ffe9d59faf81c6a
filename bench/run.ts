// npm run bench: times each case of bench/cases.ts as whole processes, ours and its peer interleaved, prints a table
// and writes bench/results.json.
import { existsSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { CASES, type Case, type Side } from './cases.ts'
import { hasGnuTime, linearFit, median, timeOnce, type Sample } from './measure.ts'
import { supabaseBin } from '../tests/helpers/cli.ts'
import { toolBin } from '../tests/helpers/npm-tool.ts'
import { openWorkspace, type Workspace } from './workspace.ts'

const SQUAWK_VERSION = '2.66.0'

const USAGE = `Usage: npm run bench -- [--runs N] [--only id,id] [--list] [--help]

Times each case (ours and its peer, interleaved, N runs each after one warm-up run), prints the medians, the
ratio or the time added, peak RSS and whether the target is met, and writes bench/results.json.

Options:
  --runs <n>      timed runs per side (default 5; long cases cap it)
  --only <ids>    comma-separated case ids (see --list)
  --list          print the case ids and exit
  --help          show this help

Exit codes:
  0  every case ran (targets met or not: the table says)
  2  usage error, or a case's command failed

Environment:
  BENCH_DATABASE_URL, else TEST_DATABASE_URL   PostgreSQL server for the replay, the CLI and the seed remote
                                               (default postgresql://postgres@127.0.0.1:5432/postgres)
`

const ROOT = fileURLToPath(new URL('..', import.meta.url))

type Result = {
  id: string
  title: string
  status: 'ok' | 'absent' | 'failed'
  note?: string
  runs?: number
  // medianCpuMs: CPU time the process reported (reported metrics only): what load on a shared machine cannot inflate.
  ours?: { label: string; medianMs: number; samplesMs: number[]; peakRssKb?: number; medianCpuMs?: number }
  peer?: { label: string; medianMs: number; samplesMs: number[]; peakRssKb?: number }
  ratio?: number
  addedMs?: number
  target: string
  met?: boolean
  files?: number
  group?: string
}

const targetText = (c: Case) =>
  c.target.kind === 'ratio' ? `≤ ${c.target.max.toFixed(1)}×` : c.target.kind === 'added' ? `< ${c.target.maxMs} ms added` : `< ${c.target.maxMs / 1000} s`

// Exit codes that mean "ran": 1 is findings for the checkers and squawk; a hook that refuses the commit is a failure.
const ranOk = (c: Case, s: Sample) => (c.id === 'pre-commit' || c.id === 'hook-floor' ? s.code === 0 : s.code === 0 || s.code === 1)

async function runSide(w: Workspace, c: Case, side: Side): Promise<Sample> {
  if (side.prepare) await side.prepare(w)
  const s = await timeOnce(side.command(w))
  if (!ranOk(c, s)) throw new Error(`${side.label} exited ${s.code}: ${(s.stderr.trim().split('\n').pop() ?? '').slice(0, 300)}`)
  if (c.metric === 'reported' && side === c.ours) {
    const reported = JSON.parse(s.stdout.trim().split('\n').pop() ?? '{}') as { ms: number; cpuMs?: number }
    s.ms = Number(reported.ms)
    s.cpuMs = reported.cpuMs
  }
  return s
}

async function runCase(w: Workspace, c: Case, runs: number): Promise<Result> {
  const base: Result = { id: c.id, title: c.title, status: 'ok', target: targetText(c), files: c.files, group: c.group }
  const missing = (c.requires ?? []).filter((p) => !existsSync(join(ROOT, p)))
  if (missing.length) return { ...base, status: 'absent', note: `${missing.join(', ')} not in this checkout` }
  try {
    if (c.setup) await c.setup(w)
    const n = Math.min(runs, c.maxRuns ?? runs)
    const sides = c.peer ? [c.ours, c.peer] : [c.ours]
    // One warm-up each (file-system cache, the shadow's data-directory cache), then A B A B …; a case capped at
    // one run (minutes long) has none.
    if (n > 1) for (const side of sides) await runSide(w, c, side)
    const samples = new Map<Side, Sample[]>(sides.map((s) => [s, []]))
    for (let i = 0; i < n; i++) for (const side of sides) samples.get(side)!.push(await runSide(w, c, side))
    const summary = (side: Side) => {
      const xs = samples.get(side)!
      const rss = xs.map((s) => s.rssKb).filter((x): x is number => x !== undefined)
      const cpu = xs.map((s) => s.cpuMs).filter((x): x is number => x !== undefined)
      return { label: side.label, medianMs: median(xs.map((s) => s.ms)), samplesMs: xs.map((s) => Math.round(s.ms)), peakRssKb: rss.length ? Math.max(...rss) : undefined, ...(cpu.length ? { medianCpuMs: median(cpu) } : {}) }
    }
    const ours = summary(c.ours)
    const peer = c.peer ? summary(c.peer) : undefined
    const ratio = peer ? ours.medianMs / peer.medianMs : undefined
    const addedMs = peer ? ours.medianMs - peer.medianMs : undefined
    const met =
      c.target.kind === 'ratio' ? ratio! <= c.target.max : c.target.kind === 'added' ? addedMs! < c.target.maxMs : ours.medianMs < c.target.maxMs
    return { ...base, runs: n, ours, peer, ratio, addedMs, met }
  } catch (err) {
    return { ...base, status: 'failed', note: (err as Error).message }
  }
}

const secs = (ms?: number) => (ms === undefined ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`)
const mb = (kb?: number) => (kb === undefined ? '–' : `${Math.round(kb / 1024)} MB`)

function table(results: Result[]): string {
  const rows = [['case', 'ours', 'peer / floor', 'peer', 'ratio', 'added', 'peak RSS ours / peer', 'target', 'met']]
  for (const r of results) {
    if (r.status !== 'ok') {
      rows.push([r.title, r.status === 'absent' ? 'not in this checkout' : `failed: ${r.note}`, '', '', '', '', '', r.target, '–'])
      continue
    }
    rows.push([
      r.title,
      secs(r.ours!.medianMs) + (r.ours!.medianCpuMs === undefined ? '' : ` (CPU ${secs(r.ours!.medianCpuMs)})`),
      r.peer?.label ?? '–',
      secs(r.peer?.medianMs),
      r.ratio === undefined ? '–' : `${r.ratio.toFixed(2)}×`,
      r.addedMs === undefined ? '–' : secs(r.addedMs),
      `${mb(r.ours!.peakRssKb)} / ${mb(r.peer?.peakRssKb)}`,
      r.target,
      r.met ? 'yes' : 'NO',
    ])
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`
  return [line(rows[0]), `|${widths.map((wd) => '-'.repeat(wd + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n')
}

// Per group: ms per file at each size, the fitted slope (ms per added file) and the start-up it implies.
type Scaling = { group: string; side: string; points: { files: number; ms: number; msPerFile: number }[]; slopeMsPerFile: number; interceptMs: number }

function scaling(results: Result[]): Scaling[] {
  const out: Scaling[] = []
  const groups = [...new Set(results.filter((r) => r.group && r.status === 'ok').map((r) => r.group!))]
  for (const group of groups) {
    const rs = results.filter((r) => r.group === group && r.status === 'ok')
    for (const pick of ['ours', 'peer'] as const) {
      const pts = rs.filter((r) => r[pick]).map((r) => ({ files: r.files!, ms: r[pick]!.medianMs, msPerFile: r[pick]!.medianMs / r.files! }))
      if (pts.length < 2) continue
      const fit = linearFit(pts.map((p) => ({ x: p.files, y: p.ms })))
      out.push({ group, side: rs[0][pick]!.label, points: pts, slopeMsPerFile: fit.slope, interceptMs: fit.intercept })
    }
  }
  return out
}

function scalingText(s: Scaling[]): string {
  return s
    .map((g) => `${g.group} — ${g.side}: ${g.points.map((p) => `${p.files} files ${secs(p.ms)} (${p.msPerFile.toFixed(2)} ms/file)`).join(', ')}; slope ${g.slopeMsPerFile.toFixed(2)} ms/file, start-up ${secs(g.interceptMs)}`)
    .join('\n')
}

async function main(): Promise<number> {
  let values
  try {
    values = parseArgs({ options: { runs: { type: 'string' }, only: { type: 'string' }, list: { type: 'boolean' }, help: { type: 'boolean' } }, strict: true, allowPositionals: false }).values
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}. See --help.\n`)
    return 2
  }
  if (values.help) return process.stdout.write(USAGE), 0
  if (values.list) return process.stdout.write(CASES.map((c) => `${c.id.padEnd(16)} ${c.title}`).join('\n') + '\n'), 0
  const runs = values.runs === undefined ? 5 : Number(values.runs)
  if (!Number.isInteger(runs) || runs < 1) return process.stderr.write('bench: --runs needs a whole number ≥ 1. See --help.\n'), 2
  const only = values.only?.split(',').map((s) => s.trim())
  const unknown = only?.filter((id) => !CASES.some((c) => c.id === id))
  if (unknown?.length) return process.stderr.write(`bench: no case ${unknown[0]}. Run npm run bench -- --list.\n`), 2
  const cases = CASES.filter((c) => !only || only.includes(c.id))

  const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'
  // The peers whose binaries come in per-platform packages are installed on first use, not devDependencies.
  const tools = { squawk: await toolBin('squawk-cli', SQUAWK_VERSION, 'squawk'), supabase: await supabaseBin() }
  const w = openWorkspace(ROOT, server, tools)
  const startLoad = loadavg()
  const results: Result[] = []
  try {
    for (const c of cases) {
      process.stderr.write(`bench: ${c.title} …\n`)
      const r = await runCase(w, c, runs)
      process.stderr.write(`bench:   ${r.status === 'ok' ? `${secs(r.ours!.medianMs)}${r.peer ? ` vs ${secs(r.peer.medianMs)}` : ''}` : r.note}\n`)
      results.push(r)
    }
  } finally {
    await w.dispose()
  }
  const scale = scaling(results)
  const machine = { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavgStart: startLoad, loadavgEnd: loadavg(), peakRss: hasGnuTime ? '/usr/bin/time %M' : 'not measured (no GNU time)' }
  writeFileSync(join(ROOT, 'bench', 'results.json'), JSON.stringify({ date: new Date().toISOString(), machine, runs, results, scaling: scale }, null, 2) + '\n')
  process.stdout.write(`${table(results)}\n\n${scale.length ? scalingText(scale) + '\n\n' : ''}`)
  process.stdout.write(`${machine.cpus} cores (${machine.model}), load ${startLoad.map((x) => x.toFixed(1)).join(' ')} at start; medians of ${runs} interleaved runs; bench/results.json written.\n`)
  return results.some((r) => r.status === 'failed') ? 2 : 0
}

main().then((code) => {
  process.exitCode = code
})
