// The static check's floor: one Node process (no tsx) that loads libpg-query and parses each file once, nothing else.
// Plain JavaScript so that no TypeScript loader is timed. WebAssembly compiled as the kit compiles it (lib/run/wasm.ts).
import { readFileSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { loadModule, parseSync } from 'libpg-query'

setFlagsFromString('--liftoff-only')
await loadModule()
let failed = 0
for (const path of process.argv.slice(2)) {
  try {
    parseSync(readFileSync(path, 'utf8'))
  } catch {
    // An unparsable file still counts as parsed: the checker reports it as a finding.
    failed++
  }
}
process.stdout.write(`${process.argv.length - 2} parsed, ${failed} unparsable\n`)
