// How a user runs one of the kit's scripts from where they are, for the next-step hints the scripts print. The kit
// is copied anywhere (the repository root, tools/migration-kit/, …) and run from any folder (a monorepo's project),
// so the path is where scripts/ really is, seen from the working directory; a fixed `scripts/…` would be wrong there.
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

// The kit is copied as scripts/ and lib/ side by side (the hooks find it the same way).
const SCRIPTS = fileURLToPath(new URL('../../scripts/', import.meta.url))

export const kitCommand = (cwd: string, script: string) => `npx tsx ${join(relative(cwd, SCRIPTS), `${script}.ts`)}`
