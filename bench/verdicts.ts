// npm run bench:verdicts -- <project>…: how far the kit's verdicts agree with PostgreSQL's on real projects.
// Not part of the test suite: it needs projects from outside (public Supabase repositories fetched for a run,
// never committed) and takes minutes.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { listFolder, type MigrationFile } from '../lib/cli/folder.ts'
import { applyMigration, rerunRolledBack } from '../lib/cli/apply.ts'
import { createHistoryTable } from '../lib/cli/history.ts'
import { connect } from '../lib/db/connect.ts'
import { applyPlatformShim, setPlatformSearchPath } from '../lib/db/platform/shim.ts'

const USAGE = `Usage: npm run bench:verdicts -- [--out <file.json>] <project dir>…

For each project (a folder holding supabase/migrations), PostgreSQL's verdict per file: apply the chain on a fresh
shimmed database on the server as db push does (going on past a file that fails on its first run: that file gets no
verdict), then run each applied file once more, alone, rolled back. A file whose second run raises an error is
"fails twice". Against that verdict it scores:
  static    check-idempotent --json: a file with an error finding says "fails twice"
  replay    check-idempotent --replay --json on the embedded PGlite (as a user runs it): a file with an error
            finding says "fails twice" (no verdict counts as "passes")
  replay-server   the same on a --shadow-url server database
  fix       check-idempotent --fix --allow-edit on a copy of the folder, then PostgreSQL's verdict again on the
            fixed chain: the share of "fails twice" files whose fixed version applies and then runs twice
and prints precision and recall per project and in total.

Environment: VERDICT_DATABASE_URL (default postgresql://postgres@127.0.0.1:5433/postgres): a server with the
extensions the projects use, where the database "postgres" may be dropped and made again (bench/README.md).
Exit codes: 0 done, 2 usage or runtime error.
`

const ROOT = fileURLToPath(new URL('..', import.meta.url))
// PostgreSQL's verdict: a server with the extensions hosted offers that the projects use, where the harness may drop
// and re-create the database "postgres".
const VERDICT_SERVER = process.env.VERDICT_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5433/postgres'

type Second = { ok: true } | { ok: false; index: number; code?: string; message: string }
type Verdict = { file: string; first: 'ok' | string; second?: Second }

// PostgreSQL's verdict on one folder, in a fresh database named postgres with the platform shim: pg_cron can only
// be created in the database its cron.database_name names, and hosted projects' database is "postgres". So the
// server given here is one the harness may drop "postgres" on (a cluster of its own, see bench/README.md).
export async function postgresVerdicts(files: readonly MigrationFile[]): Promise<Verdict[]> {
  const admin = connect(withDatabase(VERDICT_SERVER, 'template1'), { app: 'bench-verdicts', onNotice: () => {} })
  try {
    await admin`drop database if exists postgres with (force)`
    await admin`create database postgres`
  } finally {
    await admin.end({ timeout: 5 })
  }
  const sql = connect(withDatabase(VERDICT_SERVER, 'postgres'), { app: 'bench-verdicts', onNotice: () => {} })
  try {
    await setPlatformSearchPath(sql, 'postgres')
    await sql.end({ timeout: 5 })
  } catch (err) {
    await sql.end({ timeout: 5 })
    throw err
  }
  const db = connect(withDatabase(VERDICT_SERVER, 'postgres'), { app: 'bench-verdicts', onNotice: () => {} })
  try {
    await applyPlatformShim(db)
    await createHistoryTable(db)
    const verdicts: Verdict[] = []
    for (const file of files) {
      const r = await applyMigration(db, file, { record: true })
      verdicts.push({ file: file.file, first: r.ok ? 'ok' : `${r.code ?? '?'} ${r.message}` })
    }
    // One more run of each applied file on the state the whole chain left, rolled back.
    for (const [i, file] of files.entries()) {
      if (verdicts[i].first !== 'ok') continue
      const { result } = await rerunRolledBack(db, file, async () => undefined)
      verdicts[i].second = result.ok ? { ok: true } : { ok: false, index: result.index, code: result.code, message: result.message }
    }
    return verdicts
  } finally {
    await db.end({ timeout: 5 })
  }
}

const withDatabase = (url: string, name: string) => {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

type KitJson = { files?: { file: string; findings: { severity: string; rule: string; line: number; message: string }[] }[]; findings?: { file: string; kind: string }[]; notEvaluated?: { file: string }[] }

function kit(cwd: string, args: string[]): KitJson {
  const r = spawnSync(process.execPath, ['--import', join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs'), join(ROOT, 'scripts', 'check-idempotent.ts'), ...args, '--json'], { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1' } })
  if (r.status !== 0 && r.status !== 1) throw new Error(`check-idempotent ${args.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`)
  return JSON.parse(r.stdout)
}

type Score = { tp: number; fp: number; fn: number; tn: number }
const score = (truth: Map<string, boolean>, said: Set<string>): Score => {
  const s = { tp: 0, fp: 0, fn: 0, tn: 0 }
  for (const [file, fails] of truth) {
    const yes = said.has(file)
    if (fails && yes) s.tp++
    else if (fails) s.fn++
    else if (yes) s.fp++
    else s.tn++
  }
  return s
}
const add = (a: Score, b: Score): Score => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn, tn: a.tn + b.tn })
const p = (s: Score) => (s.tp + s.fp ? s.tp / (s.tp + s.fp) : 1)
const r = (s: Score) => (s.tp + s.fn ? s.tp / (s.tp + s.fn) : 1)
const pr = (s: Score) => `${p(s).toFixed(3)} / ${r(s).toFixed(3)} (${s.tp} TP, ${s.fp} FP, ${s.fn} FN)`

async function project(dir: string) {
  const migrations = join(dir, 'supabase', 'migrations')
  const files = listFolder(migrations).files
  const verdicts = await postgresVerdicts(files)
  const truth = new Map(verdicts.filter((v) => v.second).map((v) => [v.file, !v.second!.ok]))
  const errorsOf = (j: KitJson) => new Set((j.files ?? []).filter((f) => f.findings.some((x) => x.severity === 'error')).map((f) => basename(f.file)))
  const replayErrors = (j: KitJson) => new Set((j.findings ?? []).filter((f) => f.kind === 'error').map((f) => f.file))
  const staticJson = kit(dir, ['--dir', migrations])
  const replayJson = kit(dir, ['--replay', migrations])
  const replayServerJson = kit(dir, ['--replay', migrations, '--shadow-url', VERDICT_SERVER])

  // --fix on a copy; then PostgreSQL judges the fixed chain.
  const copy = mkdtempSync(join(tmpdir(), 'smk-verdicts-'))
  let fixed: Verdict[]
  try {
    cpSync(migrations, join(copy, 'supabase', 'migrations'), { recursive: true })
    kit(copy, ['--dir', join(copy, 'supabase', 'migrations'), '--fix', '--allow-edit'])
    fixed = await postgresVerdicts(listFolder(join(copy, 'supabase', 'migrations')).files)
  } finally {
    rmSync(copy, { recursive: true, force: true })
  }
  const fixedBy = new Map(fixed.map((v) => [v.file, v]))
  const failing = [...truth].filter(([, fails]) => fails).map(([file]) => file)
  const fixedOk = failing.filter((f) => fixedBy.get(f)?.first === 'ok' && fixedBy.get(f)?.second?.ok)
  const stat = errorsOf(staticJson)
  const rep = replayErrors(replayJson)
  const repServer = replayErrors(replayServerJson)
  return {
    name: basename(dir),
    files: files.length,
    evaluated: truth.size,
    failsTwice: failing.length,
    static: score(truth, stat),
    replay: score(truth, rep),
    replayServer: score(truth, repServer),
    replayNoVerdict: (replayJson.notEvaluated ?? []).filter((n) => truth.has(n.file)).length,
    fix: { failing: failing.length, fixed: fixedOk.length },
    details: verdicts.map((v) => ({
      ...v,
      static: stat.has(v.file),
      staticFindings: (staticJson.files ?? []).find((f) => basename(f.file) === v.file)?.findings.filter((x) => x.severity === 'error').map((x) => `${x.line} ${x.rule}: ${x.message}`),
      replay: rep.has(v.file),
      replayServer: repServer.has(v.file),
      fixed: fixedBy.get(v.file),
    })),
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string' }, help: { type: 'boolean' } } })
  if (values.help || positionals.length === 0) {
    process.stdout.write(USAGE)
    return values.help ? 0 : 2
  }
  const results: Awaited<ReturnType<typeof project>>[] = []
  for (const dir of positionals) {
    const res = await project(resolve(dir))
    results.push(res)
    console.log(`${res.name}: ${res.files} files, ${res.evaluated} with a verdict, ${res.failsTwice} fail twice | static ${pr(res.static)} | replay ${pr(res.replay)} | replay on server ${pr(res.replayServer)} | fix ${res.fix.fixed}/${res.fix.failing}`)
  }
  const total = (k: 'static' | 'replay' | 'replayServer') => results.reduce((s, x) => add(s, x[k]), { tp: 0, fp: 0, fn: 0, tn: 0 })
  const fixTotal = results.reduce((s, x) => ({ failing: s.failing + x.fix.failing, fixed: s.fixed + x.fix.fixed }), { failing: 0, fixed: 0 })
  console.log(`\n| verdict against PostgreSQL (${results.length} projects, ${results.reduce((n, x) => n + x.evaluated, 0)} files with a verdict) | precision / recall |`)
  console.log('|---|---|')
  console.log(`| static check | ${pr(total('static'))} |`)
  console.log(`| --replay (embedded PGlite) | ${pr(total('replay'))} |`)
  console.log(`| --replay (server shadow) | ${pr(total('replayServer'))} |`)
  console.log(`| --fix: failing files that then run twice | ${(fixTotal.fixed / Math.max(1, fixTotal.failing)).toFixed(3)} (${fixTotal.fixed} of ${fixTotal.failing}) |`)
  if (values.out) writeFileSync(values.out, JSON.stringify(results, null, 2))
  return 0
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`bench-verdicts: ${err instanceof Error ? err.message : err}`)
      process.exit(2)
    },
  )
}
