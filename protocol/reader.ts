import { ProtocolError } from './errors.js'

// A cursor over one Kafka frame (or any byte range). Methods are named for the protocol guide's primitive types
// (https://kafka.apache.org/protocol#protocol_types). Every read is bounds-checked here, in one place, and every
// length or count is checked against the bytes left *before* anything is allocated, so a 30-byte frame that
// claims 2^31 elements fails at once instead of allocating.
//
// Errors carry an empty field path; the compiled schema decoders (schema/compile.ts) prefix the path on the way
// out, so the reader itself stays free of bookkeeping on the hot path.

const EMPTY = Buffer.alloc(0)

/** One decoded value, as the annotated dump shows it: where it starts and ends (frame-relative) and what it is. */
export interface TraceEvent {
  path: string
  type: string
  start: number
  end: number
  value: unknown
}
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export class Reader {
  /** Absolute position in `buf`. */
  offset: number
  /** Name and version reported in errors ("Fetch v13 response"). */
  api = 'frame'
  version = 0
  direction: string | undefined = undefined
  /** Set only by annotating tools (the `decode` command): called for every primitive the schema decodes. */
  trace: ((event: TraceEvent) => void) | undefined = undefined
  /** The field path being decoded, maintained only while tracing. */
  tracePath = ''

  constructor (readonly buf: Buffer, offset = 0, readonly end = buf.length, readonly base = offset) {
    this.offset = offset
  }

  /** Bytes not yet read. */
  get remaining (): number { return this.end - this.offset }

  /** Fails with a ProtocolError at the current position (relative to the frame start). */
  fail (detail: string, at = this.offset): never {
    throw new ProtocolError({ api: this.api, version: this.version, field: '', offset: at - this.base, direction: this.direction }, detail)
  }

  private need (n: number): number {
    const at = this.offset
    if (at + n > this.end) this.fail(`needs ${n} bytes, ${this.end - at} left`)
    this.offset = at + n
    return at
  }

  int8 (): number { return this.buf.readInt8(this.need(1)) }
  int16 (): number { return this.buf.readInt16BE(this.need(2)) }
  int32 (): number { return this.buf.readInt32BE(this.need(4)) }
  uint16 (): number { return this.buf.readUInt16BE(this.need(2)) }
  uint32 (): number { return this.buf.readUInt32BE(this.need(4)) }
  int64 (): bigint { return this.buf.readBigInt64BE(this.need(8)) }
  float64 (): number { return this.buf.readDoubleBE(this.need(8)) }

  /**
   * An int64 as a number, for offsets and timestamps on the hot path. Exact while |value| < 2^53, which covers
   * every offset a partition can reach in practice (2^53 records at 1M/s is 285 years) and every millisecond
   * timestamp; larger values fail loudly rather than round silently.
   */
  int64Number (): number {
    const at = this.need(8)
    const hi = this.buf.readInt32BE(at)
    const lo = this.buf.readUInt32BE(at + 4)
    if (hi > 0x1fffff || hi < -0x200000) this.fail('int64 beyond 2^53 where a number was expected', at)
    return hi * 0x100000000 + lo
  }

  bool (): boolean {
    const at = this.need(1)
    const b = this.buf[at]
    // The guide says 0 is false and anything else true; Kafka's own writer only emits 0 or 1.
    return b !== 0
  }

  /** Unsigned LEB128 varint, at most 5 bytes (uint32). */
  uvarint (): number {
    let result = 0
    let shift = 0
    const start = this.offset
    for (;;) {
      if (this.offset >= this.end) this.fail('truncated varint', start)
      const b = this.buf[this.offset++]
      if (shift === 28) {
        if (b > 0x0f) this.fail('varint longer than 32 bits', start)
        return (result + b * 0x10000000) >>> 0
      }
      result |= (b & 0x7f) << shift
      if (b < 0x80) return result >>> 0
      shift += 7
    }
  }

  /** Zigzag-encoded signed varint (int32), used by record fields. */
  varint (): number {
    const n = this.uvarint()
    return (n >>> 1) ^ -(n & 1)
  }

  /** Zigzag-encoded signed varlong (int64), up to 10 bytes. */
  varlong (): bigint {
    let result = 0n
    let shift = 0n
    const start = this.offset
    for (;;) {
      if (this.offset >= this.end) this.fail('truncated varlong', start)
      const b = this.buf[this.offset++]
      if (shift === 63n && b > 1) this.fail('varlong longer than 64 bits', start)
      result |= BigInt(b & 0x7f) << shift
      if (b < 0x80) break
      shift += 7n
    }
    return (result >> 1n) ^ -(result & 1n)
  }

  /**
   * A zigzag varlong as a number: the record fields timestampDelta and offsetDelta are varlongs/varints that
   * stay small, so the hot path avoids BigInt. Values beyond 2^53 fail instead of rounding.
   */
  varlongNumber (): number {
    const start = this.offset
    if (this.offset >= this.end) this.fail('truncated varlong', start)
    // The zigzag value n is split as hi * 128 + lo so that both parts stay exact doubles: n itself may need 54
    // bits (the zigzag of 2^53 - 1), but the sign lives in lo's lowest bit and hi needs at most 47.
    const b0 = this.buf[this.offset++]
    const lo = b0 & 0x7f
    let hi = 0
    if (b0 >= 0x80) {
      let mult = 1
      for (let i = 0; ; i++) {
        if (this.offset >= this.end) this.fail('truncated varlong', start)
        const b = this.buf[this.offset++]
        hi += (b & 0x7f) * mult
        if (b < 0x80) break
        if (i === 7) this.fail('varlong longer than 64 bits or beyond 2^53 where a number was expected', start)
        mult *= 128
      }
    }
    if (hi > 0x7fffffffffff) this.fail('varlong beyond 2^53 where a number was expected', start)
    // Zigzag: even n is n/2, odd n is -(n+1)/2.
    const v = (lo & 1) === 0 ? hi * 64 + lo / 2 : -(hi * 64 + (lo + 1) / 2)
    if (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) this.fail('varlong beyond 2^53 where a number was expected', start)
    return v
  }

  uuid (): string {
    const at = this.need(16)
    const b = this.buf
    let s = ''
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) s += '-'
      s += HEX[b[at + i]]
    }
    return s
  }

  // Lengths. A classic length is an int16/int32 where -1 means null; a compact length is a uvarint holding
  // length + 1 so that 0 can mean null (KIP-482).

  private checkLength (n: number, at: number, what: string): void {
    if (n < 0) this.fail(`${what} length ${n}`, at)
    if (n > this.end - this.offset) this.fail(`${what} length ${n} exceeds the ${this.end - this.offset} bytes left`, at)
  }

  private utf8 (n: number): string {
    const at = this.offset
    this.offset += n
    return this.buf.toString('utf8', at, at + n)
  }

  string (): string {
    const at = this.offset
    const n = this.int16()
    this.checkLength(n, at, 'string')
    return this.utf8(n)
  }

  nullableString (): string | null {
    const at = this.offset
    const n = this.int16()
    if (n === -1) return null
    this.checkLength(n, at, 'string')
    return this.utf8(n)
  }

  compactString (): string {
    const at = this.offset
    const n = this.uvarint() - 1
    this.checkLength(n, at, 'compact string')
    return this.utf8(n)
  }

  compactNullableString (): string | null {
    const at = this.offset
    const n = this.uvarint() - 1
    if (n === -1) return null
    this.checkLength(n, at, 'compact string')
    return this.utf8(n)
  }

  /** A view of the next `n` bytes: no copy. */
  raw (n: number): Buffer {
    const at = this.offset
    this.checkLength(n, at, 'bytes')
    this.offset += n
    return n === 0 ? EMPTY : this.buf.subarray(at, at + n)
  }

  bytes (): Buffer {
    const at = this.offset
    const n = this.int32()
    this.checkLength(n, at, 'bytes')
    return this.raw(n)
  }

  nullableBytes (): Buffer | null {
    const at = this.offset
    const n = this.int32()
    if (n === -1) return null
    this.checkLength(n, at, 'bytes')
    return this.raw(n)
  }

  compactBytes (): Buffer {
    const at = this.offset
    const n = this.uvarint() - 1
    this.checkLength(n, at, 'compact bytes')
    return this.raw(n)
  }

  compactNullableBytes (): Buffer | null {
    const at = this.offset
    const n = this.uvarint() - 1
    if (n === -1) return null
    this.checkLength(n, at, 'compact bytes')
    return this.raw(n)
  }

  // Arrays. Every element takes at least `minItemBytes` bytes (at least one), so a count larger than the bytes
  // left is impossible and rejected before the result array is allocated.

  private count (n: number, at: number, minItemBytes: number): void {
    if (n < 0) this.fail(`array count ${n}`, at)
    if (n * minItemBytes > this.end - this.offset) {
      this.fail(`array count ${n} cannot fit in the ${this.end - this.offset} bytes left`, at)
    }
  }

  private items<T> (n: number, readItem: (r: Reader, index: number) => T): T[] {
    const out = new Array<T>(n)
    for (let i = 0; i < n; i++) out[i] = readItem(this, i)
    return out
  }

  array<T> (readItem: (r: Reader, index: number) => T, minItemBytes = 1): T[] {
    const at = this.offset
    const n = this.int32()
    this.count(n, at, minItemBytes)
    return this.items(n, readItem)
  }

  nullableArray<T> (readItem: (r: Reader, index: number) => T, minItemBytes = 1): T[] | null {
    const at = this.offset
    const n = this.int32()
    if (n === -1) return null
    this.count(n, at, minItemBytes)
    return this.items(n, readItem)
  }

  compactArray<T> (readItem: (r: Reader, index: number) => T, minItemBytes = 1): T[] {
    const at = this.offset
    const n = this.uvarint() - 1
    this.count(n, at, minItemBytes)
    return this.items(n, readItem)
  }

  compactNullableArray<T> (readItem: (r: Reader, index: number) => T, minItemBytes = 1): T[] | null {
    const at = this.offset
    const n = this.uvarint() - 1
    if (n === -1) return null
    this.count(n, at, minItemBytes)
    return this.items(n, readItem)
  }

  /**
   * A tagged-field section (KIP-482): a uvarint count, then per field a uvarint tag, a uvarint size and `size`
   * bytes. Tags must be strictly increasing. `onTag` returns true when it consumed the field; otherwise the
   * bytes are handed to `onUnknown` (or skipped) so that unknown tags survive a decode/encode round trip.
   */
  taggedFields (onTag: (tag: number, r: Reader, size: number) => boolean, onUnknown?: (tag: number, data: Buffer) => void): void {
    const at = this.offset
    const n = this.uvarint()
    if (n > this.end - this.offset) this.fail(`tagged field count ${n} cannot fit in the bytes left`, at)
    let last = -1
    for (let i = 0; i < n; i++) {
      const tagAt = this.offset
      const tag = this.uvarint()
      if (tag <= last) this.fail(`tag ${tag} is not greater than the previous tag ${last}`, tagAt)
      last = tag
      const size = this.uvarint()
      this.checkLength(size, tagAt, `tagged field ${tag}`)
      const fieldEnd = this.offset + size
      const sub = new Reader(this.buf, this.offset, fieldEnd, this.base)
      sub.api = this.api
      sub.version = this.version
      sub.direction = this.direction
      sub.trace = this.trace
      sub.tracePath = this.tracePath
      if (onTag(tag, sub, size)) {
        if (sub.offset !== fieldEnd) sub.fail(`tagged field ${tag} has ${fieldEnd - sub.offset} bytes left over`)
      } else if (onUnknown !== undefined) {
        onUnknown(tag, this.buf.subarray(this.offset, fieldEnd))
      }
      this.offset = fieldEnd
    }
  }

  /** Skips a whole tagged-field section. */
  skipTaggedFields (): void {
    this.taggedFields(() => false)
  }
}
