// The idempotency check of one migration file: parse it, run every rule on every statement (DO-block bodies
// included), and keep a finding only when the statement really fails on a second run of the file. That last step
// replays the file's effects twice over a set of object keys: the first pass gives what exists after one run,
// the second checks each statement against it, so an earlier DROP … IF EXISTS, or a DROP followed by the same
// CREATE, count as the guards they are.
import { buildChain, checkAgainstChain, removedForGood } from './chain.ts'
import { effectsOf } from './effects.ts'
import { lex, type Comment } from './lexer.ts'
import { lineLocator, parseSql, type ParsedFile, type Statement } from './parse.ts'
import { analyzeDoBody, doBody, hasPlaceholder, PLACEHOLDER, type CatalogTest, type InnerStatement } from './plpgsql.ts'
import { FILE_CHECKS, RULES } from './rules/index.ts'
import { applyEffects, present, type State } from './state.ts'
import {
  createdFnKey, functionBody, keyName, qtext, rangeVarName, relKey, versionOf, type Detection, type Fix, type QName, type RuleContext, type Severity,
  type Target,
} from './rules/shared.ts'

export type Finding = {
  rule: string
  severity: Severity
  message: string
  line: number
  column: number
  endLine: number
  endColumn: number
  fixable: boolean
  // A statement that fails when the file runs again right after itself, but not after the whole folder: the later
  // file named here drops what it makes for good, so a re-run then makes it anew. Reported as a warning.
  onlyBefore?: string
}

// What --fix does to one statement: splices inside [codeStart, codeEnd), statements before it, and conditions.
// `guards`: run while any holds (what the statement makes is missing); `requires`: run only while all hold (what
// the statement uses still exists: chain.ts).
export type FixPlan = { codeStart: number; codeEnd: number; context: 'top' | 'plpgsql'; edits: NonNullable<Fix['edits']>; preludes: string[]; guards: string[]; requires?: string[] }

export type FileReport = { findings: Finding[]; plans: FixPlan[]; suppressed: number; statements: number }

// PL/pgSQL condition names → SQLSTATE, so EXCEPTION WHEN SQLSTATE '42710' counts like WHEN duplicate_object.
const SQLSTATE: Record<string, string> = {
  duplicate_table: '42P07', duplicate_object: '42710', duplicate_column: '42701', duplicate_schema: '42P06',
  duplicate_function: '42723', unique_violation: '23505', undefined_table: '42P01', undefined_object: '42704',
  undefined_column: '42703', undefined_function: '42883', invalid_schema_name: '3F000', invalid_table_definition: '42P16',
  invalid_parameter_value: '22023', invalid_text_representation: '22P02', datatype_mismatch: '42804',
  cannot_coerce: '42846', invalid_datetime_format: '22007', object_not_in_prerequisite_state: '55000', invalid_object_definition: '42P17',
}

type Checked = { target: Target; inner?: InnerStatement; top: Statement; detections: { rule: string; severity: Severity; d: Detection }[] }

export function checkSql(text: string, options: { context: RuleContext; disabled?: ReadonlySet<string> }): FileReport {
  const disabled = options.disabled ?? new Set<string>()
  const parsed = options.context.parsed?.text === text ? options.context.parsed : parseSql(text)
  const findings: Finding[] = []
  const locate = lineLocator(text)
  const at = (start: number, end: number) => {
    const a = locate(start)
    const b = locate(end)
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column }
  }
  for (const p of parsed.problems) {
    findings.push({ rule: 'parse-error', severity: 'error', message: `not valid SQL: ${p.message}`, ...at(p.index, p.index), fixable: false })
  }
  if (parsed.statements.length === 0 && parsed.problems.length === 0) {
    findings.push({ rule: 'empty-file', severity: FILE_CHECKS['empty-file'].severity, message: 'no SQL statement in the file: the Supabase CLI records it with NULL statements', ...at(0, 0), fixable: false })
  }

  const { comments } = lex(text)
  const suppressions = readSuppressions(locate, comments, parsed.statements, findings, at)

  // 1. Every statement to check, DO-block bodies opened up.
  const checked: Checked[] = parsed.statements.flatMap((s) => targetsOf(text, s, parsed.toIndex))
  for (const c of checked) {
    for (const rule of RULES) {
      if (disabled.has(rule.id)) continue
      for (const d of rule.detect(c.target, options.context)) c.detections.push({ rule: rule.id, severity: rule.severity, d })
    }
  }

  // 2. The first run: which objects exist afterwards (assuming it succeeded, as it did when it was applied).
  const state: State = new Map()
  // Keys with a placeholder stand for names known at run time: two templates do not name the same object, so such
  // a key only meets what the same EXECUTE made on the first run.
  const madeBy = new Map<string, Checked>()
  // An IF over a catalog test of what the same IF makes (IF NOT EXISTS (… column …) THEN ADD COLUMN …; ADD
  // CONSTRAINT …; END IF) skips its whole body on a re-run, so every statement under it counts as guarded.
  const blockGuards = new Set<CatalogTest>()
  for (const c of checked) {
    const effects = effectsOf(c.target.kind, c.target.ast)
    applyEffects(state, effects)
    if (c.inner?.templated) for (const e of effects) if (e.op === 'create' && hasPlaceholder(e.key)) madeBy.set(e.key, c)
    if (c.inner?.catalogTests.length) {
      const made = new Set(effects.filter((e) => e.op === 'create').map((e) => keyName(e.key)))
      for (const t of c.inner.catalogTests) if ([...t.names].some((n) => made.has(n))) blockGuards.add(t)
    }
  }

  // 3. The second run: each statement against what exists at that point.
  const plans = new Map<Checked, FixPlan>()
  let suppressed = 0
  for (const c of checked) {
    let failed = false
    for (const { rule, severity, d } of c.detections) {
      if (isGuarded(c, d.names, d.conditions) || c.inner?.catalogTests.some((t) => blockGuards.has(t)) || !fails(state, d, (key) => !hasPlaceholder(key) || madeBy.get(key) === c)) continue
      if (severity === 'error') failed = true
      const onlyBefore = severity === 'error' && typeof d.when === 'object' && 'absent' in d.when ? options.context.chain?.removedLater(d.when.absent) : undefined
      if (suppressions.get(c.top)?.has(rule) || suppressions.get(c.top)?.has('all')) {
        suppressed++
        continue
      }
      // Text at a known place is spliced; an EXECUTE string can only be wrapped in a guard. A rewrite never names
      // a placeholder: in a format() template the object is only known at run time, so it is not rewritten.
      const wrapped = c.target.at(0) !== null ? d.fix : c.inner?.spanExact && (d.guard ?? d.fix?.guard) ? { guard: d.guard ?? d.fix!.guard } : undefined
      const fix = wrapped && !mentionsPlaceholder(wrapped) ? wrapped : undefined
      // Inside a '…'-quoted DO body positions are not the file's: point at the DO statement instead.
      const span = c.inner && !c.inner.spanExact ? c.top : c.target
      const message = onlyBefore ? `${d.message}, but only until ${onlyBefore} drops it: after the whole folder a re-run makes it anew` : d.message
      findings.push({ rule, severity: onlyBefore ? 'warning' : severity, message: templatedMessage(message, c), ...at(span.codeStart, span.codeEnd), fixable: Boolean(fix), ...(onlyBefore ? { onlyBefore } : {}) })
      // A warning's fix (or-replace-reverts) is safe on every run, so --fix applies it too.
      if (fix) addToPlan(plans, c, fix)
    }
    // A statement that fails changes nothing (its file stops there; later statements are judged as if it ran
    // in a savepoint, which is how the figures in the tests are measured).
    if (!failed) applyEffects(state, effectsOf(c.target.kind, c.target.ast))
  }

  // 4. The re-run after the whole folder (chain.ts): what later files dropped, renamed or redefined.
  const chained = options.context.chain?.check(checked.map((c) => c.target), (k, names, conditions) => isGuarded(checked[k], names, conditions)) ?? []
  for (const f of chained) {
    const c = checked[f.index]
    if (disabled.has(f.rule)) continue
    if (suppressions.get(c.top)?.has(f.rule) || suppressions.get(c.top)?.has('all')) {
      suppressed++
      continue
    }
    const placed = c.target.at(0) !== null
    const fix: Fix | undefined =
      c.inner?.templated ? undefined
      : f.prelude && placed ? { prelude: f.prelude }
      : f.requires && (placed || c.inner?.spanExact) && wrappable(c) ? {}
      : undefined
    const span = c.inner && !c.inner.spanExact ? c.top : c.target
    findings.push({ rule: f.rule, severity: 'error', message: templatedMessage(f.message, c), ...at(span.codeStart, span.codeEnd), fixable: Boolean(fix) })
    if (fix) addToPlan(plans, c, fix, f.prelude ? [] : f.requires)
  }
  findings.sort((a, b) => a.line - b.line || a.column - b.column)
  return { findings, plans: [...plans.values()], suppressed, statements: parsed.statements.length }
}

function targetsOf(text: string, s: Statement, toIndex: (b: number) => number): Checked[] {
  const tokens = lex(text, s.codeStart, s.codeEnd).tokens
  if (s.kind === 'DoStmt') {
    const body = doBody(tokens, s.ast)
    if (!body) return []
    return analyzeDoBody(text, body).map((inner) => ({
      top: s,
      inner,
      detections: [],
      target: {
        kind: inner.kind, ast: inner.ast, text, start: inner.codeStart, end: inner.codeEnd, codeStart: inner.codeStart,
        codeEnd: inner.codeEnd, tokens: inner.exact ? lex(text, inner.codeStart, inner.codeEnd).tokens : [], at: inner.at, context: 'plpgsql',
      },
    }))
  }
  return [{
    top: s,
    detections: [],
    target: { kind: s.kind, ast: s.ast, text, start: s.start, end: s.end, codeStart: s.codeStart, codeEnd: s.codeEnd, tokens, at: (b) => toIndex(s.byteBase + b), context: 'top' },
  }]
}

// A statement that runs only under an existence test (DO … IF …) can be wrapped in one; a top-level SELECT or
// … RETURNING cannot (PL/pgSQL wants a destination for their rows), nor what may not run in a transaction block.
const wrappable = (c: Checked) =>
  c.target.context === 'plpgsql' || (c.target.kind !== 'SelectStmt' && !c.target.ast.returningList && !c.target.ast.concurrent)

function isGuarded(c: Checked, names: readonly string[], conditions: readonly string[]): boolean {
  if (!c.inner) return false
  const named = (tested: Set<string>) => names.length === 0 || names.some((n) => tested.has(n))
  if (c.inner.catalogTests.some((t) => named(t.names))) return true
  const wanted = new Set([...conditions, ...conditions.map((x) => SQLSTATE[x]).filter(Boolean)])
  return c.inner.blocks.some((b) => b.handlers?.some((h) => h === 'others' || wanted.has(h)))
}

function fails(state: State, d: Detection, comparable: (key: string) => boolean): boolean {
  if (d.when === 'always') return true
  if ('absent' in d.when) return state.has(d.when.absent) && comparable(d.when.absent)
  // A templated DROP or RENAME runs on names a loop read at run time: what is gone cannot be told.
  if (!comparable(d.when.present)) return false
  return !present(state, d.when.present) || (d.when.andAbsent !== undefined && state.has(d.when.andAbsent) && comparable(d.when.andAbsent))
}

const mentionsPlaceholder = (fix: Fix) => hasPlaceholder([fix.prelude, fix.guard, ...(fix.edits ?? []).map((e) => e.text)].join(' '))

// Messages about an EXECUTE template name its format() arguments as such, and say why --fix leaves them.
function templatedMessage(message: string, c: Checked): string {
  if (!c.inner?.templated) return message
  return `${message.split(`"${PLACEHOLDER}"`).join('<format() argument>').split(PLACEHOLDER).join('<format() argument>')} (in an EXECUTE template: the name is known only at run time, so --fix leaves it; guard it in the loop)`
}

function addToPlan(plans: Map<Checked, FixPlan>, c: Checked, fix: Fix, requires: readonly string[] = []) {
  let plan = plans.get(c)
  if (!plan) plans.set(c, (plan = { codeStart: c.target.codeStart, codeEnd: c.target.codeEnd, context: c.target.context, edits: [], preludes: [], guards: [], requires: [] }))
  const required = (plan.requires ??= [])
  for (const r of requires) if (!required.includes(r)) required.push(r)
  plan.edits.push(...(fix.edits ?? []))
  if (fix.prelude && !plan.preludes.includes(fix.prelude)) plan.preludes.push(fix.prelude)
  if (fix.guard && !plan.guards.includes(fix.guard)) plan.guards.push(fix.guard)
}

const DIRECTIVE = /idempotent-ignore:\s*([A-Za-z0-9_-]+)?\s*(.*)$/

// `-- idempotent-ignore: <rule> <reason>` silences <rule> on the statement the comment sits in (its leading
// comments) or ends the line of. A directive without a reason is reported and not honoured.
function readSuppressions(locate: (i: number) => { line: number }, comments: Comment[], statements: Statement[], findings: Finding[], at: (s: number, e: number) => Omit<Finding, 'rule' | 'severity' | 'message' | 'fixable'>) {
  const out = new Map<Statement, Set<string>>()
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.text.replace(/\*\/$/, '').trim())
    if (!m) continue
    const reason = m[2].trim()
    if (!m[1] || !reason) {
      findings.push({ rule: 'bad-suppression', severity: 'warning', message: 'idempotent-ignore needs a rule id and a reason (-- idempotent-ignore: create-policy <why>); not honoured', ...at(c.start, c.end), fixable: false })
      continue
    }
    const lineOf = (i: number) => locate(i).line
    const trailing = statements.find((s) => s.codeEnd <= c.start && lineOf(s.codeEnd) === lineOf(c.start))
    const owner = trailing ?? statements.find((s) => s.start <= c.start && c.start < s.codeEnd)
    if (owner) out.set(owner, new Set([...(out.get(owner) ?? []), m[1]]))
  }
  return out
}

// ---- what the folder tells about one file ----

export type FolderFile = { file: string; text: string }

// Tables of the Supabase platform that migrations write to, with their unique keys.
const PLATFORM_KEYS: Record<string, string[][]> = {
  'storage.buckets': [['id'], ['name']],
  'storage.objects': [['id'], ['bucket_id', 'name']],
  'auth.users': [['id'], ['phone']],
}

// Unique keys of every table the folder creates, and which files define each function and view, in file order.
export function folderContext(files: readonly FolderFile[]): (file: string) => RuleContext {
  const keys = new Map<string, string[][]>(Object.entries(PLATFORM_KEYS))
  const definedIn = new Map<string, number[]>()
  const bodies = new Map<string, { file: number; body: string }[]>()
  const addKey = (t: QName, cols: string[]) => {
    const known = keys.get(qtext(t)) ?? []
    keys.set(qtext(t), [...known, cols])
  }
  const chainFiles: { file: string; targets: Target[] }[] = []
  // Kept for each file's own check (the folder is parsed once).
  const parsedFiles: (ParsedFile | undefined)[] = []
  const versions = new Set<string>()
  files.forEach((f, n) => {
    let statements: Statement[]
    try {
      const parsed = parseSql(f.text)
      parsedFiles[n] = parsed
      statements = parsed.statements
      // A second file with a version already taken never applies: db push fails on its history row (23505) and
      // rolls it back, so it changes nothing that the other files' re-runs meet.
      const version = versionOf(f.file)
      if (version !== undefined && versions.has(version)) return
      if (version !== undefined) versions.add(version)
      chainFiles.push({ file: f.file, targets: statements.flatMap((s) => targetsOf(f.text, s, parsed.toIndex)).map((c) => c.target) })
    } catch {
      // A file the parser cannot read adds nothing; its own check reports it.
      return
    }
    for (const s of statements) {
      const a = s.ast
      if (s.kind === 'CreateStmt') {
        const t = rangeVarName(a.relation)
        keys.set(qtext(t), keys.get(qtext(t)) ?? [])
        for (const e of a.tableElts ?? []) {
          for (const c of e.ColumnDef?.constraints ?? []) if (isUnique(c.Constraint)) addKey(t, [e.ColumnDef.colname])
          if (isUnique(e.Constraint)) addKey(t, e.Constraint.keys.map((k: { String: { sval: string } }) => k.String.sval))
        }
      } else if (s.kind === 'IndexStmt' && a.unique) {
        const cols = (a.indexParams ?? []).map((p: { IndexElem: { name?: string } }) => p.IndexElem.name)
        if (cols.every(Boolean) && !a.whereClause) addKey(rangeVarName(a.relation), cols)
      } else if (s.kind === 'AlterTableStmt') {
        for (const c of a.cmds ?? []) {
          const cmd = c.AlterTableCmd
          if (cmd.subtype === 'AT_AddConstraint' && isUnique(cmd.def.Constraint) && cmd.def.Constraint.keys) addKey(rangeVarName(a.relation), cmd.def.Constraint.keys.map((k: { String: { sval: string } }) => k.String.sval))
          if (cmd.subtype === 'AT_AddColumn') for (const k of cmd.def.ColumnDef.constraints ?? []) if (isUnique(k.Constraint)) addKey(rangeVarName(a.relation), [cmd.def.ColumnDef.colname])
        }
      }
      const defined = s.kind === 'CreateFunctionStmt' ? createdFnKey(a) : s.kind === 'ViewStmt' ? relKey(rangeVarName(a.view)) : undefined
      if (defined) definedIn.set(defined, [...(definedIn.get(defined) ?? []), n])
      const body = s.kind === 'CreateFunctionStmt' ? functionBody(a) : undefined
      if (defined && body !== undefined) bodies.set(defined, [...(bodies.get(defined) ?? []), { file: n, body }])
    }
  })
  const chain = buildChain(chainFiles)
  return (file) => {
    const index = files.findIndex((f) => f.file === file)
    return {
      chain: { check: (targets, guarded) => checkAgainstChain(chain, file, targets, guarded), removedLater: (key) => removedForGood(chain, file, key) },
      uniqueKeys: (t) => keys.get(qtext(t)),
      redefinedLater: (key) => {
        const later = (definedIn.get(key) ?? []).find((n) => index >= 0 && n > index)
        return later === undefined ? undefined : files[later].file
      },
      laterBodies: (key) => (bodies.get(key) ?? []).filter((b) => index >= 0 && b.file > index).map((b) => b.body),
      parsed: index >= 0 ? parsedFiles[index] : undefined,
    }
  }
}

const isUnique = (c: { contype?: string } | undefined) => c?.contype === 'CONSTR_PRIMARY' || c?.contype === 'CONSTR_UNIQUE'
