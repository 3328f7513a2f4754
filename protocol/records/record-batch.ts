// Record batches, magic 2 (KIP-98; protocol guide "Record Batch"). A batch is a fixed 61-byte header followed by
// `recordsCount` records, the records compressed as one block when the codec is not 'none':
//
//   offset  field                 type    note
//    0      baseOffset            int64
//    8      batchLength           int32   bytes after this field: the batch is batchLength + 12 bytes
//   12      partitionLeaderEpoch  int32   not covered by the CRC: the broker stamps it on append (KIP-101)
//   16      magic                 int8    2; at the same position as a legacy message's magic
//   17      crc                   uint32  CRC-32C of everything from `attributes` to the end
//   21      attributes            int16   bits 0-2 codec, 3 timestampType, 4 transactional, 5 control,
//                                         6 hasDeleteHorizonMs (KIP-534: baseTimestamp is the delete horizon)
//   23      lastOffsetDelta       int32
//   27      baseTimestamp         int64
//   35      maxTimestamp          int64
//   43      producerId            int64   -1 when not idempotent
//   51      producerEpoch         int16
//   53      baseSequence          int32
//   57      recordsCount          int32
//   61      records
//
// Each record: length varint (of what follows), attributes int8 (unused), timestampDelta varlong, offsetDelta
// varint, keyLength varint (-1 = null), key, valueLength varint, value, headers count varint, then per header
// keyLength varint, key (UTF-8), valueLength varint (-1 = null), value. Varints are zigzag-encoded, as in protobuf.
import { type CompressionCodec, codecFromAttributes, codecId, compress } from '../compression/codec.js'
import { CompressionError, EncodeError } from '../errors.js'
import { Writer } from '../writer.js'
import { corrupt } from './corrupt.js'
import { crc32c } from './crc32c.js'
import type { BatchInfo, BatchOptions, RecordInput, RecordSource } from './types.js'

export const V2_BASE_OFFSET = 0
export const V2_BATCH_LENGTH = 8
export const V2_LEADER_EPOCH = 12
export const V2_MAGIC = 16
export const V2_CRC = 17
export const V2_ATTRIBUTES = 21
export const V2_LAST_OFFSET_DELTA = 23
export const V2_BASE_TIMESTAMP = 27
export const V2_MAX_TIMESTAMP = 35
export const V2_PRODUCER_ID = 43
export const V2_PRODUCER_EPOCH = 51
export const V2_BASE_SEQUENCE = 53
export const V2_RECORDS_COUNT = 57
export const V2_HEADER_BYTES = 61

export const ATTR_CODEC_MASK = 0x07
export const ATTR_LOG_APPEND_TIME = 0x08
export const ATTR_TRANSACTIONAL = 0x10
export const ATTR_CONTROL = 0x20
/** KIP-534: the batch's baseTimestamp is the delete horizon the log cleaner set (tombstones, transaction markers). */
export const ATTR_DELETE_HORIZON = 0x40

/**
 * The smallest record: length, attributes, timestampDelta, offsetDelta, keyLength, valueLength and headers count
 * take a byte each. A count larger than bytes / 7 cannot be honest, so it fails before any work is done.
 */
export const MIN_RECORD_BYTES = 7

/** Control record types, the int16 after the version in a control record's key (KIP-98). */
export const CONTROL_ABORT = 0
export const CONTROL_COMMIT = 1

/**
 * Reads a v2 batch header at blob[start, end), where `end` already comes from batchLength. Structure only: the CRC
 * is checked by `verifyBatchCrc`, the records by the iterator.
 */
export function readRecordBatchInfo (blob: Buffer, start: number, end: number, src: RecordSource): BatchInfo {
  const baseOffset = blob.readBigInt64BE(start)
  if (end - start < V2_HEADER_BYTES) {
    throw corrupt(src, baseOffset, `record batch of ${end - start} bytes is shorter than the ${V2_HEADER_BYTES}-byte header`)
  }
  const attributes = blob.readInt16BE(start + V2_ATTRIBUTES)
  const recordCount = blob.readInt32BE(start + V2_RECORDS_COUNT)
  let compression: CompressionCodec
  try {
    compression = codecFromAttributes(attributes)
  } catch (err) {
    throw corrupt(src, baseOffset, `unknown compression codec ${attributes & ATTR_CODEC_MASK}`, err)
  }
  if (recordCount < 0) throw corrupt(src, baseOffset, `negative record count ${recordCount}`)
  if (compression === 'none') {
    const bytes = end - start - V2_HEADER_BYTES
    if (recordCount * MIN_RECORD_BYTES > bytes) throw corrupt(src, baseOffset, `${recordCount} records cannot fit in ${bytes} bytes`)
    // Compaction may leave a batch with no records (to keep producer state), but then with no record bytes either.
    if (recordCount === 0 && bytes !== 0) throw corrupt(src, baseOffset, `no records, yet ${bytes} bytes of them`)
  }
  const firstTimestamp = blob.readBigInt64BE(start + V2_BASE_TIMESTAMP)
  return {
    start,
    end,
    magic: 2,
    baseOffset,
    lastOffset: baseOffset + BigInt(blob.readInt32BE(start + V2_LAST_OFFSET_DELTA)),
    recordCount,
    firstTimestamp,
    maxTimestamp: blob.readBigInt64BE(start + V2_MAX_TIMESTAMP),
    attributes,
    compression,
    isTransactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
    isControl: (attributes & ATTR_CONTROL) !== 0,
    producerId: blob.readBigInt64BE(start + V2_PRODUCER_ID),
    producerEpoch: blob.readInt16BE(start + V2_PRODUCER_EPOCH),
    baseSequence: blob.readInt32BE(start + V2_BASE_SEQUENCE),
    partitionLeaderEpoch: blob.readInt32BE(start + V2_LEADER_EPOCH),
    timestampType: (attributes & ATTR_LOG_APPEND_TIME) !== 0 ? 'logAppend' : 'create'
  }
}

/** True when the stored CRC-32C matches the bytes from `attributes` to the end. */
export function recordBatchCrcMatches (blob: Buffer, start: number, end: number): boolean {
  return crc32c(blob, start + V2_ATTRIBUTES, end) === blob.readUInt32BE(start + V2_CRC)
}

// ---- encoding ----

function encodeError (field: string, detail: string): EncodeError {
  return new EncodeError('RecordBatch', 2, field, detail)
}

export function toBytes (v: Buffer | string | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v
}

export function toTimestamp (v: bigint | number | undefined, now: () => bigint): bigint {
  if (v === undefined) return now()
  if (typeof v === 'bigint') return v
  if (!Number.isSafeInteger(v)) throw encodeError('timestamp', `not an integer millisecond timestamp: ${v}`)
  return BigInt(v)
}

function zigzagBytes (v: number): number {
  // Zigzag maps n to 2n (n >= 0) or -2n-1; then 7 bits per byte. Arithmetic, not bit operations: timestamp
  // deltas may exceed 32 bits.
  let n = v >= 0 ? v * 2 : -v * 2 - 1
  let bytes = 1
  while (n >= 0x80) { n = Math.floor(n / 128); bytes++ }
  return bytes
}

function bytesField (b: Buffer | null): number {
  return b === null ? 1 : zigzagBytes(b.length) + b.length
}

function writeBytesField (w: Writer, b: Buffer | null): void {
  if (b === null) { w.varint(-1); return }
  w.varint(b.length)
  w.raw(b)
}

function byteCount (v: Buffer | string | null | undefined): number {
  return v === null || v === undefined ? -1 : typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length
}

/** A bytes field's length on the wire, from its byte count (-1 for null). */
function fieldBytes (n: number): number {
  return n < 0 ? 1 : zigzagBytes(n) + n
}

/**
 * The records section, measured first and written second, so that it goes into one buffer allocated once at its
 * exact size: a record of 8 MB is copied once, not through a chain of doubling buffers that would also leave the
 * batch holding twice its size. `sizes` and `deltas` receive each record's body length (its length prefix) and
 * timestamp delta.
 */
function measureRecords (records: RecordInput[], baseTimestamp: bigint, now: () => bigint, sizes: Int32Array, deltas: Float64Array): { bytes: number, maxTimestamp: bigint } {
  let maxTimestamp = -1n
  let bytes = 0
  for (let i = 0; i < records.length; i++) {
    const r = records[i]
    const ts = toTimestamp(r.timestamp, now)
    if (ts > maxTimestamp) maxTimestamp = ts
    const delta = Number(ts - baseTimestamp)
    if (!Number.isSafeInteger(delta)) throw encodeError(`records[${i}].timestamp`, 'too far from the base timestamp')
    const headers = r.headers ?? []
    // A compacted batch's records keep their offset deltas (gaps), so the delta's varint may be longer than i's.
    let size = 1 + zigzagBytes(delta) + zigzagBytes(r.offsetDelta ?? i) + fieldBytes(byteCount(r.key)) + fieldBytes(byteCount(r.value)) + zigzagBytes(headers.length)
    for (let h = 0; h < headers.length; h++) size += fieldBytes(Buffer.byteLength(headers[h].key, 'utf8')) + fieldBytes(byteCount(headers[h].value))
    sizes[i] = size
    deltas[i] = delta
    bytes += zigzagBytes(size) + size
  }
  return { bytes, maxTimestamp }
}

/** Writes the records section (uncompressed) measured by measureRecords. */
function writeRecords (w: Writer, records: RecordInput[], sizes: Int32Array, deltas: Float64Array): void {
  for (let i = 0; i < records.length; i++) {
    const r = records[i]
    const headers = r.headers ?? []
    w.varint(sizes[i])
    w.int8(0) // record attributes: unused since KIP-98
    w.varlongNumber(deltas[i])
    w.varint(r.offsetDelta ?? i)
    writeBytesField(w, toBytes(r.key))
    writeBytesField(w, toBytes(r.value))
    w.varint(headers.length)
    for (let h = 0; h < headers.length; h++) {
      writeBytesField(w, Buffer.from(headers[h].key, 'utf8'))
      writeBytesField(w, toBytes(headers[h].value))
    }
  }
}

function makeClock (): () => bigint {
  // One Date.now() per batch, so records without timestamps share one.
  let now: bigint | undefined
  return () => (now ??= BigInt(Date.now()))
}

/** A codec's attribute bits; EncodeError for an unknown one. */
export function codecAttribute (compression: CompressionCodec): number {
  try {
    return codecId(compression)
  } catch {
    throw encodeError('compression', `unknown codec ${String(compression)}`)
  }
}

/** A records section compressed as one block; a codec's failure is an EncodeError naming it. */
export function compressRecords (compression: CompressionCodec, records: Buffer): Buffer {
  try {
    return compress(compression, records)
  } catch (err) {
    if (err instanceof CompressionError) throw encodeError('records', `${compression} compression failed: ${err.message}`)
    throw err
  }
}

/** Encodes one record batch (magic 2) with its CRC-32C set. */
export function encodeRecordBatch (records: RecordInput[], opts: BatchOptions = {}): Buffer {
  if (records.length === 0) throw encodeError('records', 'a record batch holds at least one record')
  const compression = opts.compression ?? 'none'
  let attributes = codecAttribute(compression)
  if (opts.timestampType === 'logAppend') attributes |= ATTR_LOG_APPEND_TIME
  if (opts.transactional === true) attributes |= ATTR_TRANSACTIONAL
  if (opts.isControl === true) attributes |= ATTR_CONTROL
  if (opts.deleteHorizonMs !== undefined) attributes |= ATTR_DELETE_HORIZON
  const lastOffsetDelta = opts.lastOffsetDelta ?? records.length - 1
  checkOffsetDeltas(records, lastOffsetDelta)
  const now = makeClock()
  const baseTimestamp = opts.deleteHorizonMs ?? opts.baseTimestamp ?? toTimestamp(records[0].timestamp, now)

  let out: Buffer
  const sizes = new Int32Array(records.length)
  const deltas = new Float64Array(records.length)
  const { bytes, maxTimestamp } = measureRecords(records, baseTimestamp, now, sizes, deltas)
  if (compression === 'none') {
    // The writer reserves room for a varint's longest form before writing it: the slack keeps the last ones from
    // doubling the buffer.
    const w = new Writer(V2_HEADER_BYTES + bytes + WRITER_SLACK)
    w.raw(HEADER_PLACEHOLDER)
    writeRecords(w, records, sizes, deltas)
    out = w.finish()
  } else {
    const w = new Writer(bytes + WRITER_SLACK)
    writeRecords(w, records, sizes, deltas)
    const packed = compressRecords(compression, w.finish())
    out = Buffer.allocUnsafe(V2_HEADER_BYTES + packed.length)
    out.set(packed, V2_HEADER_BYTES)
  }

  writeV2Header(out, {
    baseOffset: opts.baseOffset ?? 0n,
    partitionLeaderEpoch: opts.partitionLeaderEpoch ?? -1,
    attributes,
    lastOffsetDelta,
    baseTimestamp,
    maxTimestamp,
    producerId: opts.producerId ?? -1n,
    producerEpoch: opts.producerEpoch ?? -1,
    baseSequence: opts.baseSequence ?? -1,
    recordsCount: records.length
  })
  return out
}

export interface V2Header {
  baseOffset: bigint
  partitionLeaderEpoch: number
  attributes: number
  lastOffsetDelta: number
  baseTimestamp: bigint
  maxTimestamp: bigint
  producerId: bigint
  producerEpoch: number
  baseSequence: number
  recordsCount: number
}

/** Fills the 61-byte header of a batch whose records section is already in place after it, CRC last. */
export function writeV2Header (out: Buffer, h: V2Header): void {
  out.writeBigInt64BE(h.baseOffset, V2_BASE_OFFSET)
  out.writeInt32BE(out.length - 12, V2_BATCH_LENGTH)
  out.writeInt32BE(h.partitionLeaderEpoch, V2_LEADER_EPOCH)
  out.writeInt8(2, V2_MAGIC)
  out.writeInt16BE(h.attributes, V2_ATTRIBUTES)
  out.writeInt32BE(h.lastOffsetDelta, V2_LAST_OFFSET_DELTA)
  out.writeBigInt64BE(h.baseTimestamp, V2_BASE_TIMESTAMP)
  out.writeBigInt64BE(h.maxTimestamp, V2_MAX_TIMESTAMP)
  out.writeBigInt64BE(h.producerId, V2_PRODUCER_ID)
  out.writeInt16BE(h.producerEpoch, V2_PRODUCER_EPOCH)
  out.writeInt32BE(h.baseSequence, V2_BASE_SEQUENCE)
  out.writeInt32BE(h.recordsCount, V2_RECORDS_COUNT)
  out.writeUInt32BE(crc32c(out, V2_ATTRIBUTES, out.length), V2_CRC)
}

const HEADER_PLACEHOLDER = Buffer.alloc(V2_HEADER_BYTES)
/** The most a Writer reserves beyond what it writes (a varlong's 10 bytes). */
const WRITER_SLACK = 10

/**
 * Explicit offset deltas (a compacted batch keeps its records' offsets, with gaps) must grow and stay within the
 * batch's last offset delta, or readers would see offsets out of order.
 */
function checkOffsetDeltas (records: RecordInput[], lastOffsetDelta: number): void {
  if (!Number.isSafeInteger(lastOffsetDelta) || lastOffsetDelta < records.length - 1 || lastOffsetDelta > 0x7fffffff) {
    throw encodeError('lastOffsetDelta', `must be an int32 of at least ${records.length - 1} (the record count - 1), got ${lastOffsetDelta}`)
  }
  let previous = -1
  for (let i = 0; i < records.length; i++) {
    const delta = records[i].offsetDelta ?? i
    if (!Number.isSafeInteger(delta) || delta <= previous || delta > lastOffsetDelta) {
      throw encodeError(`records[${i}].offsetDelta`, `must grow from record to record and be at most lastOffsetDelta ${lastOffsetDelta}, got ${delta}`)
    }
    previous = delta
  }
}

/**
 * A batch header with no records, as Kafka's log cleaner leaves one (DefaultRecordBatch.writeEmptyHeader) where
 * every record of a batch is gone but the batch must stay: the last batch of an active producer keeps its sequence
 * numbers and epoch, and the last batch of a cleaned range keeps its last offset. No compression, no base timestamp
 * (-1), the original max timestamp, offsets and producer fields; readers skip it and go on after its last offset.
 */
export function encodeEmptyRecordBatch (b: BatchInfo): Buffer {
  const out = Buffer.alloc(V2_HEADER_BYTES)
  out.writeBigInt64BE(b.baseOffset, V2_BASE_OFFSET)
  out.writeInt32BE(V2_HEADER_BYTES - 12, V2_BATCH_LENGTH)
  out.writeInt32BE(b.partitionLeaderEpoch, V2_LEADER_EPOCH)
  out.writeInt8(2, V2_MAGIC)
  out.writeInt16BE(b.attributes & (ATTR_LOG_APPEND_TIME | ATTR_TRANSACTIONAL | ATTR_CONTROL), V2_ATTRIBUTES)
  out.writeInt32BE(Number(b.lastOffset - b.baseOffset), V2_LAST_OFFSET_DELTA)
  out.writeBigInt64BE(-1n, V2_BASE_TIMESTAMP)
  out.writeBigInt64BE(b.maxTimestamp, V2_MAX_TIMESTAMP)
  out.writeBigInt64BE(b.producerId, V2_PRODUCER_ID)
  out.writeInt16BE(b.producerEpoch, V2_PRODUCER_EPOCH)
  out.writeInt32BE(b.baseSequence, V2_BASE_SEQUENCE)
  out.writeInt32BE(0, V2_RECORDS_COUNT)
  out.writeUInt32BE(crc32c(out, V2_ATTRIBUTES, out.length), V2_CRC)
  return out
}

/**
 * A transaction marker record (KIP-98), for a batch encoded with `isControl: true, transactional: true` and the
 * producer's id and epoch. Key: version int16 (0), type int16 (0 abort, 1 commit). Value (EndTxnMarker): version
 * int16 (0), coordinatorEpoch int32.
 */
export function controlRecord (type: 'abort' | 'commit', opts: { coordinatorEpoch?: number, timestamp?: bigint | number } = {}): RecordInput {
  const key = Buffer.alloc(4)
  key.writeInt16BE(0, 0)
  key.writeInt16BE(type === 'abort' ? CONTROL_ABORT : CONTROL_COMMIT, 2)
  const value = Buffer.alloc(6)
  value.writeInt16BE(0, 0)
  value.writeInt32BE(opts.coordinatorEpoch ?? 0, 2)
  return { key, value, timestamp: opts.timestamp }
}

/**
 * Rewrites a stored batch's header in place, as a broker does on append: the offset it assigns, its leader epoch
 * and, for topics with message.timestamp.type=LogAppendTime, the append time. baseOffset and the leader epoch lie
 * before the CRC's range, so only a timestamp change recomputes the CRC (KIP-98: the CRC starts at attributes
 * precisely so that brokers can assign offsets without recomputing it). With LogAppendTime the broker sets
 * timestampType and maxTimestamp; readers then report maxTimestamp for every record (KIP-32). A producer may set
 * its producer id, epoch and base sequence.
 */
export function rewriteBatchHeader (batch: Buffer, changes: { baseOffset?: bigint, partitionLeaderEpoch?: number, logAppendTime?: bigint, maxTimestamp?: bigint, producerId?: bigint, producerEpoch?: number, baseSequence?: number }): void {
  if (batch.length < V2_HEADER_BYTES || batch[V2_MAGIC] !== 2 || batch.readInt32BE(V2_BATCH_LENGTH) + 12 !== batch.length) {
    throw corrupt({}, batch.length >= 8 ? batch.readBigInt64BE(0) : undefined, 'rewriteBatchHeader needs exactly one magic-2 record batch')
  }
  if (changes.baseOffset !== undefined) batch.writeBigInt64BE(changes.baseOffset, V2_BASE_OFFSET)
  if (changes.partitionLeaderEpoch !== undefined) batch.writeInt32BE(changes.partitionLeaderEpoch, V2_LEADER_EPOCH)
  // Both fields below lie inside the CRC's range (attributes to the end), so changing either recomputes it.
  let crcChanged = false
  if (changes.logAppendTime !== undefined) {
    batch.writeInt16BE(batch.readInt16BE(V2_ATTRIBUTES) | ATTR_LOG_APPEND_TIME, V2_ATTRIBUTES)
    batch.writeBigInt64BE(changes.logAppendTime, V2_MAX_TIMESTAMP)
    crcChanged = true
  } else if (changes.maxTimestamp !== undefined && batch.readBigInt64BE(V2_MAX_TIMESTAMP) !== changes.maxTimestamp) {
    batch.writeBigInt64BE(changes.maxTimestamp, V2_MAX_TIMESTAMP)
    crcChanged = true
  }
  // A producer renumbering a batch it could not write under a new epoch (KIP-360) changes these, without
  // encoding the records again.
  if (changes.producerId !== undefined) { batch.writeBigInt64BE(changes.producerId, V2_PRODUCER_ID); crcChanged = true }
  if (changes.producerEpoch !== undefined) { batch.writeInt16BE(changes.producerEpoch, V2_PRODUCER_EPOCH); crcChanged = true }
  if (changes.baseSequence !== undefined) { batch.writeInt32BE(changes.baseSequence, V2_BASE_SEQUENCE); crcChanged = true }
  if (crcChanged) batch.writeUInt32BE(crc32c(batch, V2_ATTRIBUTES, batch.length), V2_CRC)
}
