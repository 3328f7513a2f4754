// Malformed zstd input must fail with a CompressionError, quickly and without large allocations: truncations,
// flipped bits, lying headers, random bytes. Hand-built frames are commented field by field from RFC 8878.
import t from 'tap'
import fc from 'fast-check'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { CompressionError } from '../../../../protocol/errors.js'
import { zstdCompress, zstdDecompress } from '../../../../protocol/compression/zstd/index.js'
import { randomBytes, text } from './zstd-inputs.js'

const ZSTD = '/usr/bin/zstd'

function cliFrame (args: string[], input: Buffer): Buffer | undefined {
  if (!existsSync(ZSTD)) return undefined
  const r = spawnSync(ZSTD, ['-c', '-q', ...args], { input, maxBuffer: 64 * 1024 * 1024 })
  return r.status === 0 ? r.stdout : undefined
}

/** Decodes, and reports anything thrown that is not a CompressionError as a failure. */
function decodesOrCompressionError (frame: Buffer, maxOutputBytes = 4 * 1024 * 1024): boolean {
  try {
    zstdDecompress(frame, { maxOutputBytes })
    return true
  } catch (err) {
    if (err instanceof CompressionError) return true
    throw err
  }
}

// Frames to mutate: ours (predefined sequence tables, raw literals) and, where the CLI exists, the reference's
// (Huffman literals, FSE-compressed and repeated tables, repeat offsets), with and without checksums.
const sample = text(20000, 1)
const bases: Buffer[] = [zstdCompress(sample), zstdCompress(randomBytes(300, 2)), zstdCompress(Buffer.alloc(0))]
for (const args of [['-1', '--no-check'], ['-19', '--no-check'], ['-3']]) {
  const frame = cliFrame(args, sample)
  if (frame !== undefined) bases.push(frame)
}

t.test('every truncation of a frame is a CompressionError', async t => {
  for (const frame of bases) {
    for (let n = 0; n < frame.length; n++) {
      t.throws(() => zstdDecompress(frame.subarray(0, n)), CompressionError)
    }
  }
})

t.test('a tiny frame claiming a 4 GiB content size fails before allocating', async t => {
  const frame = Buffer.from([
    0x28, 0xb5, 0x2f, 0xfd, // magic
    0xa0, //                   Frame_Content_Size_Flag 2 (4 bytes), Single_Segment_Flag
    0xff, 0xff, 0xff, 0xff, // Frame_Content_Size 4 GiB - 1
    0x01, 0x00, 0x00 //        last Raw_Block of size 0
  ])
  t.throws(() => zstdDecompress(frame), { name: 'CompressionError', message: /maxOutputBytes/ })
  // Even with the limit lifted, 3 bytes of blocks cannot produce 4 GiB: refused as corrupt, not allocated.
  t.throws(() => zstdDecompress(frame, { maxOutputBytes: 2 ** 40 }), { name: 'CompressionError', message: /declares/ })
})

t.test('output past maxOutputBytes is refused when no content size is declared', async t => {
  // A frame without Frame_Content_Size: 64 RLE blocks of 128 KiB each, 8 MiB from 200 bytes.
  const blocks: number[] = []
  for (let i = 0; i < 64; i++) {
    const header = (i === 63 ? 1 : 0) | (1 << 1) | ((128 * 1024) << 3) // last?, RLE_Block, size 128 KiB
    blocks.push(header & 0xff, (header >>> 8) & 0xff, header >>> 16, 0x41)
  }
  const frame = Buffer.from([
    0x28, 0xb5, 0x2f, 0xfd, // magic
    0x00, //                   no content size, not single segment, no checksum
    0x38, //                   Window_Descriptor: exponent 7, 128 KiB window
    ...blocks
  ])
  t.throws(() => zstdDecompress(frame, { maxOutputBytes: 1024 * 1024 }), { message: /maxOutputBytes/ })
  t.equal(zstdDecompress(frame, { maxOutputBytes: 8 * 1024 * 1024 }).length, 8 * 1024 * 1024)
  t.throws(() => zstdDecompress(frame, { maxOutputBytes: 8 * 1024 * 1024 - 1 }), CompressionError)
})

t.test('a frame needing a dictionary is refused by name', async t => {
  const frame = Buffer.from([
    0x28, 0xb5, 0x2f, 0xfd, // magic
    0x21, //                   Single_Segment_Flag, Dictionary_ID_Flag 1 (1 byte)
    0x07, //                   Dictionary_ID 7
    0x00, //                   Frame_Content_Size 0
    0x01, 0x00, 0x00 //        last Raw_Block of size 0
  ])
  t.throws(() => zstdDecompress(frame), { name: 'CompressionError', message: /dictionar/ })
})

t.test('structural errors are CompressionErrors', async t => {
  const ok = zstdCompress(Buffer.from('hello'))
  t.throws(() => zstdDecompress(Buffer.alloc(0)), CompressionError, 'empty input')
  t.throws(() => zstdDecompress(Buffer.from([1, 2, 3, 4, 5])), { message: /magic/ }, 'unknown magic')
  const reserved = Buffer.from(ok)
  reserved[4] |= 0x08
  t.throws(() => zstdDecompress(reserved), { message: /reserved/ }, 'reserved header bit')
  const badChecksum = Buffer.from(ok)
  badChecksum[badChecksum.length - 1] ^= 1
  t.throws(() => zstdDecompress(badChecksum), { message: /checksum/ })
  const reservedBlock = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00, 0x07, 0x00, 0x00]) // Block_Type 3
  t.throws(() => zstdDecompress(reservedBlock), { message: /reserved block type/ })
  t.throws(() => zstdDecompress(Buffer.concat([ok, Buffer.from([0x28, 0xb5])])), CompressionError, 'trailing bytes')
})

t.test('flipped bits raise only CompressionError', async () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: bases.length - 1 }),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 }),
    (which, flips) => {
      const frame = Buffer.from(bases[which])
      for (const [at, bit] of flips) frame[at % frame.length] ^= 1 << bit
      return decodesOrCompressionError(frame)
    }
  ), { numRuns: 2000 })
})

t.test('overwritten, inserted and deleted bytes raise only CompressionError', async () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: bases.length - 1 }),
    fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 2 }),
    (which, at, bytes, kind) => {
      const base = bases[which]
      const i = at % base.length
      const frame = kind === 0
        ? Buffer.concat([base.subarray(0, i), bytes, base.subarray(i + bytes.length)])
        : kind === 1
          ? Buffer.concat([base.subarray(0, i), bytes, base.subarray(i)])
          : Buffer.concat([base.subarray(0, i), base.subarray(i + bytes.length)])
      return decodesOrCompressionError(frame)
    }
  ), { numRuns: 2000 })
})

t.test('random bytes after a valid frame header raise only CompressionError', async () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(0x00, 0x20, 0x24, 0x60, 0xa4), (body, fhd) => {
    const window = (fhd & 0x20) === 0 ? [0x38] : [] // Window_Descriptor unless single segment
    const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, fhd, ...window, ...body])
    return decodesOrCompressionError(frame)
  }), { numRuns: 3000 })
})
