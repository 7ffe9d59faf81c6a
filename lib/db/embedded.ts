// An embedded PostgreSQL (PGlite, compiled to WASM) served on a loopback socket, so postgres.js talks to it
// exactly as to a real server: the kit keeps one driver and one code path.
import { PGlite, type Extensions } from '@electric-sql/pglite'
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

export type Embedded = { url: string; stop: () => Promise<void> }

// The contrib extensions PGlite 0.5.14 ships that Supabase projects commonly enable; each is only made available
// (CREATE EXTENSION still has to run), as on hosted Supabase.
const PGLITE_EXTENSIONS: Extensions = {
  pgcrypto, uuid_ossp, pg_trgm, citext, btree_gin, btree_gist, hstore, ltree, unaccent, fuzzystrmatch, pg_stat_statements, moddatetime,
}
// PGlite's share directory inside its in-memory file system (SHAREDIR of the WASM build).
const PGLITE_EXTENSION_DIR = '/pglite/share/postgresql/extension'

// PGlite starts its single backend with `-c search_path=public`, which beats ALTER DATABASE … SET (measured on
// 0.5.14), and clone() starts the copy with the defaults again. Hosted Supabase's search_path goes on the command
// line instead, so that it is also what RESET ALL between migration files returns to.
const PGLITE_START_PARAMS = (PGlite as unknown as { defaultStartParams: string[] }).defaultStartParams
  .map((param) => (param.startsWith('search_path=') ? `search_path=${PLATFORM_SEARCH_PATH}` : param))

// A PGlite that can create what a Supabase project's migrations create: the contrib extensions above, and the
// stubbed ones no WASM build has. `dataDir` (a dumpDataDir() tarball) skips initdb, the slow part of the start.
export async function createPglite(dataDir?: Blob): Promise<PGlite> {
  baselineWasmOnly()
  const db = await PGlite.create({ extensions: PGLITE_EXTENSIONS, startParams: PGLITE_START_PARAMS, ...(dataDir ? { loadDataDir: dataDir } : {}) })
  installStubExtensions(db)
  return db
}

// PGlite's own clone() with our start parameters (its clone() drops them).
export async function clonePglite(db: PGlite): Promise<PGlite> {
  return createPglite(await db.dumpDataDir('none'))
}

// Control files written into PGlite's in-memory share directory make `create extension pg_cron` (and the others
// no WASM build has) succeed with placeholder objects. Lost on clone (the share directory is not in the data
// directory), hence written again for each instance.
function installStubExtensions(db: PGlite): void {
  const fs = (db as unknown as { Module: { FS: { writeFile: (path: string, text: string) => void } } }).Module.FS
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
