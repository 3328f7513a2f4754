// zstd's entropy-coded streams are written forward and read backward (RFC 8878 section 4.1: "bitstreams are read
// in reverse direction"): the last byte holds the first bits, and its highest set bit is a padding marker. Reading
// past the start yields zeros and counts as overflow, which the caller checks when the stream should be finished.
// This class serves the cold paths; the hot loops (Huffman literals, sequences) keep the same four variables in
// locals, which V8 keeps in registers.
import { zstdError } from './zstd-error.js'

export class BackwardBitReader {
  /** Up to 32 not-yet-consumed bits; the valid ones are the low `count` bits, the next to read highest. */
  bits = 0
  /** Valid bits in `bits`; negative once the reader has consumed more bits than the stream holds. */
  count = 0
  /** Bytes src[start, next) are not loaded yet; loading proceeds downward. */
  next = 0
  start = 0
  src: Uint8Array = new Uint8Array(0)

  /** Starts reading src[start, end) backward; `what` names the stream in errors. */
  reset (src: Uint8Array, start: number, end: number, what: string): this {
    if (end <= start) throw zstdError(`${what}: empty bitstream`)
    const last = src[end - 1]
    if (last === 0) throw zstdError(`${what}: bitstream has no end marker`)
    this.src = src
    this.start = start
    this.next = end - 1
    // Skip the zero padding and the marker bit itself.
    this.count = 31 - Math.clz32(last)
    this.bits = last & ((1 << this.count) - 1)
    return this
  }

  private refill (): void {
    while (this.count <= 24 && this.next > this.start) {
      this.bits = (this.bits << 8) | this.src[--this.next]
      this.count += 8
    }
  }

  /** Reads n <= 24 bits, the first-read bit most significant. */
  read (n: number): number {
    if (this.count < n) this.refill()
    this.count -= n
    const c = this.count
    if (c >= 0) return (this.bits >>> c) & ((1 << n) - 1)
    // Past the start: the missing low bits are zeros.
    return -c >= 32 ? 0 : (this.bits << -c) & ((1 << n) - 1)
  }

  /** True once more bits were read than the stream holds. */
  overflowed (): boolean {
    return this.count < 0
  }
}
