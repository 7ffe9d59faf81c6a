// An embedded PostgreSQL (PGlite, compiled to WASM) served on a loopback socket, so postgres.js talks to it
// exactly as to a real server: the kit keeps one driver and one code path.
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

export type Embedded = { url: string; stop: () => Promise<void> }

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
  return serveEmbedded(await PGlite.create())
}
