import t from 'tap'
import fc from 'fast-check'
import { iterateRecords, RecordBatchBuilder, rewriteBatchHeader, type BufferPool } from '../../../protocol/records/index.js'
import { EncodeError } from '../../../protocol/errors.js'
import { bitwiseCrc, CRC32C_POLY, expected, GOLDEN_RECORDS, GOLDEN_V2, plain, recordArb } from './helpers.js'

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const

function build (records: typeof GOLDEN_RECORDS, growTo = 16384): RecordBatchBuilder {
  const b = new RecordBatchBuilder(growTo)
  for (const r of records) b.append(r.key, r.value, r.headers, r.timestamp)
  return b
}

t.test('builds the specification\'s hand-written batch record by record', async t => {
  const batch = build(GOLDEN_RECORDS).finish({ producerId: 5n, producerEpoch: 2, baseSequence: 9 })
  // The broker sets these two on append; neither is covered by the CRC.
  rewriteBatchHeader(batch, { baseOffset: 42n, partitionLeaderEpoch: 7 })
  t.equal(batch.toString('hex'), GOLDEN_V2.toString('hex'))
})

for (const codec of CODECS) {
  t.test(`round-trips arbitrary records through a ${codec} batch built record by record`, async t => {
    fc.assert(fc.property(fc.array(recordArb, { minLength: 1, maxLength: 20 }), fc.integer({ min: 61, max: 4096 }), (records, growTo) => {
      const b = new RecordBatchBuilder(growTo)
      for (const r of records) b.append(r.key, r.value, r.headers, r.timestamp)
      const batch = b.finish({ compression: codec, transactional: true })
      t.equal(batch.readUInt32BE(17), bitwiseCrc(CRC32C_POLY, batch, 21))
      t.same([...iterateRecords(batch)].map(plain), expected(records, 0n))
    }), { numRuns: 25 })
  })
}

t.test('a record that would take the batch past the limit is refused and nothing is written', async t => {
  const b = new RecordBatchBuilder(1 << 20)
  const value = Buffer.alloc(100, 1)
  t.ok(b.append(null, value, undefined, 1) > 100)
  const size = b.sizeInBytes
  t.equal(b.append(null, value, undefined, 2, size + 50), 0, 'over the limit')
  t.equal(b.sizeInBytes, size)
  t.equal(b.recordCount, 1)
  // The first record always goes in, whatever its size: a batch must carry it.
  const big = new RecordBatchBuilder(1024)
  t.ok(big.append(null, Buffer.alloc(5000), undefined, 1, 1024) > 5000)
  t.same([...iterateRecords(b.finish())].map(r => r.timestamp), [1n])
})

t.test('timestamps: deltas from the first record, negative ones too; a bad one is a typed error that adds nothing', async t => {
  const b = new RecordBatchBuilder(4096)
  b.append('a', 'x', undefined, 2000n)
  b.append('b', 'y', undefined, 1000)
  b.append('c', 'z', undefined, 1n << 40n)
  const size = b.sizeInBytes
  t.throws(() => b.append('d', 'w', undefined, 1.5), EncodeError)
  t.throws(() => b.append('d', 'w', undefined, 1n << 60n), EncodeError)
  t.equal(b.sizeInBytes, size)
  const batch = b.finish()
  t.equal(batch.readBigInt64BE(27), 2000n, 'base timestamp: the first record\'s')
  t.equal(batch.readBigInt64BE(35), 1n << 40n, 'max timestamp')
  t.same([...iterateRecords(batch)].map(r => r.timestamp), [2000n, 1000n, 1n << 40n])
})

t.test('finish: once, with at least one record; no appends after', async t => {
  t.throws(() => new RecordBatchBuilder(1024).finish(), EncodeError)
  const b = build(GOLDEN_RECORDS)
  b.finish()
  t.throws(() => b.finish(), EncodeError)
  t.throws(() => b.append(null, 'x', undefined, 1), EncodeError)
  t.throws(() => build(GOLDEN_RECORDS).finish({ compression: 'brotli' as never }), EncodeError)
})

t.test('buffers: doubles up to growTo, then grows by what a record needs; a full one is returned without a copy', async t => {
  const taken: number[] = []
  const given: number[] = []
  const pool: BufferPool = {
    take: bytes => { taken.push(bytes); return undefined },
    give: buf => { given.push(buf.length) }
  }
  const b = new RecordBatchBuilder(4096, undefined, pool)
  const value = Buffer.alloc(1000, 2)
  for (let i = 0; i < 3; i++) b.append(null, value, undefined, i)
  t.same(taken, [2048, 4096], 'doubled from 1 KiB to growTo')
  t.same(given, [1024, 2048], 'each outgrown buffer goes back to the pool')
  b.append(null, value, undefined, 3)
  t.equal(taken[2], b.sizeInBytes, 'past growTo: exactly what the record needs')
  const inner = b.buffer
  const batch = b.finish()
  t.equal(batch.buffer, inner.buffer, 'a full buffer is the batch (no copy)')

  const roomy = new RecordBatchBuilder(1 << 20, Buffer.allocUnsafe(1 << 20))
  roomy.append(null, 'small', undefined, 1)
  const spare = roomy.buffer
  const small = roomy.finish()
  t.not(small.buffer === spare.buffer && small.byteOffset === spare.byteOffset, true, 'a mostly empty buffer is copied out of, so it can be reused')
  t.equal(small.length, 61 + 12, 'header and one 12-byte record')

  const fromPool = Buffer.allocUnsafe(8192)
  const pooled = new RecordBatchBuilder(1024, undefined, { take: () => fromPool, give: () => {} })
  pooled.append(null, Buffer.alloc(3000), undefined, 1)
  t.equal(pooled.buffer, fromPool, 'a larger buffer comes from the pool when it has one')
})
