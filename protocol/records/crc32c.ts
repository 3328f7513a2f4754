// CRC-32C (Castagnoli), the checksum of record batches (magic 2, KIP-98): it covers the batch from the attributes
// field to the end. Polynomial 0x1EDC6F41, reflected 0x82F63B78; the check value of "123456789" is 0xE3069283
// (RFC 3720 section 12.1 and appendix B.4 give the polynomial and test vectors).
import { buildCrcTables, checkCrcRange, MIN_WORD_LOOP_BYTES, WORD_LOADS_ARE_LITTLE_ENDIAN } from './crc-table.js'

// The tables are module-level constants on purpose: V8 then embeds them in the optimized loop. Captured in a
// closure (one shared factory for both CRCs) the same loop measured ~40% slower, hence the loop is not shared.
const [t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15] = buildCrcTables(0x82f63b78)

/** CRC-32C of buf[start, end) as an unsigned 32-bit number. */
export function crc32c (buf: Uint8Array, start: number = 0, end: number = buf.length): number {
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

// Warm-up at load, for V8's sake: a record batch's CRC is one call over the whole batch, and when the first call
// ever made is a long one, V8 optimizes the loop on-stack and the function can stay in that slower form for the
// process's life (measured: a 1 MiB call ran at ~1.0 or ~2.0 GB/s depending on the process). A few short calls
// over both paths (aligned words and the byte tail) give it type feedback first; they cost microseconds.
{
  const warm = new Uint8Array(512)
  for (let i = 0; i < 32; i++) crc32c(warm, i & 3, warm.length - (i & 7))
}
