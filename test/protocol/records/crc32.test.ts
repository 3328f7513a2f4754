import t from 'tap'
import fc from 'fast-check'
import * as zlib from 'node:zlib'
import { crc32, crc32Table } from '../../../protocol/records/crc32.js'

// Bit-at-a-time CRC-32 (IEEE) from the definition: reflected polynomial 0xEDB88320, init and final xor all ones.
function bitwiseCrc32 (buf: Uint8Array, start = 0, end = buf.length): number {
  let c = 0xffffffff
  for (let i = start; i < end; i++) {
    c ^= buf[i]
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
  }
  return (c ^ 0xffffffff) >>> 0
}

// zlib.crc32 arrived in Node 20.15 / 22.2; older runtimes skip the comparison with it.
const zlibCrc32 = (zlib as unknown as { crc32?: (data: Uint8Array) => number }).crc32

function slice (bytes: Uint8Array, a: number, b: number): [number, number] {
  const start = bytes.length === 0 ? 0 : a % (bytes.length + 1)
  return [start, start + (bytes.length === 0 ? 0 : b % (bytes.length - start + 1))]
}

t.test('gives the catalogued check value for "123456789"', async t => {
  t.equal(crc32(Buffer.from('123456789')), 0xcbf43926)
})

t.test('gives the well-known value for "The quick brown fox jumps over the lazy dog"', async t => {
  t.equal(crc32(Buffer.from('The quick brown fox jumps over the lazy dog')), 0x414fa339)
})

t.test('gives 0 for an empty range', async t => {
  t.equal(crc32(new Uint8Array(0)), 0)
})

t.test('equals the bitwise reference on random buffers and ranges', async t => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600, size: 'max' }), fc.nat(), fc.nat(), fc.nat({ max: 7 }), (bytes, a, b, shift) => {
    const buf = new Uint8Array(bytes.length + 8).subarray(shift, shift + bytes.length)
    buf.set(bytes)
    const [start, end] = slice(buf, a, b)
    const want = bitwiseCrc32(buf, start, end)
    // Both paths: crc32 (node:zlib's when present) and the portable table loop it falls back to.
    return crc32(buf, start, end) === want && crc32Table(buf, start, end) === want
  }), { numRuns: 500 })
})

t.test('equals node:zlib crc32 on random buffers', { skip: zlibCrc32 === undefined ? 'node:zlib has no crc32' : false }, async t => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 5000, size: 'max' }), fc.nat(), fc.nat(), (bytes, a, b) => {
    const [start, end] = slice(bytes, a, b)
    return crc32Table(bytes, start, end) === zlibCrc32!(bytes.subarray(start, end)) >>> 0
  }), { numRuns: 300 })
  const big = new Uint8Array(1 << 20)
  for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24
  t.equal(crc32Table(big), zlibCrc32!(big) >>> 0, '1 MiB')
})
