// Walking a records blob batch by batch. Every batch format starts with an int64 offset and an int32 size of what
// follows, and puts its magic byte at position 16, so one framing loop serves magic 0, 1 and 2 (protocol guide,
// "Record Batch" and "Message sets"). A broker cuts a Fetch response at its size limit without regard to batch
// boundaries, so a last batch that claims more bytes than remain is not an error: it is where the data stops.
import type { CorruptRecordError } from '../errors.js'
import { corrupt } from './corrupt.js'
import { LOG_OVERHEAD, minMessageSize, readMessageSetInfo } from './message-set.js'
import { readRecordBatchInfo, recordBatchCrcMatches, V2_BATCH_LENGTH, V2_CRC, V2_MAGIC } from './record-batch.js'
import type { BatchInfo, RecordSource, ScanOptions } from './types.js'

/** Returned by `batchEnd` when the batch at `pos` runs past the end of the blob. */
export const TRUNCATED = -1

/**
 * End of the batch (or legacy message) at `pos`, or TRUNCATED. A negative size, or one too small to hold even the
 * magic byte, is corruption rather than truncation.
 */
export function batchEnd (blob: Buffer, pos: number, src: RecordSource): number {
  if (blob.length - pos < LOG_OVERHEAD) return TRUNCATED
  const size = blob.readInt32BE(pos + V2_BATCH_LENGTH)
  if (size < 0) throw corrupt(src, blob.readBigInt64BE(pos), `negative batch size ${size}`)
  if (size > blob.length - pos - LOG_OVERHEAD) return TRUNCATED
  // The smallest valid batch of any magic is a magic-0 message; anything smaller cannot even be told apart.
  if (size < minMessageSize(0)) throw corrupt(src, blob.readBigInt64BE(pos), `batch size ${size} is too small for any message format`)
  return pos + LOG_OVERHEAD + size
}

export function crcMismatch (blob: Buffer, start: number, end: number, src: RecordSource, offset: bigint): CorruptRecordError {
  const stored = blob.readUInt32BE(start + V2_CRC)
  return corrupt(src, offset, `record batch CRC-32C mismatch (stored 0x${stored.toString(16).padStart(8, '0')}); ` +
    `the ${end - start} bytes at ${start} were damaged in transit or on disk`)
}

/** Reads the header of every complete batch in a records blob, without decoding records. */
export function scanBatches (blob: Buffer, opts: ScanOptions = {}): { batches: BatchInfo[], truncatedTail: boolean } {
  const batches: BatchInfo[] = []
  const verifyCrc = opts.verifyCrc === true
  let pos = 0
  while (pos < blob.length) {
    const end = batchEnd(blob, pos, opts)
    if (end === TRUNCATED) return { batches, truncatedTail: true }
    const magic = blob.readInt8(pos + V2_MAGIC)
    if (magic === 2) {
      const info = readRecordBatchInfo(blob, pos, end, opts)
      if (verifyCrc && !recordBatchCrcMatches(blob, pos, end)) throw crcMismatch(blob, pos, end, opts, info.baseOffset)
      batches.push(info)
    } else if (magic === 0 || magic === 1) {
      batches.push(readMessageSetInfo(blob, pos, end, opts, verifyCrc, opts.maxDecompressedBytes))
    } else {
      throw corrupt(opts, blob.readBigInt64BE(pos), `unknown magic ${magic}`)
    }
    pos = end
  }
  return { batches, truncatedTail: false }
}
