// The one command to run first: checks sync, idempotency and drift, says what each unrecorded or edited migration
// really is, and prints a numbered plan of exact commands that puts the project right.
import { relative } from 'node:path'
import { planRepair, type PlanStep } from '../lib/checks/planner.ts'
import { diagnose, type Diagnosis } from '../lib/checks/diagnose.ts'
import { installedCli } from '../lib/cli/binary.ts'
import { skipWarning } from '../lib/cli/folder.ts'
import { findProjectRoot, optionalDbUrl, resolveMigrationsDir, resolveShadowUrl } from '../lib/run/config.ts'
import { KitError } from '../lib/run/errors.ts'
import { kitCommand } from '../lib/run/kit-command.ts'
import { colors, EXIT, table, toJson, useColor } from '../lib/run/output.ts'
import { passwordOf, redact } from '../lib/run/redact.ts'
import { processIo, runMain, scriptBody, type Io } from '../lib/run/script.ts'

export const USAGE = `Usage: npx tsx scripts/doctor.ts [options]

Checks the migrations folder against the database's history (as check-sync), every file for statements that
fail on a second run (as check-idempotent), and the database against what the files produce (as check-drift,
on a throwaway shadow database). Then classifies each migration the history does not vouch for — applied,
partial, pending or broken, with the evidence — and prints a numbered plan of exact commands, each marked
destructive or not, ending with the checks that prove the result. Changes nothing.

Options:
  --db-url <url>       database to diagnose (else SUPABASE_DB_URL, else DATABASE_URL); without one, only the
                       folder and the files are checked, and doctor says what it could not check
  --shadow-url <url>   server for the throwaway shadow database (else SHADOW_DATABASE_URL, else embedded PGlite)
  --dir <path>         migrations folder (default: <project root>/supabase/migrations)
  --json               print {healthy, findings, classification, plan} as one JSON document
  --debug              print stack traces on errors
  --help               show this help

Exit codes:
  0  healthy: in sync, every file idempotent, no drift (the plan is empty)
  1  findings: follow the plan
  2  usage or runtime error (bad URL, unreachable database, shadow cannot be created)

Environment:
  SUPABASE_DB_URL, DATABASE_URL   connection URL when --db-url is absent (.env is read); the plan's commands
                                  read SUPABASE_DB_URL, so export it before running them
  SHADOW_DATABASE_URL             shadow server when --shadow-url is absent
  NO_COLOR                        disable colour
`

export const FLAGS = { string: ['db-url', 'shadow-url', 'dir'], boolean: ['json', 'debug', 'help'] }
const SCRIPT = 'doctor'

export async function main(args: string[], env: NodeJS.ProcessEnv = process.env, io: Io = processIo()): Promise<number> {
  return scriptBody({ script: SCRIPT, usage: USAGE, flags: FLAGS }, args, io, async (flags, hide) => {
    // 1. Validate every input before the first connection. No URL is not an error here: the offline part still runs.
    if (flags._.length) throw new KitError('USAGE', `unexpected argument ${flags._[0]}`, 'See --help')
    const url = optionalDbUrl(flags['db-url'] as string | undefined, env)
    const shadowUrl = resolveShadowUrl(flags['shadow-url'] as string | undefined, env)
    hide(url)
    hide(shadowUrl)
    const secrets = [...passwordOf(url), ...passwordOf(shadowUrl)]
    const root = findProjectRoot(io.cwd)
    const dir = resolveMigrationsDir(flags.dir as string | undefined, io.cwd)
    const relDir = relative(io.cwd, dir) || '.'
    const say = (m: string) => io.err(redact(`${SCRIPT}: ${m}`, secrets))

    // 2. Look at everything (the folder, the files, and with a URL the history, the catalog and a shadow replay).
    const found = await diagnose({ cwd: io.cwd, root, dir, cliDir: relative(root, dir) || '.', url, shadowUrl, app: SCRIPT, progress: (m) => say(`${m}…`) })
    for (const entry of found.folder.skipped) io.err(skipWarning(entry))
    if (!url) say('no database URL (--db-url, SUPABASE_DB_URL or DATABASE_URL): checked the folder and the files only; not checked: the history table, drift, what each migration really is.')

    // 3. Decide: the plan is written for the Supabase CLI the user has, and for where this kit lives.
    const cli = await installedCli(root)
    const kit = (script: string) => kitCommand(io.cwd, script)
    const plan = planRepair({ sync: found.sync, drift: found.drift, classified: found.classified, notIdempotent: found.notIdempotent.map((f) => f.file), clutter: found.folder.clutter.map((c) => c.file), cli: { major: cli?.major ?? null }, dir: relDir, kit })
    const healthy = plan.length === 0

    // 4. Report.
    if (flags.json) {
      const findings = { sync: found.sync, idempotency: found.notIdempotent, drift: found.drift, clutter: found.folder.clutter, shadow: found.shadow, supabaseCli: cli?.version ?? null }
      io.out(redact(toJson({ healthy, findings, classification: found.classified, plan }), secrets))
    } else {
      io.out(redact(render(found, plan, { relDir, online: Boolean(url), cli: cli?.version ?? null, color: useColor({ isTTY: io.stdoutIsTTY }, env) }), secrets))
    }
    return healthy ? EXIT.clean : EXIT.findings
  })
}

function render(d: Diagnosis, plan: PlanStep[], o: { relDir: string; online: boolean; cli: string | null; color: boolean }): string {
  const c = colors(o.color)
  const out: string[] = [c.bold(`Diagnosis of ${o.relDir} (${d.folder.files.length} migration files)`), '']
  if (d.sync) {
    const s = d.sync
    const push = s.push.ok ? `db push would apply ${s.push.pending.length} file(s)` : `db push fails: ${s.push.error}`
    out.push(`- sync: ${s.localOnly.length} local only, ${s.remoteOnly.length} remote only (${s.renamed.length} renamed), ${s.edited.length} edited, ${s.clutter.length} clutter, ${s.duplicates.length} duplicate version(s); ${push}`)
  } else {
    out.push(`- folder: ${d.folder.clutter.length} clutter, ${d.folder.duplicates.length} duplicate version(s)`)
  }
  const shown = d.notIdempotent.slice(0, 5).map((f) => `${f.file} (${f.errors})`)
  const notIdem = `${shown.join(', ')}${d.notIdempotent.length > 5 ? `, and ${d.notIdempotent.length - 5} more (check-idempotent lists them)` : ''}`
  out.push(`- idempotency: ${d.notIdempotent.length ? `${d.notIdempotent.length} file(s) fail on a second run: ${notIdem}` : 'every file can run twice'}`)
  if (d.drift) {
    const r = d.drift
    out.push(`- drift: ${r.remoteOnly.length} hand edit(s), ${r.missingOnRemote.length} missing, ${r.differs.length} different, ${r.halfApplied.length} half-applied, ${r.failures.length} failing file(s) (shadow: ${d.shadow?.engine} ${d.shadow?.version})`)
  }
  if (d.classified.length) {
    out.push('', c.bold('Migrations the history does not vouch for'))
    out.push(table(['File', 'Why', 'State'], d.classified.map((f) => [f.file, f.why, f.appliedAs ? `${f.state} (as ${f.appliedAs})` : f.state])))
    for (const f of d.classified) out.push(`${f.file}:`, ...f.evidence.map((e) => `    ${e}`))
  }
  out.push('')
  if (plan.length === 0) {
    out.push(c.green(o.online ? 'Healthy: in sync, every file idempotent, no drift.' : 'The folder and the files are healthy (the database was not checked).'))
    return out.join('\n')
  }
  out.push(c.bold('Plan'), c.dim(`Run from this folder; the commands read the database URL from SUPABASE_DB_URL (export it first). Supabase CLI: ${o.cli ?? 'not found, commands written for 2.x'}.`))
  for (const s of plan) {
    out.push(`${s.step}. ${s.destructive ? c.red('[destructive]') : c.green('[safe]')} ${s.title}`, `     ${s.command}`, c.dim(`     ${s.why}`))
  }
  const destructive = plan.filter((s) => s.destructive).length
  out.push('', c.yellow(`Not healthy: ${plan.length} step(s), ${destructive} of them destructive. Follow the plan in order; doctor itself changed nothing.`))
  return out.join('\n')
}

runMain(import.meta.url, SCRIPT, main)
