// The numbered plan doctor prints: exact commands (this kit's and the Supabase CLI's) that take a project from what
// the checks found to "in sync, idempotent, no drift", each marked destructive or not, ending with the checks that
// prove it. Pure: the findings in, the steps out.
import type { ClassifiedFile } from './classify.ts'
import type { DriftReport } from './drift.ts'
import type { SyncReport } from './sync.ts'

export type PlanStep = { step: number; title: string; command: string; destructive: boolean; why: string }

// The Supabase CLI the user has: 2.x reaches a database with --db-url; 3.x with --remote=<url> (--db-url is
// deprecated there). Unknown: 2.x's spelling, which 3.x still accepts with a warning.
export type CliDialect = { major: number | null }

export type PlanInput = {
  sync: SyncReport | null
  drift: DriftReport | null
  classified: readonly ClassifiedFile[]
  // Files (names in the folder) with static idempotency errors.
  notIdempotent: readonly string[]
  // Clutter files in the folder (.backup, .skip, …).
  clutter: readonly string[]
  cli: CliDialect
  // The migrations folder as the user types it (relative to where they run the commands).
  dir: string
  // The command that runs one of the kit's scripts from there (lib/run/kit-command.ts).
  kit: (script: string) => string
}

type Draft = Omit<PlanStep, 'step'>

const URL_VAR = '"$SUPABASE_DB_URL"'

export function supabase(cli: CliDialect, command: string): string {
  const target = cli.major !== null && cli.major >= 3 ? `--remote=${URL_VAR}` : `--db-url ${URL_VAR}`
  return `supabase ${command} ${target}`
}

export function planRepair(input: PlanInput): PlanStep[] {
  const drafts = input.sync ? onlinePlan(input, input.sync) : offlinePlan(input)
  if (drafts.length === 0) return []
  return [...drafts, ...verification(input)].map((d, i) => ({ step: i + 1, ...d }))
}

// Without a database only the folder can be put right. Files that fail on a second run may already be applied,
// and a pushed file must not be edited: which are is for doctor with the database to say.
function offlinePlan(input: PlanInput): Draft[] {
  const steps = archiveClutter(input)
  if (input.notIdempotent.length) {
    steps.push({
      title: 'Diagnose again with the database',
      command: `${input.kit('doctor')} --db-url ${URL_VAR}`,
      destructive: false,
      why: `${input.notIdempotent.length} file(s) fail on a second run; the history table tells which are not pushed yet (those can be fixed) and which are (those are cured by a baseline reset, not by edits)`,
    })
  }
  return steps
}

function onlinePlan(input: PlanInput, sync: SyncReport): Draft[] {
  const drift = input.drift
  const byState = (state: ClassifiedFile['state']) => input.classified.filter((c) => c.state === state)
  const renamesOnly = sync.remoteOnly.length > 0 && sync.remoteOnly.every((v) => sync.renamed.some((r) => r.remote === v && r.match === 'statements'))
  const driftCount = drift ? drift.remoteOnly.length + drift.missingOnRemote.length + drift.differs.length : 0
  const needsReset =
    byState('broken').length > 0 ||
    byState('partial').length > 0 ||
    driftCount > 0 ||
    (sync.remoteOnly.length > 0 && !renamesOnly) ||
    sync.duplicates.length > 0

  if (needsReset) return resetPlan(input, sync)
  const steps: Draft[] = []
  if (renamesOnly) {
    steps.push(
      { title: 'See how the files and the history rows would be matched (dry run)', command: `${input.kit('reset-history')} --mode align`, destructive: false, why: 'the remote-only rows hold the same statements as local files under other timestamps; the dry run shows each rename and row rewrite and changes nothing' },
      { title: 'Align files and history by identity', command: `${input.kit('reset-history')} --mode align --apply --yes`, destructive: true, why: 'renames files (git mv) and rewrites history rows, after a backup of the history table; undo with reset-history --restore' },
    )
  }
  steps.push(...archiveClutter(input))
  const pending = byState('pending').map((c) => c.file)
  const pendingNotIdempotent = input.notIdempotent.filter((f) => pending.includes(f))
  steps.push(...fixFiles(input, pendingNotIdempotent))
  if (pending.length > 0 || sync.push.pending.length > 0) {
    const outOfOrder = sync.outOfOrder.length > 0 && !renamesOnly
    steps.push({
      title: `Apply the ${pending.length || sync.push.pending.length} pending migration(s)`,
      command: `${supabase(input.cli, `db push${outOfOrder ? ' --include-all' : ''}`)} --yes`,
      destructive: true,
      why: `changes the database schema: runs ${[...new Set([...pending, ...sync.push.pending])].join(', ')}${outOfOrder ? ' (--include-all: some are older than the newest applied version)' : ''}`,
    })
  }
  return steps
}

// The cure for a history that cannot be trusted (a development project can be reset): today's schema becomes one
// baseline migration and one history row; files that are not (fully) on the database stay, re-stamped after it.
function resetPlan(input: PlanInput, sync: SyncReport): Draft[] {
  // Files without a history row that are not (fully) on the database stay, re-stamped after the baseline. An edited
  // file has a row: the baseline keeps what the database has, and the edit needs a migration of its own.
  const keep = input.classified.filter((c) => c.why === 'local only' && (c.state === 'pending' || c.state === 'partial')).map((c) => c.version)
  const edits = input.classified.filter((c) => c.why === 'edited' && c.state === 'partial').map((c) => c.file)
  const keepFlag = keep.length ? ` --keep-pending ${keep.join(',')}` : ''
  const dropped = input.classified.filter((c) => c.state === 'applied' || c.state === 'broken')
  const steps: Draft[] = [
    {
      title: 'Preview the reset to one baseline (dry run)',
      command: `${input.kit('reset-history')}${keepFlag}`,
      destructive: false,
      why: `prints the baseline of today's schema (verified on a shadow), the ${sync.rows.filter((r) => r.local).length} files and ${sync.clutter.length} clutter files to archive, the history rows to replace, and where the backup goes; changes nothing`,
    },
    {
      title: 'Reset the history to the baseline',
      command: `${input.kit('reset-history')} --apply --yes${keepFlag}`,
      destructive: true,
      why: `replaces every history row by the baseline's, after backing the table up (undo: reset-history --restore <backup>); archives the old files${dropped.length ? `, including ${dropped.map((c) => `${c.file} (${c.state})`).join(', ')}` : ''}${keep.length ? `; keeps ${keep.join(', ')} as migrations after the baseline, made idempotent` : ''}${edits.length ? `; the baseline keeps the database's version of what ${edits.join(', ')} changed after it ran: to keep the edit, put it in a new migration (new-migration.ts <name>) after the reset` : ''}`,
    },
  ]
  if (keep.length) {
    steps.push({
      title: `Apply the ${keep.length} kept migration(s)`,
      command: `${supabase(input.cli, 'db push')} --yes`,
      destructive: true,
      why: `changes the database schema: finishes what is not on the database yet (${input.classified.filter((c) => keep.includes(c.version)).map((c) => `${c.file}: ${c.state}`).join(', ')})`,
    })
  }
  return steps
}

function archiveClutter(input: PlanInput): Draft[] {
  if (input.clutter.length === 0) return []
  const files = input.clutter.map((c) => `${input.dir}/${c}`)
  return [{
    title: `Move the ${input.clutter.length} clutter file(s) out of the migrations folder`,
    command: `mkdir -p ${input.dir}_archive && git mv ${files.join(' ')} ${input.dir}_archive/`,
    destructive: false,
    why: 'the CLI skips them with a warning and people mistake them for history; git keeps them',
  }]
}

function fixFiles(input: PlanInput, files: readonly string[]): Draft[] {
  if (files.length === 0) return []
  return [{
    title: `Make the ${files.length} pending file(s) idempotent`,
    command: `${input.kit('check-idempotent')} --fix ${files.map((f) => `${input.dir}/${f}`).join(' ')}`,
    destructive: false,
    why: 'rewrites statements that fail on a second run into their guarded form (these files are not pushed yet, so editing them is safe); review with git diff',
  }]
}

function verification(input: PlanInput): Draft[] {
  const steps: Draft[] = [
    { title: 'Check: every file can run twice', command: input.kit('check-idempotent'), destructive: false, why: 'reads the files only' },
  ]
  if (!input.sync) return steps
  return [
    ...steps,
    { title: 'Check: folder and history agree', command: input.kit('check-sync'), destructive: false, why: 'reads the history table only' },
    { title: 'Check: the database is what the files produce', command: input.kit('check-drift'), destructive: false, why: 'replays the files on a throwaway shadow database and reads the remote catalog' },
    { title: 'Check with the Supabase CLI: nothing left to push', command: supabase(input.cli, 'db push --dry-run'), destructive: false, why: 'a dry run reads the history table and writes nothing' },
  ]
}
