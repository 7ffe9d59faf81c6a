// An embedded PostgreSQL (PGlite, compiled to WASM) served on a loopback socket, so postgres.js talks to it
// exactly as to a real server: the kit keeps one driver and one code path.
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { PGlite, type Extension } from '@electric-sql/pglite'
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin'
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist'
import { citext } from '@electric-sql/pglite/contrib/citext'
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch'
import { hstore } from '@electric-sql/pglite/contrib/hstore'
import { ltree } from '@electric-sql/pglite/contrib/ltree'
import { moddatetime } from '@electric-sql/pglite/contrib/moddatetime'
import { pg_stat_statements } from '@electric-sql/pglite/contrib/pg_stat_statements'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto'
import { unaccent } from '@electric-sql/pglite/contrib/unaccent'
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { baselineWasmOnly } from '../run/wasm.ts'
import { PLATFORM_SEARCH_PATH } from './platform/shim.ts'
import { STUB_EXTENSIONS, stubControlFiles } from './platform/stubs.ts'
import { tarFiles, type TarFile } from './tar-files.ts'

export type Embedded = { url: string; stop: () => Promise<void> }

// The contrib extensions PGlite 0.5.14 ships that Supabase projects commonly enable; each is only made available
// (CREATE EXTENSION still has to run), as on hosted Supabase. PGlite compiles and links every extension it is given
// before PostgreSQL starts, used or not (0.5 s of CPU for these on 2 cores, README Performance), so it is given only
// pg_stat_statements, which hosted Supabase preloads (shared_preload_libraries: its library must be there at start).
// The others' bundles are copied into PGlite's file system as files, and PostgreSQL's dlopen compiles a library the
// first time a statement needs it (CREATE EXTENSION, or a call of one of its functions).
const ON_DEMAND_EXTENSIONS: Extension[] = [pgcrypto, uuid_ossp, pg_trgm, citext, btree_gin, btree_gist, hstore, ltree, unaccent, fuzzystrmatch, moddatetime]
// PGlite's installation prefix inside its in-memory file system (WASM_PREFIX), and its SHAREDIR's extension folder.
const PGLITE_PREFIX = '/pglite'
const PGLITE_EXTENSION_DIR = `${PGLITE_PREFIX}/share/postgresql/extension`

// PGlite starts its single backend with `-c search_path=public`, which beats ALTER DATABASE … SET (measured on
// 0.5.14), and clone() starts the copy with the defaults again. Hosted Supabase's search_path goes on the command
// line instead, so that it is also what RESET ALL between migration files returns to. PostgreSQL zeroes its shared
// buffers at every start, 0.45 s of CPU for the default 128 MB in this WebAssembly build on 2 cores: a shadow's whole
// database (8 MB after the shim) fits in 16 MB, and a page that does not is read back from memory anyway.
const PGLITE_START_PARAMS = [
  ...(PGlite as unknown as { defaultStartParams: string[] }).defaultStartParams
    .map((param) => (param.startsWith('search_path=') ? `search_path=${PLATFORM_SEARCH_PATH}` : param)),
  '-c', 'shared_buffers=16MB',
]

// initdb's default 16 MB WAL segment is written out whole, zeros and all, and is 40% of the cached data directory
// that each start unpacks; a shadow writes little WAL.
const PGLITE_INITDB_PARAMS = ['--wal-segsize=1']

// A PGlite that can create what a Supabase project's migrations create: the contrib extensions above, and the
// stubbed ones no WASM build has. `dataDir` (a dumpDataDir() tarball) skips initdb, the slow part of the start.
export async function createPglite(dataDir?: Blob): Promise<PGlite> {
  baselineWasmOnly()
  const db = await PGlite.create({
    extensions: { pg_stat_statements },
    startParams: PGLITE_START_PARAMS,
    initDbStartParams: PGLITE_INITDB_PARAMS,
    ...(dataDir ? { loadDataDir: dataDir } : {}),
  })
  installOnDemandExtensions(db, await onDemandFiles(db))
  installStubExtensions(db)
  return db
}

// PGlite's own clone() with our start parameters (its clone() drops them).
export async function clonePglite(db: PGlite): Promise<PGlite> {
  return createPglite(await db.dumpDataDir('none'))
}

type EmscriptenFs = { writeFile: (path: string, data: string | Uint8Array) => void; mkdirTree: (path: string) => void }
const fsOf = (db: PGlite) => (db as unknown as { Module: { FS: EmscriptenFs } }).Module.FS

// The on-demand extensions' files (control files, SQL scripts, libraries) as their bundles lay them out under
// PGlite's prefix, unpacked once per process: tests and shadowSource() start many instances.
let bundleFiles: Promise<TarFile[]> | undefined
function onDemandFiles(db: PGlite): Promise<TarFile[]> {
  bundleFiles ??= Promise.all(ON_DEMAND_EXTENSIONS.map(async (ext) => {
    const { bundlePath } = await ext.setup(db, {})
    if (!bundlePath) throw new Error(`PGlite extension ${ext.name} has no bundle`)
    return tarFiles(gunzipSync(readFileSync(bundlePath)))
  })).then((lists) => lists.flat())
  return bundleFiles
}

// Like the share directory, the installed files are not part of the data directory: written for each instance.
function installOnDemandExtensions(db: PGlite, files: readonly TarFile[]): void {
  const fs = fsOf(db)
  for (const file of files) {
    fs.mkdirTree(`${PGLITE_PREFIX}/${file.path.slice(0, file.path.lastIndexOf('/'))}`)
    fs.writeFile(`${PGLITE_PREFIX}/${file.path}`, file.data)
  }
}

// Control files written into PGlite's in-memory share directory make `create extension pg_cron` (and the others
// no WASM build has) succeed with placeholder objects. Lost on clone (the share directory is not in the data
// directory), hence written again for each instance.
function installStubExtensions(db: PGlite): void {
  const fs = fsOf(db)
  for (const stub of STUB_EXTENSIONS) {
    for (const file of stubControlFiles(stub)) fs.writeFile(`${PGLITE_EXTENSION_DIR}/${file.name}`, file.text)
  }
}

// Serves an open PGlite on 127.0.0.1 at a free port; stop() closes the socket and then the database.
export async function serveEmbedded(db: PGlite): Promise<Embedded> {
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 })
  await server.start()
  // getServerConn() answers "host:port" once listening.
  const url = `postgresql://postgres@${server.getServerConn()}/postgres`
  let stopped = false
  return {
    url,
    stop: async () => {
      if (stopped) return
      stopped = true
      await server.stop()
      await db.close()
    },
  }
}

export async function startEmbedded(): Promise<Embedded> {
  return serveEmbedded(await createPglite())
}
