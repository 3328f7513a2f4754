// A record batch (magic 2) built one record at a time, the way a producer fills it: each record is encoded into
// the batch's buffer when it is appended, so the caller's key, value and header objects can be let go at once
// and a waiting batch holds only its wire bytes (the Java client's MemoryRecordsBuilder works the same way). A
// producer that kept record objects until sending held each record's object, timestamp and array slot beside its
// bytes, and those objects lived long enough to reach V8's old generation: at a full buffer.memory that was more
// than the records themselves. `finish` writes the header (and compresses the records section if asked).
//
// Records get offset deltas 0, 1, 2, ... and timestamp deltas from the first record's timestamp (which may be
// negative: a later record may carry an earlier time). The layout is the one in record-batch.ts.
import type { CompressionCodec } from '../compression/codec.js'
import { EncodeError } from '../errors.js'
import { ATTR_TRANSACTIONAL, codecAttribute, compressRecords, V2_HEADER_BYTES, writeV2Header } from './record-batch.js'

export interface BuilderFinishOptions {
  compression?: CompressionCodec
  producerId?: bigint
  producerEpoch?: number
  baseSequence?: number
  transactional?: boolean
}

type Bytes = Buffer | string | null | undefined

/** Where a builder gets a larger buffer (at least `bytes`, or undefined to allocate one) and returns the one it outgrew. */
export interface BufferPool {
  take: (bytes: number) => Buffer | undefined
  give: (buf: Buffer) => void
}
type Headers = Array<{ key: string, value: Buffer | string | null }>

const EMPTY = Buffer.alloc(0)
/** Most batches start this small: a partition that gets one record a linger does not pin batch.size bytes. */
const INITIAL_CAPACITY = 1024

export class RecordBatchBuilder {
  private buf: Buffer
  private pos = V2_HEADER_BYTES
  private count = 0
  private baseTimestamp = 0
  private maxTimestamp = -1
  private finished = false

  /**
   * `growTo` is the capacity the buffer doubles up to (a producer's batch.size): past it, it grows only by what a
   * record needs, so a full batch holds little unused room. A record larger than the buffer gets a buffer of its
   * exact size, not a doubled one.
   */
  constructor (private readonly growTo: number, initial?: Buffer, private readonly pool?: BufferPool) {
    this.buf = initial !== undefined && initial.length >= V2_HEADER_BYTES
      ? initial
      : Buffer.allocUnsafe(Math.max(V2_HEADER_BYTES, Math.min(INITIAL_CAPACITY, growTo)))
  }

  /**
   * The buffer records are written into, until `finish` (it may have grown since the constructor). A caller that
   * recycles it must check whether the finished batch is a view of it: an uncompressed batch that filled most of
   * it is returned without a copy.
   */
  get buffer (): Buffer { return this.buf }

  /** Records appended so far. */
  get recordCount (): number { return this.count }

  /** The batch's size so far, uncompressed, header included. */
  get sizeInBytes (): number { return this.pos }

  /**
   * Encodes one record into the batch and returns the bytes it took, or 0 (writing nothing) when the batch already
   * holds a record and this one would take it past `limit` bytes. `timestamp` is its create time in ms. Throws
   * EncodeError (and leaves the batch as it was) for a timestamp that is not an integer or is too far from the
   * batch's first one.
   */
  append (key: Bytes, value: Bytes, headers: Headers | undefined, timestamp: bigint | number, limit = Infinity): number {
    if (this.finished) throw encodeError('records', 'the batch was already finished')
    const ts = typeof timestamp === 'bigint' ? Number(timestamp) : timestamp
    if (!Number.isSafeInteger(ts) || (typeof timestamp === 'bigint' && BigInt(ts) !== timestamp)) {
      throw encodeError(`records[${this.count}].timestamp`, `not an integer millisecond timestamp: ${String(timestamp)}`)
    }
    const delta = this.count === 0 ? 0 : ts - this.baseTimestamp
    if (!Number.isSafeInteger(delta)) throw encodeError(`records[${this.count}].timestamp`, 'too far from the base timestamp')
    const keyLength = byteCount(key)
    const valueLength = byteCount(value)
    const headerCount = headers === undefined ? 0 : headers.length
    let body = 1 + varlongBytes(delta) + varintBytes(this.count) + fieldBytes(keyLength) + fieldBytes(valueLength) + varintBytes(headerCount)
    for (let h = 0; h < headerCount; h++) {
      const header = (headers as Headers)[h]
      body += fieldBytes(Buffer.byteLength(header.key, 'utf8')) + fieldBytes(byteCount(header.value))
    }
    const total = varintBytes(body) + body
    if (this.count > 0 && this.pos + total > limit) return 0
    this.reserve(total)
    const buf = this.buf
    let p = writeVarint(buf, this.pos, body)
    buf[p++] = 0 // record attributes: unused since KIP-98
    p = writeVarlong(buf, p, delta)
    p = writeVarint(buf, p, this.count)
    p = writeField(buf, p, key, keyLength)
    p = writeField(buf, p, value, valueLength)
    p = writeVarint(buf, p, headerCount)
    for (let h = 0; h < headerCount; h++) {
      const header = (headers as Headers)[h]
      p = writeField(buf, p, header.key, Buffer.byteLength(header.key, 'utf8'))
      p = writeField(buf, p, header.value, byteCount(header.value))
    }
    this.pos = p
    if (this.count === 0) this.baseTimestamp = ts
    if (ts > this.maxTimestamp) this.maxTimestamp = ts
    this.count++
    return total
  }

  /**
   * The finished batch, with its CRC-32C set. Its bytes are the builder's own (no copy) unless compression or a
   * mostly empty buffer calls for a new one; the builder lets go of them and accepts no more records.
   */
  finish (opts: BuilderFinishOptions = {}): Buffer {
    if (this.count === 0) throw encodeError('records', 'a record batch holds at least one record')
    if (this.finished) throw encodeError('records', 'the batch was already finished')
    const compression = opts.compression ?? 'none'
    let attributes = codecAttribute(compression)
    if (opts.transactional === true) attributes |= ATTR_TRANSACTIONAL
    let out: Buffer
    if (compression === 'none') {
      // A batch closed early (linger.ms) in a large buffer is copied out, so a waiting batch pins only its bytes.
      out = this.buf.length - this.pos > Math.max(4096, this.pos) ? Buffer.from(this.buf.subarray(0, this.pos)) : this.buf.subarray(0, this.pos)
    } else {
      const packed = compressRecords(compression, this.buf.subarray(V2_HEADER_BYTES, this.pos))
      out = Buffer.allocUnsafe(V2_HEADER_BYTES + packed.length)
      out.set(packed, V2_HEADER_BYTES)
    }
    this.finished = true
    this.buf = EMPTY
    writeV2Header(out, {
      baseOffset: 0n,
      partitionLeaderEpoch: -1,
      attributes,
      lastOffsetDelta: this.count - 1,
      baseTimestamp: BigInt(this.baseTimestamp),
      maxTimestamp: BigInt(this.maxTimestamp),
      producerId: opts.producerId ?? -1n,
      producerEpoch: opts.producerEpoch ?? -1,
      baseSequence: opts.baseSequence ?? -1,
      recordsCount: this.count
    })
    return out
  }

  private reserve (bytes: number): void {
    const needed = this.pos + bytes
    if (needed <= this.buf.length) return
    const size = Math.max(needed, Math.min(this.buf.length * 2, this.growTo))
    const grown = this.pool?.take(size) ?? Buffer.allocUnsafe(size)
    this.buf.copy(grown, 0, 0, this.pos)
    this.pool?.give(this.buf)
    this.buf = grown
  }
}

function encodeError (field: string, detail: string): EncodeError {
  return new EncodeError('RecordBatch', 2, field, detail)
}

function byteCount (v: Bytes): number {
  return v === null || v === undefined ? -1 : typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length
}

/** A zigzag varint's length for an int32. */
function varintBytes (v: number): number {
  let n = ((v << 1) ^ (v >> 31)) >>> 0
  let bytes = 1
  while (n >= 0x80) { n >>>= 7; bytes++ }
  return bytes
}

/** A zigzag varlong's length for a safe integer (timestamp deltas may exceed 32 bits: arithmetic, not bit operations). */
function varlongBytes (v: number): number {
  let n = v >= 0 ? v * 2 : -v * 2 - 1
  let bytes = 1
  while (n >= 0x80) { n = Math.floor(n / 128); bytes++ }
  return bytes
}

/** A bytes field's length on the wire, from its byte count (-1 for null). */
function fieldBytes (n: number): number {
  return n < 0 ? 1 : varintBytes(n) + n
}

function writeVarint (buf: Buffer, p: number, v: number): number {
  let n = ((v << 1) ^ (v >> 31)) >>> 0
  while (n >= 0x80) { buf[p++] = (n & 0x7f) | 0x80; n >>>= 7 }
  buf[p++] = n
  return p
}

function writeVarlong (buf: Buffer, p: number, v: number): number {
  let n = v >= 0 ? v * 2 : -v * 2 - 1
  while (n >= 0x80) { buf[p++] = (n % 128) | 0x80; n = Math.floor(n / 128) }
  buf[p++] = n
  return p
}

function writeField (buf: Buffer, p: number, v: Bytes, length: number): number {
  p = writeVarint(buf, p, length)
  if (length <= 0) return p
  if (typeof v === 'string') return p + buf.write(v, p, length, 'utf8')
  // TypedArray set, not Buffer.copy: copy makes a new view of the source on every call, a cost per record here.
  buf.set(v as Buffer, p)
  return p + length
}
