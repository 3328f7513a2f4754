// Memory for large response frames, handed back by callers that are done with it. A consumer reading a topic
// end to end receives one multi-megabyte Fetch response after another; allocated fresh, each one is new memory the
// kernel must fault in and zero page by page (measured: ~35,000 page faults and a third of the system time for 1M
// records), and the old ones linger until V8 next collects, so resident memory climbs to several responses' worth.
// A caller that no longer holds any view of a response (the kcat-style printer, once a round is written) can give
// its frame back, and the next response of about that size lands in the same, already resident, pages.
//
// Only frames of at least MIN_POOLED_BYTES come from here; small ones are cheap and never released. Nothing is
// ever recycled behind a caller's back: a frame returns to the free list only through `release`, and one never
// released is simply garbage collected like any Buffer (the pool keeps no reference to what it lent).

/** Frames below this are allocated normally (Node slices them from its own small-buffer pool anyway). */
export const MIN_POOLED_BYTES = 64 * 1024
/** Allocation granularity: a response a few bytes larger than the last one still fits the buffer it left. */
const GRANULE = 256 * 1024
/**
 * Free buffers kept for reuse; beyond this the smallest is dropped, so idle memory stays within two responses. A
 * prefetching reader needs one: it releases round N while N+1 arrives, and N+2 takes N's buffer.
 */
const MAX_FREE = 2

export class BufferPool {
  private readonly free: ArrayBuffer[] = []
  /** Buffers handed out and not yet released: only these can come back (weakly held, so leaks cannot pin them). */
  private readonly lent = new WeakSet<ArrayBuffer>()

  /** `size` bytes of uninitialized memory: a view of a free buffer when one is large enough, else a new one. */
  take (size: number): Buffer {
    if (size < MIN_POOLED_BYTES) return Buffer.allocUnsafe(size)
    let best = -1
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i]
      if (b.byteLength >= size && (best < 0 || b.byteLength < this.free[best].byteLength)) best = i
    }
    const ab = best >= 0 ? this.free.splice(best, 1)[0] : Buffer.allocUnsafeSlow(Math.ceil(size / GRANULE) * GRANULE).buffer as ArrayBuffer
    this.lent.add(ab)
    return Buffer.from(ab, 0, size)
  }

  /**
   * Gives back the memory under `view` (any view of a buffer `take` returned). Whatever still reads that memory
   * will see it overwritten by a later response, so call this only when nothing does. Views of other memory, and
   * second releases of the same buffer, are ignored.
   */
  release (view: Uint8Array): void {
    const ab = view.buffer
    if (!(ab instanceof ArrayBuffer) || !this.lent.has(ab)) return
    this.lent.delete(ab)
    this.free.push(ab)
    if (this.free.length > MAX_FREE) {
      let smallest = 0
      for (let i = 1; i < this.free.length; i++) if (this.free[i].byteLength < this.free[smallest].byteLength) smallest = i
      this.free.splice(smallest, 1)
    }
  }

  /** Bytes held in free buffers (for tests and diagnostics). */
  get freeBytes (): number {
    let n = 0
    for (const b of this.free) n += b.byteLength
    return n
  }
}
