// Runs one of the kit's scripts for the hooks (.husky/migration-kit.sh), from a bundle of that script and the lib/
// modules it imports, kept under <node_modules>/.cache/supabase-migration-kit/hooks/ and rebuilt whenever one of
// those source files changes; through tsx's loader, with one line saying why, when no bundle can be had.
//
// Why: run through tsx, the pre-commit hook spent 0.65 s in tsx's loader before any of the kit's code ran, and
// about 0.3 s more sending ~90 modules one by one through its loader thread; the same code as one bundle of plain
// JavaScript starts in a fraction of that (README, Performance). The kit has no build step and gets none that a
// user runs: the bundle is made here, on the first commit after a change, with esbuild (which tsx uses as well).
//
//   node migration-kit.mjs <node_modules folder> <kit folder> <script name> [flags…]
//
// Plain JavaScript on purpose: this file must start without tsx. It imports nothing heavy on the fast path (a
// manifest read and one stat per source file).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const [modules, kitArg, script, ...args] = process.argv.slice(2)
// One spelling per folder (a trailing slash would make a second cache entry for the same kit).
const kit = resolve(kitArg)
const source = join(kit, 'scripts', `${script}.ts`)
// What the script sees under tsx: argv[1] is its own path, so its main guard (isMain) runs it.
process.argv = [process.argv[0], source, ...args]

const hooksCache = join(modules, '.cache', 'supabase-migration-kit', 'hooks')
// One folder per copy of the kit (checkouts and copies of it may share one node_modules).
const kitCache = join(hooksCache, `kit-${fnv1a(kit)}`)
const manifestPath = join(kitCache, `${script}.json`)
const self = fileURLToPath(import.meta.url)

// Anything unforeseen in preparing the bundle (not in running it) is one more reason to use tsx.
const reason = await runBundle().catch((err) => `the bundle could not be prepared (${firstLine(err)})`)
if (reason !== undefined) {
  process.stderr.write(`migration-kit: ${reason}; running ${script} through tsx instead.\n`)
  await import(pathToFileURL(join(modules, 'tsx', 'dist', 'loader.mjs')).href)
  await import(pathToFileURL(source).href)
}

// Imports the script's bundle, building it first when it is missing or stale: the script runs as its module is
// evaluated (its main guard). A reason when it cannot be used. A failed import ran no check: Node links every file
// of the bundle before it evaluates any, and the kit's modules do nothing but define things when they load.
async function runBundle() {
  let entry = freshEntry()
  if (entry === undefined) {
    const built = await build()
    if (typeof built === 'string') return built
    entry = built.entry
  }
  try {
    await import(pathToFileURL(entry).href)
    return undefined
  } catch (err) {
    // Rebuilt on the next run (the manifest no longer matches anything).
    rmSync(manifestPath, { force: true })
    return `the cached bundle ${entry} does not load (${firstLine(err)})`
  }
}

// The bundle's entry file when the manifest matches Node and every source file, output file and this launcher as
// they are now (size and mtime: a checkout or an edit changes them); else undefined.
function freshEntry() {
  try {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8'))
    const same = ([path, size, mtimeMs]) => {
      const now = stamp(path)
      return now !== undefined && now[0] === size && now[1] === mtimeMs
    }
    return m.kit === kit && m.node === process.version && [m.launcher, ...m.inputs, ...m.outputs].every(same) ? m.entry : undefined
  } catch {
    // No manifest yet, or one cut short or of another shape: build.
    return undefined
  }
}

function stamp(path) {
  try {
    const s = statSync(path)
    return [s.size, s.mtimeMs]
  } catch {
    return undefined
  }
}

// Bundles scripts/<script>.ts with the kit's modules into a new folder, then points the manifest at it (written
// under a temporary name and renamed, so a concurrent commit reads the old manifest or the new one, never half).
// npm packages stay external: they load from node_modules as they do under tsx (libpg-query finds its .wasm
// beside itself). Returns { entry }, or a reason.
async function build() {
  let esbuild
  try {
    esbuild = createRequire(join(modules, 'noop.js'))('esbuild')
  } catch {
    return `esbuild is not installed in ${modules} (npm install brings it)`
  }
  const outdir = join(kitCache, `${script}-${Date.now().toString(36)}-${process.pid}`)
  try {
    mkdirSync(kitCache, { recursive: true })
  } catch (err) {
    return `cannot write the bundle in ${kitCache} (${firstLine(err)})`
  }
  // Each source's size and mtime as it was read: a file edited during the build then no longer matches.
  const read = new Map()
  let result
  try {
    result = await esbuild.build({
      entryPoints: [source],
      absWorkingDir: kit,
      outdir,
      bundle: true,
      // The script's dynamic imports (the shadow, PGlite's side of the kit) stay in chunks loaded on demand, as
      // under tsx: the static check must not load them.
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node}`,
      packages: 'external',
      outExtension: { '.js': '.mjs' },
      // Whatever tsconfig.json sits around a copied kit (the user's) does not change how the kit compiles.
      tsconfigRaw: {},
      metafile: true,
      logLevel: 'silent',
      plugins: [ownModuleUrls(read)],
    })
  } catch (err) {
    rmSync(outdir, { recursive: true, force: true })
    const first = err.errors?.[0]
    return `esbuild could not bundle ${script} (${first?.location ? `${first.location.file}:${first.location.line}: ${first.text}` : firstLine(err)})`
  }
  const abs = (p) => join(kit, p)
  const entry = abs(Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint !== undefined)[0])
  const manifest = {
    kit,
    node: process.version,
    entry,
    // A change to this file (to how it builds) makes a new bundle.
    launcher: [self, ...stamp(self)],
    inputs: Object.keys(result.metafile.inputs).map((p) => [abs(p), ...(read.get(abs(p)) ?? stamp(abs(p)))]),
    outputs: Object.keys(result.metafile.outputs).map((p) => [abs(p), ...stamp(abs(p))]),
  }
  try {
    const tmp = `${manifestPath}.${process.pid}`
    writeFileSync(tmp, JSON.stringify(manifest))
    renameSync(tmp, manifestPath)
  } catch (err) {
    rmSync(outdir, { recursive: true, force: true })
    return `cannot write the bundle's manifest in ${kitCache} (${firstLine(err)})`
  }
  try {
    prune(outdir)
  } catch {
    // Housekeeping only: a folder another commit removed first, or one that cannot be removed, changes nothing here.
  }
  return { entry }
}

// Each module keeps its own import.meta.url, as under tsx: the kit finds its scripts/ (kit-command.ts), its
// package.json and its cache from where its files are, not from where the bundle is.
function ownModuleUrls(read) {
  return {
    name: 'own-module-urls',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (a) => {
        read.set(a.path, stamp(a.path))
        return { contents: readFileSync(a.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(a.path).href)), loader: 'ts' }
      })
    },
  }
}

// Older builds of this script (but the one before the new one: a commit started a moment ago may still load its
// chunks), and the folders of kit copies that are gone (test and bench repositories); a folder without a manifest
// only after an hour (a first build may be writing it now).
function prune(kept) {
  const builds = readdirSync(kitCache)
    .filter((n) => n.startsWith(`${script}-`) && join(kitCache, n) !== kept)
    .map((n) => ({ path: join(kitCache, n), at: stamp(join(kitCache, n))?.[1] ?? 0 }))
    .sort((a, b) => b.at - a.at)
  for (const b of builds.slice(1)) rmSync(b.path, { recursive: true, force: true })
  for (const name of readdirSync(hooksCache)) {
    const folder = join(hooksCache, name)
    if (folder === kitCache) continue
    const kits = readdirSync(folder).filter((n) => n.endsWith('.json')).map((n) => readKit(join(folder, n)))
    const gone = kits.length > 0 ? kits.every((k) => k !== undefined && stamp(join(k, 'scripts')) === undefined) : Date.now() - (stamp(folder)?.[1] ?? Date.now()) > 3_600_000
    if (gone) rmSync(folder, { recursive: true, force: true })
  }
}

function readKit(manifest) {
  try {
    return JSON.parse(readFileSync(manifest, 'utf8')).kit
  } catch {
    return undefined
  }
}

function firstLine(err) {
  return String(err?.message ?? err).split('\n')[0].trim()
}

// A short stable name for a path (FNV-1a): node:crypto would cost every commit ~10 ms to load.
function fnv1a(text) {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return h.toString(16).padStart(8, '0')
}

