// Scale: 5,000 migrations in one folder, and one 10 MB migration, through the scripts as users run them (a child
// process, so its peak RSS is its own: /usr/bin/time -v) and through the splitter and the checker. Each prints
// its time and peak memory and asserts a bound on both: the bounds catch a hang or a blow-up, not a slowdown.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { registerIf } from './helpers/skip.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx')
const TIME = '/usr/bin/time'
const MB = 1024 * 1024
const PEAK_BOUND_MB = 1024
const { FORCE_COLOR: _dropped, ...inherited } = process.env

// Runs `args` under GNU time; returns the exit code, stdout, seconds and peak RSS in MB.
function measured(args: string[], cwd: string) {
  const run = spawnSync(TIME, ['-v', ...args], { cwd, encoding: 'utf8', env: { ...inherited, NO_COLOR: '1' }, maxBuffer: 64 * MB, timeout: 120_000 })
  const peak = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1]) / 1024
  const clock = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(run.stderr)
  const seconds = clock ? Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]) : NaN
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, seconds, peak }
}

// Realistic files, as a project that grew for years writes them: tables, indexes, policies, functions, triggers,
// grants, buckets, each written to run twice; every 100th one forgets IF NOT EXISTS (a finding).
function file(i: number): string {
  const t = `public.t${i}`
  const body = [
    `-- migration ${i}: ${'comment '.repeat(i % 7)}`,
    `create table if not exists ${t} (id bigint generated always as identity primary key, owner uuid not null, note text default '', created_at timestamptz not null default now());`,
    `create index if not exists t${i}_owner_idx on ${t} (owner, created_at desc);`,
    `alter table ${t} enable row level security;`,
    `drop policy if exists "owners read ${i}" on ${t};`,
    `create policy "owners read ${i}" on ${t} for select to authenticated using (owner = auth.uid());`,
    `create or replace function public.f${i}() returns trigger language plpgsql as $$\nbegin\n  new.note := coalesce(new.note, '');\n  return new;\nend\n$$;`,
    `drop trigger if exists t${i}_note on ${t};`,
    `create trigger t${i}_note before insert on ${t} for each row execute function public.f${i}();`,
    `grant select on ${t} to authenticated;`,
    `insert into storage.buckets (id, name, public) values ('b${i}', 'b${i}', false) on conflict (id) do nothing;`,
  ]
  if (i % 100 === 0) body.push(`create table public.forgot${i} (id int);`)
  return body.join('\n') + '\n'
}
const FILES = 5000
const version = (i: number) => String(20200101000000 + i * 100)

// A 10 MB seed-data file: one table, then multi-row INSERTs with quotes, dollar quotes and unicode in the values.
function tenMegabytes(): { text: string; statements: number } {
  const rows = Array.from({ length: 1000 }, (_, i) => `(${i}, 'it''s row ${i}; ñandú 表 ${'x'.repeat(60)}', $v$a;b$v$)`).join(',\n')
  const insert = `insert into public.big (id, label, raw) values\n${rows}\non conflict do nothing;\n`
  const parts = ['create table if not exists public.big (id int primary key, label text, raw text);\n']
  let size = parts[0].length
  while (size < 10 * MB) {
    parts.push(insert)
    size += insert.length
  }
  return { text: parts.join(''), statements: parts.length }
}
const BIG = tenMegabytes()

type Ctx = { root: string }
const scale = suite<Ctx>('scale: 5,000 migrations in one folder, and a 10 MB migration')
scale.before((ctx) => {
  ctx.root = mkdtempSync(join(tmpdir(), 'smk-scale-'))
  const dir = join(ctx.root, 'supabase', 'migrations')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(ctx.root, 'supabase', 'config.toml'), 'project_id = "scale"\n')
  for (let i = 1; i <= FILES; i++) writeFileSync(join(dir, `${version(i)}_m${i}.sql`), file(i))
  writeFileSync(join(ctx.root, 'big.sql'), BIG.text)
})
scale.after((ctx) => rmSync(ctx.root, { recursive: true, force: true }))

const withTime = registerIf(scale, spawnSync(TIME, ['-v', 'true']).status === 0, 'GNU time (/usr/bin/time -v) is not installed')

withTime('check-idempotent on 5,000 files: the 50 forgotten IF NOT EXISTS found, within time and memory', (ctx) => {
  const r = measured([TSX, join(ROOT, 'scripts', 'check-idempotent.ts'), '--json'], ctx.root)
  console.log(`  check-idempotent, ${FILES} files: ${r.seconds.toFixed(1)} s, peak RSS ${r.peak.toFixed(0)} MB`)
  assert.is(r.code, 1, r.stderr)
  const { summary } = JSON.parse(r.stdout)
  assert.equal({ files: summary.files, errors: summary.errors, fixable: summary.fixable }, { files: FILES, errors: FILES / 100, fixable: FILES / 100 })
  assert.ok(r.peak < PEAK_BOUND_MB, `peak RSS ${r.peak} MB`)
  assert.ok(r.seconds < 45, `${r.seconds} s`)
})

withTime('check-sync --offline reads the 5,000-file folder within time and memory', (ctx) => {
  const r = measured([TSX, join(ROOT, 'scripts', 'check-sync.ts'), '--offline', '--json'], ctx.root)
  console.log(`  check-sync --offline, ${FILES} files: ${r.seconds.toFixed(1)} s, peak RSS ${r.peak.toFixed(0)} MB`)
  assert.is(r.code, 0, r.stderr)
  assert.ok(r.peak < PEAK_BOUND_MB, `peak RSS ${r.peak} MB`)
  assert.ok(r.seconds < 60, `${r.seconds} s`)
})

withTime('the splitter and the checker on a 10 MB migration, within time and memory', (ctx) => {
  // In a child of its own, so the RSS is theirs: split, then check, the statements counted.
  const probe = `import { readFileSync } from 'node:fs'
    import { splitAndTrim } from ${JSON.stringify(join(ROOT, 'lib', 'cli', 'split.ts'))}
    import { checkSql, folderContext } from ${JSON.stringify(join(ROOT, 'lib', 'sql', 'idempotency.ts'))}
    import { loadParser } from ${JSON.stringify(join(ROOT, 'lib', 'sql', 'parse.ts'))}
    await loadParser()
    const text = readFileSync('big.sql', 'utf8')
    const statements = splitAndTrim(text).length
    const report = checkSql(text, { context: folderContext([{ file: 'big.sql', text }])('big.sql') })
    console.log(JSON.stringify({ bytes: text.length, statements, findings: report.findings.length }))`
  writeFileSync(join(ctx.root, 'probe.mts'), probe)
  const r = measured([TSX, 'probe.mts'], ctx.root)
  console.log(`  splitter + checker, 10 MB file: ${r.seconds.toFixed(1)} s, peak RSS ${r.peak.toFixed(0)} MB`)
  assert.is(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.ok(out.bytes >= 10 * MB)
  assert.is(out.findings, 0)
  assert.is(out.statements, BIG.statements)
})

scale.run()
