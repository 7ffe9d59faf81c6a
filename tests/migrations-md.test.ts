// MIGRATIONS.md is a runbook a team follows literally, so every command in it is run here, in its order, and its
// exit code checked against what the runbook says. What counts as a command: every line of every ```sh block (its
// trailing `# comment` dropped), and every inline code span that starts, after optional VAR=value assignments,
// with npx, supabase, git, npm, pg_dump or psql. Each one must be a row of STEPS below, in the runbook's order: run
// on a fixture with its expected exit code, or listed as not run with the reason. A command added to the runbook
// without a row fails the first test; a row whose command left the runbook fails it too.
//
// Fixtures are user repositories with the kit at the top (scripts/, lib/, the .husky hooks installed, node_modules),
// the real Supabase CLI on PATH, SUPABASE_DB_URL set as the runbook's first command says, and a server for the
// shadows (SHADOW_DATABASE_URL): "seed" is the broken project of the user report (examples/broken-project) on a fresh
// database, with a second remote built the same way; "healthy" a small project whose files were pushed as they are;
// "refused" a project that db push refuses in each of the ways the runbook names.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { $ } from 'zx'
import { applyChain } from '../lib/cli/apply.ts'
import { listFolder } from '../lib/cli/folder.ts'
import { nextVersion } from '../lib/cli/version.ts'
import { createHistoryTable, insertHistoryRow } from '../lib/cli/history.ts'
import { splitAndTrim } from '../lib/cli/split.ts'
import { snapshotCatalog } from '../lib/catalog/snapshot.ts'
import { connect } from '../lib/db/connect.ts'
import { STUB_EXTENSIONS } from '../lib/db/platform/stubs.ts'
import { applyPlatformShim } from '../lib/db/platform/shim.ts'
import { supabaseBin } from './helpers/cli.ts'
import { createTempDatabase, dropTempDatabase, onServer, SERVER } from './helpers/db.ts'
import { buildSeedRemote, SEED_ROOT } from './helpers/seed.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RUNBOOK = readFileSync(join(ROOT, 'MIGRATIONS.md'), 'utf8')

// ---------------------------------------------------------------------------------------------------------------
// Extraction

const PROGRAMS = ['npx', 'supabase', 'git', 'npm', 'pg_dump', 'psql']
const isCommand = (span: string) => new RegExp(`^(?:[A-Z_][A-Z0-9_]*=\\S* +)*(?:${PROGRAMS.join('|')}) `).test(span)

// Every command of a Markdown text, in order.
function commandsOf(markdown: string): string[] {
  const found: string[] = []
  let fence: string | null = null
  let prose: string[] = []
  const flushProse = () => {
    // Spans are read over a whole stretch of prose: one may wrap onto the next line.
    for (const m of prose.join('\n').matchAll(/`([^`]+)`/g)) {
      const span = m[1].replace(/\s+/g, ' ').trim()
      if (isCommand(span)) found.push(span)
    }
    prose = []
  }
  for (const line of markdown.split('\n')) {
    const open = line.match(/^```(\S*)/)
    if (fence === null && open) {
      flushProse()
      fence = open[1]
      continue
    }
    if (fence !== null) {
      if (line.startsWith('```')) fence = null
      else if (fence === 'sh') {
        const command = line.replace(/\s+#\s.*$/, '').trim()
        if (command && !command.startsWith('#')) found.push(command)
      }
      continue
    }
    prose.push(line)
  }
  flushProse()
  return found
}

// ---------------------------------------------------------------------------------------------------------------
// The fixtures

type Fixture = { root: string; url: string; env: Record<string, string>; remove: () => Promise<void> }
type FixtureName = 'seed' | 'healthy' | 'refused'

// git and husky see only the fixture (no GIT_DIR of an outer hook, no HUSKY=0); no URL but the fixture's. uvu's CLI
// sets FORCE_COLOR under CI, and Node warns on stderr when it meets NO_COLOR too.
const DROPPED = ['HUSKY', 'FORCE_COLOR', 'SUPABASE_DB_URL', 'DATABASE_URL', 'SHADOW_DATABASE_URL', 'MIGRATION_KIT_DIR', 'MIGRATION_KIT_SKIP']
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !k.startsWith('GIT_') && !DROPPED.includes(k))) as Record<string, string>

const git = (root: string, args: string[]) => $({ cwd: root, quiet: true, env: baseEnv })`git ${args}`

// A user repository: the kit at the top with its hooks installed (after a first commit, made without them), a bare
// remote named origin, and `project` (the files of a supabase/ folder) committed.
async function repository(project: (root: string) => void, hooks: boolean): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'smk-runbook-'))
  for (const p of ['scripts', 'lib']) cpSync(join(ROOT, p), join(root, p), { recursive: true })
  for (const f of ['pre-commit', 'pre-push', 'migration-kit.sh', 'migration-kit.mjs']) cpSync(join(ROOT, '.husky', f), join(root, '.husky', f))
  writeFileSync(join(root, 'package.json'), '{ "name": "runbook-fixture", "private": true, "type": "module" }\n')
  writeFileSync(join(root, '.gitignore'), 'node_modules\n')
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'))
  project(root)
  await git(root, ['init', '-q', '-b', 'main'])
  await git(root, ['config', 'user.email', 'runbook@test.invalid'])
  await git(root, ['config', 'user.name', 'Runbook Test'])
  await git(root, ['add', '-A'])
  await git(root, ['commit', '-q', '--no-verify', '-m', 'project'])
  if (hooks) await $({ cwd: root, quiet: true, env: baseEnv })`node_modules/.bin/husky`
  const remote = join(root, '.git', 'origin.git')
  await $({ quiet: true })`git init -q --bare ${remote}`
  await git(root, ['remote', 'add', 'origin', remote])
  return root
}

async function environment(url: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const bin = dirname(await supabaseBin())
  // SUPABASE_YES answers the confirmation the CLI asks before it writes, as the reader does at a terminal (off one,
  // the CLI refuses without it). PGSSLMODE=disable: the test server has no TLS.
  return { ...baseEnv, ...extra, PATH: `${bin}${delimiter}${baseEnv.PATH}`, SUPABASE_DB_URL: url, SHADOW_DATABASE_URL: SERVER!, PGSSLMODE: 'disable', NO_COLOR: '1', SUPABASE_YES: '1' }
}

const onDb = async <T>(url: string, fn: (sql: ReturnType<typeof connect>) => Promise<T>): Promise<T> => {
  const sql = connect(url, { app: 'migrations-md-test', onNotice: () => {} })
  try {
    return await fn(sql)
  } finally {
    await sql.end({ timeout: 5 })
  }
}

const writeFiles = (root: string, files: Record<string, string>) => {
  mkdirSync(join(root, 'supabase', 'migrations'), { recursive: true })
  cpSync(join(SEED_ROOT, 'supabase', 'config.toml'), join(root, 'supabase', 'config.toml'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, 'supabase', 'migrations', name), text)
}

const NOTES = 'create table if not exists public.notes (id bigint primary key, body text);\n'

const FIXTURES: Record<FixtureName, () => Promise<Fixture>> = {
  // The user report's project and its remote, twice: the second stands in for production.
  async seed() {
    const [url, second] = await Promise.all([createTempDatabase(), createTempDatabase()])
    await Promise.all([buildSeedRemote(url), buildSeedRemote(second)])
    const root = await repository((r) => cpSync(join(SEED_ROOT, 'supabase'), join(r, 'supabase'), { recursive: true }), true)
    const env = await environment(url, { PRODUCTION_DB_URL: second })
    return { root, url, env, remove: async () => { rmSync(root, { recursive: true, force: true }); await dropTempDatabase(url); await dropTempDatabase(second) } }
  },
  // Files pushed as they are: doctor says healthy.
  async healthy() {
    const url = await createTempDatabase()
    const root = await repository((r) => writeFiles(r, { '20250101000000_notes.sql': NOTES }), true)
    await onDb(url, async (sql) => {
      await applyPlatformShim(sql)
      const failure = (await applyChain(sql, listFolder(join(root, 'supabase', 'migrations')).files, { record: true })).failure
      assert.is(failure, undefined)
    })
    return { root, url, env: await environment(url), remove: async () => { rmSync(root, { recursive: true, force: true }); await dropTempDatabase(url) } }
  },
  // db push refuses: a remote-only row whose file was renamed (tags), a remote-only row whose change was undone, a
  // file older than the newest row whose change was made by hand (labels), one that never ran (archive), and a new
  // file that is not idempotent while its policy is already on the database (not committed yet).
  async refused() {
    const url = await createTempDatabase()
    const TAGS = 'create table if not exists public.tags (id bigint primary key);\n'
    const LABELS = 'create table if not exists public.labels (id bigint primary key);\n'
    const POLICY = 'alter table public.notes enable row level security;\ncreate policy "notes are public" on public.notes for select using (true);\n'
    const root = await repository((r) => writeFiles(r, {
      '20250101000000_notes.sql': NOTES,
      '20250102500000_tags.sql': TAGS,
      '20250103500000_labels.sql': LABELS,
      '20250103600000_archive.sql': 'create table if not exists public.archive (id bigint primary key);\n',
      '20250104000000_comments.sql': 'create table if not exists public.comments (id bigint primary key);\n',
    }), false)
    writeFileSync(join(root, 'supabase', 'migrations', '20250105000000_notes_policy.sql'), POLICY)
    await onDb(url, async (sql) => {
      await applyPlatformShim(sql)
      await createHistoryTable(sql)
      const files = listFolder(join(root, 'supabase', 'migrations')).files
      const pushed = files.filter((f) => ['20250101000000', '20250104000000'].includes(f.version))
      assert.is((await applyChain(sql, pushed, { record: true })).failure, undefined)
      await sql.unsafe(TAGS + LABELS + POLICY)
      await insertHistoryRow(sql, { version: '20250102000000', name: 'tags', statements: splitAndTrim(TAGS) ?? [] })
      await insertHistoryRow(sql, { version: '20250103000000', name: 'undone', statements: ['create table public.undone (id int)'] })
    })
    return { root, url, env: await environment(url), remove: async () => { rmSync(root, { recursive: true, force: true }); await dropTempDatabase(url) } }
  },
}

// ---------------------------------------------------------------------------------------------------------------
// The runbook, row by row

// `says`: what the output must hold, for the steps where the runbook says what the command finds.
type Run = { doc: string; fixture: FixtureName; exit: 0 | 1; says?: string | RegExp; before?: (f: Fixture) => Promise<void> | void }
type NotRun = { doc: string; notRun: string }
type Step = Run | NotRun

const migrationsOf = (f: Fixture) => join(f.root, 'supabase', 'migrations')
const only = (names: string[], what: string) => {
  assert.is(names.length, 1, `one ${what}: ${names.join(', ')}`)
  return names[0]
}
const backups = (f: Fixture) => readdirSync(join(f.root, 'supabase', '.migration-backups')).sort()
const newest = (f: Fixture, suffix: string) => readdirSync(migrationsOf(f)).filter((n) => n.endsWith(suffix)).sort().at(-1)!

// The values a reader puts in for the runbook's placeholders, read from the fixture at the moment the command runs.
const PLACEHOLDERS: Record<string, (f: Fixture) => string> = {
  '<database URL>': (f) => f.url,
  // What doctor classifies as partial or pending on the seed project (tests/doctor.test.ts asserts its plan).
  '<unfinished versions>': () => '20251213214545,20251214000000,20251214100000',
  '<version>': (f) => only(readdirSync(migrationsOf(f)).filter((n) => n.endsWith('_baseline.sql')), 'baseline').slice(0, 14),
  // The backup of the first reset (the one to undo); the second remote's reset made the next one.
  '<timestamp>': (f) => backups(f)[0],
  '<what and why>': () => 'the pre-commit hook is broken on this laptop',
  '<local file>': () => '20250102500000_tags.sql',
  '<remote version>': () => '20250102000000',
  '<name>': () => 'tags',
  '<undone version>': () => '20250103000000',
  '<applied-by-hand version>': () => '20250103500000',
  '<failing file>': () => '20250105000000_notes_policy.sql',
}

function fill(command: string, f: Fixture): string {
  return command.replace(/<[^<>]+>/g, (p) => {
    const value = PLACEHOLDERS[p]
    assert.ok(value, `no value for the placeholder ${p} in: ${command}`)
    return value(f)
  })
}

const write = (f: Fixture, file: string, text: string) => writeFileSync(join(migrationsOf(f), file), text)

// The hotfix gets a version newer than every file, as new-migration would give it.
const hotfix = (f: Fixture) => `${nextVersion(listFolder(migrationsOf(f)).files.map((x) => x.version), [], new Date())}_hotfix.sql`

const STEPS: Step[] = [
  { doc: 'npx tsx tools/migration-kit/scripts/check-sync.ts', notRun: "a copied kit's path, as an example; tests/lib/run/kit-command.test.ts runs a kit copied there" },

  // Rescue: diagnose, back up, reset, verify; a second remote; undo.
  { fixture: 'seed', exit: 0, doc: "export SUPABASE_DB_URL='<database URL>'" },
  { fixture: 'seed', exit: 0, doc: 'supabase migration list --db-url "$SUPABASE_DB_URL"' },
  // The plan names the versions the reset keeps: the value of <unfinished versions> below.
  { fixture: 'seed', exit: 1, doc: 'npx tsx scripts/doctor.ts', says: 'npx tsx scripts/reset-history.ts --apply --yes --keep-pending 20251213214545,20251214000000,20251214100000' },
  { fixture: 'seed', exit: 0, doc: 'pg_dump "$SUPABASE_DB_URL" --format=custom --file=before-rescue.dump' },
  { fixture: 'seed', exit: 0, doc: 'npx tsx scripts/reset-history.ts --keep-pending <unfinished versions>' },
  { fixture: 'seed', exit: 0, doc: 'npx tsx scripts/reset-history.ts --apply --yes --keep-pending <unfinished versions>' },
  { fixture: 'seed', exit: 0, doc: 'supabase db push --db-url "$SUPABASE_DB_URL"' },
  { fixture: 'seed', exit: 0, doc: 'npx tsx scripts/check-sync.ts && npx tsx scripts/check-drift.ts && npx tsx scripts/check-idempotent.ts' },
  { fixture: 'seed', exit: 0, doc: 'supabase db push --dry-run --db-url "$SUPABASE_DB_URL"', says: 'Remote database is up to date.' },
  { fixture: 'seed', exit: 0, doc: 'git add supabase/migrations supabase/migrations_archive && MIGRATION_KIT_ALLOW_EDIT=1 git commit -m "Reset the migration history to one baseline"' },
  { fixture: 'seed', exit: 0, doc: 'npx tsx scripts/reset-history.ts --baseline supabase/migrations/<version>_baseline.sql --apply --yes --db-url "$PRODUCTION_DB_URL"' },
  { fixture: 'seed', exit: 0, doc: 'supabase db push --db-url "$PRODUCTION_DB_URL"' },
  { fixture: 'seed', exit: 0, doc: 'npx tsx scripts/check-sync.ts --db-url "$PRODUCTION_DB_URL"' },
  { fixture: 'seed', exit: 0, doc: 'npx tsx scripts/reset-history.ts --restore supabase/.migration-backups/<timestamp>' },
  { fixture: 'seed', exit: 0, doc: 'npx tsx scripts/reset-history.ts --restore supabase/.migration-backups/<timestamp> --apply --yes' },
  { fixture: 'seed', exit: 1, doc: 'npx tsx scripts/check-sync.ts', says: 'Out of sync:' },
  { fixture: 'seed', exit: 0, doc: 'npx tsx scripts/reset-history.ts --mode align' },

  // The daily workflow, then the checks, on a healthy project.
  { fixture: 'healthy', exit: 0, doc: 'npx tsx scripts/new-migration.ts add_notes_pinned' },
  {
    fixture: 'healthy', exit: 0, doc: 'npx tsx scripts/check-idempotent.ts',
    // "Write the change into that file in the idempotent forms above."
    before: (f) => write(f, newest(f, '_add_notes_pinned.sql'), 'alter table public.notes add column if not exists pinned boolean not null default false;\n'),
  },
  { fixture: 'healthy', exit: 0, doc: 'git add supabase/migrations && git commit -m "Add notes.pinned"' },
  { fixture: 'healthy', exit: 0, doc: 'git push origin HEAD' },
  { fixture: 'healthy', exit: 0, doc: 'supabase db push --dry-run --db-url "$SUPABASE_DB_URL"' },
  { fixture: 'healthy', exit: 0, doc: 'supabase db push --db-url "$SUPABASE_DB_URL"' },
  { fixture: 'healthy', exit: 0, doc: 'npx tsx scripts/check-sync.ts' },
  { fixture: 'healthy', exit: 0, doc: 'npx tsx scripts/check-idempotent.ts' },
  { fixture: 'healthy', exit: 0, doc: 'npx tsx scripts/check-sync.ts --offline' },
  { fixture: 'healthy', exit: 0, doc: 'npx tsx scripts/check-sync.ts --db-url "$SUPABASE_DB_URL"' },
  { fixture: 'healthy', exit: 0, doc: 'npx tsx scripts/check-drift.ts --db-url "$SUPABASE_DB_URL"' },
  { fixture: 'healthy', exit: 0, doc: 'supabase db push --dry-run --db-url "$SUPABASE_DB_URL"' },

  // Someone edited the database by hand (the same project, then a column added in the dashboard).
  {
    fixture: 'healthy', exit: 1, doc: 'npx tsx scripts/check-drift.ts --db-url "$SUPABASE_DB_URL"', says: 'column public.notes.color',
    before: (f) => onDb(f.url, (sql) => sql`alter table public.notes add column color text`).then(() => undefined),
  },
  { fixture: 'healthy', exit: 0, doc: 'npx tsx scripts/check-drift.ts --db-url "$SUPABASE_DB_URL" --capture dashboard_edits --dry-run' },
  { fixture: 'healthy', exit: 0, doc: 'npx tsx scripts/check-drift.ts --db-url "$SUPABASE_DB_URL" --capture dashboard_edits' },
  { fixture: 'healthy', exit: 0, doc: 'npx tsx scripts/check-idempotent.ts' },
  { fixture: 'healthy', exit: 0, doc: 'git add supabase/migrations && git commit -m "Capture dashboard edits"' },
  { fixture: 'healthy', exit: 0, doc: 'supabase db push --db-url "$SUPABASE_DB_URL"' },
  { fixture: 'healthy', exit: 0, doc: 'npx tsx scripts/check-drift.ts --db-url "$SUPABASE_DB_URL"', says: 'No drift' },

  // When db push refuses.
  // It names the rename with the values of <local file>, <remote version> and <name> below.
  { fixture: 'refused', exit: 1, doc: 'npx tsx scripts/check-sync.ts', says: 'Rename the file back: git mv supabase/migrations/20250102500000_tags.sql supabase/migrations/20250102000000_tags.sql' },
  { fixture: 'refused', exit: 0, doc: 'git mv supabase/migrations/<local file> supabase/migrations/<remote version>_<name>.sql' },
  { fixture: 'refused', exit: 0, doc: 'supabase migration repair --status reverted <undone version> --db-url "$SUPABASE_DB_URL"' },
  { fixture: 'refused', exit: 0, doc: 'supabase migration repair --status applied <applied-by-hand version> --db-url "$SUPABASE_DB_URL"' },
  { fixture: 'refused', exit: 1, doc: 'supabase db push --include-all --db-url "$SUPABASE_DB_URL"', says: 'policy "notes are public" for table "notes" already exists' },
  { fixture: 'refused', exit: 0, doc: 'npx tsx scripts/check-idempotent.ts --fix supabase/migrations/<failing file>' },
  { fixture: 'refused', exit: 0, doc: 'supabase db push --include-all --db-url "$SUPABASE_DB_URL"' },
  { fixture: 'refused', exit: 0, doc: 'npx tsx scripts/check-sync.ts', says: 'In sync.' },

  // Bypassing a hook (the healthy project again: a hotfix migration that cannot run twice, staged).
  {
    fixture: 'healthy', exit: 0, doc: 'git commit --no-verify -m "Hotfix: <what and why>"',
    before: async (f) => {
      const file = hotfix(f)
      write(f, file, 'create table public.hotfix (id bigint primary key);\n')
      await git(f.root, ['add', join('supabase', 'migrations', file)])
    },
  },
  { fixture: 'healthy', exit: 1, doc: 'npx tsx scripts/check-idempotent.ts', says: 'create-table' },
  { fixture: 'healthy', exit: 0, doc: 'npx tsx scripts/check-sync.ts --offline' },
  // The hotfix is newer than every row: pending, not a finding, and not drift.
  { fixture: 'healthy', exit: 0, doc: 'npx tsx scripts/check-sync.ts --allow-pending && npx tsx scripts/check-drift.ts' },
  {
    fixture: 'healthy', exit: 0, doc: 'MIGRATION_KIT_ALLOW_EDIT=1 git commit -am "Make the hotfix migration idempotent"',
    before: (f) => write(f, newest(f, '_hotfix.sql'), 'create table if not exists public.hotfix (id bigint primary key);\n'),
  },
  { fixture: 'healthy', exit: 0, doc: 'git push origin HEAD' },

  { doc: 'npx tsx tools/migration-kit/scripts/doctor.ts', notRun: "a copied kit's path, as an example; tests/lib/run/kit-command.test.ts runs a kit copied there" },
]

// ---------------------------------------------------------------------------------------------------------------

const listing = suite('MIGRATIONS.md: every command is run by this test or listed with why not')

listing('the commands of the runbook are the rows of STEPS, in the same order', () => {
  assert.equal(STEPS.map((s) => s.doc), commandsOf(RUNBOOK))
})

listing('the extraction rule: sh lines without comments, and inline spans that start with a program', () => {
  const md = ['Run `npx tsx scripts/a.ts` or `MIGRATION_KIT_ALLOW_EDIT=1 git', 'commit -m x`, not `db push` or `pg_dump`.', '```sh', '# a comment', 'supabase db push   # pushes', '', '```', '```sql', 'select 1;', '```'].join('\n')
  assert.equal(commandsOf(md), ['npx tsx scripts/a.ts', 'MIGRATION_KIT_ALLOW_EDIT=1 git commit -m x', 'supabase db push'])
})

listing('every row not run says why', () => {
  for (const s of STEPS) if ('notRun' in s) assert.ok(s.notRun.length > 20, s.doc)
})

listing.run()

// ---
// One fixture's commands in order, stopping at the first exit code that differs from the runbook's (or output that
// does not say what the runbook says it does). The fixture is removed afterwards.
type Outcome = { ran: number; mismatch?: string }
async function follow(name: FixtureName, steps: readonly Run[]): Promise<Outcome> {
  const f = await FIXTURES[name]()
  try {
    for (const [i, step] of steps.entries()) {
      await step.before?.(f)
      const command = fill(step.doc, f)
      const r = await $({ cwd: f.root, nothrow: true, quiet: true, input: '', env: f.env })`sh -c ${command}`
      const output = r.stdout + r.stderr
      const said = step.says === undefined || (typeof step.says === 'string' ? output.includes(step.says) : step.says.test(output))
      if (r.exitCode !== step.exit || !said) {
        return { ran: i + 1, mismatch: `step ${i + 1}: ${command}\nexit ${r.exitCode}, the runbook says ${step.exit}${said ? '' : `, and that it prints ${step.says}`}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}` }
      }
    }
    return { ran: steps.length }
  } finally {
    await f.remove()
  }
}

const NAMES = Object.keys(FIXTURES) as FixtureName[]
const stepsOf = (name: FixtureName) => STEPS.filter((s): s is Run => 'fixture' in s && s.fixture === name)

// The fixtures are independent, so they are followed at the same time (the suite's wall time is the longest one's);
// each test waits for its own.
const follows = suite<{ outcomes: Map<FixtureName, Promise<Outcome>> }>('MIGRATIONS.md on each fixture: every command exits as the runbook says')
follows.before((ctx) => {
  ctx.outcomes = new Map()
  // A set-up that throws is that fixture's failure, not an unhandled rejection while another test runs.
  const failed = (err: unknown): Outcome => ({ ran: 0, mismatch: `set-up failed: ${(err as Error)?.stack ?? String(err)}` })
  if (SERVER) for (const name of NAMES) ctx.outcomes.set(name, follow(name, stepsOf(name)).catch(failed))
})
follows.after(async (ctx) => {
  // A test that failed early must not leave a sequence running past the suite.
  await Promise.allSettled(ctx.outcomes.values())
})
for (const name of NAMES) {
  onServer(follows, 'the real Supabase CLI and server shadows')(`the ${name} project: ${stepsOf(name).length} commands, in order`, async (ctx) => {
    const outcome = await ctx.outcomes.get(name)!
    assert.is(outcome.mismatch, undefined, outcome.mismatch)
    assert.is(outcome.ran, stepsOf(name).length)
  })
}
follows.run()

// ---
const forms = suite<{ url: string }>('MIGRATIONS.md: each idempotent form runs twice and leaves the same catalog')
forms.before(async (ctx) => {
  ctx.url = await createTempDatabase()
})
forms.after(async (ctx) => {
  await dropTempDatabase(ctx.url)
})

// The "write" column of the table, top to bottom.
function idempotentForms(markdown: string): string[] {
  const table = markdown.slice(markdown.indexOf('## The idempotent form of each object kind')).split('\n## ')[0]
  return table.split('\n').filter((l) => /^\| [a-z]/.test(l) && !l.startsWith('| kind')).map((l) => {
    const cells = l.split(' | ')
    const span = cells[cells.length - 1].match(/`([^`]+)`/)
    assert.ok(span, l)
    return span![1]
  })
}

forms('the table holds every object kind the runbook promises', () => {
  const kinds = RUNBOOK.slice(RUNBOOK.indexOf('| kind |')).split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| kind') && !l.startsWith('|---')).map((l) => l.split(' | ')[0].slice(2))
  assert.equal(kinds, ['schema', 'extension', 'type / enum', 'enum label', 'sequence', 'table', 'column', 'constraint', 'index', 'view', 'function', 'trigger', 'row level security', 'policy', 'grant / revoke', 'comment', 'storage bucket', 'realtime publication', 'cron job', 'drop'])
})

forms('PostgreSQL runs the column twice; the second run changes nothing', async (ctx) => {
  const script = idempotentForms(RUNBOOK).join('\n')
  const cron = STUB_EXTENSIONS.find((s) => s.name === 'pg_cron')!
  await onDb(ctx.url, async (sql) => {
    await applyPlatformShim(sql)
    // pg_cron as the kit's stand-in (objects and signatures; a server here has no pg_cron).
    if (!(await sql`select 1 from pg_namespace n join pg_proc p on p.pronamespace = n.oid where n.nspname = 'cron' and p.proname = 'schedule'`).length) await sql.unsafe(cron.script)
    // Each file runs in one transaction, as db push runs it.
    await sql.begin((tx) => tx.unsafe(script))
    const once = await snapshotCatalog(sql)
    const jobs = await sql`select jobname, schedule, command from cron.job order by jobname`
    await sql.begin((tx) => tx.unsafe(script))
    assert.equal(await snapshotCatalog(sql), once)
    assert.equal(await sql`select jobname, schedule, command from cron.job order by jobname`, jobs)
    assert.is(jobs.length, 1)
  })
})

forms.run()
