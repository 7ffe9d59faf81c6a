// The one way a test that cannot run here is registered: as skipped, which uvu counts in its `Skipped:` line (and
// .ci/run in its "N skipped"). uvu decides at registration time, so the condition must be known when the file
// loads; a test that returns early instead would be counted as passed.
import type { Callback, Test } from 'uvu'

// `t` itself when `ready`; else a registration uvu counts as skipped, printing why (once per test).
export function registerIf<T>(t: Test<T>, ready: boolean, why: string): (name: string, fn: Callback<T>) => void {
  if (ready) return (name, fn) => t(name, fn)
  return (name, fn) => {
    console.log(`  skipped (${why}): ${name}`)
    t.skip(name, fn)
  }
}
