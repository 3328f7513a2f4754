// Snappy (codec 2) as Kafka carries it. The Java client writes through snappy-java's SnappyOutputStream, the
// "xerial" framing: an 8-byte magic (0x82 'SNAPPY' 0x00), int32 version 1, int32 minimum compatible version 1
// (both big-endian), then chunks of [int32 big-endian length][raw Snappy block], each block holding at most 32 KiB
// of input. librdkafka writes one raw block with no framing (rd_kafka_msgset_writer_compress_snappy) and, like the
// Java client, reads both. We read both too, telling them apart by the magic, and write xerial framing, which every
// client reads. The raw block format is in snappy-block.ts.
import { CompressionError } from '../errors.js'
import { type DecompressOptions, maxOutputBytesOf } from './limits.js'
import {
  checkSnappyClaim, compressSnappyBlockInto, decodeSnappyElements, readSnappyPreamble, snappyDecompressBlock,
  snappyMaxBlockBytes
} from './snappy-block.js'

const XERIAL_MAGIC = Uint8Array.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]) // 0x82 "SNAPPY" 0x00
const XERIAL_HEADER_BYTES = 16
// snappy-java's default block size, so our chunks look like the Java client's.
const XERIAL_CHUNK_BYTES = 32 * 1024

function hasXerialMagic (data: Uint8Array): boolean {
  if (data.length < XERIAL_HEADER_BYTES) return false
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (data[i] !== XERIAL_MAGIC[i]) return false
  return true
}

/** Snappy-compresses data in xerial framing, as the Java client does. */
export function snappyCompress (data: Buffer): Buffer {
  const chunks = Math.ceil(data.length / XERIAL_CHUNK_BYTES)
  const out = Buffer.allocUnsafe(XERIAL_HEADER_BYTES + chunks * (4 + snappyMaxBlockBytes(XERIAL_CHUNK_BYTES)))
  out.set(XERIAL_MAGIC, 0)
  out.writeInt32BE(1, 8) // version
  out.writeInt32BE(1, 12) // minimum compatible version
  let op = XERIAL_HEADER_BYTES
  for (let from = 0; from < data.length; from += XERIAL_CHUNK_BYTES) {
    const end = compressSnappyBlockInto(data, from, Math.min(from + XERIAL_CHUNK_BYTES, data.length), out, op + 4)
    out.writeInt32BE(end - op - 4, op)
    op = end
  }
  return out.subarray(0, op)
}

/** Decompresses Snappy data in xerial framing or as one raw block. */
export function snappyDecompress (data: Buffer, opts?: DecompressOptions): Buffer {
  const max = maxOutputBytesOf(opts)
  return hasXerialMagic(data) ? decompressXerial(data, max) : snappyDecompressBlock(data, max)
}

// Two passes: the first walks the chunk lengths and block preambles to learn the exact output size (and reject
// truncation or an oversize claim before allocating anything); the second decodes every block into one buffer.
function decompressXerial (data: Buffer, max: number): Buffer {
  let total = 0
  let pos = XERIAL_HEADER_BYTES
  while (pos < data.length) {
    const end = chunkEnd(data, pos)
    const { length, elementsStart } = readSnappyPreamble(data, pos + 4, end)
    checkSnappyClaim(length, end - elementsStart, total, max)
    total += length
    pos = end
  }
  const out = Buffer.allocUnsafe(total)
  let op = 0
  pos = XERIAL_HEADER_BYTES
  while (pos < data.length) {
    const end = chunkEnd(data, pos)
    const { length, elementsStart } = readSnappyPreamble(data, pos + 4, end)
    decodeSnappyElements(data, elementsStart, end, out, op, op + length)
    op += length
    pos = end
  }
  return out
}

function chunkEnd (data: Buffer, pos: number): number {
  if (pos + 4 > data.length) throw new CompressionError('snappy', `xerial chunk length truncated at byte ${pos}`)
  const len = data.readInt32BE(pos)
  if (len <= 0 || len > data.length - pos - 4) {
    throw new CompressionError('snappy', `xerial chunk at byte ${pos} claims ${len} bytes, ${data.length - pos - 4} remain`)
  }
  return pos + 4 + len
}
