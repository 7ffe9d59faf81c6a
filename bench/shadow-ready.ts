// One embedded shadow, opened as check-drift and --replay open it: prints {"ms": …}, the time from the request to a
// connected, shimmed database (the figure the scripts print as "ready in …"), and the CPU time the process spent.
import { openShadow } from '../lib/db/shadow.ts'

const cpu = process.cpuUsage()
const shadow = await openShadow({ app: 'bench', onNotice: () => {} })
const used = process.cpuUsage(cpu)
await shadow.dispose()
process.stdout.write(`${JSON.stringify({ ms: shadow.startMs, cpuMs: Math.round((used.user + used.system) / 1000), version: shadow.version })}\n`)
