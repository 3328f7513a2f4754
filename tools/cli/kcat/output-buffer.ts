import type { Writable } from 'node:stream'

// Where the consumer's printed records collect before they reach stdout. A write to a stream per record (or per
// field) costs a call into the stream machinery and, on a pipe, a system call each: at a million records a second
// that is most of the time. So records are rendered straight into large buffers and written a chunk at a time.
// Numbers are written as ASCII digits in place, without a string per number.
//
// Memory stays bounded: the consume loop flushes whenever a chunk is full (`full`), waiting for the stream to
// drain, so at most one chunk plus one record is held beyond what the stream itself buffers. A written region is
// never written again (the stream may still hold it); the rest of the chunk is used for what follows.

/** Values at least this long are handed to the stream as they are (views of the fetched bytes), not copied. */
const LARGE_BYTES = 16 * 1024

/** "00" "01" ... "99" as ASCII byte pairs: two digits per division. */
const DIGIT_PAIRS = Buffer.from(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''), 'latin1')

export class OutputBuffer {
  private buf: Buffer
  /** Where the region not yet handed to the stream starts, and where the next byte goes. */
  private start = 0
  private pos = 0
  /** Regions waiting to be written, in order. */
  private readonly ready: Buffer[] = []
  private readyBytes = 0
  /** Whether `ready` holds views of the caller's memory (large values), which `flush` must see written. */
  private readyHasViews = false

  constructor (private readonly chunkBytes = 256 * 1024) {
    this.buf = Buffer.allocUnsafe(chunkBytes)
  }

  /** Whether a chunk's worth is waiting: time to `flush`. */
  get full (): boolean {
    return this.readyBytes + this.pos - this.start >= this.chunkBytes
  }

  /** Makes room for `n` more bytes in the current chunk. */
  private room (n: number): void {
    if (this.pos + n <= this.buf.length) return
    this.seal()
    this.buf = Buffer.allocUnsafe(Math.max(this.chunkBytes, n))
    this.start = 0
    this.pos = 0
  }

  /** Moves the bytes written so far to the ready list. */
  private seal (): void {
    if (this.pos > this.start) {
      this.ready.push(this.buf.subarray(this.start, this.pos))
      this.readyBytes += this.pos - this.start
      this.start = this.pos
    }
  }

  bytes (b: Uint8Array): void {
    const n = b.length
    if (n >= LARGE_BYTES) {
      this.seal()
      this.ready.push(b as Buffer)
      this.readyBytes += n
      this.readyHasViews = true
      return
    }
    this.room(n)
    if (n < 16) {
      // A delimiter or a short key: a loop beats a call into the copy routine.
      const buf = this.buf
      let p = this.pos
      for (let i = 0; i < n; i++) buf[p++] = b[i]
      this.pos = p
    } else {
      this.buf.set(b, this.pos)
      this.pos += n
    }
  }

  /** A string as UTF-8. */
  string (s: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    this.room(s.length * 3)
    this.pos += this.buf.write(s, this.pos, 'utf8')
  }

  /** One byte (a one-character delimiter). */
  byte (c: number): void {
    if (this.pos >= this.buf.length) this.room(1)
    this.buf[this.pos++] = c
  }

  /**
   * An integer in decimal. Int32-range values (offsets, partitions, lengths in practice) are written two digits at
   * a time from a table, without a string; other safe integers digit by digit; anything else through String().
   */
  integer (n: number): void {
    if (n >= 0 && n <= 0x7fffffff && (n | 0) === n) {
      if (this.pos + 10 > this.buf.length) this.room(10)
      const buf = this.buf
      const digits = n < 100000
        ? (n < 100 ? (n < 10 ? 1 : 2) : n < 1000 ? 3 : n < 10000 ? 4 : 5)
        : (n < 10000000 ? (n < 1000000 ? 6 : 7) : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10)
      let p = this.pos + digits
      this.pos = p
      while (n >= 100) {
        const q = (n / 100) | 0
        const d = (n - q * 100) << 1
        buf[--p] = DIGIT_PAIRS[d + 1]
        buf[--p] = DIGIT_PAIRS[d]
        n = q
      }
      if (n >= 10) {
        buf[--p] = DIGIT_PAIRS[(n << 1) + 1]
        buf[--p] = DIGIT_PAIRS[n << 1]
      } else {
        buf[--p] = 48 + n
      }
      return
    }
    if (n < 0 || n > Number.MAX_SAFE_INTEGER || !Number.isInteger(n)) {
      this.ascii(String(n))
      return
    }
    this.room(16)
    let digits = 1
    for (let t = 10; t <= n && digits < 16; t *= 10) digits++
    const buf = this.buf
    let p = this.pos + digits
    this.pos = p
    do {
      const q = Math.floor(n / 10)
      buf[--p] = 48 + (n - q * 10)
      n = q
    } while (n > 0)
  }

  /** A string of ASCII characters only (a bigint's digits). */
  ascii (s: string): void {
    this.room(s.length)
    this.pos += this.buf.write(s, this.pos, 'latin1')
  }

  /**
   * Writes everything collected, waiting for the stream to drain when its buffer is full. When large values were
   * passed as views, it also waits until the stream has handed them on, so that once it returns the caller may
   * reuse the memory they point into (SimpleConsumer.recycle).
   */
  async flush (stream: Writable): Promise<void> {
    this.seal()
    const chunks = this.ready.splice(0)
    const views = this.readyHasViews
    this.readyBytes = 0
    this.readyHasViews = false
    for (let i = 0; i < chunks.length; i++) {
      if (views && i === chunks.length - 1) {
        // A stream handles its writes in order: the last one's callback means every view has been written.
        await new Promise<void>(resolve => stream.write(chunks[i], () => resolve()))
      } else if (!stream.write(chunks[i])) {
        await new Promise<void>(resolve => stream.once('drain', resolve))
      }
    }
  }
}
