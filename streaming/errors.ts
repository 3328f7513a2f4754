// Errors of the streaming layer. Both extend KafkaDirectError (protocol/errors.ts), so callers branch on `err.code`
// exactly as for the codec's errors; they live here because only the stream engine raises them.
import { KafkaDirectError } from '../protocol/errors.js'
import type { OffsetRange } from './offset-range.js'
import { formatRange } from './offset-range.js'

/**
 * A checkpoint directory that cannot be used as it is: unreadable, corrupt, written by another job (different
 * inputs or batch interval), or by a newer format. We never fall back to starting from scratch, because that would
 * silently re-process or skip data; the operator decides (fix, or point the job at an empty directory).
 */
export class CheckpointError extends KafkaDirectError {
  constructor (readonly path: string, detail: string, options?: ErrorOptions) {
    super('ERR_CHECKPOINT', `checkpoint ${path}: ${detail}`, options)
  }
}

/**
 * Records a batch was planned to read are gone from the log: retention or DeleteRecords moved the log start past
 * them, or the log end moved back below offsets already read (unclean leader election). Raised only with
 * failOnDataLoss (the default); otherwise the stream skips ahead and logs the gap.
 */
export class DataLossError extends KafkaDirectError {
  constructor (readonly range: OffsetRange, detail: string, options?: ErrorOptions) {
    super('ERR_DATA_LOSS', `${formatRange(range)}: ${detail}; set failOnDataLoss: false to skip the lost offsets`, options)
  }
}

/** The message of a DataLossError for offsets below the log start. */
export function deletedDetail (range: OffsetRange, logStartOffset: bigint): string {
  const end = logStartOffset < range.untilOffset ? logStartOffset : range.untilOffset
  return `offsets ${range.fromOffset}..${end} were deleted before they were read (log start is now ${logStartOffset})`
}

/** A StreamingContext used out of order: a stream added after start(), start() twice, output missing, and so on. */
export class StreamingStateError extends KafkaDirectError {
  constructor (detail: string, options?: ErrorOptions) {
    super('ERR_STREAMING_STATE', detail, options)
  }
}
