// The whole rescue on the kit's example of a broken project, with no server and no configuration: its remote built
// in an embedded PostgreSQL, doctor's diagnosis, its plan followed command by command, and the proof at the end.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { $, type ProcessPromise } from 'zx'
import { installedCli } from '../lib/cli/binary.ts'
import { applyChain } from '../lib/cli/apply.ts'
import { listFolder } from '../lib/cli/folder.ts'
import { readHistory } from '../lib/cli/history.ts'
import { connect } from '../lib/db/connect.ts'
import { buildExampleRemote, pushedMigrations, readRemoteHistory } from '../lib/db/example-remote.ts'
import { openShadow, type Shadow } from '../lib/db/shadow.ts'
import { onInterrupt } from '../lib/run/cleanup.ts'
import { KitError } from '../lib/run/errors.ts'
import { kitCommand } from '../lib/run/kit-command.ts'
import { EXIT, table } from '../lib/run/output.ts'
import { processIo, runMain, scriptBody, type Io } from '../lib/run/script.ts'

export const USAGE = `Usage: npx tsx scripts/demo.ts [--debug] [--help]   (or: npm run demo)

Rescues the kit's example of a broken Supabase project (examples/broken-project: local-only and remote-only
versions, clutter, an edited, a half-applied and a broken migration, hand edits in the dashboard) from start to
end, on this machine alone: its "remote" is an embedded PostgreSQL (PGlite), the project a copy in a temporary
folder. Runs doctor, follows its plan command by command as you would, then shows check-sync clean and every
file applied twice on a fresh database without an error. Needs no server, no URL, no Supabase CLI (with one on
PATH, its db push is used; without, the kit applies the files exactly as db push does, and says so). Everything
it makes is in one temporary folder, removed at the end (also on Ctrl-C).

Options:
  --debug   print stack traces on errors
  --help    show this help

Exit codes:
  0  the rescue ended clean: in sync, every file runs twice
  1  a step of the plan failed, or the end state is not clean (the output says which)
  2  runtime error (the embedded database could not start)

Environment:
  none is read: the demo sets SUPABASE_DB_URL for the commands it runs, and ignores any .env
`

export const FLAGS = { boolean: ['debug', 'help'] }
const SCRIPT = 'demo'
const KIT = fileURLToPath(new URL('..', import.meta.url))
const EXAMPLE = join(KIT, 'examples', 'broken-project')
const STEPS = 5
const NPX_TSX = 'npx() { if [ "$1" = tsx ]; then shift; tsx "$@"; else command npx "$@"; fi; }'

type PlanStep = { step: number; title: string; command: string; destructive: boolean; why: string }
type Classified = { file: string; state: string; appliedAs?: string }

export async function main(args: string[], env: NodeJS.ProcessEnv = process.env, io: Io = processIo()): Promise<number> {
  return scriptBody({ script: SCRIPT, usage: USAGE, flags: FLAGS }, args, io, async (flags) => {
    if (flags._.length) throw new KitError('USAGE', `unexpected argument ${flags._[0]}`, 'See --help')
    // The example ships with the kit's checkout, not with a copy of scripts/ and lib/ in another repository.
    if (!existsSync(join(EXAMPLE, 'remote', 'history.json'))) throw new KitError('FOLDER_MISSING', `no example project at ${relative(io.cwd, EXAMPLE) || '.'}`, 'Run the demo from a checkout of the kit (npm ci && npm run demo)')
    const started = Date.now()
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1)
    const step = (n: number, title: string) => io.out(`\n[${n}/${STEPS}, ${seconds()} s] ${title}`)
    const say = (text: string) => io.out(text.replace(/^/gm, '    '))

    const tmp = mkdtempSync(join(tmpdir(), 'migration-kit-demo-'))
    let remote: Shadow | undefined
    // The command running now, if any: on Ctrl-C it is stopped (with its children) before its folder and database go.
    let running: ProcessPromise | undefined
    const cleanUp = async () => {
      if (running) await running.kill().catch(() => {
        // It ended between the check and the signal: nothing left to stop.
      })
      await remote?.dispose()
      rmSync(tmp, { recursive: true, force: true })
    }
    const release = onInterrupt(cleanUp)
    try {
      // 1. The remote: what `db push` applied over time, then the dashboard's edits, in an embedded PostgreSQL.
      step(1, 'Build the broken remote database (embedded PostgreSQL, no server)')
      // A shimmed PGlite like the scripts' shadows (its data directory is cached with theirs): the hosted platform's
      // roles, schemas and extensions, as a Supabase project's database has them.
      remote = await openShadow({ app: SCRIPT, onNotice: () => {} })
      await buildExampleRemote(remote.url, EXAMPLE)
      const history = readRemoteHistory(EXAMPLE)
      say(`${pushedMigrations(EXAMPLE).length} migrations pushed through ${history.pushedThrough}, then ${history.byHand.join(', ')} run by hand with no history row`)

      // 2. The project as its owner has it, in the temporary folder (the plan's steps move and write files).
      const project = join(tmp, 'project')
      cpSync(join(EXAMPLE, 'supabase'), join(project, 'supabase'), { recursive: true })
      const { FORCE_COLOR: _color, DATABASE_URL: _db, SHADOW_DATABASE_URL: _shadow, ...inherited } = env
      const shellEnv = { ...inherited, SUPABASE_DB_URL: remote.url, NO_COLOR: '1', PATH: `${join(KIT, 'node_modules', '.bin')}${delimiter}${env.PATH ?? ''}` }
      // `npx tsx` runs the kit's own tsx, as npx would find it in a repository that installed the kit; called
      // directly, without npm's start-up (a second or more per command on a busy machine).
      const sh = async (command: string) => {
        running = $({ cwd: project, env: shellEnv, nothrow: true, quiet: true, input: '' })`bash -c ${`${NPX_TSX}\n${command}`}`
        try {
          return await running
        } finally {
          running = undefined
        }
      }
      const kit = (script: string) => kitCommand(project, script)
      say(`copied ${listFolder(join(project, 'supabase', 'migrations')).files.length} migration files into a temporary folder; SUPABASE_DB_URL points at the embedded database`)

      // 3. The diagnosis and the plan.
      step(2, `Diagnose: ${kit('doctor')}`)
      const doctor = await sh(`${kit('doctor')} --json`)
      if (doctor.exitCode !== 1) return failed(io, 'doctor', doctor)
      const report = JSON.parse(doctor.stdout) as { classification: Classified[]; plan: PlanStep[] }
      say(table(['File', 'State'], report.classification.map((c) => [c.file, c.appliedAs ? `${c.state} (as ${c.appliedAs})` : c.state])))
      const count = (state: string) => report.classification.filter((c) => c.state === state).length
      say(`classification: ${count('applied')} applied, ${count('partial')} partial, ${count('pending')} pending, ${count('broken')} broken`)
      say(`plan: ${report.plan.length} steps\n${report.plan.map((s) => `${s.step}. ${s.destructive ? '[destructive]' : '[safe]'} ${s.command}`).join('\n')}`)

      // 4. The plan, step by step, as printed. The Supabase CLI's steps need a CLI; without one the kit stands in.
      step(3, 'Follow the plan')
      const cli = await installedCli(project)
      for (const s of report.plan) {
        io.out(`  ${s.step}/${report.plan.length} (${seconds()} s) ${s.title}`)
        const skip = skipped(s, report.plan)
        if (skip) {
          say(`skipped in the demo: ${skip}`)
          continue
        }
        if (s.command.startsWith('supabase ') && !cli) {
          const push = await withoutCli(s, remote.url, join(project, 'supabase', 'migrations'))
          say(push.text)
          if (!push.ok) return EXIT.findings
          continue
        }
        const run = await sh(s.command)
        if (run.exitCode !== 0) return failed(io, `plan step ${s.step} (${s.command})`, run)
        say(lastLines(s.command.includes('check-sync') ? run.stdout : run.stdout || run.stderr, s.command.includes('check-sync') ? 20 : 1))
      }

      // 5. The proof: what the history holds now, and every file run twice on a fresh database.
      step(4, 'Check the result')
      const files = listFolder(join(project, 'supabase', 'migrations'))
      const rows = await historyRows(remote.url)
      const same = rows.join() === files.files.map((f) => f.version).join()
      say(`history: ${rows.length} rows; folder: ${files.files.length} files, ${files.clutter.length} clutter; ${same ? 'the same versions' : 'DIFFERENT versions'}`)
      step(5, `Prove every file runs twice: ${kit('check-idempotent')} --replay`)
      const replay = await sh(`${kit('check-idempotent')} --replay --json`)
      const proof = JSON.parse(replay.stdout || 'null') as Replay | null
      if (!proof || replay.exitCode === 2) return failed(io, 'check-idempotent --replay', replay)
      const errors = proof.findings.filter((f) => f.kind === 'error')
      const runsTwice = errors.length === 0 && proof.notEvaluated.length === 0 && proof.applied.length === files.files.length
      say(`${proof.applied.length} of ${files.files.length} files applied twice on a fresh embedded database: ${errors.length} failed on the second run`)
      for (const f of proof.findings.filter((f) => f.kind === 'changes')) {
        // The baseline guards what a kept file changes later (DROP … IF EXISTS, then CREATE): its own re-run puts the
        // older form back, and the kept file's re-run, which db push would run after it, restores the newer one.
        say(`note: ${f.file} runs twice without an error, but its second run puts back ${f.changes.map((c) => c.key).join(', ')} as it was before a later file changed it (re-running the later file restores it)`)
      }

      const clean = same && files.clutter.length === 0 && runsTwice
      const verdict = clean ? 'Rescued' : `Not clean (${[!same && 'history and folder differ', files.clutter.length && 'clutter left', !runsTwice && 'not every file runs twice'].filter(Boolean).join(', ')})`
      io.out(`\n${verdict} in ${seconds()} s${clean ? ': in sync, every file runs twice' : ''}. The temporary folder and database are removed.`)
      return clean ? EXIT.clean : EXIT.findings
    } finally {
      release()
      await cleanUp()
    }
  })
}

type Replay = { applied: string[]; notEvaluated: unknown[]; findings: ({ file: string } & ({ kind: 'error' } | { kind: 'changes'; changes: { key: string }[] }))[] }

// Plan steps the demo leaves out to stay well under a minute, each with the reason a user reads.
function skipped(s: PlanStep, plan: readonly PlanStep[]): string | undefined {
  const previewOf = plan.find((o) => o !== s && o.destructive && o.command.replace(' --apply --yes', '') === s.command)
  if (previewOf) return `the dry run of step ${previewOf.step}; it prints what that step will do and changes nothing`
  if (s.command.endsWith('/check-drift.ts')) return 'reset-history compared its baseline with the database on a shadow before it changed anything; run it yourself on your project'
  return undefined
}

// A Supabase CLI step with no CLI on PATH: `db push` is done the way the CLI does it (one transaction per pending
// file, its history row in the same transaction); the dry run is check-sync's db push verdict, printed just before.
async function withoutCli(s: PlanStep, url: string, dir: string): Promise<{ ok: boolean; text: string }> {
  if (s.command.includes('--dry-run')) return { ok: true, text: 'no Supabase CLI on PATH: skipped (check-sync above already says what db push would do)' }
  const sql = connect(url, { app: SCRIPT, onNotice: () => {} })
  try {
    const recorded = new Set((await readHistory(sql)).rows.map((r) => r.version))
    const pending = listFolder(dir).files.filter((f) => !recorded.has(f.version))
    const result = await applyChain(sql, pending, { record: true })
    const done = `no Supabase CLI on PATH: applied ${result.applied.length} file(s) exactly as \`supabase db push\` does (one transaction per file, with its history row)`
    if (result.failure) return { ok: false, text: `${done}, then ${result.failure.file} failed at statement ${result.failure.index + 1}: ${result.failure.message}` }
    return { ok: true, text: `${done}: ${result.applied.join(', ')}` }
  } finally {
    await sql.end({ timeout: 5 })
  }
}

async function historyRows(url: string): Promise<string[]> {
  const sql = connect(url, { app: SCRIPT, onNotice: () => {} })
  try {
    return (await readHistory(sql)).rows.map((r) => r.version)
  } finally {
    await sql.end({ timeout: 5 })
  }
}

const lastLines = (text: string, n: number) => text.trimEnd().split('\n').slice(-n).join('\n')

function failed(io: Io, what: string, run: { exitCode: number | null; stdout: string; stderr: string }): number {
  io.out(`\n${what} exited ${run.exitCode}:\n${lastLines(run.stdout, 20)}\n${lastLines(run.stderr, 20)}`)
  return EXIT.findings
}

runMain(import.meta.url, SCRIPT, main)
