import t from 'tap'
import fc from 'fast-check'
import { gunzipSync, gzipSync } from 'node:zlib'
import { encodeMessageSet, iterateRecords, scanBatches } from '../../../protocol/records/index.js'
import { CorruptRecordError, EncodeError } from '../../../protocol/errors.js'
import { bitwiseCrc, CRC32_POLY, expected, hex, plain, recordArb } from './helpers.js'

// Written from the protocol guide's "Message sets" section; the CRC (CRC-32 from magic to the end) is computed by
// the bitwise reference.
const GOLDEN_MAGIC1 = hex(`
  00 00 00 00 00 00 00 07   # offset 7
  00 00 00 18               # messageSize 24
  00 00 00 00               # crc (patched below)
  01                        # magic 1
  00                        # attributes: no compression, CreateTime
  00 00 00 00 00 00 03 e8   # timestamp 1000
  00 00 00 01 6b            # key: length 1, "k"
  00 00 00 01 76            # value: length 1, "v"
`)
GOLDEN_MAGIC1.writeUInt32BE(bitwiseCrc(CRC32_POLY, GOLDEN_MAGIC1, 16), 12)

/** One legacy message built straight from the spec, independently of the encoder under test. */
function message (offset: bigint, magic: 0 | 1, attributes: number, timestamp: bigint, key: Buffer | null, value: Buffer | null): Buffer {
  const head = Buffer.alloc(magic === 1 ? 26 : 18)
  head.writeBigInt64BE(offset, 0)
  head[16] = magic
  head[17] = attributes
  if (magic === 1) head.writeBigInt64BE(timestamp, 18)
  const field = (b: Buffer | null): Buffer => {
    const len = Buffer.alloc(4)
    len.writeInt32BE(b === null ? -1 : b.length)
    return b === null ? len : Buffer.concat([len, b])
  }
  const msg = Buffer.concat([head, field(key), field(value)])
  msg.writeInt32BE(msg.length - 12, 8)
  msg.writeUInt32BE(bitwiseCrc(CRC32_POLY, msg, 16), 12)
  return msg
}

t.test('encodes a magic-1 message exactly as the specification lays it out', async t => {
  t.equal(encodeMessageSet([{ key: 'k', value: 'v', timestamp: 1000n }], { magic: 1, baseOffset: 7n }).toString('hex'), GOLDEN_MAGIC1.toString('hex'))
  t.equal(message(7n, 1, 0, 1000n, Buffer.from('k'), Buffer.from('v')).toString('hex'), GOLDEN_MAGIC1.toString('hex'), 'the test helper agrees')
})

t.test('decodes the hand-written magic-1 message', async t => {
  const [r] = iterateRecords(GOLDEN_MAGIC1)
  t.same(plain(r), { offset: 7n, timestamp: 1000n, key: Buffer.from('k'), value: Buffer.from('v'), headers: [] })
  t.equal(r.magic, 1)
  t.equal(r.leaderEpoch, -1)
  t.match(scanBatches(GOLDEN_MAGIC1).batches, [{ magic: 1, baseOffset: 7n, lastOffset: 7n, recordCount: 1, compression: 'none', producerId: -1n }])
})

t.test('decodes a magic-0 message with null key and no timestamp', async t => {
  const [r] = iterateRecords(message(3n, 0, 0, 0n, null, Buffer.from('zero')))
  t.same(plain(r), { offset: 3n, timestamp: -1n, key: null, value: Buffer.from('zero'), headers: [] })
  t.equal(r.magic, 0)
})

for (const magic of [0, 1] as const) {
  for (const codec of ['none', 'gzip', 'snappy', 'lz4'] as const) {
    t.test(`round-trips arbitrary records through a magic-${magic} ${codec} message set`, async t => {
      const noHeaders = recordArb.map(r => ({ ...r, headers: [] }))
      fc.assert(fc.property(fc.array(noHeaders, { minLength: 1, maxLength: 10 }), fc.bigInt({ min: 0n, max: 2n ** 40n }), (inputs, baseOffset) => {
        const set = encodeMessageSet(inputs, { magic, baseOffset, compression: codec })
        const want = expected(inputs, baseOffset, false).map(r => magic === 0 ? { ...r, timestamp: -1n } : r)
        t.same([...iterateRecords(set)].map(plain), want)
        const { batches } = scanBatches(set, { verifyCrc: true })
        t.equal(batches.reduce((n, b) => n + b.recordCount, 0), inputs.length)
        t.equal(batches[0].baseOffset, baseOffset)
        t.equal(batches[batches.length - 1].lastOffset, baseOffset + BigInt(inputs.length - 1))
      }), { numRuns: 25 })
    })
  }
}

t.test('a magic-1 wrapper carries the last offset and relative inner offsets (KIP-31)', async t => {
  const set = encodeMessageSet([{ value: 'a', timestamp: 1 }, { value: 'b', timestamp: 3 }, { value: 'c', timestamp: 2 }], { magic: 1, baseOffset: 50n, compression: 'gzip' })
  t.equal(set.readBigInt64BE(0), 52n, 'wrapper offset is the last inner offset')
  t.equal(set[17] & 7, 1, 'gzip codec bits')
  t.equal(set.readBigInt64BE(18), 3n, 'wrapper timestamp is the largest inner one')
  // Wrapper: 12-byte log overhead, crc, magic, attributes, timestamp, null key (4), value length (4); value at 34.
  const inner = gunzipSync(set.subarray(34))
  const offsets: bigint[] = []
  for (let pos = 0; pos < inner.length; pos += 12 + inner.readInt32BE(pos + 8)) offsets.push(inner.readBigInt64BE(pos))
  t.same(offsets, [0n, 1n, 2n], 'inner offsets are relative')
})

t.test('a magic-0 wrapper keeps absolute inner offsets', async t => {
  const set = encodeMessageSet([{ value: 'a' }, { value: 'b' }], { magic: 0, baseOffset: 50n, compression: 'gzip' })
  t.equal(set.readBigInt64BE(0), 51n)
  // Wrapper: 12-byte log overhead, crc, magic, attributes, null key (4), value length (4) at 22, value at 26.
  const inner = gunzipSync(set.subarray(26))
  t.equal(inner.readBigInt64BE(0), 50n)
})

t.test('reads a gzip magic-1 wrapper built by hand from the specification', async t => {
  const inner = Buffer.concat([
    message(0n, 1, 0, 100n, Buffer.from('a'), Buffer.from('1')),
    message(1n, 1, 0, 101n, null, Buffer.from('2')),
    message(2n, 1, 0, 102n, Buffer.from('c'), null)
  ])
  const set = message(10n, 1, 1, 102n, null, gzipSync(inner))
  t.same([...iterateRecords(set)].map(plain), [
    { offset: 8n, timestamp: 100n, key: Buffer.from('a'), value: Buffer.from('1'), headers: [] },
    { offset: 9n, timestamp: 101n, key: null, value: Buffer.from('2'), headers: [] },
    { offset: 10n, timestamp: 102n, key: Buffer.from('c'), value: null, headers: [] }
  ])
  t.same([...iterateRecords(set, { fromOffset: 9n })].map(r => r.offset), [9n, 10n])
  t.match(scanBatches(set).batches, [{ baseOffset: 8n, lastOffset: 10n, recordCount: 3, compression: 'gzip' }])
})

t.test('a LogAppendTime wrapper\'s timestamp stands for its inner messages (KIP-32)', async t => {
  const inner = Buffer.concat([message(0n, 1, 0, 100n, null, Buffer.from('1')), message(1n, 1, 0, 101n, null, Buffer.from('2'))])
  const set = message(1n, 1, 1 | 8, 999n, null, gzipSync(inner))
  const records = [...iterateRecords(set)]
  t.same(records.map(r => r.timestamp), [999n, 999n])
  t.same(records.map(r => r.timestampType), ['logAppend', 'logAppend'])
  const encoded = encodeMessageSet([{ value: 'x', timestamp: 5 }], { magic: 1, timestampType: 'logAppend' })
  t.equal([...iterateRecords(encoded)][0].timestampType, 'logAppend')
})

t.test('rejects malformed wrappers', async t => {
  const good = message(0n, 1, 0, 1n, null, Buffer.from('x'))
  const cases: Array<[string, Buffer]> = [
    ['nested compression', message(0n, 1, 1, 1n, null, gzipSync(message(0n, 1, 1, 1n, null, gzipSync(good))))],
    ['magic mismatch', message(0n, 1, 1, 1n, null, gzipSync(message(0n, 0, 0, 1n, null, Buffer.from('x'))))],
    ['null wrapper value', message(0n, 1, 1, 1n, null, null)],
    ['empty wrapper', message(0n, 1, 1, 1n, null, gzipSync(Buffer.alloc(0)))],
    ['truncated inner message', message(0n, 1, 1, 1n, null, gzipSync(good.subarray(0, good.length - 1)))],
    ['zstd in a legacy message', message(0n, 1, 4, 1n, null, Buffer.from('x'))]
  ]
  for (const [name, set] of cases) t.throws(() => [...iterateRecords(set)], CorruptRecordError, name)
})

t.test('refuses headers, zstd and other magics for legacy message sets', async t => {
  t.throws(() => encodeMessageSet([{ value: 'x', headers: [{ key: 'h', value: null }] }], { magic: 1 }), EncodeError)
  t.throws(() => encodeMessageSet([{ value: 'x' }], { magic: 1, compression: 'zstd' }), EncodeError)
  t.throws(() => encodeMessageSet([{ value: 'x' }], { magic: 2 as never }), EncodeError)
  t.throws(() => encodeMessageSet([], { magic: 0 }), EncodeError)
})

t.test('a message CRC mismatch is a CorruptRecordError unless verifyCrc is off', async t => {
  const bad = Buffer.from(GOLDEN_MAGIC1)
  bad[bad.length - 1] ^= 1
  t.throws(() => [...iterateRecords(bad, { topic: 't', partition: 0 })], { name: 'CorruptRecordError', offset: 7n, topic: 't' })
  t.equal([...iterateRecords(bad, { verifyCrc: false })][0].value?.toString(), 'w')
})

t.test('encodes large values without losing the CRC', async t => {
  const value = Buffer.alloc(100_000, 7)
  const set = encodeMessageSet([{ value, timestamp: 1 }], { magic: 1 })
  t.equal(set.readUInt32BE(12), bitwiseCrc(CRC32_POLY, set, 16))
  t.ok([...iterateRecords(set)][0].value?.equals(value))
})
