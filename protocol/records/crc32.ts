// CRC-32 (IEEE 802.3, the zlib/PNG one), the checksum of legacy messages (magic 0 and 1): it covers each message
// from the magic byte to the end of the value (protocol guide, "Message sets"). Polynomial 0x04C11DB7, reflected
// 0xEDB88320; the check value of "123456789" is 0xCBF43926.
import * as zlib from 'node:zlib'
import { buildCrcTables, checkCrcRange, MIN_WORD_LOOP_BYTES, WORD_LOADS_ARE_LITTLE_ENDIAN } from './crc-table.js'

// Node >= 20.15 ships zlib.crc32 (the same polynomial, in C, with hardware folding where available): about 3x our
// table loop on large inputs. Older Node 20 releases fall back to the loop below, which the tests pin against it.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32

// The tables are module-level constants on purpose: V8 then embeds them in the optimized loop. Captured in a
// closure (one shared factory for both CRCs) the same loop measured ~40% slower, hence the loop is not shared.
const [t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15] = buildCrcTables(0xedb88320)

/** CRC-32 (IEEE) of buf[start, end) as an unsigned 32-bit number. */
export function crc32 (buf: Uint8Array, start: number = 0, end: number = buf.length): number {
  checkCrcRange(buf, start, end)
  if (nativeCrc32 !== undefined && end - start >= 64) return nativeCrc32(buf.subarray(start, end)) >>> 0
  return crc32Table(buf, start, end)
}

/** The portable table-driven CRC-32, exported so tests can pin it against the native one. */
export function crc32Table (buf: Uint8Array, start: number = 0, end: number = buf.length): number {
  checkCrcRange(buf, start, end)
  let c = -1
  let i = start
  if (WORD_LOADS_ARE_LITTLE_ENDIAN && end - i >= MIN_WORD_LOOP_BYTES) {
    // Single bytes up to a 4-byte boundary first: an Int32Array view must start aligned.
    while (((buf.byteOffset + i) & 3) !== 0) c = (c >>> 8) ^ t0[(c ^ buf[i++]) & 0xff]
    const words = ((end - i) >>> 4) << 2
    const w = new Int32Array(buf.buffer, buf.byteOffset + i, words)
    for (let j = 0; j < words; j += 4) {
      // The first word is xored into the register; table k advances a byte past the k bytes that follow it.
      const a = c ^ w[j]
      const b = w[j + 1]
      const d = w[j + 2]
      const e = w[j + 3]
      c = t15[a & 0xff] ^ t14[(a >>> 8) & 0xff] ^ t13[(a >>> 16) & 0xff] ^ t12[a >>> 24] ^
        t11[b & 0xff] ^ t10[(b >>> 8) & 0xff] ^ t9[(b >>> 16) & 0xff] ^ t8[b >>> 24] ^
        t7[d & 0xff] ^ t6[(d >>> 8) & 0xff] ^ t5[(d >>> 16) & 0xff] ^ t4[d >>> 24] ^
        t3[e & 0xff] ^ t2[(e >>> 8) & 0xff] ^ t1[(e >>> 16) & 0xff] ^ t0[e >>> 24]
    }
    i += words << 2
  } else {
    const stop = end - 16
    while (i <= stop) {
      const a = c ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24))
      c = t15[a & 0xff] ^ t14[(a >>> 8) & 0xff] ^ t13[(a >>> 16) & 0xff] ^ t12[a >>> 24] ^
        t11[buf[i + 4]] ^ t10[buf[i + 5]] ^ t9[buf[i + 6]] ^ t8[buf[i + 7]] ^
        t7[buf[i + 8]] ^ t6[buf[i + 9]] ^ t5[buf[i + 10]] ^ t4[buf[i + 11]] ^
        t3[buf[i + 12]] ^ t2[buf[i + 13]] ^ t1[buf[i + 14]] ^ t0[buf[i + 15]]
      i += 16
    }
  }
  while (i < end) c = (c >>> 8) ^ t0[(c ^ buf[i++]) & 0xff]
  return ~c >>> 0
}
