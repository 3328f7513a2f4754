// The decompressed bytes of all frames, in one growing buffer. It never grows past `limit` (maxOutputBytes):
// callers ask for the room they need before writing, and asking for more than the limit is the error.
import { zstdError } from './zstd-error.js'

export class OutputBuffer {
  buf: Uint8Array
  pos = 0

  constructor (readonly limit: number, initialCapacity: number) {
    this.buf = Buffer.allocUnsafe(Math.min(limit, initialCapacity))
  }

  /** Makes buf hold at least `end` bytes, growing geometrically but never past the limit. */
  ensure (end: number): void {
    if (end > this.limit) throw limitExceeded(this.limit)
    if (end <= this.buf.length) return
    const grown = Buffer.allocUnsafe(Math.min(this.limit, Math.max(end, this.buf.length * 2)))
    grown.set(this.buf.subarray(0, this.pos))
    this.buf = grown
  }
}

export function limitExceeded (limit: number): Error {
  return zstdError(`decompressed data exceeds maxOutputBytes (${limit})`)
}
