import t from 'tap'
import fc from 'fast-check'
import { zstdCompress, zstdDecompress } from '../../../../protocol/compression/zstd/index.js'
import { randomBytes, repetitive, text } from './zstd-inputs.js'

t.test('an empty input round-trips through a valid frame', async t => {
  const frame = zstdCompress(Buffer.alloc(0))
  t.equal(frame.readUInt32LE(0), 0xfd2fb528, 'starts with the zstd magic number')
  t.same(zstdDecompress(frame), Buffer.alloc(0))
})

t.test('arbitrary buffers round-trip', async () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 5000 }), bytes => {
    const input = Buffer.from(bytes)
    return zstdDecompress(zstdCompress(input)).equals(input)
  }), { numRuns: 300 })
})

t.test('repetitive buffers built from a small alphabet round-trip', async () => {
  const arb = fc.tuple(
    fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 40 }),
    fc.integer({ min: 0, max: 20000 })
  ).map(([unit, n]) => {
    const b = Buffer.alloc(n)
    for (let i = 0; i < n; i++) b[i] = 97 + unit[i % unit.length]
    return b
  })
  fc.assert(fc.property(arb, input => zstdDecompress(zstdCompress(input)).equals(input)), { numRuns: 200 })
})

t.test('repetitive text compresses to less than half its size', async t => {
  const input = repetitive(100 * 1024, 7)
  const frame = zstdCompress(input)
  t.ok(frame.length < input.length * 0.5, `ratio ${(frame.length / input.length).toFixed(3)}`)
  t.ok(zstdDecompress(frame).equals(input))
  const words = text(100 * 1024, 8)
  const wordsFrame = zstdCompress(words)
  t.ok(wordsFrame.length < words.length * 0.5, `word salad ratio ${(wordsFrame.length / words.length).toFixed(3)}`)
  t.ok(zstdDecompress(wordsFrame).equals(words))
})

t.test('incompressible input costs only the frame overhead', async t => {
  const input = randomBytes(300 * 1024, 9)
  const frame = zstdCompress(input)
  // Header, 3 raw block headers and the checksum.
  t.ok(frame.length <= input.length + 14 + 3 * 3 + 4)
  t.ok(zstdDecompress(frame).equals(input))
})

t.test('inputs spanning several blocks and a window-sized frame round-trip', async t => {
  for (const size of [128 * 1024 - 1, 128 * 1024, 128 * 1024 + 1, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024]) {
    const input = text(size, size)
    t.ok(zstdDecompress(zstdCompress(input)).equals(input), `${size} bytes`)
  }
  const runs = Buffer.concat([Buffer.alloc(200000, 0x61), randomBytes(1000, 3), Buffer.alloc(200000, 0x62)])
  t.ok(zstdDecompress(zstdCompress(runs)).equals(runs), 'single-byte blocks become RLE blocks')
})

t.test('a view into a larger buffer compresses only its own bytes', async t => {
  const backing = text(10000, 4)
  const view = backing.subarray(1001, 7003)
  t.ok(zstdDecompress(zstdCompress(view)).equals(view))
})
