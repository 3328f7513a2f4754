import t from 'tap'
import fc from 'fast-check'
import { spawnSync } from 'node:child_process'
import { CompressionError } from '../../../protocol/errors.js'
import { snappyCompress, snappyDecompress } from '../../../protocol/compression/snappy.js'
import { readSnappyPreamble, snappyCompressBlock, snappyDecompressBlock } from '../../../protocol/compression/snappy-block.js'

const repetitive = fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.integer({ min: 1, max: 4000 }))
  .map(([unit, times]) => Buffer.concat(Array.from({ length: times }, () => unit)))
const inputs = fc.oneof(
  fc.uint8Array({ maxLength: 3000, size: 'max' }).map(b => Buffer.from(b)),
  repetitive,
  fc.array(fc.oneof(fc.uint8Array({ maxLength: 200 }).map(b => Buffer.from(b)), repetitive), { maxLength: 8 }).map(bs => Buffer.concat(bs))
)

// ~200 KiB of text-like records: crosses the 32 KiB xerial chunk and 64 KiB fragment boundaries.
const records = Buffer.from(Array.from({ length: 3000 }, (_, i) => `{"id":${i},"user":"u${i % 97}","ts":${1700000000000 + i * 37}}`).join('\n'))

const XERIAL_HEADER = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])

function xerial (...blocks: Buffer[]): Buffer {
  const parts: Buffer[] = [XERIAL_HEADER]
  for (const b of blocks) {
    const len = Buffer.alloc(4)
    len.writeInt32BE(b.length)
    parts.push(len, b)
  }
  return Buffer.concat(parts)
}

t.test('round-trips arbitrary, repetitive and empty input (xerial framing and raw blocks)', async t => {
  fc.assert(fc.property(inputs, data =>
    snappyDecompress(snappyCompress(data)).equals(data) && snappyDecompress(snappyCompressBlock(data)).equals(data)
  ), { numRuns: 200 })
  t.equal(snappyDecompress(snappyCompress(Buffer.alloc(0))).length, 0, 'empty, xerial')
  t.equal(snappyDecompress(snappyCompressBlock(Buffer.alloc(0))).length, 0, 'empty, raw')
  t.ok(snappyDecompress(snappyCompress(records)).equals(records), 'multi-chunk input')
})

t.test('shrinks a repetitive 100 KiB input', async t => {
  const data = Buffer.from('{"user":"alice","action":"click","page":"/home"}\n'.repeat(2100)).subarray(0, 100 * 1024)
  t.ok(snappyCompress(data).length < data.length / 10)
})

t.test('writes the xerial header the Java client writes', async t => {
  const out = snappyCompress(Buffer.from('abc'))
  t.same([...out.subarray(0, 16)], [...XERIAL_HEADER])
  t.equal(out.readInt32BE(16), out.length - 20, 'one chunk holding the rest')
})

// Vectors written by hand from format_description.txt, independent of our encoder.
t.test('decodes hand-assembled raw blocks', async t => {
  const v1 = Buffer.from([
    0x0d, //                         preamble: 13 bytes uncompressed
    0x0c, 0x61, 0x62, 0x63, 0x64, // literal, tag (4-1)<<2: "abcd"
    0x11, 0x04, //                   copy-1, tag 01 | (8-4)<<2, offset 4: "abcdabcd" (overlapping copy)
    0x00, 0x21 //                    literal, tag (1-1)<<2: "!"
  ])
  t.equal(snappyDecompress(v1).toString(), 'abcdabcdabcd!')

  const sixtyOne = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY') // 61 bytes
  const v2 = Buffer.concat([
    Buffer.from([0x46]), //                   preamble: 70
    Buffer.from([0xf0, 0x3c]), sixtyOne, //  literal, tag 60<<2, then length-1 = 60 in one byte
    Buffer.from([0x12, 0x3d, 0x00]), //       copy-2, tag 10 | (5-1)<<2, offset 61 LE: "01234"
    Buffer.from([0x0f, 0x42, 0, 0, 0]) //     copy-4, tag 11 | (4-1)<<2, offset 66 LE: "0123"
  ])
  t.equal(snappyDecompress(v2).toString(), sixtyOne.toString() + '01234' + '0123')

  // Literal lengths in 3 and 4 extra bytes (tags 62 and 63): legal for any length, though encoders use them for long runs.
  const v3 = Buffer.from([0x05, 0xf8, 0x04, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f]) // 5, tag 62<<2, len-1 = 4, "hello"
  t.equal(snappyDecompress(v3).toString(), 'hello')
  const v4 = Buffer.from([0x05, 0xfc, 0x04, 0x00, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f]) // tag 63<<2, 4-byte len-1
  t.equal(snappyDecompress(v4).toString(), 'hello')

  t.equal(snappyDecompress(xerial(v1, v1)).toString(), 'abcdabcdabcd!abcdabcdabcd!', 'the same blocks in xerial framing')
})

// The system's libsnappy (Google's implementation, Debian libsnappy1v5) through its C API and Python's ctypes.
const LIBSNAPPY = [
  'import ctypes, sys',
  'lib = ctypes.CDLL("libsnappy.so.1")',
  'data = sys.stdin.buffer.read()',
  'def compress(d):',
  '    n = ctypes.c_size_t(lib.snappy_max_compressed_length(ctypes.c_size_t(len(d))))',
  '    out = ctypes.create_string_buffer(n.value)',
  '    assert lib.snappy_compress(d, ctypes.c_size_t(len(d)), out, ctypes.byref(n)) == 0',
  '    return out.raw[:n.value]',
  'def uncompress(d):',
  '    n = ctypes.c_size_t(0)',
  '    assert lib.snappy_uncompressed_length(d, ctypes.c_size_t(len(d)), ctypes.byref(n)) == 0',
  '    out = ctypes.create_string_buffer(max(n.value, 1))',
  '    assert lib.snappy_uncompress(d, ctypes.c_size_t(len(d)), out, ctypes.byref(n)) == 0',
  '    return out.raw[:n.value]',
  'sys.stdout.buffer.write((compress if sys.argv[1] == "c" else uncompress)(data))'
].join('\n')
const probe = spawnSync('python3', ['-c', 'import ctypes; ctypes.CDLL("libsnappy.so.1").snappy_compress'])
const haveLib = probe.status === 0 ? false : 'python3 with libsnappy.so.1 not available'

function libsnappy (mode: 'c' | 'd', input: Buffer): Buffer {
  const r = spawnSync('python3', ['-c', LIBSNAPPY, mode], { input, maxBuffer: 64 << 20 })
  if (r.status !== 0) throw new Error(`libsnappy ${mode} failed: ${r.stderr.toString()}`)
  return r.stdout
}

t.test('reads libsnappy raw blocks, in xerial framing too, and libsnappy reads ours', { skip: haveLib }, async t => {
  const samples = [Buffer.alloc(0), Buffer.from('a'), records, Buffer.alloc(100000, 0x41), Buffer.from(fc.sample(fc.uint8Array({ minLength: 5000, maxLength: 5000 }), 1)[0])]
  for (const data of samples) {
    const theirs = libsnappy('c', data)
    t.ok(snappyDecompress(theirs).equals(data), `their raw block of ${data.length} bytes`)
    t.ok(snappyDecompress(xerial(theirs)).equals(data), `their block of ${data.length} bytes, framed`)
    t.ok(libsnappy('d', snappyCompressBlock(data)).equals(data), `our raw block of ${data.length} bytes`)
  }
})

t.test('reads preambles of every length, from 1 to 5 bytes, up to 2^32 - 1', async t => {
  const cases: Array<[number[], number]> = [
    [[0x00], 0], [[0x7f], 127], [[0x80, 0x01], 128], [[0xff, 0x7f], 16383], [[0x80, 0x80, 0x01], 16384],
    [[0xff, 0xff, 0xff, 0x7f], 2 ** 28 - 1], [[0x80, 0x80, 0x80, 0x80, 0x01], 2 ** 28],
    [[0xff, 0xff, 0xff, 0xff, 0x07], 2 ** 31 - 1], [[0xff, 0xff, 0xff, 0xff, 0x0f], 2 ** 32 - 1]
  ]
  for (const [bytes, length] of cases) {
    t.same(readSnappyPreamble(Buffer.from([...bytes, 0xaa]), 0, bytes.length + 1), { length, elementsStart: bytes.length }, `${length}`)
  }
  t.throws(() => readSnappyPreamble(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x1f]), 0, 5), /more than 2\^32 - 1/, '2^33 - 1')
})

t.test('rejects a 20-byte block claiming 4 GiB before allocating', async t => {
  const bomb = Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), Buffer.alloc(15, 0xfe)]) // preamble 2^32-1
  t.throws(() => snappyDecompress(bomb), CompressionError)
  t.throws(() => snappyDecompress(xerial(bomb)), CompressionError, 'inside xerial framing')
  // A claim under the limit but far beyond what 15 bytes of elements can expand to is refused as well.
  const liar = Buffer.concat([Buffer.from([0x80, 0x80, 0x80, 0x08]), Buffer.alloc(16, 0xfe)]) // 16 MiB
  t.throws(() => snappyDecompress(liar), /from only/)
})

t.test('enforces maxOutputBytes across xerial chunks', async t => {
  const data = Buffer.alloc(100000, 0x61)
  t.equal(snappyDecompress(snappyCompress(data), { maxOutputBytes: 100000 }).length, 100000)
  t.throws(() => snappyDecompress(snappyCompress(data), { maxOutputBytes: 99999 }), /maxOutputBytes/)
})

t.test('rejects offsets before the output start, truncation and length mismatches', async t => {
  t.throws(() => snappyDecompressBlock(Buffer.from([0x04, 0x00, 0x61, 0x11, 0x02]), 100), /offset/, 'copy from 2 back after 1 byte')
  t.throws(() => snappyDecompressBlock(Buffer.from([0x04, 0x01, 0x00]), 100), /offset/, 'offset 0')
  t.throws(() => snappyDecompressBlock(Buffer.from([0x05, 0x10, 0x61, 0x62]), 100), CompressionError, 'literal past the input')
  t.throws(() => snappyDecompressBlock(Buffer.from([0x05, 0x00, 0x61]), 100), /preamble says/, 'too short')
  t.throws(() => snappyDecompressBlock(Buffer.from([0x01, 0x04, 0x61, 0x62]), 100), /overflows/, 'too long')
  t.throws(() => snappyDecompressBlock(Buffer.from([0x80]), 100), /preamble/, 'truncated preamble')
  t.throws(() => snappyDecompressBlock(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 100), /preamble/, 'six-byte preamble')
  const framed = snappyCompress(records)
  t.throws(() => snappyDecompress(framed.subarray(0, framed.length - 1)), CompressionError, 'truncated xerial chunk')
  const badLen = Buffer.from(framed)
  badLen.writeInt32BE(-5, 16)
  t.throws(() => snappyDecompress(badLen), /xerial chunk/, 'negative chunk length')
})

t.test('random and mutated bytes decode or throw only CompressionError', async t => {
  const valid = snappyCompress(records.subarray(0, 40000))
  const mutated = fc.tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), fc.boolean())
    .map(([flips, cut]) => {
      let b = Buffer.from(valid)
      for (const [at, x] of flips) b[at % b.length] ^= x
      if (cut) b = b.subarray(0, flips[0][0] % b.length)
      return b
    })
  fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }).map(b => Buffer.from(b)), mutated), data => {
    try {
      snappyDecompress(data, { maxOutputBytes: 1 << 20 })
    } catch (err) {
      if (!(err instanceof CompressionError)) throw err
    }
  }), { numRuns: 1000 })
})
