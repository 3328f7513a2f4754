// Shared by the record tests: reference checksums written from their definitions, arbitraries for records, and a
// plain-object view of decoded records for deep equality.
import fc from 'fast-check'
import type { KafkaRecord, RecordInput } from '../../../protocol/records/index.js'

/** Bit-at-a-time CRC with a reflected polynomial: slow, obviously right, and sharing nothing with the code under test. */
export function bitwiseCrc (poly: number, buf: Uint8Array, start = 0, end = buf.length): number {
  let c = 0xffffffff
  for (let i = start; i < end; i++) {
    c ^= buf[i]
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ poly : c >>> 1
  }
  return (c ^ 0xffffffff) >>> 0
}
export const CRC32C_POLY = 0x82f63b78
export const CRC32_POLY = 0xedb88320

/** Bytes from a commented hex listing: everything after `#` on a line is ignored. */
export function hex (listing: string): Buffer {
  const digits = listing.split('\n').map(l => l.replace(/#.*/, '')).join('').replace(/\s+/g, '')
  return Buffer.from(digits, 'hex')
}

export interface PlainRecord {
  offset: bigint
  timestamp: bigint
  key: Buffer | null
  value: Buffer | null
  headers: Array<{ key: string, value: Buffer | null }>
}

export function plain (r: KafkaRecord): PlainRecord {
  return {
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key === null ? null : Buffer.from(r.key),
    value: r.value === null ? null : Buffer.from(r.value),
    headers: r.headers.map(h => ({ key: h.key, value: h.value === null ? null : Buffer.from(h.value) }))
  }
}

const bytes = fc.uint8Array({ maxLength: 40 }).map(a => Buffer.from(a))
const nullableBytes = fc.option(bytes, { nil: null, freq: 4 })

export const recordArb: fc.Arbitrary<{ key: Buffer | null, value: Buffer | null, headers: Array<{ key: string, value: Buffer | null }>, timestamp: bigint }> =
  fc.record({
    key: nullableBytes,
    value: nullableBytes,
    headers: fc.array(fc.record({ key: fc.string({ maxLength: 10 }), value: nullableBytes }), { maxLength: 3 }),
    timestamp: fc.bigInt({ min: 0n, max: 4_000_000_000_000n })
  })

/** What decoding `inputs` encoded at `baseOffset` should give. */
export function expected (inputs: Array<RecordInput & { timestamp: bigint }>, baseOffset: bigint, withHeaders = true): PlainRecord[] {
  return inputs.map((r, i) => ({
    offset: baseOffset + BigInt(i),
    timestamp: r.timestamp,
    key: (r.key ?? null) as Buffer | null,
    value: (r.value ?? null) as Buffer | null,
    headers: withHeaders ? (r.headers ?? []) as PlainRecord['headers'] : []
  }))
}

// Written from the protocol guide's "Record Batch" section, field by field; only the CRC is computed, by the
// bitwise reference over bytes 21..end as the guide defines it.
export const GOLDEN_V2 = hex(`
  00 00 00 00 00 00 00 2a   # baseOffset 42
  00 00 00 45               # batchLength 69 (81 bytes - 12)
  00 00 00 07               # partitionLeaderEpoch 7
  02                        # magic 2
  00 00 00 00               # crc (patched below)
  00 00                     # attributes: no compression, CreateTime, not transactional, not control
  00 00 00 01               # lastOffsetDelta 1
  00 00 00 00 00 00 03 e8   # baseTimestamp 1000
  00 00 00 00 00 00 03 ed   # maxTimestamp 1005
  00 00 00 00 00 00 00 05   # producerId 5
  00 02                     # producerEpoch 2
  00 00 00 09               # baseSequence 9
  00 00 00 02               # records count 2
  # record 0
  18                        # length 12 (zigzag 24)
  00                        # attributes
  00                        # timestampDelta 0
  00                        # offsetDelta 0
  02 6b                     # key length 1, "k"
  02 76                     # value length 1, "v"
  02                        # 1 header
  02 68                     # header key length 1, "h"
  02 78                     # header value length 1, "x"
  # record 1
  0c                        # length 6
  00                        # attributes
  0a                        # timestampDelta 5
  02                        # offsetDelta 1
  01                        # key length -1: null
  00                        # value length 0: empty
  00                        # no headers
`)
GOLDEN_V2.writeUInt32BE(bitwiseCrc(CRC32C_POLY, GOLDEN_V2, 21), 17)

/** The records GOLDEN_V2 holds (base offset 42, leader epoch 7, producer 5, epoch 2, base sequence 9). */
export const GOLDEN_RECORDS = [
  { key: 'k', value: 'v', headers: [{ key: 'h', value: 'x' }], timestamp: 1000n },
  { key: null, value: Buffer.alloc(0), timestamp: 1005n }
]
