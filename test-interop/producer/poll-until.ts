// Polling with a deadline, for differential tests against a real broker whose timers run on wall-clock time:
// nothing waits a fixed time, and when the deadline passes the last answer is compared (and fails, saying what).

/** Polls `probe` until `done` says yes or `deadlineMs` passes; returns the last value either way. */
export async function until <R> (probe: () => Promise<R>, done: (r: R) => boolean, deadlineMs: number): Promise<R> {
  const deadline = Date.now() + deadlineMs
  for (;;) {
    const r = await probe()
    if (done(r) || Date.now() > deadline) return r
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}
