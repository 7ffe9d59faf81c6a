// V8 compiles WebAssembly twice: at once with Liftoff, its baseline compiler, then again with TurboFan, its
// optimising one, on background threads that Node waits for before the process exits. For the kit's processes
// (seconds long, on machines with two cores) the second pass costs more than it saves; measured on 2 cores:
// libpg-query loads in 0.3 s of CPU instead of 0.9 s and the 1,000-file bench corpus parses in 0.45 s instead of
// 1.1 s; the embedded shadow starts in 3.4 s of CPU instead of 4.4 s, a 50-file replay on it takes 7.4 s instead
// of 10.2 s, and a 200-file one 35.5 s instead of 38.0 s. The flag is process-wide and holds for every module
// compiled after it; call this before loading one.
import { setFlagsFromString } from 'node:v8'

export function baselineWasmOnly(): void {
  setFlagsFromString('--liftoff-only')
}
