// Decompression limits shared by every codec. A compressed payload says nothing trustworthy about its expanded
// size (a few KB of gzip can inflate to gigabytes), so each decompressor stops at a configured ceiling and throws
// CompressionError instead of exhausting memory. The default is far above any batch a broker serves: Kafka's
// message.max.bytes defaults to ~1 MiB and fetch.max.bytes to 50 MiB, and those bound *compressed* sizes.
import { ConfigError } from '../errors.js'

/** Default ceiling on one decompressed payload: 256 MiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES: number = 256 * 1024 * 1024

export interface DecompressOptions {
  /** Largest decompressed output accepted; more is a CompressionError. Default DEFAULT_MAX_DECOMPRESSED_BYTES. */
  maxOutputBytes?: number
}

/** The effective output ceiling; a value that is not a non-negative integer is a ConfigError. */
export function maxOutputBytesOf (opts: DecompressOptions | undefined): number {
  const max = opts?.maxOutputBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES
  if (!Number.isSafeInteger(max) || max < 0) {
    throw new ConfigError('maxOutputBytes', `must be a non-negative integer, got ${max}`)
  }
  return max
}
