// Legacy message sets, magic 0 (Kafka 0.8) and magic 1 (0.10, KIP-32 timestamps); protocol guide, "Message sets".
// A message set is messages back to back, each:
//
//   offset  field        type    note
//    0      offset       int64
//    8      messageSize  int32   bytes after this field
//   12      crc          uint32  CRC-32 (IEEE) from `magic` to the end of the message
//   16      magic        int8    0 or 1
//   17      attributes   int8    bits 0-2 codec; bit 3 timestampType (magic 1 only)
//   18      timestamp    int64   magic 1 only
//   18|26   key          bytes   int32 length, -1 = null
//           value        bytes   int32 length, -1 = null
//
// Compression wraps a whole inner message set in the value of one "wrapper" message whose codec bits are set. For
// magic 1 the inner offsets are relative (0..n-1) and the wrapper carries the absolute offset of the LAST inner
// message, so brokers assign offsets without recompressing (KIP-31); for magic 0 inner offsets are absolute. With
// LogAppendTime the wrapper's timestamp stands for every inner message (KIP-32). Kafka 4.0 no longer accepts these
// formats on produce (KIP-724), but logs written long ago may still hold them, so we read them.
import { type CompressionCodec, codecFromAttributes, codecId, compress, decompress } from '../compression/codec.js'
import { CompressionError, EncodeError } from '../errors.js'
import { Writer } from '../writer.js'
import { corrupt } from './corrupt.js'
import { crc32 } from './crc32.js'
import { toBytes, toTimestamp } from './record-batch.js'
import type { BatchInfo, KafkaRecord, RecordHeader, RecordInput, RecordSource, TimestampType } from './types.js'

export const LOG_OVERHEAD = 12 // offset + messageSize
export const LEGACY_CRC = 12
export const LEGACY_MAGIC = 16
export const LEGACY_ATTRIBUTES = 17
export const LEGACY_TIMESTAMP = 18
const ATTR_CODEC_MASK = 0x07
const ATTR_LOG_APPEND_TIME = 0x08

/** Smallest messageSize: crc, magic, attributes, [timestamp], key length, value length. */
export function minMessageSize (magic: number): number {
  return magic === 0 ? 14 : 22
}

/** A decoded legacy message. Legacy messages have no headers, producer ids or leader epochs. */
export class LegacyRecord implements KafkaRecord {
  constructor (
    readonly offset: bigint,
    readonly timestamp: bigint,
    readonly key: Buffer | null,
    readonly value: Buffer | null,
    readonly timestampType: TimestampType,
    readonly magic: number,
    /** The raw attributes byte; the codec bits are set only on wrapper messages. */
    readonly attributes: number
  ) {}

  get headers (): RecordHeader[] { return [] }
  get leaderEpoch (): number { return -1 }
  get isControl (): boolean { return false }
}

/** Parses one message at buf[start, end), `end` coming from messageSize; key and value are views. */
export function parseMessage (buf: Buffer, start: number, end: number, src: RecordSource, verifyCrc: boolean): LegacyRecord {
  const offset = buf.readBigInt64BE(start)
  const magic = buf.readInt8(start + LEGACY_MAGIC)
  if (magic !== 0 && magic !== 1) throw corrupt(src, offset, `message magic ${magic} inside a legacy message set`)
  if (end - start - LOG_OVERHEAD < minMessageSize(magic)) {
    throw corrupt(src, offset, `magic-${magic} message of ${end - start - LOG_OVERHEAD} bytes is shorter than the minimum ${minMessageSize(magic)}`)
  }
  if (verifyCrc) {
    const stored = buf.readUInt32BE(start + LEGACY_CRC)
    const actual = crc32(buf, start + LEGACY_MAGIC, end)
    if (stored !== actual) throw corrupt(src, offset, `message CRC-32 mismatch: stored 0x${hex(stored)}, computed 0x${hex(actual)}`)
  }
  const attributes = buf[start + LEGACY_ATTRIBUTES]
  let pos = start + LEGACY_TIMESTAMP
  let timestamp = -1n
  let timestampType: TimestampType = 'create'
  if (magic === 1) {
    timestamp = buf.readBigInt64BE(pos)
    pos += 8
    if ((attributes & ATTR_LOG_APPEND_TIME) !== 0) timestampType = 'logAppend'
  }
  const keyLength = buf.readInt32BE(pos)
  pos += 4
  let key: Buffer | null = null
  if (keyLength !== -1) {
    // The value's 4-byte length must still fit after the key.
    if (keyLength < 0 || keyLength > end - pos - 4) throw corrupt(src, offset, `message key length ${keyLength} does not fit`)
    key = buf.subarray(pos, pos + keyLength)
    pos += keyLength
  }
  const valueLength = buf.readInt32BE(pos)
  pos += 4
  let value: Buffer | null = null
  if (valueLength !== -1) {
    if (valueLength !== end - pos) throw corrupt(src, offset, `message value length ${valueLength} does not match the ${end - pos} bytes left in the message`)
    value = buf.subarray(pos, end)
  } else if (pos !== end) {
    throw corrupt(src, offset, `${end - pos} bytes left over after a null value`)
  }
  return new LegacyRecord(offset, timestamp, key, value, timestampType, magic, attributes)
}

/** The codec of a legacy message; zstd and ids 5-7 never appear in magic 0/1 (zstd needs magic 2, KIP-110). */
export function legacyCodec (msg: LegacyRecord, src: RecordSource): CompressionCodec {
  const id = msg.attributes & ATTR_CODEC_MASK
  if (id > 3) throw corrupt(src, msg.offset, `compression codec ${id} is not valid in a magic-${msg.magic} message`)
  return codecFromAttributes(id)
}

/**
 * The messages inside a compressed wrapper, with absolute offsets and the timestamps a reader should see.
 * Every inner message must be an uncompressed message of the wrapper's magic.
 */
export function unwrapMessages (wrapper: LegacyRecord, codec: CompressionCodec, src: RecordSource, verifyCrc: boolean,
  maxDecompressedBytes: number | undefined): LegacyRecord[] {
  if (wrapper.value === null) throw corrupt(src, wrapper.offset, 'compressed wrapper message has a null value')
  // KIP-57: magic-0 LZ4 carries a header checksum computed over the wrong bytes.
  const inner = decompress(codec, wrapper.value, { maxOutputBytes: maxDecompressedBytes, legacyLz4HeaderChecksum: wrapper.magic === 0 })
  const out: LegacyRecord[] = []
  let pos = 0
  while (pos < inner.length) {
    if (inner.length - pos < LOG_OVERHEAD) throw corrupt(src, wrapper.offset, 'truncated message inside a compressed wrapper')
    const size = inner.readInt32BE(pos + 8)
    if (size < 0 || size > inner.length - pos - LOG_OVERHEAD) throw corrupt(src, wrapper.offset, `inner message size ${size} does not fit`)
    const end = pos + LOG_OVERHEAD + size
    if (size < 5) throw corrupt(src, wrapper.offset, `inner message size ${size} is too small`)
    const msg = parseMessage(inner, pos, end, src, verifyCrc)
    if (msg.magic !== wrapper.magic) throw corrupt(src, wrapper.offset, `inner magic ${msg.magic} differs from the wrapper's ${wrapper.magic}`)
    if ((msg.attributes & ATTR_CODEC_MASK) !== 0) throw corrupt(src, wrapper.offset, 'compressed message nested inside a compressed wrapper')
    out.push(msg)
    pos = end
  }
  if (out.length === 0) throw corrupt(src, wrapper.offset, 'compressed wrapper holds no messages')
  if (wrapper.magic === 0) return out
  const shift = wrapper.offset - out[out.length - 1].offset
  const logAppend = wrapper.timestampType === 'logAppend'
  for (let i = 0; i < out.length; i++) {
    const m = out[i]
    out[i] = new LegacyRecord(shift + m.offset, logAppend ? wrapper.timestamp : m.timestamp, m.key, m.value,
      wrapper.timestampType, m.magic, m.attributes)
  }
  return out
}

/** BatchInfo for one top-level legacy message; a compressed wrapper is opened to count and place its messages. */
export function readMessageSetInfo (blob: Buffer, start: number, end: number, src: RecordSource, verifyCrc: boolean,
  maxDecompressedBytes: number | undefined): BatchInfo {
  const msg = parseMessage(blob, start, end, src, verifyCrc)
  const compression = legacyCodec(msg, src)
  let baseOffset = msg.offset
  let lastOffset = msg.offset
  let recordCount = 1
  let firstTimestamp = msg.timestamp
  if (compression !== 'none') {
    const inner = unwrapMessages(msg, compression, src, verifyCrc, maxDecompressedBytes)
    baseOffset = inner[0].offset
    lastOffset = inner[inner.length - 1].offset
    recordCount = inner.length
    firstTimestamp = inner[0].timestamp
  }
  return {
    start,
    end,
    magic: msg.magic,
    baseOffset,
    lastOffset,
    recordCount,
    firstTimestamp,
    maxTimestamp: msg.timestamp,
    attributes: msg.attributes,
    compression,
    isTransactional: false,
    isControl: false,
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
    partitionLeaderEpoch: -1,
    timestampType: msg.timestampType
  }
}

// ---- encoding ----

function writeMessage (w: Writer, offset: bigint, magic: 0 | 1, attributes: number, timestamp: bigint,
  key: Buffer | null, value: Buffer | null): void {
  const size = minMessageSize(magic) + (key?.length ?? 0) + (value?.length ?? 0)
  w.int64(offset)
  w.int32(size)
  const crcAt = w.mark()
  w.int32(0)
  w.int8(magic)
  w.int8(attributes)
  if (magic === 1) w.int64(timestamp)
  // Copied with raw(), never kept by reference (Writer.bytes does that above 64 KiB), so the CRC can be computed
  // over the message in the Writer's own buffer and patched in.
  writeLegacyBytes(w, key)
  writeLegacyBytes(w, value)
  w.patchInt32(crcAt, crc32(w.slice(crcAt + 4)) | 0)
}

function writeLegacyBytes (w: Writer, b: Buffer | null): void {
  if (b === null) { w.int32(-1); return }
  w.int32(b.length)
  w.raw(b)
}

export interface MessageSetOptions {
  magic: 0 | 1
  baseOffset?: bigint
  compression?: CompressionCodec
  /** Magic 1 only. */
  timestampType?: TimestampType
}

/** Encodes records as a legacy message set: one message each, or one compressed wrapper holding them all. */
export function encodeMessageSet (records: RecordInput[], opts: MessageSetOptions): Buffer {
  const magic = opts.magic
  const fail = (field: string, detail: string): EncodeError => new EncodeError('MessageSet', magic, field, detail)
  if (magic !== 0 && magic !== 1) throw fail('magic', `legacy message sets have magic 0 or 1, not ${String(magic)}`)
  if (records.length === 0) throw fail('records', 'a message set holds at least one message')
  const compression = opts.compression ?? 'none'
  if (compression === 'zstd') throw fail('compression', 'zstd needs magic 2 (KIP-110)')
  const codec = codecId(compression)
  const logAppend = magic === 1 && opts.timestampType === 'logAppend' ? ATTR_LOG_APPEND_TIME : 0
  const baseOffset = opts.baseOffset ?? 0n
  let nowValue: bigint | undefined
  const now = (): bigint => (nowValue ??= BigInt(Date.now()))
  const w = new Writer(64 * records.length)
  let maxTimestamp = -1n
  for (let i = 0; i < records.length; i++) {
    const r = records[i]
    if (r.headers !== undefined && r.headers.length > 0) throw fail(`records[${i}].headers`, 'legacy messages cannot carry headers (KIP-82 needs magic 2)')
    const ts = magic === 1 ? toTimestamp(r.timestamp, now) : -1n
    if (ts > maxTimestamp) maxTimestamp = ts
    // Inner offsets of a magic-1 wrapper are relative (KIP-31).
    const offset = compression !== 'none' && magic === 1 ? BigInt(i) : baseOffset + BigInt(i)
    writeMessage(w, offset, magic, compression === 'none' ? logAppend : 0, ts, toBytes(r.key), toBytes(r.value))
  }
  if (compression === 'none') return w.finish()
  let packed: Buffer
  try {
    packed = compress(compression, w.finish(), { legacyLz4HeaderChecksum: magic === 0 })
  } catch (err) {
    if (err instanceof CompressionError) throw fail('records', `${compression} compression failed: ${err.message}`)
    throw err
  }
  const out = new Writer(packed.length + 64)
  writeMessage(out, baseOffset + BigInt(records.length - 1), magic, codec | logAppend, maxTimestamp, null, packed)
  return out.finish()
}

function hex (n: number): string {
  return n.toString(16).padStart(8, '0')
}
