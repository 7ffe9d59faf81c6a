// Writes one migration that is the database's schema today, every statement runnable twice, proven on a shadow first.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { makeBaseline, type Baseline } from '../lib/checks/baseline.ts'
import { listFolder } from '../lib/cli/folder.ts'
import { readHistory } from '../lib/cli/history.ts'
import { nextVersion } from '../lib/cli/version.ts'
import { connect, describeDbError } from '../lib/db/connect.ts'
import { resolveDbUrl, resolveMigrationsDir, resolveShadowUrl } from '../lib/run/config.ts'
import { KitError } from '../lib/run/errors.ts'
import { colors, EXIT, toJson, useColor } from '../lib/run/output.ts'
import { passwordOf, redact } from '../lib/run/redact.ts'
import { processIo, runMain, scriptBody, type Io } from '../lib/run/script.ts'

export const USAGE = `Usage: npx tsx scripts/dump-baseline.ts [options]

Reads the database's schema (tables, indexes, policies, functions, triggers, grants and revokes, default
privileges, storage buckets and their policies, publication membership, cron jobs) and writes it as one
migration whose every statement runs twice. Needs neither Docker nor pg_dump. Before writing, the baseline
is applied twice on a throwaway shadow database with the Supabase platform shim, exactly as db push applies
a file, and the shadow's catalog is compared with the database's: only an identical result is written as
a migration; anything else is written as <name>.sql.draft (which the CLI never pushes) with the differences.

Options:
  --db-url <url>       database to dump (else SUPABASE_DB_URL, else DATABASE_URL)
  --out <file|->       where to write (default: <migrations>/<version>_baseline.sql, the version newer than
                       every local file and remote history row); - prints the SQL on stdout
  --dir <path>         migrations folder (default: <project root>/supabase/migrations)
  --schema <list>      comma-separated schemas to dump (default: every schema that is not the platform's);
                       user objects on platform tables (auth.users triggers, storage policies) are kept
  --data <tables>      comma-separated tables whose rows are added as INSERT … ON CONFLICT DO NOTHING
  --shadow-url <url>   server on which the throwaway shadow database is created and dropped
                       (else SHADOW_DATABASE_URL, else an embedded PGlite, PostgreSQL 18)
  --no-verify          write the .sql without the shadow check (--verify, the default, runs it)
  --check <file>       verify an existing baseline (a hand-edited one, say) against the database; writes nothing
  --json               print one JSON document instead of the report
  --debug              print stack traces on errors
  --help               show this help

Exit codes:
  0  the baseline was written (verified, unless --no-verify); with --check: the file builds the database
  1  verify found differences: <name>.sql.draft was written (with --check: nothing) and the differences printed
  2  usage or runtime error (bad URL, unreachable database, an object the role cannot read)

Environment:
  SUPABASE_DB_URL, DATABASE_URL   connection URL when --db-url is absent (.env is read)
  SHADOW_DATABASE_URL             shadow server when --shadow-url is absent
  NO_COLOR                        disable colour
`

export const FLAGS = {
  string: ['db-url', 'out', 'dir', 'schema', 'data', 'shadow-url', 'check'],
  boolean: ['verify', 'json', 'debug', 'help'],
  default: { verify: true },
}
const SCRIPT = 'dump-baseline'

export async function main(args: string[], env: NodeJS.ProcessEnv = process.env, io: Io = processIo(), now = new Date()): Promise<number> {
  return scriptBody({ script: SCRIPT, usage: USAGE, flags: FLAGS }, args, io, async (flags, hide) => {
    // 1. Validate every input before the first connection.
    if (flags._.length) throw new KitError('USAGE', `unexpected argument ${flags._[0]}`, 'See --help')
    const url = resolveDbUrl(flags['db-url'] as string | undefined, env)
    const shadowUrl = resolveShadowUrl(flags['shadow-url'] as string | undefined, env)
    hide(url)
    hide(shadowUrl)
    const secrets = [...passwordOf(url), ...passwordOf(shadowUrl)]
    const list = (name: string) => String(flags[name] ?? '').split(',').map((x) => x.trim()).filter(Boolean)
    const out = flags.out as string | undefined
    if (out === '-' && flags.json) throw new KitError('USAGE', '--out - and --json both want stdout', 'Give --out a file, or drop --json')
    const check = flags.check as string | undefined
    if (check && (out || flags.verify === false)) throw new KitError('USAGE', `--check verifies a file and writes nothing; it takes neither ${out ? '--out' : '--no-verify'}`, 'See --help')
    const checked = check ? readText(resolve(io.cwd, check)) : undefined
    const dir = resolveMigrationsDir(flags.dir as string | undefined, io.cwd)
    if (!out && !check && !existsSync(dir)) throw new KitError('FOLDER_MISSING', `no migrations folder at ${dir}`, 'Run it from the project (supabase init makes the folder), or pass --dir or --out')
    const verify = flags.verify !== false
    const say = (m: string) => io.err(redact(m, secrets))

    // 2. Read the remote, generate, and verify on the shadow.
    const sql = connect(url, { app: SCRIPT, onNotice: say })
    let baseline: Baseline
    let remoteVersions: string[]
    try {
      remoteVersions = (await readHistory(sql)).rows.map((r) => r.version)
      baseline = await makeBaseline(sql, {
        schemas: list('schema'), data: list('data'), shadowUrl, verify, app: SCRIPT, onNotice: () => {}, source: redact(url, secrets), text: checked,
      })
    } catch (err) {
      throw describeDbError(err, url)
    } finally {
      await sql.end({ timeout: 5 })
    }

    // 3. Write: the migration when it is proven (or unverified on request), else a draft the CLI never pushes.
    const ok = baseline.verified || !verify
    if (check) {
      if (flags.json) io.out(redact(toJson({ checked: check, verified: baseline.verified, statements: baseline.statements.length, diff: baseline.diff, shadow: baseline.shadow ?? null, server: baseline.server, timings: baseline.timings }), secrets))
      else io.out(redact(renderCheck(baseline, check, useColor({ isTTY: io.stdoutIsTTY }, env)), secrets))
      return ok ? EXIT.clean : EXIT.findings
    }
    const version = nextVersion(listFolder(dir).files.map((f) => f.version), remoteVersions, now)
    const target = out === '-' ? '-' : (out ?? join(dir, `${version}_baseline.sql`))
    const written = target === '-' ? (ok ? '-' : undefined) : ok ? target : `${target}.draft`
    if (written === '-') io.out(baseline.text.replace(/\n$/, ''))
    else if (written) writeFileSync(written, baseline.text)

    // 4. Report.
    const shown = written && written !== '-' ? relative(io.cwd, written) || written : written
    if (flags.json) {
      io.out(redact(toJson({ written: shown ?? null, verified: baseline.verified, statements: baseline.statements.length, counts: baseline.counts, diff: baseline.diff, shadow: baseline.shadow ?? null, server: baseline.server, timings: baseline.timings }), secrets))
    } else {
      const report = render(baseline, shown, verify, useColor({ isTTY: io.stdoutIsTTY }, env))
      // With --out - the SQL owns stdout.
      if (target === '-') say(report)
      else io.out(redact(report, secrets))
    }
    return ok ? EXIT.clean : EXIT.findings
  })
}

function renderCheck(b: Baseline, file: string, color: boolean): string {
  const c = colors(color)
  if (b.verified) return c.green(`${file}: applied twice on the shadow, it builds the database exactly (${b.statements.length} statements).`)
  return [c.bold(`${file}: the shadow built from it differs from the database:`), ...b.diff.map((d) => `- ${d}`), '', c.yellow(`${file} does not rebuild the database. Fix what differs, or dump a new baseline without --check.`)].join('\n')
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    // The path is the user's; the one thing to say is that it cannot be read.
    throw new KitError('FILE_UNREADABLE', `cannot read ${path}`, 'Check the path given to --check')
  }
}

function render(b: Baseline, written: string | undefined, verify: boolean, color: boolean): string {
  const c = colors(color)
  const counts = Object.entries(b.counts).map(([kind, n]) => `${n} ${kind}`).join(', ')
  const lines = [`Baseline of PostgreSQL ${b.server.version}: ${b.statements.length} statements (${counts}).`]
  if (b.shadow) lines.push(`Verified on ${b.shadow.engine === 'pglite' ? 'embedded PGlite' : 'a server database'}, PostgreSQL ${b.shadow.version}: applied twice as db push applies a file, then compared with the database.`)
  lines.push(`Dumped in ${(b.timings.dumpMs / 1000).toFixed(1)} s${verify ? `, verified in ${(b.timings.verifyMs / 1000).toFixed(1)} s` : ''}.`)
  if (!verify) {
    lines.push(c.yellow(`Wrote ${written === '-' ? 'the SQL to stdout' : written} without verifying it (--no-verify).`))
  } else if (b.verified) {
    lines.push(c.green(`Wrote ${written === '-' ? 'the SQL to stdout' : written}: the shadow built from it matches the database.`))
  } else {
    lines.push('', c.bold('The shadow built from the baseline differs from the database:'), ...b.diff.map((d) => `- ${d}`), '')
    lines.push(c.yellow(written ? `Wrote ${written} (a draft: the CLI does not push it). Fix what differs, or report it, then rerun.` : 'Nothing was written. Fix what differs, or report it, then rerun.'))
  }
  return lines.join('\n')
}

runMain(import.meta.url, SCRIPT, (args, env, io) => main(args, env, io))
