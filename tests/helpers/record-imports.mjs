// `node --import tsx --import ./tests/helpers/record-imports.mjs …`: appends every module URL the process resolves
// to the file named by RECORD_IMPORTS, so a test can tell which packages a command loads.
import { register } from 'node:module'

register('./record-imports-hook.mjs', import.meta.url)
