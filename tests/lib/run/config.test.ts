import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { findProjectRoot, resolveDbUrl, resolveMigrationsDir, resolveShadowUrl } from '../../../lib/run/config.ts'
import { makeProject } from '../../helpers/project.ts'

const config = suite('configuration resolves in one documented order')

config('--db-url wins over SUPABASE_DB_URL, which wins over DATABASE_URL', () => {
  const env = { SUPABASE_DB_URL: 'postgresql://s@h/d', DATABASE_URL: 'postgresql://d@h/d' }
  assert.is(resolveDbUrl('postgresql://f@h/d', env), 'postgresql://f@h/d')
  assert.is(resolveDbUrl(undefined, env), 'postgresql://s@h/d')
  assert.is(resolveDbUrl(undefined, { DATABASE_URL: 'postgresql://d@h/d' }), 'postgresql://d@h/d')
})

config('no URL anywhere is refused, naming every place it looked (PG* variables are not used)', () => {
  assert.throws(() => resolveDbUrl(undefined, { PGHOST: 'localhost', PGUSER: 'postgres' }), /no database URL/)
})

config('the shadow URL comes from --shadow-url, then SHADOW_DATABASE_URL, else none (embedded)', () => {
  assert.is(resolveShadowUrl('postgresql://a@h/d', { SHADOW_DATABASE_URL: 'postgresql://b@h/d' }), 'postgresql://a@h/d')
  assert.is(resolveShadowUrl(undefined, { SHADOW_DATABASE_URL: 'postgresql://b@h/d' }), 'postgresql://b@h/d')
  assert.is(resolveShadowUrl(undefined, {}), undefined)
})

config('the project root is the nearest ancestor with supabase/config.toml, as the CLI finds it', () => {
  const p = makeProject({})
  try {
    const nested = join(p.root, 'apps', 'web', 'src')
    mkdirSync(nested, { recursive: true })
    assert.is(findProjectRoot(nested), p.root)
    assert.is(resolveMigrationsDir(undefined, nested), p.migrations)
    assert.is(resolveMigrationsDir('db/migrations', nested), join(nested, 'db', 'migrations'))
  } finally {
    p.remove()
  }
})

config('without a config.toml above, the working directory is the root', () => {
  assert.is(findProjectRoot('/'), '/')
})

config.run()
