// Compares supabase/migrations with the remote history table as `supabase migration list` and `db push` do,
// and says, for every disagreement, what to run next.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { assertDirFlag, findProjectRoot, resolveDbUrl, resolveMigrationsDir } from '../lib/run/config.ts'
import { describeDbError, openConnection } from '../lib/db/connect.ts'
import { KitError } from '../lib/run/errors.ts'
import { kitCommand } from '../lib/run/kit-command.ts'
import { listFolder, skipWarning, type Folder } from '../lib/cli/folder.ts'
import { readHistory } from '../lib/cli/history.ts'
import { colors, EXIT, githubAnnotation, table, toJson, useColor, wantsAnnotations, type Annotation } from '../lib/run/output.ts'
import { flagNames, processIo, runMain, scriptBody, type Flags, type Io } from '../lib/run/script.ts'
import { clutterTexts, readLocalText } from '../lib/checks/local-text.ts'
import { compareSync, countOffline, offlineFindings, onlyPending, type SyncReport } from '../lib/checks/sync.ts'
import { exportCommittedFolder } from '../lib/checks/committed.ts'

export const USAGE = `Usage: npx tsx scripts/check-sync.ts [options]

Compares the local migrations folder with supabase_migrations.schema_migrations on the database,
shows them side by side like \`supabase migration list\`, and predicts what \`supabase db push\` does.

Options:
  --db-url <url>   database to compare with (else SUPABASE_DB_URL, else DATABASE_URL)
  --dir <path>     migrations folder (default: <project root>/supabase/migrations)
  --offline        folder checks only (clutter, duplicate versions, names, empty files); no database
  --commit <rev>   read the migrations folder as it is in that commit, not the work tree (the pre-push hook)
  --allow-pending  exit 0 when the only difference is local files that db push would simply apply
  --json           print one JSON document instead of the table
  --debug          print stack traces on errors
  --help           show this help

Exit codes:
  0  in sync, nothing found
  1  findings (out of sync, clutter, edited files, or db push would fail; pending files unless --allow-pending)
  2  usage or runtime error (bad URL, unreachable database, permission denied)

Environment:
  SUPABASE_DB_URL, DATABASE_URL   connection URL when --db-url is absent (.env is read)
  GITHUB_ACTIONS=true             also print GitHub annotations
  NO_COLOR                        disable colour
`

export const FLAGS = { string: ['db-url', 'dir', 'commit'], boolean: ['offline', 'allow-pending', 'json', 'debug', 'help'] }
const SCRIPT = 'check-sync'
const DB = '--db-url "$SUPABASE_DB_URL"'

export async function main(args: string[], env: NodeJS.ProcessEnv = process.env, io: Io = processIo()): Promise<number> {
  return scriptBody({ script: SCRIPT, usage: USAGE, flags: FLAGS }, args, io, async (flags, hide) => {
    // 1. Validate every input before the first connection.
    if (flags.offline && flags['allow-pending']) throw new KitError('USAGE', '--allow-pending needs the database (it excludes --offline)', 'See --help')
    const dir = resolveMigrationsDir(flags.dir as string | undefined, io.cwd)
    assertDirFlag(flags.dir as string | undefined, dir)
    const url = flags.offline ? undefined : resolveDbUrl(flags['db-url'] as string | undefined, env)
    hide(url)

    // 2. Read the folder the way the CLI does: from the work tree, or as a commit has it (--commit).
    const tmp = flags.commit ? mkdtempSync(join(tmpdir(), 'smk-commit-')) : undefined
    try {
      const source = tmp ? (await exportCommittedFolder(io.cwd, String(flags.commit), dir, tmp)).path : dir
      return await check(flags, dir, source, url, env, io)
    } finally {
      if (tmp) rmSync(tmp, { recursive: true, force: true })
    }
  })
}

// `dir` is the folder as reports name it; `source` is where its files are read (a commit's copy with --commit).
async function check(flags: Flags, dir: string, source: string, url: string | undefined, env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const folder = listFolder(source)
  for (const entry of folder.skipped) io.err(skipWarning(entry))
  if (!folder.exists) io.err(`${SCRIPT}: no migrations folder at ${dir}${flags.commit ? ` in ${flags.commit}` : ''}; treating it as empty, as the Supabase CLI does.`)
  else if (folder.files.length === 0) io.err(`${SCRIPT}: no migration files in ${dir}.`)
  const texts = folder.files.map(readLocalText)
  const relDir = relative(io.cwd, dir) || '.'

  // 3. Offline: the folder-only checks.
  if (flags.offline) {
    const found = offlineFindings(folder, texts)
    const count = countOffline(found)
    if (flags.json) io.out(toJson({ clean: count === 0, ...found }))
    else io.out(renderOffline(found, relDir, folder, flags.commit as string | undefined))
    if (wantsAnnotations(env) && !flags.json) for (const a of offlineAnnotations(found, relDir)) io.out(githubAnnotation(a))
    return count === 0 ? EXIT.clean : EXIT.findings
  }

  // 4. Read the remote history with the CLI's query (a missing table is an empty history).
  const sql = await openConnection(url!, { app: SCRIPT, onNotice: (m) => io.err(m) })
  let history: Awaited<ReturnType<typeof readHistory>>
  try {
    history = await readHistory(sql)
  } catch (err) {
    throw describeDbError(err, url!)
  } finally {
    await sql.end({ timeout: 5 })
  }

  // 5. Decide and report.
  // The CLI's hint names files relative to the project root (supabase/migrations/…), wherever it runs from.
  const cliDir = relative(findProjectRoot(io.cwd), dir) || '.'
  const report = compareSync(folder, texts, history, cliDir, clutterTexts(source, folder))
  if (flags.json) io.out(toJson(report))
  else io.out(render(report, relDir, kitCommand(io.cwd, SCRIPT), useColor({ isTTY: io.stdoutIsTTY }, env)))
  if (wantsAnnotations(env) && !flags.json) for (const a of annotations(report, relDir)) io.out(githubAnnotation(a))
  if (report.inSync && report.push.ok) return EXIT.clean
  return flags['allow-pending'] && onlyPending(report) ? EXIT.clean : EXIT.findings
}

type Offline = ReturnType<typeof offlineFindings>

function offlineLines(found: Offline, relDir: string): string[] {
  return [
    ...found.clutter.map((c) => `clutter: ${relDir}/${c.file} (${c.kind}) is skipped by the CLI and confuses people; move it out of the folder (git rm, or keep it outside supabase/migrations)`),
    ...found.duplicates.map((d) => `duplicate version ${d.version}: ${d.files.join(', ')}; the second file fails db push with a duplicate key. Give one of them a new timestamp (supabase migration new <name>, then move its SQL)`),
    ...found.empty.map((f) => `empty: ${relDir}/${f} has no SQL; the CLI would record it with NULL statements. Delete it or add its SQL`),
    ...found.unreadable.map((u) => `unreadable: ${u.message}`),
    ...found.badVersions.map((b) => `name: ${relDir}/${b.file}: ${b.reason}`),
  ]
}

function renderOffline(found: Offline, relDir: string, folder: Folder, commit?: string): string {
  const lines = offlineLines(found, relDir)
  const where = commit ? `${relDir} as commit ${commit.slice(0, 12)} has it` : relDir
  if (lines.length === 0) return `${where}: ${folder.files.length} migration files, no clutter, no duplicate versions, no empty files.`
  // What is checked is the commit: a fix in the work tree counts once it is committed.
  const next = commit ? ' Commit the fixes (git rm <file> also records a deletion made only on disk), then push again.' : ''
  return [...lines, '', `${lines.length} finding(s) in ${where}.${next}`].join('\n')
}

function render(r: SyncReport, relDir: string, runAgain: string, color: boolean): string {
  const c = colors(color)
  const out: string[] = []
  if (!r.historyTable) out.push('No history table on the database (supabase_migrations.schema_migrations): every local file is pending.', '')
  out.push(table(['Local', 'Remote', 'Time (UTC)', 'Status'], r.rows.map((row) => [row.local, row.remote, row.time, row.status])), '')
  const findings = [
    ...r.remoteOnly.map((v) => {
      const rename = r.renamed.find((x) => x.remote === v)
      return rename
        ? `remote only ${v}: the same migration as local ${rename.local} (same ${rename.match}), applied under the old timestamp. Rename the file back: git mv ${relDir}/${rename.local} ${relDir}/${v}_${rename.local.replace(/^\d+_/, '')}`
        : `remote only ${v}: applied on the database but no file has it. Recover its SQL (select statements from supabase_migrations.schema_migrations where version = '${v}') into ${relDir}/${v}_<name>.sql, or if it was undone: supabase migration repair --status reverted ${v} ${DB}`
    }),
    ...r.outOfOrder.map((v) => `out of order ${v}: local only and older than the newest remote version; db push refuses it without --include-all. If it has not run: supabase db push --include-all ${DB}; if it has (by hand): supabase migration repair --status applied ${v} ${DB}`),
    ...r.edited.map((e) => {
      const restore = e.appliedTextIn ? `${relDir}/${e.appliedTextIn} holds exactly the applied text: restore it from there` : 'Restore the applied text (git log -p)'
      return `edited ${e.version}_${e.name}: the file differs from what ran (statement ${e.firstDifference.index + 1}).\n    remote: ${preview(e.firstDifference.remote)}\n    local:  ${preview(e.firstDifference.local)}\n    ${restore}, and put the change in a new migration`
    }),
    ...offlineLines(r, relDir),
  ]
  if (findings.length) out.push(c.bold('Findings'), ...findings.map((f) => `- ${f}`), '')
  if (r.push.ok) {
    out.push(r.push.pending.length ? `supabase db push would apply:\n${r.push.pending.map((f) => `  • ${f}`).join('\n')}` : 'supabase db push: Remote database is up to date.')
  } else {
    out.push(c.red('supabase db push would fail:'), r.push.error!, r.push.hint!)
    if (r.push.pendingWithIncludeAll.length) out.push('', `With --include-all it would apply:\n${r.push.pendingWithIncludeAll.map((f) => `  • ${f}`).join('\n')}`)
  }
  const verdict = r.inSync && r.push.ok
    ? c.green('In sync.')
    : onlyPending(r)
      ? c.yellow(`Pending only: ${r.localOnly.length} local file(s) not applied yet, nothing to fix. Apply them: supabase db push ${DB}`)
      : c.yellow(`Out of sync: ${r.localOnly.length} local only, ${r.remoteOnly.length} remote only, ${r.edited.length} edited, ${r.clutter.length} clutter. Fix the findings, then run ${runAgain} again.`)
  out.push('', verdict)
  return out.join('\n')
}

const preview = (s: string | null) => (s === null ? '(none)' : s.replace(/\s+/g, ' ').slice(0, 160))

function offlineAnnotations(found: Offline, relDir: string): Annotation[] {
  return [
    ...found.clutter.map((c): Annotation => ({ level: 'warning', file: `${relDir}/${c.file}`, message: 'Not a migration file: the Supabase CLI skips it. Move it out of the migrations folder.' })),
    ...found.duplicates.flatMap((d) => d.files.map((f): Annotation => ({ level: 'error', file: `${relDir}/${f}`, message: `Duplicate migration version ${d.version}` }))),
    ...found.empty.map((f): Annotation => ({ level: 'warning', file: `${relDir}/${f}`, message: 'Empty migration file' })),
    ...found.unreadable.map((u): Annotation => ({ level: 'error', file: `${relDir}/${u.file}`, message: u.message })),
  ]
}

function annotations(r: SyncReport, relDir: string): Annotation[] {
  const fileOf = (v: string) => r.rows.find((row) => row.local === v)
  return [
    ...offlineAnnotations(r, relDir),
    ...r.edited.map((e): Annotation => ({ level: 'error', file: `${relDir}/${e.version}_${e.name}.sql`, message: 'Edited after it was applied: the remote ran a different text.' })),
    ...r.remoteOnly.map((v): Annotation => ({ level: 'error', message: `Remote migration ${v} has no local file.` })),
    ...r.outOfOrder.filter(fileOf).map((v): Annotation => ({ level: 'warning', message: `Local migration ${v} is older than the newest remote version.` })),
  ]
}

export const flags = flagNames(FLAGS)
runMain(import.meta.url, SCRIPT, main)
