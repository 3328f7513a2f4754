import t from 'tap'
import fc from 'fast-check'
import { crc32c } from '../../../protocol/records/crc32c.js'

// Bit-at-a-time CRC-32C straight from the definition (reflected polynomial 0x82F63B78, init and final xor all
// ones): slow, obviously right, and sharing nothing with the table-driven code under test.
function bitwiseCrc32c (buf: Uint8Array, start = 0, end = buf.length): number {
  let c = 0xffffffff
  for (let i = start; i < end; i++) {
    c ^= buf[i]
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
  }
  return (c ^ 0xffffffff) >>> 0
}

const ascending = Uint8Array.from({ length: 32 }, (_, i) => i)
const descending = Uint8Array.from({ length: 32 }, (_, i) => 31 - i)

t.test('matches the RFC 3720 appendix B.4 test vectors', async t => {
  // Expected values as 32-bit numbers (the RFC prints them as the bytes of the register, least-significant first).
  t.equal(crc32c(new Uint8Array(32)), 0x8a9136aa, '32 bytes of zeros')
  t.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43, '32 bytes of 0xFF')
  t.equal(crc32c(ascending), 0x46dd794e, '32 ascending bytes 00..1F')
  t.equal(crc32c(descending), 0x113fdb5c, '32 descending bytes 1F..00')
  const iscsiRead = Uint8Array.from([
    0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
    0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
  ])
  t.equal(crc32c(iscsiRead), 0xd9963a56, 'iSCSI SCSI Read (10) command PDU')
})

t.test('gives the catalogued check value for "123456789"', async t => {
  t.equal(crc32c(Buffer.from('123456789')), 0xe3069283)
})

t.test('gives 0 for an empty range', async t => {
  t.equal(crc32c(new Uint8Array(0)), 0)
  t.equal(crc32c(ascending, 5, 5), 0)
})

t.test('covers only buf[start, end) of a view into a larger buffer', async t => {
  const big = Buffer.alloc(300)
  big.set(ascending, 101)
  const view = big.subarray(101, 133)
  t.equal(crc32c(view), 0x46dd794e)
  t.equal(crc32c(big, 101, 133), 0x46dd794e)
})

t.test('rejects a range outside the buffer', async t => {
  t.throws(() => crc32c(ascending, 0, 33), RangeError)
  t.throws(() => crc32c(ascending, -1, 3), RangeError)
  t.throws(() => crc32c(ascending, 4, 3), RangeError)
})

t.test('equals the bitwise reference on random buffers and ranges', async t => {
  fc.assert(fc.property(
    fc.uint8Array({ maxLength: 600, size: 'max' }), fc.nat(), fc.nat(), fc.nat({ max: 7 }),
    (bytes, a, b, shift) => {
      // Copy to an odd offset inside a larger ArrayBuffer so unaligned starts are exercised too.
      const backing = new Uint8Array(bytes.length + 8)
      const buf = backing.subarray(shift, shift + bytes.length)
      buf.set(bytes)
      const start = bytes.length === 0 ? 0 : a % (bytes.length + 1)
      const end = start + (bytes.length === 0 ? 0 : b % (bytes.length - start + 1))
      return crc32c(buf, start, end) === bitwiseCrc32c(buf, start, end) && crc32c(buf) === bitwiseCrc32c(buf)
    }), { numRuns: 500 })
})
