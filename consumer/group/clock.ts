// Time for a group member's background work (heartbeats, auto-commit, the max.poll.interval check), behind an
// interface so that tests drive it in virtual time instead of sleeping (STYLE.md section 10).

export interface Timers {
  now: () => number
  /** Calls fn once after ms; the handle cancels it. Real timers are unref'd: they never keep a process alive. */
  setTimeout: (fn: () => void, ms: number) => unknown
  clearTimeout: (handle: unknown) => void
}

export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: handle => { clearTimeout(handle as NodeJS.Timeout) }
}
