// A growable output buffer with methods named for the protocol guide's primitive types. It grows geometrically,
// and can reserve a 4-byte size prefix that is patched once the frame is complete, so a frame is written in one
// pass without measuring it first.
//
// Large byte payloads (record batches in Fetch responses) need not be copied: `bytesView` above a threshold
// closes the current chunk and keeps the caller's buffer by reference, and `finishChunks()` hands back the list
// for a gathered socket write.

const UUID_RE = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/
const ZERO_COPY_MIN = 64 * 1024

export class Writer {
  private buf: Buffer
  private pos = 0
  private chunks: Buffer[] = []
  private chunkBytes = 0
  private sizeAt = -1

  constructor (initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize)
  }

  /** Bytes written so far, including chunks already closed. */
  get length (): number { return this.chunkBytes + this.pos }

  private ensure (n: number): void {
    if (this.pos + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.pos + n) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  int8 (v: number): this { this.ensure(1); this.buf.writeInt8(v, this.pos); this.pos += 1; return this }
  int16 (v: number): this { this.ensure(2); this.buf.writeInt16BE(v, this.pos); this.pos += 2; return this }
  int32 (v: number): this { this.ensure(4); this.buf.writeInt32BE(v, this.pos); this.pos += 4; return this }
  uint16 (v: number): this { this.ensure(2); this.buf.writeUInt16BE(v, this.pos); this.pos += 2; return this }
  uint32 (v: number): this { this.ensure(4); this.buf.writeUInt32BE(v, this.pos); this.pos += 4; return this }
  int64 (v: bigint): this { this.ensure(8); this.buf.writeBigInt64BE(v, this.pos); this.pos += 8; return this }
  float64 (v: number): this { this.ensure(8); this.buf.writeDoubleBE(v, this.pos); this.pos += 8; return this }
  bool (v: boolean): this { return this.int8(v ? 1 : 0) }

  /** An int64 given as a safe integer number (offsets, timestamps): avoids BigInt on hot paths. */
  int64Number (v: number): this {
    this.ensure(8)
    const hi = Math.floor(v / 0x100000000)
    this.buf.writeInt32BE(hi, this.pos)
    this.buf.writeUInt32BE(v - hi * 0x100000000, this.pos + 4)
    this.pos += 8
    return this
  }

  uvarint (v: number): this {
    this.ensure(5)
    let n = v >>> 0
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80
      n >>>= 7
    }
    this.buf[this.pos++] = n
    return this
  }

  varint (v: number): this { return this.uvarint(((v << 1) ^ (v >> 31)) >>> 0) }

  varlong (v: bigint): this {
    let n = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n))
    this.ensure(10)
    while (n >= 0x80n) {
      this.buf[this.pos++] = Number(n & 0x7fn) | 0x80
      n >>= 7n
    }
    this.buf[this.pos++] = Number(n)
    return this
  }

  /**
   * A zigzag varlong from a safe integer number (record timestamp and offset deltas). The zigzag value may need 54
   * bits, more than a double holds exactly, so its low 7 bits (which carry the sign) are split off first.
   */
  varlongNumber (v: number): this {
    if (!Number.isSafeInteger(v)) throw new RangeError(`varlong ${v} is not a safe integer`)
    const m = v >= 0 ? v : -v - 1
    const lo = (m % 64) * 2 + (v >= 0 ? 0 : 1)
    let hi = Math.floor(m / 64)
    this.ensure(10)
    if (hi === 0) { this.buf[this.pos++] = lo; return this }
    this.buf[this.pos++] = lo | 0x80
    while (hi >= 0x80) {
      this.buf[this.pos++] = (hi % 128) | 0x80
      hi = Math.floor(hi / 128)
    }
    this.buf[this.pos++] = hi
    return this
  }

  uuid (v: string): this {
    if (!UUID_RE.test(v)) throw new TypeError(`not a UUID: ${JSON.stringify(v)}`)
    this.ensure(16)
    this.buf.write(v.replace(/-/g, ''), this.pos, 16, 'hex')
    this.pos += 16
    return this
  }

  /** Raw bytes with no length prefix (copied). */
  raw (b: Uint8Array): this {
    this.ensure(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
    return this
  }

  /**
   * Raw bytes with no length prefix, kept by reference when large. The caller must not change `b` until the
   * frame has been written out.
   */
  rawView (b: Buffer): this {
    if (b.length < ZERO_COPY_MIN) return this.raw(b)
    this.chunks.push(this.buf.subarray(0, this.pos), b)
    this.chunkBytes += this.pos + b.length
    // The old buffer stays referenced by the chunk list, so a fresh one is needed for what follows.
    this.buf = Buffer.allocUnsafe(Math.max(256, this.buf.length >>> 2))
    this.pos = 0
    return this
  }

  private utf8 (s: string, n: number): void {
    this.ensure(n)
    this.buf.write(s, this.pos, n, 'utf8')
    this.pos += n
  }

  string (s: string): this {
    const n = Buffer.byteLength(s)
    if (n > 0x7fff) throw new RangeError(`string of ${n} bytes exceeds the int16 length limit`)
    this.int16(n)
    this.utf8(s, n)
    return this
  }

  nullableString (s: string | null): this {
    return s === null ? this.int16(-1) : this.string(s)
  }

  compactString (s: string): this {
    const n = Buffer.byteLength(s)
    this.uvarint(n + 1)
    this.utf8(s, n)
    return this
  }

  compactNullableString (s: string | null): this {
    return s === null ? this.uvarint(0) : this.compactString(s)
  }

  bytes (b: Uint8Array): this { this.int32(b.length); return this.rawView(asBuffer(b)) }
  nullableBytes (b: Uint8Array | null): this { return b === null ? this.int32(-1) : this.bytes(b) }
  compactBytes (b: Uint8Array): this { this.uvarint(b.length + 1); return this.rawView(asBuffer(b)) }
  compactNullableBytes (b: Uint8Array | null): this { return b === null ? this.uvarint(0) : this.compactBytes(b) }

  array<T> (items: readonly T[], writeItem: (w: Writer, item: T) => void): this {
    this.int32(items.length)
    for (const item of items) writeItem(this, item)
    return this
  }

  nullableArray<T> (items: readonly T[] | null, writeItem: (w: Writer, item: T) => void): this {
    return items === null ? this.int32(-1) : this.array(items, writeItem)
  }

  compactArray<T> (items: readonly T[], writeItem: (w: Writer, item: T) => void): this {
    this.uvarint(items.length + 1)
    for (const item of items) writeItem(this, item)
    return this
  }

  compactNullableArray<T> (items: readonly T[] | null, writeItem: (w: Writer, item: T) => void): this {
    return items === null ? this.uvarint(0) : this.compactArray(items, writeItem)
  }

  /** Reserves the 4-byte size prefix of a frame; `finish()` patches it. Must be the first thing written. */
  sizePrefix (): this {
    if (this.length !== 0) throw new Error('sizePrefix() must come before anything else')
    this.sizeAt = 0
    return this.int32(0)
  }

  /** Position for a later `patchInt32`, only valid while no chunk has been closed since. */
  mark (): number { return this.chunkBytes + this.pos }

  patchInt32 (mark: number, v: number): this {
    const at = mark - this.chunkBytes
    if (at < 0) throw new Error('cannot patch a position inside a closed chunk')
    this.buf.writeInt32BE(v, at)
    return this
  }

  /** Direct access for callers that patch checksums over what they wrote (record batches). */
  slice (fromMark: number, toMark = this.mark()): Buffer {
    const from = fromMark - this.chunkBytes
    if (from < 0) throw new Error('cannot view a range inside a closed chunk')
    return this.buf.subarray(from, toMark - this.chunkBytes)
  }

  /** The written bytes as chunks (no copy), with the size prefix patched if one was reserved. */
  finishChunks (): Buffer[] {
    const chunks = this.chunks.length === 0 ? [this.buf.subarray(0, this.pos)] : [...this.chunks, this.buf.subarray(0, this.pos)]
    if (this.sizeAt === 0) chunks[0].writeInt32BE(this.length - 4, 0)
    return chunks.filter(c => c.length > 0)
  }

  /** The written bytes as one Buffer (a view when nothing was gathered by reference). */
  finish (): Buffer {
    const chunks = this.finishChunks()
    if (chunks.length === 1) return chunks[0]
    return Buffer.concat(chunks, this.length)
  }
}

function asBuffer (b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)
}
