// Cross-checks our record batches against kafkajs 2.2 (a devDependency, never imported by runtime code): kafkajs'
// RecordBatch encoder builds magic-2 batches (uncompressed and gzip, the codecs it has built in) that we decode,
// and its RecordBatch and MessageSet decoders read what we encode. kafkajs does not check CRCs, so our CRCs are
// checked with its crc32C and the bitwise reference; kafkajs keeps headers as an object, so the cases use unique
// header keys with non-null values.
import t from 'tap'
import fc from 'fast-check'
import { createRequire } from 'node:module'
import { encodeMessageSet, encodeRecordBatch, iterateRecords } from '../../protocol/records/index.js'

const require = createRequire(import.meta.url)
const KDecoder = require('kafkajs/src/protocol/decoder')
const Long = require('kafkajs/src/utils/long')
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0')
const KRecord = require('kafkajs/src/protocol/recordBatch/record/v0')
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder')
const decodeMessageSet = require('kafkajs/src/protocol/messageSet/decoder')
const kafkajsCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C')
const { Types: KCompression } = require('kafkajs/src/protocol/message/compression')

interface Rec { key: Buffer | null, value: Buffer | null, headers: Record<string, Buffer>, timestamp: number }

const bytes = fc.uint8Array({ maxLength: 30 }).map(a => Buffer.from(a))
const recArb: fc.Arbitrary<Rec> = fc.record({
  key: fc.option(bytes, { nil: null, freq: 4 }),
  value: fc.option(bytes, { nil: null, freq: 6 }),
  headers: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter(k => k !== '__proto__'), bytes, { maxKeys: 3 }),
  timestamp: fc.integer({ min: 1, max: 4_000_000_000_000 })
})
const batchArb = fc.record({
  records: fc.array(recArb, { minLength: 1, maxLength: 10 }),
  baseOffset: fc.integer({ min: 0, max: 2 ** 40 }),
  gzip: fc.boolean()
})

const toHeaders = (h: Record<string, Buffer>): Array<{ key: string, value: Buffer }> => Object.entries(h).map(([key, value]) => ({ key, value }))

t.test('we decode what kafkajs encodes, record for record', async t => {
  for (const c of fc.sample(batchArb, { numRuns: 100, seed: 7 })) {
    const first = c.records[0].timestamp
    const encoder = await RecordBatch({
      compression: c.gzip ? KCompression.GZIP : KCompression.None,
      firstOffset: Long.fromValue(c.baseOffset),
      firstTimestamp: first,
      maxTimestamp: Math.max(...c.records.map(r => r.timestamp)),
      lastOffsetDelta: c.records.length - 1,
      records: c.records.map((r, i) => KRecord({ offsetDelta: i, timestampDelta: r.timestamp - first, key: r.key, value: r.value, headers: r.headers }))
    })
    const blob: Buffer = encoder.buffer
    const got = [...iterateRecords(blob)].map(r => ({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers }))
    t.same(got, c.records.map((r, i) => ({
      offset: BigInt(c.baseOffset + i), timestamp: BigInt(r.timestamp), key: r.key, value: r.value, headers: toHeaders(r.headers)
    })))
  }
})

t.test('kafkajs decodes what we encode, and its crc32C agrees with our CRC', async t => {
  for (const c of fc.sample(batchArb, { numRuns: 100, seed: 8 })) {
    const blob = encodeRecordBatch(c.records.map(r => ({ ...r, headers: toHeaders(r.headers) })),
      { baseOffset: BigInt(c.baseOffset), compression: c.gzip ? 'gzip' : 'none' })
    t.equal(kafkajsCrc32C(blob.subarray(21)), blob.readUInt32BE(17))
    const batch = await decodeRecordBatch(new KDecoder(blob))
    t.same(batch.records.map((r: any) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers })),
      c.records.map((r, i) => ({ offset: String(c.baseOffset + i), timestamp: String(r.timestamp), key: r.key, value: r.value, headers: r.headers })))
  }
})

t.test('kafkajs decodes our legacy message sets, compressed wrappers included', async t => {
  for (const magic of [0, 1] as const) {
    for (const compression of ['none', 'gzip'] as const) {
      for (const c of fc.sample(batchArb, { numRuns: 30, seed: 9 })) {
        const blob = encodeMessageSet(c.records.map(r => ({ key: r.key, value: r.value, timestamp: r.timestamp })), { magic, baseOffset: BigInt(c.baseOffset), compression })
        const messages = await decodeMessageSet(new KDecoder(blob), blob.length)
        t.same(messages.map((m: any) => ({ offset: m.offset, key: m.key, value: m.value })),
          c.records.map((r, i) => ({ offset: String(c.baseOffset + i), key: r.key, value: r.value })), `magic ${magic} ${compression}`)
        if (magic === 1) t.same(messages.map((m: any) => m.timestamp), c.records.map(r => String(r.timestamp)))
      }
    }
  }
})
