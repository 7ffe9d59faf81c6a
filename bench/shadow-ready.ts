// One embedded shadow, opened as check-drift and --replay open it: prints {"ms": …}, the time from the request to a
// connected, shimmed database (the figure the scripts print as "ready in …").
import { openShadow } from '../lib/db/shadow.ts'

const shadow = await openShadow({ app: 'bench', onNotice: () => {} })
await shadow.dispose()
process.stdout.write(`${JSON.stringify({ ms: shadow.startMs, version: shadow.version })}\n`)
