import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { passwordOf, redact } from '../../../lib/run/redact.ts'

const masks = suite('redact hides passwords in every shape a message can carry them')

const CASES: [string, string][] = [
  ['postgresql://postgres:s3cret@db.x.supabase.co:5432/postgres', 'postgresql://postgres:****@db.x.supabase.co:5432/postgres'],
  ['postgres://u:p%40ss@h/d?sslmode=require', 'postgres://u:****@h/d?sslmode=require'],
  ['failed: "postgresql://u:pw@h/d" refused', 'failed: "postgresql://u:****@h/d" refused'],
  ['postgres:pw@nowhere', 'postgres:****@nowhere'],
  ['host=h password=pw user=u', 'host=h password=**** user=u'],
  ["password='two words'", 'password=****'],
  ['postgresql://postgres@127.0.0.1:5432/db', 'postgresql://postgres@127.0.0.1:5432/db'],
  ['at 10:30 nothing secret', 'at 10:30 nothing secret'],
]
for (const [input, expected] of CASES) masks(`masks ${JSON.stringify(input)}`, () => assert.is(redact(input), expected))

masks('hides a literal secret wherever it is echoed, encoded or decoded', () => {
  const url = 'postgresql://u:p%40ss%2Fword@h/d'
  const secrets = passwordOf(url)
  assert.equal(secrets, ['p%40ss%2Fword', 'p@ss/word'])
  assert.is(redact('auth failed for password p@ss/word', secrets), 'auth failed for password ****')
})

masks('an unparsable URL yields no secret but is still masked by pattern', () => {
  assert.equal(passwordOf('not a url'), [])
  assert.equal(passwordOf(undefined), [])
})

masks.run()
