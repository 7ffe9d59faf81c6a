// The seed fixture: the broken project of the user report this kit was built for (local-only and remote-only
// versions, clutter, an edited and a half-applied migration, hand edits) as a Supabase project root,
// and a builder for its "remote" database, so every test can start from the state the report describes.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildExampleRemote, pushedMigrations } from '../../lib/db/example-remote.ts'

// The project root: the CLI needs supabase/config.toml here (run it with this as cwd). It is the kit's example of a
// broken project, which the demo rescues (remote/history.json says how its remote was reached; the constants below
// name the same facts for the tests).
export const SEED_ROOT = fileURLToPath(new URL('../../examples/broken-project', import.meta.url))
export const SEED_MIGRATIONS = join(SEED_ROOT, 'supabase', 'migrations')
// What the remote holds beyond the local files: never read by the CLI (it sits outside supabase/).
export const SEED_REMOTE_DIR = join(SEED_ROOT, 'remote')

// "Last applied migration: 20251213160000" in the report.
export const SEED_LAST_REMOTE = '20251213160000'
// The same migration under two versions: applied remotely as ...004929, renamed locally to ...004931.
export const SEED_REMOTE_ONLY = '20251213004929'
export const SEED_RENAMED_LOCAL = '20251213004931'
// The consolidated schema that fails with 42703 (it still uses profiles.github_id, renamed on 20251201090000).
export const SEED_CONSOLIDATED = '20251213082550'
export const SEED_LOCAL_ONLY: readonly string[] = ['20251213004931', '20251213082550', '20251213214545', '20251214000000', '20251214100000']
// Local-only versions older than the newest remote one: what `db push` refuses without --include-all.
export const SEED_OUT_OF_ORDER: readonly string[] = ['20251213004931', '20251213082550']
// Applied remotely, then edited locally: the remote `statements` keep the original text (remote/<version>_*.sql).
export const SEED_EDITED_VERSION = '20251211000000'
// Partly run by hand on the remote (remote/half-applied.sql), with no history row.
export const SEED_HALF_APPLIED_VERSION = '20251214100000'
export const SEED_CLUTTER: readonly string[] = [
  '20251201090000_rename_github_id.sql.backup',
  '20251206160000_update_system_prompts.sql.backup',
  '20251211000000_fix_function_search_path_security.sql.backup',
  '20251213082550_consolidated_clean_schema.sql.skip',
]

// The migrations the remote history holds, in the order `db push` applied them, each with the text that ran.
export const seedRemoteHistory = () => pushedMigrations(SEED_ROOT)

// On an empty database: the platform, the history through 20251213160000 as `db push` wrote it, then what
// happened outside migrations (half-applied file, dashboard edits, rows), none of which has a history row.
export const buildSeedRemote = (url: string): Promise<void> => buildExampleRemote(url, SEED_ROOT)
