// The one process-wide registry of clean-ups that must run on Ctrl-C or SIGTERM (dropping shadow databases).
// One pair of signal handlers serves every registration: on a signal each pending clean-up runs once, all of them
// together, and only then does the signal take its default course (the process ends with the signal's status).
type CleanUp = () => Promise<void>

const pending = new Set<CleanUp>()
let signalled = false

function onSignal(signal: NodeJS.Signals): void {
  if (signalled) return
  signalled = true
  const all = [...pending]
  pending.clear()
  void Promise.allSettled(all.map((run) => run())).finally(() => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.kill(process.pid, signal)
  })
}

// Registers `run` until the returned function is called (normally by `run` itself, once it is done).
export function onInterrupt(run: CleanUp): () => void {
  if (pending.size === 0 && !signalled) {
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  }
  pending.add(run)
  return () => {
    pending.delete(run)
    if (pending.size === 0 && !signalled) {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}
