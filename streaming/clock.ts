// Time for the scheduler, behind an interface so tests can run many batches in virtual time without sleeping.

export interface Clock {
  now (): number
  /** Resolves at (or after) timeMs; rejects with signal.reason when the signal aborts first. */
  sleepUntil (timeMs: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleepUntil: async (timeMs, signal) => {
    const waitMs = timeMs - Date.now()
    if (signal?.aborted === true) throw signal.reason
    if (waitMs <= 0) return
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => { clearTimeout(timer); reject(signal?.reason) }
      const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, waitMs)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
}

/**
 * Virtual time. With autoAdvance (the default), sleeping jumps the clock forward at once, so a test runs a day of
 * batches instantly; work is simulated with advance(). Without it, sleepers wait until a test calls advance().
 */
export class ManualClock implements Clock {
  private t: number
  private readonly sleepers: Array<{ at: number; resolve: () => void }> = []

  constructor (startMs = 0, readonly opts: { autoAdvance?: boolean } = {}) { this.t = startMs }

  now (): number { return this.t }

  advance (ms: number): void {
    this.t += ms
    for (let i = this.sleepers.length - 1; i >= 0; i--) {
      const s = this.sleepers[i]
      if (s !== undefined && s.at <= this.t) { this.sleepers.splice(i, 1); s.resolve() }
    }
  }

  async sleepUntil (timeMs: number, signal?: AbortSignal): Promise<void> {
    // Yield to the event loop first, so that a virtual-time scheduler cannot starve other work (stop(), I/O).
    await new Promise<void>(resolve => setImmediate(resolve))
    if (signal?.aborted === true) throw signal.reason
    if (timeMs <= this.t) return
    if (this.opts.autoAdvance !== false) { this.advance(timeMs - this.t); return }
    await new Promise<void>((resolve, reject) => {
      const entry = { at: timeMs, resolve: () => { signal?.removeEventListener('abort', onAbort); resolve() } }
      const onAbort = (): void => {
        const i = this.sleepers.indexOf(entry)
        if (i >= 0) this.sleepers.splice(i, 1)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.sleepers.push(entry)
    })
  }
}
