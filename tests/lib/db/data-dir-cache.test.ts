import { randomBytes } from 'node:crypto'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connect } from '../../../lib/db/connect.ts'
import { createPglite, serveEmbedded, type Embedded } from '../../../lib/db/embedded.ts'
import { applyPlatformShim } from '../../../lib/db/platform/shim.ts'
import { DATA_DIR_CACHE, dataDirKey, readCachedDataDir, storeCachedDataDir } from '../../../lib/db/data-dir-cache.ts'
import { openShadow, type Shadow } from '../../../lib/db/shadow.ts'
import { snapshotCatalog } from '../../../lib/catalog/snapshot.ts'

// A key of its own (not of the pglite-shadow-<hex> form the cache prunes), so the test never touches a real entry.
const testKey = () => `pglite-shadow-test-${randomBytes(4).toString('hex')}`
const removeEntry = (key: string) => {
  for (const ext of ['json', 'tar']) rmSync(join(DATA_DIR_CACHE, `${key}.${ext}`), { force: true })
}

// ---
const entries = suite<{ key: string }>('data-dir cache: entries are read back whole or not at all')
entries.before.each((ctx) => {
  ctx.key = testKey()
})
entries.after.each((ctx) => removeEntry(ctx.key))

entries('reads back the stored bytes and shim report', async (ctx) => {
  const platform = { extensions: [{ name: 'pgcrypto', status: 'installed' as const }], stubbed: ['pg_cron'], missing: [], platformPresent: false }
  await storeCachedDataDir(ctx.key, { dataDir: new Blob([Buffer.from('tarball bytes')]), platform })
  const back = readCachedDataDir(ctx.key)
  assert.ok(back)
  assert.is(Buffer.from(await back.dataDir.arrayBuffer()).toString(), 'tarball bytes')
  assert.equal(back.platform, platform)
})

entries('treats a missing key and a damaged report as a miss', async (ctx) => {
  assert.is(readCachedDataDir(ctx.key), undefined)
  await storeCachedDataDir(ctx.key, { dataDir: new Blob([Buffer.from('x')]), platform: { extensions: [], stubbed: [], missing: [], platformPresent: false } })
  writeFileSync(join(DATA_DIR_CACHE, `${ctx.key}.json`), '{"extensions": [')
  assert.is(readCachedDataDir(ctx.key), undefined)
})

entries('keys the entry on the PGlite version and the shim sources (stable between calls)', () => {
  assert.match(dataDirKey(), /^pglite-shadow-[0-9a-f]{16}$/)
  assert.is(dataDirKey(), dataDirKey())
})

entries.run()

// ---
type Ctx = { shadow?: Shadow; fresh?: Embedded }
const same = suite<Ctx>('data-dir cache: a cached shadow is the shadow a fresh initdb and shim make')
same.after.each(async (ctx) => {
  await ctx.shadow?.dispose()
  await ctx.fresh?.stop()
})

same('has the same catalog and shim report as a PGlite shimmed from scratch', async (ctx) => {
  // The first openShadow on a cold cache builds the entry; either way the second source of truth is built here.
  ctx.shadow = await openShadow({ app: 'cache-test', onNotice: () => {} })
  assert.ok(readCachedDataDir(dataDirKey()), 'openShadow stored its data directory')
  ctx.fresh = await serveEmbedded(await createPglite())
  const a = connect(ctx.shadow.url, { app: 'cache-test', onNotice: () => {} })
  const b = connect(ctx.fresh.url, { app: 'cache-test', onNotice: () => {} })
  try {
    const report = await applyPlatformShim(b)
    assert.equal(ctx.shadow.platform, report)
    assert.equal(await snapshotCatalog(a), await snapshotCatalog(b))
    // The start parameters survive a load: hosted Supabase's search_path, as on a fresh start.
    const [pa] = await a<{ p: string }[]>`select current_setting('search_path') as p`
    const [pb] = await b<{ p: string }[]>`select current_setting('search_path') as p`
    assert.is(pa.p, pb.p)
  } finally {
    await a.end({ timeout: 5 })
    await b.end({ timeout: 5 })
  }
})

same.run()
