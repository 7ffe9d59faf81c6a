// The embedded shadow's pre-initialised data directory, kept on disk between runs: PGlite's initdb plus the platform
// shim cost 10–40 s of WebAssembly on a loaded 2-core machine, loading the result with `loadDataDir` a fraction of it
// (README, Performance). Keyed by PGlite's version and the source of everything that shapes that directory (the
// shim, the stand-in extensions, the start parameters), so editing any of them builds a new one on the next run.
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ShimReport } from './platform/shim.ts'

const KIT_ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const DATA_DIR_CACHE = join(KIT_ROOT, 'node_modules', '.cache', 'supabase-migration-kit')

// The files whose text decides what the shimmed data directory holds.
const SHAPING_SOURCES = ['lib/db/embedded.ts', 'lib/db/tar-files.ts', 'lib/db/platform/shim.ts', 'lib/db/platform/stubs.ts', 'lib/db/platform/extensions.ts']

export function dataDirKey(): string {
  const hash = createHash('sha256')
  hash.update(pgliteVersion())
  for (const file of SHAPING_SOURCES) hash.update(`\0${file}\0`).update(readFileSync(join(KIT_ROOT, file)))
  return `pglite-shadow-${hash.digest('hex').slice(0, 16)}`
}

function pgliteVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(KIT_ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    // An unusual layout (a hoisted or linked node_modules): the sources alone still key the cache.
    return 'unknown'
  }
}

const KEEP_ENTRIES = 4

// `dataDir`: an uncompressed tarball (30 MB; 4.5 MB gzipped): PGlite unzips a gzipped one at every start, 0.2 s of
// CPU on 2 cores, where reading the plain file costs a few milliseconds.
export type CachedDataDir = { dataDir: Blob; platform: ShimReport }

// undefined on a miss, and on anything unreadable (a half-written entry from a killed run is never renamed into place).
export function readCachedDataDir(key: string): CachedDataDir | undefined {
  try {
    const platform = JSON.parse(readFileSync(join(DATA_DIR_CACHE, `${key}.json`), 'utf8')) as ShimReport
    return { dataDir: new Blob([readFileSync(join(DATA_DIR_CACHE, `${key}.tar`))]), platform }
  } catch {
    return undefined
  }
}

// Written under temporary names and renamed (the report last, since it marks the entry complete), so that concurrent
// runs never read half a file; all but the newest few entries are removed (checkouts of other versions of the kit
// that share one node_modules keep theirs). A read-only node_modules only costs the next run its time.
export async function storeCachedDataDir(key: string, entry: CachedDataDir): Promise<void> {
  const tmp = `.${process.pid}-${Date.now()}`
  try {
    mkdirSync(DATA_DIR_CACHE, { recursive: true })
    writeFileSync(join(DATA_DIR_CACHE, `${key}.tar${tmp}`), Buffer.from(await entry.dataDir.arrayBuffer()))
    writeFileSync(join(DATA_DIR_CACHE, `${key}.json${tmp}`), JSON.stringify(entry.platform))
    renameSync(join(DATA_DIR_CACHE, `${key}.tar${tmp}`), join(DATA_DIR_CACHE, `${key}.tar`))
    renameSync(join(DATA_DIR_CACHE, `${key}.json${tmp}`), join(DATA_DIR_CACHE, `${key}.json`))
    const entries = readdirSync(DATA_DIR_CACHE)
      .filter((name) => /^pglite-shadow-[0-9a-f]+\.json$/.test(name))
      .map((name) => ({ key: name.slice(0, -'.json'.length), at: statSync(join(DATA_DIR_CACHE, name)).mtimeMs }))
      .sort((a, b) => b.at - a.at)
    for (const old of entries.slice(KEEP_ENTRIES)) {
      // tar.gz: what older versions of the kit stored.
      for (const ext of ['json', 'tar', 'tar.gz']) rmSync(join(DATA_DIR_CACHE, `${old.key}.${ext}`), { force: true })
    }
  } catch {
    // Not writable (or full): the shadow still works, built from scratch on each run.
    for (const ext of ['tar', 'json']) rmSync(join(DATA_DIR_CACHE, `${key}.${ext}${tmp}`), { force: true })
  }
}
