import { KafkaError } from '../protocol/errors.js'
import { ErrorCode } from '../protocol/error-codes.js'

/**
 * A fetch asked for offsets the partition does not hold: below the log start offset (deleted by retention or
 * DeleteRecords) or beyond the high watermark. Carries the valid range, [logStartOffset, highWatermark), so the
 * caller can decide where to resume (Kafka's auto.offset.reset, made explicit).
 */
export class OffsetOutOfRangeError extends KafkaError {
  constructor (
    readonly topic: string,
    readonly partition: number,
    readonly requested: bigint,
    readonly logStartOffset: bigint | undefined,
    readonly highWatermark: bigint | undefined,
    options?: ErrorOptions
  ) {
    const range = logStartOffset === undefined || highWatermark === undefined ? 'valid range unknown' : `valid offsets are [${logStartOffset}, ${highWatermark})`
    super(ErrorCode.OFFSET_OUT_OF_RANGE, `${topic}[${partition}] offset ${requested}: ${range}`, options)
  }
}
