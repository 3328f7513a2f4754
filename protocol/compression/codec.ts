// Which compression a record batch or legacy message uses, and dispatch to the codec modules. The codec is the low
// three bits of the attributes: int16 in a record batch (magic 2), int8 in a message (magic 0 and 1); see the
// protocol guide, "Record Batch" and "Message sets". The ids: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd (KIP-110,
// record batches from produce v7 / fetch v10 on). 5-7 are unassigned.
import { CompressionError } from '../errors.js'
import { gzipCompress, gzipDecompress } from './gzip.js'
import { type DecompressOptions } from './limits.js'
import { lz4Compress, lz4Decompress } from './lz4.js'
import { snappyCompress, snappyDecompress } from './snappy.js'
import { zstdCompress, zstdDecompress } from './zstd/index.js'

export { DEFAULT_MAX_DECOMPRESSED_BYTES, type DecompressOptions } from './limits.js'

export type CompressionCodec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

const CODECS: readonly CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

/** Options that matter only for lz4 inside magic-0 message sets; ignored by the other codecs. */
export interface CodecOptions {
  /** KIP-57: magic-0 message sets carry an LZ4 frame header checksum computed over the wrong bytes. */
  legacyLz4HeaderChecksum?: boolean
}

/** The codec named by attribute bits 0-2. */
export function codecFromAttributes (attr: number): CompressionCodec {
  const id = attr & 0x07
  const codec = CODECS[id]
  if (codec === undefined) throw new CompressionError(`codec ${id}`, `unknown compression codec id ${id} in attributes 0x${attr.toString(16)}`)
  return codec
}

/** The id a codec has in attribute bits 0-2. */
export function codecId (c: CompressionCodec): number {
  const id = CODECS.indexOf(c)
  if (id < 0) throw new CompressionError(String(c), 'unknown compression codec')
  return id
}

export function compress (codec: CompressionCodec, data: Buffer, opts?: CodecOptions): Buffer {
  switch (codec) {
    case 'none': return data
    case 'gzip': return gzipCompress(data)
    case 'snappy': return snappyCompress(data)
    case 'lz4': return lz4Compress(data, { legacyHeaderChecksum: opts?.legacyLz4HeaderChecksum })
    case 'zstd': return zstdCompress(data)
    default: throw new CompressionError(String(codec), 'unknown compression codec')
  }
}

/** Decompresses data; output past opts.maxOutputBytes (default 256 MiB) or malformed input is a CompressionError. */
export function decompress (codec: CompressionCodec, data: Buffer, opts?: DecompressOptions & CodecOptions): Buffer {
  switch (codec) {
    case 'none': return data
    case 'gzip': return gzipDecompress(data, opts)
    case 'snappy': return snappyDecompress(data, opts)
    case 'lz4': return lz4Decompress(data, { maxOutputBytes: opts?.maxOutputBytes, legacyHeaderChecksum: opts?.legacyLz4HeaderChecksum })
    case 'zstd': return zstdDecompress(data, opts)
    default: throw new CompressionError(String(codec), 'unknown compression codec')
  }
}
