// One way to report a malformed batch, so every message names the topic, partition and the batch's offset.
import { CorruptRecordError, ProtocolError } from '../errors.js'
import type { RecordSource } from './types.js'

export function corrupt (src: RecordSource, offset: bigint | undefined, detail: string, cause?: unknown): CorruptRecordError {
  return new CorruptRecordError(src.topic, src.partition, offset, detail, cause === undefined ? undefined : { cause })
}

/**
 * Bounds failures inside a batch come from the Reader as ProtocolErrors about "RecordBatch"; the caller learns
 * more from a CorruptRecordError that says which batch. Anything else (CompressionError, bugs) passes through.
 */
export function asCorrupt (err: unknown, src: RecordSource, offset: bigint | undefined): unknown {
  if (err instanceof ProtocolError) return corrupt(src, offset, `${err.where.field || 'record'} at byte ${err.where.offset}: ${err.detail}`, err)
  return err
}
