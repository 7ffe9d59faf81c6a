// Does a baseline file produce exactly this database's schema? The file is applied on a shadow as `db push` would
// apply it, both catalogs are snapshotted, and every difference is one sentence. A remote that is reset onto a
// baseline it does not equal would lose the difference from its history for good.
import { describeChange, diffCatalogs, type Wording } from '../catalog/diff.ts'
import { snapshotCatalog } from '../catalog/snapshot.ts'
import type { MigrationFile } from '../cli/folder.ts'
import { applyMigration } from '../cli/apply.ts'
import { withShadow, type ShadowOptions } from '../db/shadow.ts'
import type { Sql } from '../run/sql.ts'

const WORDING: Wording = { added: 'on the database, not in the baseline', removed: 'in the baseline, not on the database' }

export type BaselineCheck = { differences: string[]; shadow: string }

export async function baselineDifferences(remote: Sql, baseline: { file: string; text: string }, options: ShadowOptions): Promise<BaselineCheck> {
  // The remote's snapshot first: an error there is the remote's, not the shadow's (withShadow names the shadow).
  const theirs = await snapshotCatalog(remote)
  return withShadow(options, async (sql, shadow) => {
    const file: MigrationFile = { file: baseline.file, path: baseline.file, version: baseline.file.replace(/_.*$/, ''), name: '' }
    const applied = await applyMigration(sql, file, { record: false, text: baseline.text })
    if (!applied.ok) {
      return { shadow: shadow.engine, differences: [`the baseline fails on the shadow at statement ${applied.index + 1}${applied.code ? ` (${applied.code})` : ''}: ${applied.message}`] }
    }
    return { shadow: shadow.engine, differences: diffCatalogs(await snapshotCatalog(sql), theirs).map((c) => describeChange(c, WORDING)) }
  })
}
