// LZ4 (codec 3) as Kafka carries it: one LZ4 frame (lz4/lz4 doc/lz4_Frame_format.md) holding the records.
//   magic 0x184D2204 (little-endian), FLG, BD, [content size: uint64 LE], [dictionary id: uint32 LE], HC,
//   blocks: [uint32 LE size, high bit set = stored uncompressed][data][block checksum if FLG says so] ...,
//   end mark (uint32 0), [content checksum: xxHash32 of the decompressed content].
// HC is the second byte of xxHash32(FLG .. last descriptor byte). KIP-57: Kafka before 0.10 computed it over the
// magic number as well, and magic-0 message sets still carry that broken byte; the Java client writes and expects
// it exactly for magic 0 (KafkaLZ4BlockOutputStream.useBrokenFlagDescriptorChecksum), as does librdkafka.
// We write what the Java client writes: 64 KiB independent blocks, no optional checksums or content size.
import { CompressionError } from '../errors.js'
import { type DecompressOptions, maxOutputBytesOf } from './limits.js'
import {
  compressLz4BlockInto, decodeLz4Block, LZ4_OUTPUT_FULL, lz4BlockErrorDetail, lz4MaxBlockBytes
} from './lz4-block.js'
import { xxhash32 } from './xxhash32.js'

const MAGIC = 0x184d2204
const FLG_VERSION_MASK = 0xc0
const FLG_VERSION_01 = 0x40
const FLG_BLOCK_INDEPENDENCE = 0x20
const FLG_BLOCK_CHECKSUM = 0x10
const FLG_CONTENT_SIZE = 0x08
const FLG_CONTENT_CHECKSUM = 0x04
const FLG_RESERVED = 0x02
const FLG_DICT_ID = 0x01
const BLOCK_UNCOMPRESSED = 0x80000000
const BLOCK_BYTES = 64 * 1024
const BD_64KB = 4 << 4
// Largest output a compressed block can produce per input byte: a run of 255s adds 255 to one length.
const MAX_EXPANSION = 256

export interface Lz4Options {
  /** Write, or also accept, the pre-0.10 header checksum that covers the magic number (KIP-57; magic 0 only). */
  legacyHeaderChecksum?: boolean
}

function lz4Error (detail: string, cause?: unknown): CompressionError {
  return new CompressionError('lz4', detail, cause === undefined ? undefined : { cause })
}

function headerChecksum (frame: Uint8Array, descriptorEnd: number, legacy: boolean): number {
  return (xxhash32(frame, 0, legacy ? 0 : 4, descriptorEnd) >>> 8) & 0xff
}

export function lz4Compress (data: Buffer, opts?: Lz4Options): Buffer {
  const blocks = Math.ceil(data.length / BLOCK_BYTES)
  const out = Buffer.allocUnsafe(7 + blocks * (4 + lz4MaxBlockBytes(BLOCK_BYTES)) + 4)
  out.writeUInt32LE(MAGIC, 0)
  out[4] = FLG_VERSION_01 | FLG_BLOCK_INDEPENDENCE
  out[5] = BD_64KB
  out[6] = headerChecksum(out, 6, opts?.legacyHeaderChecksum === true)
  let op = 7
  for (let from = 0; from < data.length; from += BLOCK_BYTES) {
    const to = Math.min(from + BLOCK_BYTES, data.length)
    const end = compressLz4BlockInto(data, from, to, out, op + 4)
    if (end - op - 4 < to - from) {
      out.writeUInt32LE(end - op - 4, op)
      op = end
    } else {
      // Incompressible: store the bytes as they are, flagged by the size's high bit.
      out.writeUInt32LE((BLOCK_UNCOMPRESSED | (to - from)) >>> 0, op)
      out.set(data.subarray(from, to), op + 4)
      op += 4 + to - from
    }
  }
  out.writeUInt32LE(0, op) // end mark
  return out.subarray(0, op + 4)
}

interface FrameHeader {
  flg: number
  blockMaxBytes: number
  contentSize: number | undefined
  blocksStart: number
}

function readHeader (data: Buffer, legacy: boolean): FrameHeader {
  if (data.length < 7) throw lz4Error(`frame of ${data.length} bytes is shorter than the smallest header`)
  const magic = data.readUInt32LE(0)
  if (magic !== MAGIC) throw lz4Error(`bad frame magic 0x${magic.toString(16)}, expected 0x184d2204`)
  const flg = data[4]
  const bd = data[5]
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_01) throw lz4Error(`unsupported frame version ${flg >>> 6}`)
  if ((flg & FLG_RESERVED) !== 0 || (bd & 0x8f) !== 0) throw lz4Error('reserved descriptor bits are set')
  const sizeId = (bd >>> 4) & 7
  if (sizeId < 4) throw lz4Error(`invalid block maximum size id ${sizeId}`)
  const blockMaxBytes = 1 << (8 + 2 * sizeId) // 4: 64 KiB, 5: 256 KiB, 6: 1 MiB, 7: 4 MiB
  let pos = 6
  let contentSize: number | undefined
  if ((flg & FLG_CONTENT_SIZE) !== 0) {
    if (data.length < pos + 9) throw lz4Error('frame header truncated in the content size')
    const size = data.readBigUInt64LE(pos)
    // Anything past 2^53 is past every limit anyway; clamp so the comparison below rejects it.
    contentSize = size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size)
    pos += 8
  }
  if ((flg & FLG_DICT_ID) !== 0) throw lz4Error('frames that need a dictionary are not supported')
  if (pos >= data.length) throw lz4Error('frame header truncated before the header checksum')
  const hc = data[pos]
  if (hc !== headerChecksum(data, pos, false) && !(legacy && hc === headerChecksum(data, pos, true))) {
    throw lz4Error(`frame header checksum 0x${hc.toString(16)} does not match the descriptor` +
      (legacy ? '' : ' (a magic-0 message set needs legacyHeaderChecksum, KIP-57)'))
  }
  return { flg, blockMaxBytes, contentSize, blocksStart: pos + 1 }
}

export function lz4Decompress (data: Buffer, opts?: DecompressOptions & Lz4Options): Buffer {
  const max = maxOutputBytesOf(opts)
  const { flg, blockMaxBytes, contentSize, blocksStart } = readHeader(data, opts?.legacyHeaderChecksum === true)
  const blockChecksums = (flg & FLG_BLOCK_CHECKSUM) !== 0
  const independent = (flg & FLG_BLOCK_INDEPENDENCE) !== 0

  // Pass 1 walks the block sizes only: truncation and oversize blocks fail here, before any allocation, and the
  // sizes bound the output (stored blocks exactly, compressed ones by the block maximum and by MAX_EXPANSION).
  let bound = 0
  let pos = blocksStart
  for (;;) {
    if (pos + 4 > data.length) throw lz4Error(`block size truncated at byte ${pos}`)
    const word = data.readUInt32LE(pos)
    pos += 4
    if (word === 0) break
    const size = word & ~BLOCK_UNCOMPRESSED
    if (size > blockMaxBytes) throw lz4Error(`block at byte ${pos - 4} of ${size} bytes exceeds the ${blockMaxBytes}-byte maximum`)
    const stored = size + (blockChecksums ? 4 : 0)
    if (stored > data.length - pos) {
      throw lz4Error(`block at byte ${pos - 4} needs ${stored} bytes, ${data.length - pos} remain`)
    }
    bound += (word & BLOCK_UNCOMPRESSED) !== 0 ? size : Math.min(blockMaxBytes, size * MAX_EXPANSION)
    pos += stored
  }
  const contentChecksumAt = pos
  if ((flg & FLG_CONTENT_CHECKSUM) !== 0) pos += 4
  if (pos > data.length) throw lz4Error('content checksum truncated')
  if (pos < data.length) throw lz4Error(`${data.length - pos} bytes follow the end of the frame`)

  let capacity: number
  if (contentSize !== undefined) {
    if (contentSize > max) throw lz4Error(`frame declares ${contentSize} bytes, more than maxOutputBytes (${max})`)
    if (contentSize > bound) throw lz4Error(`frame declares ${contentSize} bytes, its blocks hold at most ${bound}`)
    capacity = contentSize
  } else {
    capacity = Math.min(bound, max)
  }

  // Pass 2 decodes into one buffer; linked blocks find their history right behind them.
  let out = Buffer.allocUnsafe(capacity)
  let op = 0
  pos = blocksStart
  for (;;) {
    const word = data.readUInt32LE(pos)
    pos += 4
    if (word === 0) break
    const size = word & ~BLOCK_UNCOMPRESSED
    if (blockChecksums && xxhash32(data, 0, pos, pos + size) !== data.readUInt32LE(pos + size)) {
      throw lz4Error(`block checksum mismatch for the block at byte ${pos - 4}`)
    }
    if ((word & BLOCK_UNCOMPRESSED) !== 0) {
      if (size > capacity - op) throw overflow(max, contentSize)
      out.set(data.subarray(pos, pos + size), op)
      op += size
    } else {
      const r = decodeLz4Block(data, pos, pos + size, out, op, Math.min(capacity, op + blockMaxBytes), independent ? op : 0)
      if (r === LZ4_OUTPUT_FULL) {
        throw op + blockMaxBytes <= capacity
          ? lz4Error(`block at byte ${pos - 4} decodes to more than the ${blockMaxBytes}-byte block maximum`)
          : overflow(max, contentSize)
      }
      if (r < 0) throw lz4Error(`block at byte ${pos - 4}: ${lz4BlockErrorDetail}`)
      op = r
    }
    pos += size + (blockChecksums ? 4 : 0)
  }
  if (contentSize !== undefined && op !== contentSize) {
    throw lz4Error(`frame decodes to ${op} bytes, its header declares ${contentSize}`)
  }
  if ((flg & FLG_CONTENT_CHECKSUM) !== 0 && xxhash32(out, 0, 0, op) !== data.readUInt32LE(contentChecksumAt)) {
    throw lz4Error('content checksum mismatch')
  }
  // The bound can exceed the output by up to a block maximum per short block; don't pin that memory.
  if (capacity - op > BLOCK_BYTES && op < capacity / 2) out = Buffer.from(out.subarray(0, op))
  return out.subarray(0, op)
}

function overflow (max: number, contentSize: number | undefined): CompressionError {
  if (contentSize !== undefined) return lz4Error(`frame decodes to more than the ${contentSize} bytes its header declares`)
  // Without a content size the capacity is the smaller of the limit and a true bound on the output (pass 1), so
  // running out of room means the limit was reached.
  return lz4Error(`decompressed size exceeds maxOutputBytes (${max})`)
}
