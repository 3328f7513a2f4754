import t from 'tap'
import fc from 'fast-check'
import { encodeMessageSet, encodeRecordBatch, iterateRecords, scanBatches } from '../../../protocol/records/index.js'
import { controlRecord } from '../../../protocol/records/record-batch.js'
import { CompressionError, CorruptRecordError, ProtocolError } from '../../../protocol/errors.js'
import { bitwiseCrc, CRC32C_POLY } from './helpers.js'

const values = (n: number, from = 0): Array<{ value: string, timestamp: number }> =>
  Array.from({ length: n }, (_, i) => ({ value: `v${from + i}`, timestamp: 1000 + i }))

const offsets = (blob: Buffer, opts?: Parameters<typeof iterateRecords>[1]): bigint[] => [...iterateRecords(blob, opts)].map(r => r.offset)

/** Re-stamps a batch's CRC-32C after a test edits it, using the reference implementation. */
function fixCrc (batch: Buffer): Buffer {
  batch.writeUInt32BE(bitwiseCrc(CRC32C_POLY, batch, 21), 17)
  return batch
}

const twoBatches = Buffer.concat([
  encodeRecordBatch(values(3), { baseOffset: 0n }),
  encodeRecordBatch(values(4, 3), { baseOffset: 3n, compression: 'gzip' })
])

t.test('iterates records across batches and formats', async t => {
  const blob = Buffer.concat([twoBatches, encodeMessageSet(values(2, 7), { magic: 1, baseOffset: 7n }), encodeMessageSet(values(2, 9), { magic: 0, baseOffset: 9n, compression: 'snappy' })])
  t.same(offsets(blob), [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n])
  t.same([...iterateRecords(blob)].map(r => r.value?.toString()), Array.from({ length: 11 }, (_, i) => `v${i}`))
})

t.test('an empty blob has no records', async t => {
  t.same(offsets(Buffer.alloc(0)), [])
  t.same(scanBatches(Buffer.alloc(0)), { batches: [], truncatedTail: false })
})

t.test('a truncated last batch yields the complete ones and stops', async t => {
  const first = encodeRecordBatch(values(3), { baseOffset: 0n })
  for (let cut = first.length; cut < twoBatches.length; cut++) {
    const blob = twoBatches.subarray(0, cut)
    t.same(offsets(blob), [0n, 1n, 2n], `cut at ${cut}`)
    const scan = scanBatches(blob)
    t.equal(scan.batches.length, 1)
    t.equal(scan.truncatedTail, cut > first.length)
  }
  t.same(offsets(twoBatches.subarray(0, 5)), [], 'not even a size field')
})

t.test('records below fromOffset are skipped, within a batch and whole batches', async t => {
  t.same(offsets(twoBatches, { fromOffset: 2n }), [2n, 3n, 4n, 5n, 6n])
  t.same(offsets(twoBatches, { fromOffset: 3n }), [3n, 4n, 5n, 6n])
  t.same(offsets(twoBatches, { fromOffset: 5n }), [5n, 6n])
  t.same(offsets(twoBatches, { fromOffset: 7n }), [])
  const legacy = encodeMessageSet(values(4), { magic: 1, baseOffset: 20n, compression: 'lz4' })
  t.same(offsets(legacy, { fromOffset: 22n }), [22n, 23n])
  t.same(offsets(encodeMessageSet(values(3), { magic: 0, baseOffset: 20n }), { fromOffset: 21n }), [21n, 22n])
})

t.test('a batch skipped for fromOffset is not checked or decompressed', async t => {
  const damaged = Buffer.from(twoBatches)
  damaged[70] ^= 0xff // inside the first batch's records
  t.same(offsets(damaged, { fromOffset: 3n }), [3n, 4n, 5n, 6n])
})

t.test('a CRC mismatch is a CorruptRecordError naming topic, partition and batch offset', async t => {
  const damaged = Buffer.from(twoBatches)
  damaged[damaged.length - 3] ^= 0x01 // inside the second (gzip) batch
  const got: bigint[] = []
  t.throws(() => { for (const r of iterateRecords(damaged, { topic: 'orders', partition: 4 })) got.push(r.offset) },
    { name: 'CorruptRecordError', code: 'ERR_CORRUPT_RECORD', topic: 'orders', partition: 4, offset: 3n })
  t.same(got, [0n, 1n, 2n], 'records before the damaged batch were yielded')
  t.throws(() => scanBatches(damaged, { verifyCrc: true }), CorruptRecordError)
  t.equal(scanBatches(damaged).batches.length, 2, 'scanning without verifyCrc reads headers only')
})

t.test('verifyCrc:false reads a batch whose CRC is wrong', async t => {
  const damaged = Buffer.from(encodeRecordBatch([{ value: 'abc', timestamp: 1 }]))
  damaged[damaged.length - 3] = 'x'.charCodeAt(0) // 'b' (the record ends with the value and a zero header count)
  t.throws(() => offsets(damaged), CorruptRecordError)
  t.equal([...iterateRecords(damaged, { verifyCrc: false })][0].value?.toString(), 'axc')
})

t.test('an iterator that threw is finished', async t => {
  const damaged = Buffer.from(twoBatches)
  damaged[30] ^= 1
  const it = iterateRecords(damaged)
  t.throws(() => it.next(), CorruptRecordError)
  t.same(it.next(), { value: undefined, done: true })
})

function txnBatch (pid: bigint, baseOffset: bigint, n: number): Buffer {
  return encodeRecordBatch(values(n, Number(baseOffset)), { baseOffset, producerId: pid, producerEpoch: 0, transactional: true })
}
function marker (pid: bigint, offset: bigint, type: 'abort' | 'commit'): Buffer {
  return encodeRecordBatch([controlRecord(type, { timestamp: 1 })], { baseOffset: offset, producerId: pid, producerEpoch: 0, transactional: true, isControl: true })
}

// Producer 1 aborts its transaction at offsets 0-1; producer 2 commits 2-3; producer 1 then commits 6-7.
const txnLog = Buffer.concat([
  txnBatch(1n, 0n, 2),
  txnBatch(2n, 2n, 2),
  marker(1n, 4n, 'abort'),
  marker(2n, 5n, 'commit'),
  txnBatch(1n, 6n, 2),
  marker(1n, 8n, 'commit'),
  encodeRecordBatch(values(1, 9), { baseOffset: 9n })
])
const aborted = [{ producerId: 1n, firstOffset: 0n }]

t.test('read_uncommitted returns aborted records and skips markers', async t => {
  t.same(offsets(txnLog, { abortedTransactions: aborted }), [0n, 1n, 2n, 3n, 6n, 7n, 9n])
})

t.test('read_committed drops the records of aborted transactions', async t => {
  t.same(offsets(txnLog, { isolation: 'read_committed', abortedTransactions: aborted }), [2n, 3n, 6n, 7n, 9n])
  t.same(offsets(txnLog, { isolation: 'read_committed', abortedTransactions: aborted, fromOffset: 1n }), [2n, 3n, 6n, 7n, 9n])
  t.same(offsets(txnLog, { isolation: 'read_committed', abortedTransactions: aborted, includeControl: true }), [2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n])
  t.same(offsets(txnLog, { isolation: 'read_committed' }), [0n, 1n, 2n, 3n, 6n, 7n, 9n], 'nothing listed as aborted')
})

t.test('an abort marker before fromOffset still ends the aborted span', async t => {
  // The fetch starts at 5, after producer 1's abort marker at 4; its later transaction (6-7) is committed.
  t.same(offsets(txnLog, { isolation: 'read_committed', abortedTransactions: aborted, fromOffset: 5n }), [6n, 7n, 9n])
})

t.test('a producer that aborts twice loses both transactions', async t => {
  const log = Buffer.concat([txnBatch(1n, 0n, 2), marker(1n, 2n, 'abort'), txnBatch(1n, 3n, 2), marker(1n, 5n, 'abort'), txnBatch(1n, 6n, 1)])
  const both = [{ producerId: 1n, firstOffset: 3n }, { producerId: 1n, firstOffset: 0n }]
  t.same(offsets(log, { isolation: 'read_committed', abortedTransactions: both }), [6n])
  t.same(offsets(log, { isolation: 'read_committed', abortedTransactions: [{ producerId: 1n, firstOffset: 0n }] }), [3n, 4n, 6n])
})

t.test('a control record with a short key is corrupt', async t => {
  const bad = encodeRecordBatch([{ key: 'x', value: null, timestamp: 1 }], { producerId: 1n, transactional: true, isControl: true })
  t.throws(() => offsets(bad, { isolation: 'read_committed' }), CorruptRecordError)
})

t.test('an empty batch left by compaction yields nothing', async t => {
  const full = encodeRecordBatch(values(2), { baseOffset: 5n })
  const empty = Buffer.from(full.subarray(0, 61))
  empty.writeInt32BE(61 - 12, 8)
  empty.writeInt32BE(0, 57)
  fixCrc(empty)
  t.same(offsets(Buffer.concat([empty, encodeRecordBatch(values(1), { baseOffset: 7n })])), [7n])
  t.match(scanBatches(empty).batches, [{ recordCount: 0, baseOffset: 5n, lastOffset: 6n }])
})

t.test('decompression past maxDecompressedBytes is a CompressionError', async t => {
  const big = encodeRecordBatch([{ value: Buffer.alloc(200_000), timestamp: 1 }], { compression: 'gzip' })
  t.throws(() => offsets(big, { maxDecompressedBytes: 10_000 }), CompressionError)
  t.same(offsets(big, { maxDecompressedBytes: 300_000 }), [0n])
})

t.test('headers are decoded once, on first access', async t => {
  const [r] = iterateRecords(encodeRecordBatch([{ value: 'x', headers: [{ key: 'a', value: 'b' }], timestamp: 1 }]))
  t.equal(r.headers, r.headers)
  t.equal(r.key, null)
  t.equal(r.value, r.value)
})

// ---- malformed input ----

function isTyped (err: unknown): boolean {
  return err instanceof CorruptRecordError || err instanceof ProtocolError || err instanceof CompressionError
}

function consume (blob: Buffer, verifyCrc: boolean): void {
  for (const r of iterateRecords(blob, { verifyCrc, isolation: 'read_committed', abortedTransactions: [{ producerId: 1n, firstOffset: 0n }], includeControl: true, maxDecompressedBytes: 1 << 20 })) {
    void r.key; void r.value; void r.headers; void r.timestamp
  }
  scanBatches(blob, { verifyCrc, maxDecompressedBytes: 1 << 20 })
}

t.test('hand-made structural damage is a CorruptRecordError', async t => {
  const one = encodeRecordBatch([{ key: 'k', value: 'value', headers: [{ key: 'h', value: 'x' }], timestamp: 1 }])
  const edit = (f: (b: Buffer) => void): Buffer => { const b = Buffer.from(one); f(b); return fixCrc(b) }
  const cases: Array<[string, Buffer]> = [
    ['negative size', edit(b => b.writeInt32BE(-5, 8))],
    ['size below any header', Buffer.concat([Buffer.alloc(8), Buffer.from([0, 0, 0, 3, 0, 0, 0])])],
    ['unknown magic', edit(b => { b[16] = 3 })],
    ['unknown codec', edit(b => b.writeInt16BE(6, 21))],
    ['short header', (() => { const b = Buffer.from(one.subarray(0, 40)); b.writeInt32BE(28, 8); return b })()],
    ['negative record count', edit(b => b.writeInt32BE(-1, 57))],
    ['record count beyond the bytes', edit(b => b.writeInt32BE(0x7fffffff, 57))],
    ['no records but record bytes', edit(b => b.writeInt32BE(0, 57))],
    ['record count one too many', edit(b => b.writeInt32BE(2, 57))],
    ['key length past the record', edit(b => { b[65] = 0x40 })],
    ['negative key length', edit(b => { b[65] = 0x03 })],
    ['record length past the batch', edit(b => { b[61] = 0x7e })]
  ]
  for (const [name, blob] of cases) t.throws(() => consume(blob, true), CorruptRecordError, name)
  t.throws(() => scanBatches(edit(b => { b[16] = 3 })), CorruptRecordError, 'scanning an unknown magic')
})

t.test('a tiny compressed batch claiming a huge record count fails after decompression, not by allocating', async t => {
  const b = Buffer.from(encodeRecordBatch([{ value: 'x', timestamp: 1 }], { compression: 'gzip' }))
  b.writeInt32BE(100_000_000, 57)
  t.throws(() => consume(fixCrc(b), true), CorruptRecordError)
})

t.test('random bytes raise only typed errors', async t => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, verifyCrc) => {
    try { consume(Buffer.from(bytes), verifyCrc) } catch (err) { if (!isTyped(err)) throw err }
  }), { numRuns: 2000 })
})

t.test('mutated valid blobs raise only typed errors', async t => {
  const seeds = [
    twoBatches, txnLog,
    encodeRecordBatch([{ key: 'k', value: 'v', headers: [{ key: 'h', value: null }], timestamp: 1 }], { compression: 'snappy' }),
    encodeRecordBatch(values(3), { compression: 'lz4' }),
    encodeRecordBatch(values(3), { compression: 'zstd' }),
    encodeMessageSet(values(3), { magic: 1, compression: 'gzip' }),
    encodeMessageSet(values(3), { magic: 0, compression: 'lz4' })
  ]
  fc.assert(fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
    fc.boolean(), (which, edits, verifyCrc) => {
      const blob = Buffer.from(seeds[which])
      for (const [at, v] of edits) blob[at % blob.length] = v
      try { consume(blob, verifyCrc) } catch (err) { if (!isTyped(err)) throw err }
    }), { numRuns: 3000 })
})

t.test('a magic-2 record gives its offset as a number too, NaN where a number cannot hold it exactly', async t => {
  const offsetNumbers = (baseOffset: bigint): Array<[bigint, number]> =>
    [...iterateRecords(encodeRecordBatch([{ value: 'a' }, { value: 'b' }], { baseOffset }))].map(r => [r.offset, (r as unknown as { offsetNumber: number }).offsetNumber])
  t.same(offsetNumbers(0n), [[0n, 0], [1n, 1]])
  t.same(offsetNumbers(12_345_678_901n), [[12_345_678_901n, 12_345_678_901], [12_345_678_902n, 12_345_678_902]])
  const far = BigInt(Number.MAX_SAFE_INTEGER)
  t.ok(offsetNumbers(far).every(([, n]) => Number.isNaN(n)), 'past 2^53 the number would round')
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: far - 0x80000000n }), base =>
    offsetNumbers(base).every(([o, n]) => BigInt(n) === o)))
})

t.test('reuseRecord yields one record object, overwritten with each record, its fields never stale', async t => {
  const batch = (from: number): Buffer => encodeRecordBatch(Array.from({ length: 3 }, (_, i) => ({
    key: i === 1 ? null : `k${from + i}`,
    value: `v${from + i}`,
    timestamp: 5000 + from + i,
    headers: i === 2 ? [{ key: 'h', value: Buffer.from(String(from + i)) }] : []
  })), { baseOffset: BigInt(from) })
  const blob = Buffer.concat([batch(0), batch(3), encodeMessageSet(values(2, 6), { magic: 1, baseOffset: 6n })])
  const fresh = [...iterateRecords(blob)].map(r => ({ offset: r.offset, ts: r.timestamp, key: r.key, value: r.value, headers: r.headers }))
  const it = iterateRecords(blob, { reuseRecord: true })
  const objects = new Set<unknown>()
  const results = new Set<unknown>()
  const got: typeof fresh = []
  const keptValues: Array<Buffer | null> = []
  for (let r = it.next(); r.done !== true; r = it.next()) {
    objects.add(r.value)
    results.add(r)
    // Read every field (filling the caches) before the next record overwrites the object.
    got.push({ offset: r.value.offset, ts: r.value.timestamp, key: r.value.key, value: r.value.value, headers: r.value.headers })
    keptValues.push(r.value.value)
  }
  t.same(got, fresh, 'each record reads as the iterator without reuse reads it')
  t.same(keptValues.map(String), fresh.map(f => String(f.value)), 'values taken from the record stay valid')
  // Six magic-2 records share one object; the two magic-1 messages are their own objects.
  t.equal(objects.size, 3)
  t.equal(results.size, 3)
})

t.test('records without headers and with close timestamps (the decoder\'s fast path) decode exactly, reused or not', async t => {
  // Lengths across 1-3 byte varints (16,384 takes three), timestamp deltas across the fast path's 4-byte limit
  // (±2^27 ms) and beyond it, so both of readRecord's paths meet the same batches.
  const bytes = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 20_000 }).map(n => Buffer.alloc(n, n & 0xff)))
  const delta = fc.oneof(fc.integer({ min: -200, max: 200 }), fc.integer({ min: -(2 ** 27) - 5, max: 2 ** 27 + 5 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }))
  fc.assert(fc.property(fc.array(fc.record({ key: bytes, value: bytes, delta }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 2 ** 30 }), (rs, base) => {
    const inputs = rs.map(r => ({ key: r.key, value: r.value, timestamp: BigInt(1_700_000_000_000 + base + r.delta) }))
    const blob = encodeRecordBatch(inputs, { baseOffset: 100n })
    for (const reuseRecord of [false, true]) {
      // Array.from reads each record's fields before the iterator moves on, as reuse requires.
      const got = Array.from(iterateRecords(blob, { reuseRecord }), r => ({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers.length }))
      t.same(got, inputs.map((r, i) => ({ offset: 100n + BigInt(i), timestamp: r.timestamp, key: r.key, value: r.value, headers: 0 })))
    }
  }), { numRuns: 150 })
})
