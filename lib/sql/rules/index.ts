// Every idempotency rule, in the order findings are listed.
import { addColumn } from './add-column.ts'
import { addIdentity } from './add-identity.ts'
import { addConstraint } from './add-constraint.ts'
import { CHAIN_RULES } from './chain.ts'
import { alterColumnType } from './alter-column-type.ts'
import { concurrentlyInTransaction } from './concurrently-in-transaction.ts'
import { createDomain } from './create-domain.ts'
import { createExtension } from './create-extension.ts'
import { createFunction } from './create-function.ts'
import { createIndex } from './create-index.ts'
import { createMaterializedView } from './create-materialized-view.ts'
import { createOther } from './create-other.ts'
import { createPolicy } from './create-policy.ts'
import { createPublication } from './create-publication.ts'
import { createRole } from './create-role.ts'
import { createRule } from './create-rule.ts'
import { createSchema } from './create-schema.ts'
import { createSequence } from './create-sequence.ts'
import { createTable } from './create-table.ts'
import { createTrigger } from './create-trigger.ts'
import { createType } from './create-type.ts'
import { createView } from './create-view.ts'
import { dropColumn } from './drop-column.ts'
import { dropConstraint } from './drop-constraint.ts'
import { dropWithoutIfExists } from './drop-without-if-exists.ts'
import { enumAddValue } from './enum-add-value.ts'
import { insertWithoutOnConflict } from './insert-without-on-conflict.ts'
import { orReplaceReverts } from './or-replace-reverts.ts'
import { recreatesDropped } from './recreates-dropped.ts'
import { publicationAddTable } from './publication-add-table.ts'
import { publicationDropTable } from './publication-drop-table.ts'
import { renameColumn } from './rename-column.ts'
import { renameObject } from './rename-object.ts'
import { setSchema } from './set-schema.ts'
import type { Rule } from './shared.ts'
import { unnamedDuplicate } from './unnamed-duplicate.ts'
import { vaultCreateSecret } from './vault-create-secret.ts'

export const RULES: readonly Rule[] = [
  createTable, createIndex, createSchema, createSequence, createExtension, createView, createMaterializedView,
  createType, createDomain, createTrigger, createPolicy, createRule, createPublication, createRole, createFunction, createOther,
  addColumn, addConstraint, dropColumn, dropConstraint, renameColumn, renameObject, setSchema, addIdentity, alterColumnType, enumAddValue,
  publicationAddTable, publicationDropTable, insertWithoutOnConflict, vaultCreateSecret, dropWithoutIfExists, concurrentlyInTransaction,
  orReplaceReverts, recreatesDropped, unnamedDuplicate, ...CHAIN_RULES,
]

// Findings that are not about one statement's re-run, reported by the checker itself.
export const FILE_CHECKS = {
  'parse-error': { severity: 'error', reason: 'the file is not valid SQL for the PostgreSQL 17 parser' },
  'not-utf8': { severity: 'error', reason: 'the file is not valid UTF-8' },
  'empty-file': { severity: 'warning', reason: 'the file has no SQL statement (the CLI records NULL statements)' },
  'fix-failed': { severity: 'error', reason: '--fix produced SQL that PostgreSQL\'s parser rejects, so the rewrite was not written' },
  'bad-suppression': { severity: 'warning', reason: 'an idempotent-ignore comment without a rule id and a reason is not honoured' },
  'committed-migration-changed': { severity: 'error', reason: 'a migration that was already committed was edited, renamed or deleted' },
  'folder-clutter': { severity: 'error', reason: 'a staged file in the migrations folder does not match <timestamp>_name.sql: the CLI skips it' },
  'duplicate-version': { severity: 'error', reason: 'two migration files share a version: the second fails db push' },
  'version-name': { severity: 'warning', reason: 'the version is not a 14-digit timestamp: push and list may order it differently' },
} as const
