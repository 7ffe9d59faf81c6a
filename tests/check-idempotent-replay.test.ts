import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { main } from '../scripts/check-idempotent.ts'
import { testServer } from './helpers/db.ts'
import { captureIo } from './helpers/project.ts'
import { runScript } from './helpers/run.ts'

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/replay/${name}`, import.meta.url))
const HERE = fileURLToPath(new URL('.', import.meta.url))

// The test server as --shadow-url when there is one (fast); the embedded PGlite otherwise.
const shadowArgs = async () => {
  const admin = await testServer()
  return admin ? ['--shadow-url', admin] : []
}

// ---
const replay = suite('check-idempotent --replay')

replay('reports the file whose re-run reverts a newer function body (exit 1)', async () => {
  const cap = captureIo(HERE)
  const code = await main(['--replay', fixture('revert-function'), ...(await shadowArgs())], {}, cap.io)
  assert.is(code, 1)
  assert.match(cap.out(), /20250101000000_create_greeting\.sql: runs a second time without error but changes the catalog: function public\.greeting\(name text\): body differs/)
  assert.match(cap.err(), /^shadow: /m)
})

replay('reports the policy that already exists, as JSON', async () => {
  const cap = captureIo(HERE)
  const code = await main(['--replay', fixture('policy-exists'), '--json', ...(await shadowArgs())], {}, cap.io)
  assert.is(code, 1)
  const doc = JSON.parse(cap.out())
  assert.is(doc.clean, false)
  assert.equal(doc.findings.map((f: { file: string; failure: { code: string } }) => [f.file, f.failure.code]), [['20250102000000_notes_policy.sql', '42710']])
})

replay('a clean chain exits 0', async () => {
  const cap = captureIo(HERE)
  assert.is(await main(['--replay', fixture('clean'), ...(await shadowArgs())], {}, cap.io), 0)
  assert.match(cap.out(), /every file can run again/)
})

replay('--replay with --fix is a usage error (exit 2)', async () => {
  const cap = captureIo(HERE)
  assert.is(await main(['--replay', '--fix'], {}, cap.io), 2)
  assert.match(cap.err(), /--replay/)
})

replay('an unreachable --shadow-url exits 2 with one line that hides its password', async () => {
  const cap = captureIo(HERE)
  const code = await main(['--replay', fixture('clean'), '--shadow-url', 'postgresql://postgres:Shadow-Secret-9@127.0.0.1:1/postgres'], {}, cap.io)
  assert.is(code, 2)
  assert.match(cap.err(), /cannot reach 127\.0\.0\.1:1/)
  assert.not.match(cap.out() + cap.err(), 'Shadow-Secret-9')
})

replay('as a subprocess on the default PGlite shadow: prints the engine and the findings', async () => {
  const run = await runScript('check-idempotent', ['--replay', fixture('policy-exists')], { cwd: HERE })
  assert.is(run.code, 1)
  assert.match(run.stderr, /shadow: embedded PGlite, PostgreSQL 18/)
  assert.match(run.stdout, /20250102000000_notes_policy\.sql: fails when run a second time, at statement 1 \(42710\)/)
})
replay.run()
