// gzip (codec 1): RFC 1952 members around DEFLATE (RFC 1951), delegated to node:zlib. Kafka's Java client wraps the
// batch's records in a GZIPOutputStream; librdkafka uses deflateInit2 with gzip framing. Some writers emit several
// gzip members back to back; zlib's gunzip decodes all of them, as RFC 1952 section 2.2 allows.
import { gunzipSync, gzipSync } from 'node:zlib'
import { CompressionError } from '../errors.js'
import { type DecompressOptions, maxOutputBytesOf } from './limits.js'

export function gzipCompress (data: Buffer): Buffer {
  return gzipSync(data)
}

export function gzipDecompress (data: Buffer, opts?: DecompressOptions): Buffer {
  const max = maxOutputBytesOf(opts)
  try {
    // maxOutputLength makes zlib stop inflating as soon as the output would pass the limit, so a bomb costs at most
    // `max` bytes of memory. zlib wants at least 1; a limit of 0 is enforced below.
    const out = gunzipSync(data, { maxOutputLength: Math.max(1, max) })
    if (out.length > max) throw tooLarge(max)
    return out
  } catch (err) {
    if (err instanceof CompressionError) throw err
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(max, err)
    throw new CompressionError('gzip', `cannot decompress ${data.length} bytes: ${(err as Error).message}`, { cause: err })
  }
}

function tooLarge (max: number, cause?: unknown): CompressionError {
  return new CompressionError('gzip', `decompressed size exceeds maxOutputBytes (${max})`, { cause })
}
