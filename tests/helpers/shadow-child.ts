// A process that opens a server shadow, prints its database name, and waits to be interrupted: the shadow test
// sends it SIGINT and checks that the database is gone.
import { openShadow } from '../../lib/db/shadow.ts'

const shadow = await openShadow({ serverUrl: process.argv[2], app: 'shadow-child', onNotice: () => {} })
process.stdout.write(`${new URL(shadow.url).pathname.slice(1)}\n`)
setInterval(() => {}, 1000)
