// A magic-2 record decoded lazily. Fetch decoding is the client's hot path, and many readers look at only some
// fields (a stream that counts or checkpoints reads offsets; a filter reads keys). So the iterator validates each
// record's structure once, reading its varints into plain numbers, and allocates exactly one object per record;
// the bigint offset and timestamp, the Buffer views of key and value, and the header list are made on first access
// and cached.
import type { Reader } from '../reader.js'
import type { KafkaRecord, RecordHeader, TimestampType } from './types.js'

/** The largest base offset whose batch's offsets (base + an int32 delta) are all safe integers. */
const MAX_SAFE_BASE = BigInt(Number.MAX_SAFE_INTEGER) - 0x7fffffffn

/** What the records of one batch share: where their bytes live and the header fields they are relative to. */
export class V2BatchContext {
  /**
   * baseOffset as a number when every offset of the batch is a safe integer (offset deltas are int32), else NaN:
   * lets a printer write offsets without a bigint per record. Real offsets are far below 2^53.
   */
  readonly baseOffsetNumber: number

  constructor (
    /** The batch's bytes (the fetched blob) or its decompressed records. */
    readonly buf: Buffer,
    readonly baseOffset: bigint,
    readonly baseTimestamp: bigint,
    readonly maxTimestamp: bigint,
    readonly timestampType: TimestampType,
    readonly leaderEpoch: number,
    readonly isControl: boolean
  ) {
    this.baseOffsetNumber = baseOffset >= 0n && baseOffset <= MAX_SAFE_BASE ? Number(baseOffset) : NaN
  }
}

const NO_HEADERS = 0

export class V2Record implements KafkaRecord {
  private offsetValue: bigint | undefined = undefined
  private timestampValue: bigint | undefined = undefined
  private keyValue: Buffer | null | undefined = undefined
  private valueValue: Buffer | null | undefined = undefined
  private headersValue: RecordHeader[] | undefined = undefined

  // Not readonly: a reused record (IterateOptions.reuseRecord) is overwritten in place by `reset`.
  constructor (
    private batch: V2BatchContext,
    /** offset - baseOffset: cheap to compare without a bigint. */
    public offsetDelta: number,
    public timestampDelta: number,
    private keyAt: number,
    private keyLength: number,
    private valueAt: number,
    private valueLength: number,
    private headersAt: number,
    public headerCount: number
  ) {}

  /** Makes this object the next record, forgetting what was cached of the previous one. */
  reset (batch: V2BatchContext, offsetDelta: number, timestampDelta: number, keyAt: number, keyLength: number,
    valueAt: number, valueLength: number, headersAt: number, headerCount: number): void {
    this.batch = batch
    this.offsetDelta = offsetDelta
    this.timestampDelta = timestampDelta
    this.keyAt = keyAt
    this.keyLength = keyLength
    this.valueAt = valueAt
    this.valueLength = valueLength
    this.headersAt = headersAt
    this.headerCount = headerCount
    this.offsetValue = undefined
    this.timestampValue = undefined
    this.keyValue = undefined
    this.valueValue = undefined
    this.headersValue = undefined
  }

  get offset (): bigint {
    return (this.offsetValue ??= this.batch.baseOffset + BigInt(this.offsetDelta))
  }

  /** The offset as a number, or NaN when it is not a safe integer: the same value as `offset`, without a bigint. */
  get offsetNumber (): number {
    return this.batch.baseOffsetNumber + this.offsetDelta
  }

  get timestamp (): bigint {
    // With LogAppendTime the broker stamps only the batch's maxTimestamp; it stands for every record (KIP-32).
    if (this.timestampValue === undefined) {
      const b = this.batch
      this.timestampValue = b.timestampType === 'logAppend' ? b.maxTimestamp : b.baseTimestamp + BigInt(this.timestampDelta)
    }
    return this.timestampValue
  }

  get key (): Buffer | null {
    if (this.keyLength < 0) return null
    return (this.keyValue ??= this.batch.buf.subarray(this.keyAt, this.keyAt + this.keyLength))
  }

  get value (): Buffer | null {
    if (this.valueLength < 0) return null
    return (this.valueValue ??= this.batch.buf.subarray(this.valueAt, this.valueAt + this.valueLength))
  }

  get headers (): RecordHeader[] {
    if (this.headersValue === undefined) this.headersValue = this.headerCount === NO_HEADERS ? [] : decodeHeaders(this.batch.buf, this.headersAt, this.headerCount)
    return this.headersValue
  }

  get timestampType (): TimestampType { return this.batch.timestampType }
  get leaderEpoch (): number { return this.batch.leaderEpoch }
  get isControl (): boolean { return this.batch.isControl }
  get magic (): number { return 2 }

  /** What console.log shows: the record's fields, not the batch bookkeeping behind them. */
  [Symbol.for('nodejs.util.inspect.custom')] (): object {
    return { offset: this.offset, timestamp: this.timestamp, key: this.key, value: this.value, headers: this.headers, timestampType: this.timestampType }
  }
}

/** Zigzag varint at a position already validated by `readRecord`. */
function varintAt (buf: Buffer, state: { pos: number }): number {
  let n = 0
  let shift = 0
  for (;;) {
    const b = buf[state.pos++]
    n |= (b & 0x7f) << shift
    if (b < 0x80) break
    shift += 7
  }
  n >>>= 0
  return (n >>> 1) ^ -(n & 1)
}

function decodeHeaders (buf: Buffer, at: number, count: number): RecordHeader[] {
  const out = new Array<RecordHeader>(count)
  const state = { pos: at }
  for (let i = 0; i < count; i++) {
    const keyLength = varintAt(buf, state)
    const key = buf.toString('utf8', state.pos, state.pos + keyLength)
    state.pos += keyLength
    const valueLength = varintAt(buf, state)
    let value: Buffer | null = null
    if (valueLength >= 0) {
      value = buf.subarray(state.pos, state.pos + valueLength)
      state.pos += valueLength
    }
    out[i] = { key, value }
  }
  return out
}

/** length, attributes, timestampDelta, offsetDelta, keyLength, valueLength, headers count: a byte each at least. */
const MIN_RECORD_BODY = 6

/**
 * An unsigned varint of at most 4 bytes at buf[p], below `limit`, packed with its size as `value * 8 + bytes` (at
 * most 2^31 - 1: a small integer, so nothing is allocated and V8 inlines the call); -1 when it is longer, runs past
 * `limit` or is absent. The record fast path below gives up on -1.
 */
function packedUvarint (buf: Buffer, p: number, limit: number): number {
  if (p >= limit) return -1
  const b0 = buf[p]
  if (b0 < 0x80) return b0 * 8 + 1
  if (p + 1 >= limit) return -1
  const b1 = buf[p + 1]
  if (b1 < 0x80) return ((b0 & 0x7f) | (b1 << 7)) * 8 + 2
  if (p + 2 >= limit) return -1
  const b2 = buf[p + 2]
  if (b2 < 0x80) return ((b0 & 0x7f) | ((b1 & 0x7f) << 7) | (b2 << 14)) * 8 + 3
  if (p + 3 >= limit) return -1
  const b3 = buf[p + 3]
  if (b3 < 0x80) return ((b0 & 0x7f) | ((b1 & 0x7f) << 7) | ((b2 & 0x7f) << 14) | (b3 << 21)) * 8 + 4
  return -1
}

/** Zigzag decoding: 0, 1, 2, 3 ... to 0, -1, 1, -2 ... */
function zigzag (n: number): number {
  return (n >>> 1) ^ -(n & 1)
}

/**
 * Reads one record at `r`'s position and checks that all its lengths fit inside it and add up to exactly its
 * declared length, so the lazy getters never go out of bounds. Returns null, having skipped the record, when its
 * offsetDelta is below `minOffsetDelta` (the part of a batch before the fetch offset). Malformed input is a
 * ProtocolError from the Reader; the iterator names the batch. With `into`, that object is overwritten and
 * returned instead of a new one (IterateOptions.reuseRecord).
 *
 * This is the consumer's innermost loop, so it has a fast path over plain locals for records without headers whose
 * varints take at most 4 bytes (lengths up to 128 MiB, timestamp deltas up to ±37 hours: nearly all records). It
 * never throws: anything else, malformed input included, is read again from the record's start by
 * `readRecordChecked`, which reports every fault by name.
 */
export function readRecord (r: Reader, batch: V2BatchContext, minOffsetDelta: number, into?: V2Record): V2Record | null {
  const buf = r.buf
  let p = r.offset
  let v = packedUvarint(buf, p, r.end)
  if (v < 0) return readRecordChecked(r, batch, minOffsetDelta, into)
  p += v & 7
  const length = zigzag(v >>> 3)
  const end = p + length
  if (length < MIN_RECORD_BODY || end > r.end) return readRecordChecked(r, batch, minOffsetDelta, into)
  p++ // attributes: unused since KIP-98
  v = packedUvarint(buf, p, end)
  if (v < 0) return readRecordChecked(r, batch, minOffsetDelta, into)
  p += v & 7
  const timestampDelta = zigzag(v >>> 3)
  v = packedUvarint(buf, p, end)
  if (v < 0) return readRecordChecked(r, batch, minOffsetDelta, into)
  p += v & 7
  const offsetDelta = zigzag(v >>> 3)
  if (offsetDelta < minOffsetDelta) {
    r.offset = end
    return null
  }
  v = packedUvarint(buf, p, end)
  if (v < 0) return readRecordChecked(r, batch, minOffsetDelta, into)
  p += v & 7
  const keyLength = zigzag(v >>> 3)
  const keyAt = p
  if (keyLength > end - p || keyLength < -1) return readRecordChecked(r, batch, minOffsetDelta, into)
  if (keyLength > 0) p += keyLength
  v = packedUvarint(buf, p, end)
  if (v < 0) return readRecordChecked(r, batch, minOffsetDelta, into)
  p += v & 7
  const valueLength = zigzag(v >>> 3)
  const valueAt = p
  if (valueLength > end - p || valueLength < -1) return readRecordChecked(r, batch, minOffsetDelta, into)
  if (valueLength > 0) p += valueLength
  // The header count, zero here: a record with headers takes the checked path.
  if (p + 1 !== end || buf[p] !== 0) return readRecordChecked(r, batch, minOffsetDelta, into)
  r.offset = end
  if (into === undefined) return new V2Record(batch, offsetDelta, timestampDelta, keyAt, keyLength, valueAt, valueLength, end, 0)
  into.reset(batch, offsetDelta, timestampDelta, keyAt, keyLength, valueAt, valueLength, end, 0)
  return into
}

/** readRecord through the Reader: every fault named, headers, varints up to their full width. */
function readRecordChecked (r: Reader, batch: V2BatchContext, minOffsetDelta: number, into: V2Record | undefined): V2Record | null {
  const lengthAt = r.offset
  const length = r.varint()
  const start = r.offset
  const end = start + length
  if (length < MIN_RECORD_BODY || length > r.end - start) r.fail(`record length ${length} does not fit in the ${r.end - start} bytes left`, lengthAt)
  r.offset = start + 1 // attributes: unused since KIP-98
  const timestampDelta = r.varlongNumber()
  const offsetDelta = r.varint()
  if (offsetDelta < minOffsetDelta) {
    r.offset = end
    return null
  }
  const keyLength = r.varint()
  const keyAt = r.offset
  if (keyLength >= 0) {
    if (keyLength > end - keyAt) r.fail(`key length ${keyLength} runs past the record`, keyAt)
    r.offset = keyAt + keyLength
  } else if (keyLength !== -1) r.fail(`key length ${keyLength}`, keyAt)
  const valueLength = r.varint()
  const valueAt = r.offset
  if (valueLength >= 0) {
    if (valueLength > end - valueAt) r.fail(`value length ${valueLength} runs past the record`, valueAt)
    r.offset = valueAt + valueLength
  } else if (valueLength !== -1) r.fail(`value length ${valueLength}`, valueAt)
  const headerCount = r.varint()
  const headersAt = r.offset
  // A header takes at least two bytes (two lengths), so the count is bounded by what is left of the record.
  if (headerCount < 0 || headerCount * 2 > end - headersAt) r.fail(`header count ${headerCount} cannot fit in the record`, headersAt)
  for (let h = 0; h < headerCount; h++) {
    const hkAt = r.offset
    const hk = r.varint()
    if (hk < 0 || hk > end - r.offset) r.fail(`header key length ${hk} does not fit`, hkAt)
    r.offset += hk
    const hvAt = r.offset
    const hv = r.varint()
    if (hv >= 0) {
      if (hv > end - r.offset) r.fail(`header value length ${hv} does not fit`, hvAt)
      r.offset += hv
    } else if (hv !== -1) r.fail(`header value length ${hv}`, hvAt)
  }
  if (r.offset !== end) r.fail(`record fields end at byte ${r.offset - r.base}, its length says ${end - r.base}`, lengthAt)
  if (into === undefined) return new V2Record(batch, offsetDelta, timestampDelta, keyAt, keyLength, valueAt, valueLength, headersAt, headerCount)
  into.reset(batch, offsetDelta, timestampDelta, keyAt, keyLength, valueAt, valueLength, headersAt, headerCount)
  return into
}
