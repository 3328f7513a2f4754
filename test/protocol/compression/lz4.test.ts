import t from 'tap'
import fc from 'fast-check'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { CompressionError } from '../../../protocol/errors.js'
import { lz4Compress, lz4Decompress } from '../../../protocol/compression/lz4.js'
import { xxhash32 } from '../../../protocol/compression/xxhash32.js'

const repetitive = fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.integer({ min: 1, max: 4000 }))
  .map(([unit, times]) => Buffer.concat(Array.from({ length: times }, () => unit)))
const inputs = fc.oneof(
  fc.uint8Array({ maxLength: 3000, size: 'max' }).map(b => Buffer.from(b)),
  repetitive,
  fc.array(fc.oneof(fc.uint8Array({ maxLength: 200 }).map(b => Buffer.from(b)), repetitive), { maxLength: 8 }).map(bs => Buffer.concat(bs))
)

// ~200 KiB of text-like records: several 64 KiB blocks.
const records = Buffer.from(Array.from({ length: 3000 }, (_, i) => `{"id":${i},"user":"u${i % 97}","ts":${1700000000000 + i * 37}}`).join('\n'))

// A frame header with a correct HC: magic, FLG, BD, [extra descriptor bytes], HC.
function header (flg: number, bd: number, extra: number[] = []): Buffer {
  const h = Buffer.from([0x04, 0x22, 0x4d, 0x18, flg, bd, ...extra, 0])
  h[h.length - 1] = (xxhash32(h, 0, 4, h.length - 1) >>> 8) & 0xff
  return h
}

function u32le (n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(n >>> 0)
  return b
}

t.test('round-trips arbitrary, repetitive and empty input', async t => {
  fc.assert(fc.property(inputs, data => lz4Decompress(lz4Compress(data)).equals(data)), { numRuns: 200 })
  t.equal(lz4Decompress(lz4Compress(Buffer.alloc(0))).length, 0, 'empty')
  t.ok(lz4Decompress(lz4Compress(records)).equals(records), 'several blocks')
})

t.test('shrinks a repetitive 100 KiB input', async t => {
  const data = Buffer.from('{"user":"alice","action":"click","page":"/home"}\n'.repeat(2100)).subarray(0, 100 * 1024)
  t.ok(lz4Compress(data).length < data.length / 10)
})

t.test('writes the frame the Java client writes: 64 KiB independent blocks, no optional fields', async t => {
  const out = lz4Compress(Buffer.from('abc'))
  t.same([...out.subarray(0, 6)], [0x04, 0x22, 0x4d, 0x18, 0x60, 0x40])
  t.equal(out[6], (xxhash32(out, 0, 4, 6) >>> 8) & 0xff, 'HC over FLG and BD')
  t.same([...out.subarray(out.length - 4)], [0, 0, 0, 0], 'end mark')
})

t.test('stores incompressible blocks uncompressed, flagged by the high bit', async t => {
  const data = Buffer.from(fc.sample(fc.uint8Array({ minLength: 1000, maxLength: 1000 }), 1)[0])
  const out = lz4Compress(data)
  t.equal(out.readUInt32LE(7), (0x80000000 | 1000) >>> 0)
  t.ok(lz4Decompress(out).equals(data))
})

t.test('writes and accepts the pre-0.10 header checksum over the magic when asked (KIP-57)', async t => {
  const data = Buffer.from('legacy magic 0 message set '.repeat(20))
  const legacy = lz4Compress(data, { legacyHeaderChecksum: true })
  t.equal(legacy[6], (xxhash32(legacy, 0, 0, 6) >>> 8) & 0xff, 'HC covers magic, FLG and BD')
  t.ok(lz4Decompress(legacy, { legacyHeaderChecksum: true }).equals(data))
  t.ok(lz4Decompress(lz4Compress(data), { legacyHeaderChecksum: true }).equals(data), 'a correct HC is accepted too')
  t.throws(() => lz4Decompress(legacy), /header checksum/, 'without the option the legacy HC is refused')
})

// Frames from the lz4 command-line tool (Debian package lz4, the reference implementation).
const LZ4 = '/usr/bin/lz4'
const haveLz4 = existsSync(LZ4) ? false : `${LZ4} not installed`

function lz4Cli (args: string[], input: Buffer): Buffer {
  const r = spawnSync(LZ4, args, { input, maxBuffer: 64 << 20 })
  if (r.status !== 0) throw new Error(`lz4 ${args.join(' ')} failed: ${r.stderr.toString()}`)
  return r.stdout
}

t.test('reads frames written by the lz4 CLI in every layout', { skip: haveLz4 }, async t => {
  const samples = [Buffer.alloc(0), Buffer.from('x'), records, Buffer.alloc(300000, 0x41)]
  const layouts = [
    ['-c'], //                                   defaults: 4 MiB blocks, linked, content checksum
    ['-c', '-B4', '-BD'], //                      64 KiB linked blocks: matches cross block boundaries
    ['-c', '-B4', '--no-frame-crc'], //           64 KiB independent blocks, no checksum (Kafka's layout)
    ['-c', '-B5', '-BX', '--content-size'], //    block checksums and a declared content size
    ['-c', '-9', '-B6', '-BD'] //                 high compression, 1 MiB linked blocks
  ]
  for (const args of layouts) {
    for (const data of samples) {
      t.ok(lz4Decompress(lz4Cli(args, data)).equals(data), `lz4 ${args.join(' ')} of ${data.length} bytes`)
    }
  }
})

t.test('writes frames the lz4 CLI reads', { skip: haveLz4 }, async t => {
  const more = fc.sample(inputs, 20)
  for (const data of [Buffer.alloc(0), records, Buffer.alloc(300000, 0x41), ...more]) {
    t.ok(lz4Cli(['-d', '-c'], lz4Compress(data)).equals(data), `${data.length} bytes`)
  }
})

t.test('verifies block and content checksums', { skip: haveLz4 }, async t => {
  const withChecksums = lz4Cli(['-c', '-B4', '-BX'], records)
  const badContent = Buffer.from(withChecksums)
  badContent[badContent.length - 1] ^= 1
  t.throws(() => lz4Decompress(badContent), /content checksum/)
  const badBlock = Buffer.from(withChecksums)
  const firstBlockSize = badBlock.readUInt32LE(7) & 0x7fffffff
  badBlock[7 + 4 + firstBlockSize] ^= 1 // the block's checksum
  t.throws(() => lz4Decompress(badBlock), /block checksum/)
})

t.test('rejects a block larger than the input left, before allocating', async t => {
  const frame = Buffer.concat([header(0x60, 0x40), u32le(1000), Buffer.alloc(10)])
  t.throws(() => lz4Decompress(frame), /needs 1000 bytes/)
  const overMax = Buffer.concat([header(0x60, 0x40), u32le(70000), Buffer.alloc(70000), u32le(0)])
  t.throws(() => lz4Decompress(overMax), /maximum/, 'a block over the 64 KiB block maximum')
})

t.test('enforces maxOutputBytes and a declared content size', async t => {
  const data = Buffer.alloc(200000, 0x61)
  const frame = lz4Compress(data)
  t.equal(lz4Decompress(frame, { maxOutputBytes: 200000 }).length, 200000)
  t.throws(() => lz4Decompress(frame, { maxOutputBytes: 199999 }), /maxOutputBytes/)
  // A content size of 2^40 is refused from the header alone.
  const huge = Buffer.concat([header(0x68, 0x40, [0, 0, 0, 0, 0, 1, 0, 0]), u32le(0)])
  t.throws(() => lz4Decompress(huge), /maxOutputBytes/)
  // A content size that the blocks cannot produce.
  const liar = Buffer.concat([header(0x68, 0x40, [100, 0, 0, 0, 0, 0, 0, 0]), u32le((0x80000000 | 3) >>> 0), Buffer.from('abc'), u32le(0)])
  t.throws(() => lz4Decompress(liar), CompressionError)
})

t.test('rejects malformed headers and blocks', async t => {
  const good = lz4Compress(records)
  t.throws(() => lz4Decompress(good.subarray(0, 5)), CompressionError, 'short header')
  t.throws(() => lz4Decompress(Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18]), good.subarray(4)])), /magic/, 'skippable-frame magic')
  const badHc = Buffer.from(good)
  badHc[6] ^= 0xff
  t.throws(() => lz4Decompress(badHc), /header checksum/)
  t.throws(() => lz4Decompress(Buffer.concat([header(0xa0, 0x40), u32le(0)])), /version/, 'version 10')
  t.throws(() => lz4Decompress(Buffer.concat([header(0x61, 0x40, [1, 2, 3, 4]), u32le(0)])), /dictionary/)
  t.throws(() => lz4Decompress(Buffer.concat([header(0x60, 0x30), u32le(0)])), /block maximum size/)
  t.throws(() => lz4Decompress(good.subarray(0, good.length - 4)), /truncated/, 'no end mark')
  t.throws(() => lz4Decompress(Buffer.concat([good, Buffer.from([1])])), /follow/, 'trailing bytes')
  // Block: token says 1 literal then a match at offset 5, but only 1 byte has been produced.
  const backRef = Buffer.concat([header(0x60, 0x40), u32le(4), Buffer.from([0x10, 0x61, 0x05, 0x00]), u32le(0)])
  t.throws(() => lz4Decompress(backRef), /offset/)
  // An independent block may not reach into the previous block.
  const first = Buffer.from([0x40, 0x61, 0x62, 0x63, 0x64]) // 4 literals, last sequence
  const second = Buffer.from([0x00, 0x04, 0x00, 0x10, 0x7a]) // match offset 4 (into block 1), then 1 literal
  const crossing = Buffer.concat([header(0x60, 0x40), u32le(5), first, u32le(5), second, u32le(0)])
  t.throws(() => lz4Decompress(crossing), /offset/)
  const linked = Buffer.concat([header(0x40, 0x40), u32le(5), first, u32le(5), second, u32le(0)])
  t.equal(lz4Decompress(linked).toString(), 'abcdabcdz', 'the same blocks linked (FLG without B.Indep) are fine')
})

t.test('random and mutated bytes decode or throw only CompressionError', async t => {
  const valid = lz4Compress(records.subarray(0, 40000))
  const mutated = fc.tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), fc.boolean())
    .map(([flips, cut]) => {
      let b = Buffer.from(valid)
      // Keep the header intact half the time so the block decoder, not the header check, sees the damage.
      for (const [at, x] of flips) b[cut ? at % b.length : 7 + (at % (b.length - 7))] ^= x
      if (cut) b = b.subarray(0, flips[0][0] % b.length)
      return b
    })
  const randomBlocks = fc.uint8Array({ minLength: 1, maxLength: 300 }).map(body =>
    Buffer.concat([header(0x60, 0x40), u32le(body.length), body, u32le(0)]))
  fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }).map(b => Buffer.from(b)), mutated, randomBlocks), data => {
    try {
      lz4Decompress(data, { maxOutputBytes: 1 << 20 })
    } catch (err) {
      if (!(err instanceof CompressionError)) throw err
    }
  }), { numRuns: 1000 })
})
