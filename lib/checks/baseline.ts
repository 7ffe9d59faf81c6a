// One migration that is today's schema: the remote read by the typed reader, turned into SQL that runs twice,
// then proven on a throwaway shadow before anyone writes it — applied twice exactly as `db push` applies a file
// (lib/cli/apply.ts), its strict catalog projection compared with the remote's. Scripts (dump-baseline,
// reset-history) render what this returns.
import { readFileSync } from 'node:fs'
import type { Sql } from '../run/sql.ts'
import { KitError } from '../run/errors.ts'
import { applyMigration } from '../cli/apply.ts'
import { splitAndTrim } from '../cli/split.ts'
import { withShadow, type ShadowEngine } from '../db/shadow.ts'
import { describeChange, diffCatalogs } from '../catalog/diff.ts'
import { filterModel, generateBaseline, renderBaseline } from '../catalog/generate.ts'
import { readCatalogModel, type CatalogModel } from '../catalog/read.ts'
import { projectCatalog } from '../catalog/snapshot.ts'

export type BaselineOptions = {
  schemas?: string[]
  data?: string[]
  shadowUrl?: string
  verify: boolean
  app: string
  onNotice?: (m: string) => void
  // The remote's URL with its password masked, for the header.
  source: string
  // A baseline to verify instead of the generated one (a hand-edited file, say): the same shadow check.
  text?: string
}
export type Baseline = {
  text: string
  // The statements as the CLI's splitter cuts `text` (the header comment belongs to the first).
  statements: string[]
  counts: Record<string, number>
  verified: boolean
  // One sentence per difference between the remote and the shadow the baseline built; empty when verified.
  diff: string[]
  shadow?: { engine: ShadowEngine; version: string; major: number }
  server: { version: string; major: number }
  // Milliseconds spent reading and generating, and verifying on the shadow.
  timings: { dumpMs: number; verifyMs: number }
}

const KIT_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
const WORDING = { added: 'made by the baseline, not on the remote', removed: 'on the remote, missing from the baseline' }

export async function makeBaseline(remote: Sql, options: BaselineOptions): Promise<Baseline> {
  // 1. Read the remote (one consistent transaction) and generate.
  const started = Date.now()
  const model = filterModel(await readCatalogModel(remote, { data: options.data, generator: true }), options.schemas)
  const generated = generateBaseline(model)
  const header = headerOf(model, generated.counts, options.source)
  const rendered = renderBaseline(header, generated.statements)
  const intended = rendered.statements
  const text = options.text ?? rendered.text
  // 2. The CLI's splitter must cut the file into exactly these statements, or db push would run something else.
  const split = splitAndTrim(text) ?? []
  const statements = options.text === undefined ? intended : split
  const bad = statements.findIndex((s, i) => split[i] !== s)
  if (bad >= 0 || split.length !== statements.length) {
    const at = bad >= 0 ? bad : Math.min(split.length, statements.length)
    throw new KitError('BASELINE', `the Supabase CLI's splitter would cut statement ${at + 1} of the baseline differently (${(statements[at] ?? '').slice(0, 60).replace(/\s+/g, ' ')}…)`, 'Report it with that statement; the baseline was not written')
  }
  const server = { version: model.serverVersion, major: Math.floor(model.serverVersionNum / 10000) }
  const dumpMs = Date.now() - started
  const base = { text, statements, counts: generated.counts, server }
  if (!options.verify) return { ...base, verified: false, diff: [], timings: { dumpMs, verifyMs: 0 } }

  // 3. Apply twice on a fresh shadow with the platform shim, then compare the strict projections.
  const verifyStarted = Date.now()
  return withShadow({ serverUrl: options.shadowUrl, app: options.app, onNotice: options.onNotice }, async (sql, shadow) => {
    const diff = await applyAndCompare(sql, text, model, options)
    return { ...base, verified: diff.length === 0, diff, shadow: { engine: shadow.engine, version: shadow.version, major: shadow.major }, timings: { dumpMs, verifyMs: Date.now() - verifyStarted } }
  })
}

async function applyAndCompare(sql: Sql, text: string, remote: CatalogModel, options: BaselineOptions): Promise<string[]> {
  const file = { file: 'baseline.sql', path: 'baseline.sql', version: '0', name: 'baseline' }
  for (const run of ['first', 'second'] as const) {
    const result = await applyMigration(sql, file, { record: false, text })
    if (!result.ok) {
      const head = result.statement.replace(/^(--[^\n]*\n)+/, '').replace(/\s+/g, ' ').slice(0, 120)
      return [`the ${run} run fails at statement ${result.index + 1}${result.code ? ` (${result.code})` : ''}: ${result.message}: ${head}`]
    }
  }
  const built = filterModel(await readCatalogModel(sql, { data: options.data, generator: true }), options.schemas)
  const changes = diffCatalogs(projectCatalog(remote, { strict: true }), projectCatalog(built, { strict: true }))
  const rows = remote.data.flatMap((t) => {
    const there = built.data.find((b) => b.table === t.table)?.rows ?? []
    return JSON.stringify(there) === JSON.stringify(t.rows) ? [] : [`rows of ${t.table}: ${t.rows.length} on the remote, ${there.length} made by the baseline${there.length === t.rows.length ? ', with different values' : ''}`]
  })
  return [...changes.map((c) => describeChange(c, WORDING)), ...rows]
}

// Nothing here changes between two dumps of the same remote: no time, no random name, no shadow.
function headerOf(model: CatalogModel, counts: Record<string, number>, source: string): string {
  const objects = Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)).map(([kind, n]) => `${n} ${kind}`).join(', ')
  return [
    `-- Baseline of ${source}: the schema as it is, in one migration whose every statement runs twice.`,
    `-- Written by supabase-migration-kit ${KIT_VERSION} (scripts/dump-baseline.ts) from PostgreSQL ${model.serverVersion}.`,
    `-- Objects: ${objects || 'none'}.`,
  ].join('\n')
}
