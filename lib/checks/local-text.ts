// The local migration files as the CLI would record them: each file's statements (split as the CLI splits), or why
// they could not be read, and the statements of clutter files that may hold an edited file's applied text.
import { join } from 'node:path'
import { readMigration, type Folder } from '../cli/folder.ts'
import { splitAndTrim } from '../cli/split.ts'
import { KitError } from '../run/errors.ts'
import type { LocalText } from './sync.ts'

export function readLocalText(file: Folder['files'][number]): LocalText {
  try {
    return { file, statements: splitAndTrim(readMigration(file.path)) }
  } catch (err) {
    if (!(err instanceof KitError)) throw err
    return { file, statements: null, problem: err.code === 'NOT_UTF8' ? 'notUtf8' : 'unreadable', message: err.message }
  }
}

// A clutter file's statements, or null when it is no readable text (a .DS_Store is no SQL to compare).
export function clutterTexts(dir: string, folder: Folder): { file: string; statements: string[] | null }[] {
  return folder.clutter.map((c) => {
    try {
      return { file: c.file, statements: splitAndTrim(readMigration(join(dir, c.file))) }
    } catch (err) {
      if (err instanceof KitError) return { file: c.file, statements: null }
      throw err
    }
  })
}
