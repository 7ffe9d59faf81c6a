// The baseline generator's interface (issue #9). This checkout holds only its types and a stand-in that says the
// generator is absent; the real module replaces this file when #9 is merged, and reset-history then calls it.
import { KitError } from '../run/errors.ts'
import type { Sql } from '../run/sql.ts'

export type BaselineOptions = {
  schemas?: string[]
  data?: string[]
  shadowUrl?: string
  verify: boolean
  app: string
  onNotice?: (message: string) => void
  source: string
}
export type Baseline = { text: string; counts: Record<string, number>; verified: boolean; diff: string[] }

export async function makeBaseline(_remote: Sql, _options: BaselineOptions): Promise<Baseline> {
  throw new KitError('BASELINE_UNAVAILABLE', 'the baseline generator is not in this checkout', 'Pass --baseline FILE')
}
