// The rules of the chain check (lib/sql/chain.ts): a statement whose re-run meets what LATER files of the folder
// left. They are found by simulating the whole folder, not by looking at one statement, so `detect` finds nothing
// here; the entries give the ids, reasons and rewrites that --help, SARIF and the config's "disable" list use.
import type { Rule } from './shared.ts'

const found = () => []

export const CHAIN_RULES: readonly Rule[] = [
  {
    id: 'chain-missing-object',
    severity: 'error',
    reason: 'the statement uses a table, column, function, type, enum label or policy that a later file (or this file further down) drops, renames or moves: a re-run fails (42P01, 42703, 42883, 42704, 22P02)',
    rewrite: 'a DO block that runs the statement only while what it uses exists (to_regclass, pg_attribute, to_regprocedure, pg_enum…)',
    detect: found,
  },
  {
    id: 'chain-function-signature',
    severity: 'error',
    reason: 'CREATE OR REPLACE FUNCTION after a later file changed the return type, a parameter name or defaults: a re-run fails (42P13)',
    rewrite: 'a DO block that runs it only while no function of another shape holds the signature (the later definition stays)',
    detect: found,
  },
  {
    id: 'chain-view-columns',
    severity: 'error',
    reason: 'CREATE OR REPLACE VIEW with fewer or other columns than a later file gave the view: a re-run fails (42P16)',
    rewrite: 'a DO block that runs it only while the view has no other columns (the later definition stays)',
    detect: found,
  },
  {
    id: 'chain-ambiguous-function',
    severity: 'error',
    reason: 'a function named without arguments (COMMENT ON FUNCTION f, DROP FUNCTION IF EXISTS f) after a later file added an overload: a re-run fails (42725)',
    rewrite: 'none: name the argument types',
    detect: found,
  },
]
