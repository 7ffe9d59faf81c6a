import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { clutterKind, listFolder, readMigration, skipWarning } from '../../../lib/cli/folder.ts'
import { makeProject } from '../../helpers/project.ts'

const folder = suite('listFolder sees the folder as the Supabase CLI does')

folder('keeps matching files in byte order and skips the rest with the CLI warning', () => {
  const p = makeProject({ '20250102000000_b.sql': '', '20250101000000_a.sql': '', 'README.md': '', '20250101000000_a.SQL': '', '.DS_Store': '' })
  mkdirSync(join(p.migrations, '20250103000000_dir.sql'))
  try {
    const f = listFolder(p.migrations)
    assert.equal(f.files.map((x) => x.file), ['20250101000000_a.sql', '20250102000000_b.sql'])
    assert.equal(f.skipped.map((s) => s.file), ['.DS_Store', '20250101000000_a.SQL', 'README.md'])
    assert.is(skipWarning(f.skipped[0]), 'Skipping migration .DS_Store... (file name must match pattern "<timestamp>_name.sql")')
  } finally {
    p.remove()
  }
})

folder('only the first entry is checked for a pre-2021 _init.sql name', () => {
  const p = makeProject({ '20211208000000_init.sql': '', '20211208000001_init.sql': '' })
  try {
    const f = listFolder(p.migrations)
    assert.equal(f.skipped, [{ file: '20211208000000_init.sql', reason: 'legacy-init' }])
    assert.equal(f.files.map((x) => x.version), ['20211208000001'])
    assert.match(skipWarning(f.skipped[0]), 'replace "init" with a different file name')
  } finally {
    p.remove()
  }
})

folder('a missing folder is zero files, not an error', () => {
  const f = listFolder('/nonexistent/supabase/migrations')
  assert.is(f.exists, false)
  assert.equal(f.files, [])
})

folder('names: empty and dotted names, leading zeros kept', () => {
  const p = makeProject({ '0001_.sql': '', '20250101000000_a.b_c.sql': '' })
  try {
    const f = listFolder(p.migrations)
    assert.equal(f.files.map((x) => [x.version, x.name]), [['0001', ''], ['20250101000000', 'a.b_c']])
  } finally {
    p.remove()
  }
})

folder('duplicate versions are listed with their files', () => {
  const p = makeProject({ '20250101000000_a.sql': '', '20250101000000_b.sql': '' })
  try {
    assert.equal(listFolder(p.migrations).duplicates, [{ version: '20250101000000', files: ['20250101000000_a.sql', '20250101000000_b.sql'] }])
  } finally {
    p.remove()
  }
})

const KINDS: [string, string][] = [
  ['20251206160000_update_system_prompts.sql.backup', 'backup'],
  ['x.sql.bak', 'backup'],
  ['x.sql.orig', 'backup'],
  ['20251213082550_consolidated_clean_schema.sql.skip', 'skip'],
  ['x.sql~', 'editor'],
  ['.DS_Store', 'editor'],
  ['notes.md', 'other'],
]
for (const [file, kind] of KINDS) folder(`clutter kind of ${file} is ${kind}`, () => assert.is(clutterKind(file), kind))

folder('readMigration refuses bytes that are not UTF-8 with the line', () => {
  const p = makeProject({ '20250101000000_a.sql': Buffer.from('select 1;\nselect \xff;\n', 'latin1') })
  try {
    assert.throws(() => readMigration(join(p.migrations, '20250101000000_a.sql')), /not valid UTF-8 \(line 2\)/)
  } finally {
    p.remove()
  }
})

folder.run()
