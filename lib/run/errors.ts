// Failures the kit can predict carry a stable upper-case code; scripts choose what to print.
export type KitErrorCode =
  | 'USAGE'
  | 'NO_DB_URL'
  | 'BAD_DB_URL'
  | 'DB_UNREACHABLE'
  | 'DB_AUTH'
  | 'DB_MISSING'
  | 'DB_PERMISSION'
  | 'DB_TIMEOUT'
  | 'DB_ERROR'
  | 'LOCKED'
  | 'FOLDER_MISSING'
  | 'FILE_UNREADABLE'
  | 'NOT_UTF8'
  | 'REFUSED'
  | 'SHADOW'
  | 'GIT'
  | 'BAD_CONFIG'
  | 'BASELINE_UNAVAILABLE'
  | 'VERIFY_FAILED'

export class KitError extends Error {
  readonly code: KitErrorCode
  readonly hint?: string
  constructor(code: KitErrorCode, message: string, hint?: string) {
    super(message)
    this.name = 'KitError'
    this.code = code
    this.hint = hint
  }
}
