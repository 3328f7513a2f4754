import t from 'tap'
import { inspect } from 'node:util'
import fc from 'fast-check'
import { encodeRecordBatch, iterateRecords, rewriteBatchHeader, scanBatches } from '../../../protocol/records/index.js'
import { controlRecord, encodeEmptyRecordBatch } from '../../../protocol/records/record-batch.js'
import { CorruptRecordError, EncodeError } from '../../../protocol/errors.js'
import { bitwiseCrc, CRC32C_POLY, expected, GOLDEN_RECORDS, GOLDEN_V2, hex, plain, recordArb } from './helpers.js'

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const

const GOLDEN_OPTS = { baseOffset: 42n, partitionLeaderEpoch: 7, producerId: 5n, producerEpoch: 2, baseSequence: 9 }

t.test('encodes a small batch exactly as the specification lays it out', async t => {
  t.same(encodeRecordBatch(GOLDEN_RECORDS, GOLDEN_OPTS).toString('hex'), GOLDEN_V2.toString('hex'))
})

t.test('decodes the hand-written batch', async t => {
  const records = [...iterateRecords(GOLDEN_V2)].map(plain)
  t.same(records, [
    { offset: 42n, timestamp: 1000n, key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'h', value: Buffer.from('x') }] },
    { offset: 43n, timestamp: 1005n, key: null, value: Buffer.alloc(0), headers: [] }
  ])
  const [first] = iterateRecords(GOLDEN_V2)
  t.equal(first.leaderEpoch, 7)
  t.equal(first.magic, 2)
  t.equal(first.timestampType, 'create')
  t.equal(first.isControl, false)
  t.match(inspect(first), /offset: 42n/, 'console.log shows the fields, not the bookkeeping')
})

t.test('scans the hand-written batch header', async t => {
  const { batches, truncatedTail } = scanBatches(GOLDEN_V2, { verifyCrc: true })
  t.equal(truncatedTail, false)
  t.match(batches, [{
    start: 0, end: 81, magic: 2, baseOffset: 42n, lastOffset: 43n, recordCount: 2, firstTimestamp: 1000n,
    maxTimestamp: 1005n, attributes: 0, compression: 'none', isTransactional: false, isControl: false,
    producerId: 5n, producerEpoch: 2, baseSequence: 9, partitionLeaderEpoch: 7, timestampType: 'create'
  }])
})

for (const codec of CODECS) {
  t.test(`round-trips arbitrary records through a ${codec} batch`, async t => {
    fc.assert(fc.property(fc.array(recordArb, { minLength: 1, maxLength: 12 }), fc.bigInt({ min: 0n, max: 2n ** 40n }), (inputs, baseOffset) => {
      const batch = encodeRecordBatch(inputs, { baseOffset, compression: codec })
      t.same([...iterateRecords(batch)].map(plain), expected(inputs, baseOffset))
      const [info] = scanBatches(batch, { verifyCrc: true }).batches
      t.equal(info.compression, codec)
      t.equal(info.recordCount, inputs.length)
      t.equal(info.lastOffset, baseOffset + BigInt(inputs.length - 1))
    }), { numRuns: 40 })
  })
}

t.test('keeps string keys, values and headers as UTF-8', async t => {
  const batch = encodeRecordBatch([{ key: 'clé', value: 'välue', headers: [{ key: 'ключ', value: 'v' }, { key: 'n', value: null }], timestamp: 1 }])
  const [r] = iterateRecords(batch)
  t.equal(r.key?.toString(), 'clé')
  t.equal(r.value?.toString(), 'välue')
  t.same(r.headers, [{ key: 'ключ', value: Buffer.from('v') }, { key: 'n', value: null }])
})

t.test('stamps records without a timestamp with one shared current time', async t => {
  const before = BigInt(Date.now())
  const batch = encodeRecordBatch([{ value: 'a' }, { value: 'b' }])
  const ts = [...iterateRecords(batch)].map(r => r.timestamp)
  t.equal(ts[0], ts[1])
  t.ok(ts[0] >= before)
})

t.test('sets the attribute bits from the options', async t => {
  const batch = encodeRecordBatch([{ value: 'x', timestamp: 5 }], { transactional: true, producerId: 3n, timestampType: 'logAppend', compression: 'gzip' })
  const [info] = scanBatches(batch).batches
  t.equal(info.attributes, 0x01 | 0x08 | 0x10)
  t.equal(info.isTransactional, true)
  t.equal(info.timestampType, 'logAppend')
})

t.test('encodes transaction markers as control batches', async t => {
  const batch = encodeRecordBatch([controlRecord('commit', { coordinatorEpoch: 4, timestamp: 9 })], { isControl: true, transactional: true, producerId: 8n, producerEpoch: 1 })
  const [info] = scanBatches(batch).batches
  t.equal(info.isControl, true)
  t.equal([...iterateRecords(batch)].length, 0, 'skipped by default')
  const [marker] = iterateRecords(batch, { includeControl: true })
  t.equal(marker.isControl, true)
  t.equal(marker.key?.toString('hex'), '00000001', 'version 0, type 1 (commit)')
  t.equal(marker.value?.toString('hex'), '0000' + '00000004', 'version 0, coordinator epoch 4')
})

t.test('refuses to encode an empty batch or an unknown codec', async t => {
  t.throws(() => encodeRecordBatch([]), EncodeError)
  t.throws(() => encodeRecordBatch([{ value: 'x' }], { compression: 'brotli' as never }), EncodeError)
  t.throws(() => encodeRecordBatch([{ value: 'x', timestamp: 1.5 }]), EncodeError)
})

t.test('rewriteBatchHeader sets offset and epoch without touching the CRC', async t => {
  const batch = Buffer.from(encodeRecordBatch([{ value: 'a', timestamp: 10 }, { value: 'b', timestamp: 20 }]))
  const crc = batch.readUInt32BE(17)
  rewriteBatchHeader(batch, { baseOffset: 100n, partitionLeaderEpoch: 3 })
  t.equal(batch.readUInt32BE(17), crc)
  t.same([...iterateRecords(batch)].map(r => [r.offset, r.leaderEpoch]), [[100n, 3], [101n, 3]])
})

t.test('rewriteBatchHeader with a log append time makes it every record\'s timestamp and recomputes the CRC', async t => {
  const batch = Buffer.from(encodeRecordBatch([{ value: 'a', timestamp: 10 }, { value: 'b', timestamp: 20 }], { compression: 'lz4' }))
  rewriteBatchHeader(batch, { logAppendTime: 777n })
  t.equal(batch.readUInt32BE(17), bitwiseCrc(CRC32C_POLY, batch, 21))
  const records = [...iterateRecords(batch)]
  t.same(records.map(r => r.timestamp), [777n, 777n])
  t.same(records.map(r => r.timestampType), ['logAppend', 'logAppend'])
})

t.test('rewriteBatchHeader refuses anything but exactly one v2 batch', async t => {
  const batch = encodeRecordBatch([{ value: 'a' }])
  t.throws(() => rewriteBatchHeader(batch.subarray(0, 40), { baseOffset: 1n }), CorruptRecordError)
  t.throws(() => rewriteBatchHeader(Buffer.concat([batch, batch]), { baseOffset: 1n }), CorruptRecordError)
  const legacy = Buffer.from(batch)
  legacy[16] = 1
  t.throws(() => rewriteBatchHeader(legacy, { baseOffset: 1n }), CorruptRecordError)
})

// What Kafka's log cleaner writes (MemoryRecords.filterTo, DefaultRecordBatch.writeEmptyHeader), hand-written from
// the "Record Batch" layout: a compacted batch keeps its base and last offsets with gaps in the record offsets, and
// KIP-534 stores the delete horizon as baseTimestamp with attribute bit 6.
const GOLDEN_COMPACTED = hex(`
  00 00 00 00 00 00 00 0a   # baseOffset 10
  00 00 00 3a               # batchLength 58 (70 bytes - 12)
  00 00 00 03               # partitionLeaderEpoch 3
  02                        # magic 2
  00 00 00 00               # crc (patched below)
  00 40                     # attributes: bit 6, the delete horizon is set
  00 00 00 04               # lastOffsetDelta 4: the batch still ends at offset 14
  00 00 00 00 00 00 07 d0   # baseTimestamp 2000: the delete horizon
  00 00 00 00 00 00 03 e8   # maxTimestamp 1000
  ff ff ff ff ff ff ff ff   # producerId -1
  ff ff                     # producerEpoch -1
  ff ff ff ff               # baseSequence -1
  00 00 00 01               # records count 1
  # the one record kept, offset 13: a tombstone
  10                        # length 8: attributes 1, timestampDelta 2, offsetDelta 1, key 2, value 1, headers 1
  00                        # attributes
  cf 0f                     # timestampDelta -1000 (zigzag 1999)
  06                        # offsetDelta 3
  02 6b                     # key length 1, "k"
  01                        # value length -1: null
  00                        # no headers
`)
GOLDEN_COMPACTED.writeUInt32BE(bitwiseCrc(CRC32C_POLY, GOLDEN_COMPACTED, 21), 17)

t.test('encodes a compacted batch: explicit offset deltas, a kept last offset and a delete horizon', async t => {
  const encoded = encodeRecordBatch([{ key: 'k', value: null, timestamp: 1000n, offsetDelta: 3 }], { baseOffset: 10n, partitionLeaderEpoch: 3, lastOffsetDelta: 4, deleteHorizonMs: 2000n })
  t.equal(encoded.toString('hex'), GOLDEN_COMPACTED.toString('hex'))
  const [r] = [...iterateRecords(GOLDEN_COMPACTED)]
  t.same([r.offset, r.timestamp, r.value], [13n, 1000n, null], 'readers see the original offset and timestamp')
  t.equal(scanBatches(encoded).batches[0].lastOffset, 14n)
  t.throws(() => encodeRecordBatch([{ key: 'a' }, { key: 'b' }], { lastOffsetDelta: 0 }), EncodeError)
  t.throws(() => encodeRecordBatch([{ key: 'a', offsetDelta: 2 }, { key: 'b', offsetDelta: 2 }], { lastOffsetDelta: 5 }), EncodeError, 'deltas must grow')
  t.throws(() => encodeRecordBatch([{ key: 'a', offsetDelta: 6 }], { lastOffsetDelta: 5 }), EncodeError, 'and stay within the batch')
})

t.test('encodes the empty batch the cleaner leaves: header only, no timestamp, offsets and producer kept', async t => {
  const original = scanBatches(encodeRecordBatch([{ key: 'k', value: 'v', timestamp: 1000n }, { key: 'j', value: 'w', timestamp: 1005n }], { ...GOLDEN_OPTS, transactional: true, compression: 'gzip' })).batches[0]
  const empty = encodeEmptyRecordBatch(original)
  t.equal(empty.toString('hex'), hex(`
    00 00 00 00 00 00 00 2a   # baseOffset 42
    00 00 00 31               # batchLength 49: the header alone
    00 00 00 07               # partitionLeaderEpoch 7
    02                        # magic 2
    ${empty.readUInt32BE(17).toString(16).padStart(8, '0')}
    00 10                     # attributes: transactional, no compression
    00 00 00 01               # lastOffsetDelta 1
    ff ff ff ff ff ff ff ff   # baseTimestamp -1
    00 00 00 00 00 00 03 ed   # maxTimestamp 1005
    00 00 00 00 00 00 00 05   # producerId 5
    00 02                     # producerEpoch 2
    00 00 00 09               # baseSequence 9
    00 00 00 00               # records count 0
  `).toString('hex'))
  t.equal(empty.readUInt32BE(17), bitwiseCrc(CRC32C_POLY, empty, 21), 'with its CRC-32C')
  t.same([...iterateRecords(empty)], [], 'readers find no records in it')
})

t.test('rewriteBatchHeader renumbers a producer\'s batch (id, epoch, base sequence) and keeps the CRC valid', async t => {
  const batch = encodeRecordBatch([{ value: 'a' }, { value: 'b' }], { producerId: 7n, producerEpoch: 1, baseSequence: 10 })
  rewriteBatchHeader(batch, { producerId: 9n, producerEpoch: 2, baseSequence: 0 })
  const [info] = scanBatches(batch, { verifyCrc: true }).batches
  t.same([info.producerId, info.producerEpoch, info.baseSequence], [9n, 2, 0])
  t.same([...iterateRecords(batch)].map(r => String(r.value)), ['a', 'b'], 'the records are untouched')
})

t.test('an encoded batch holds its exact size, even for a large record', async t => {
  const batch = encodeRecordBatch([{ value: Buffer.alloc(1 << 20, 1), headers: [{ key: 'h', value: 'v' }] }, { key: 'k', value: 'v' }])
  t.ok(batch.buffer.byteLength - batch.length <= 10, `backing store ${batch.buffer.byteLength} for ${batch.length} bytes`)
})

t.test('a kept record whose offset delta needs a longer varint than its index still measures right', async t => {
  // Index 0 is one varint byte; offset delta 100 (zigzag 200) is two. The batch must be sized by the delta.
  const batch = encodeRecordBatch([{ key: 'a', value: 'x', offsetDelta: 100 }], { lastOffsetDelta: 100 })
  const [info] = scanBatches(batch, { verifyCrc: true }).batches
  t.equal(info.lastOffset, 100n)
  t.same([...iterateRecords(batch)].map(r => [r.offset, String(r.key), String(r.value)]), [[100n, 'a', 'x']])
})
