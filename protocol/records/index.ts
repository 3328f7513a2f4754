// Record batches (magic 2) and legacy message sets (magic 0/1): encoding, scanning and iterating records.
export type { BatchInfo, BatchOptions, KafkaRecord, RecordHeader, RecordInput, TimestampType } from './types.js'
export { encodeRecordBatch, rewriteBatchHeader } from './record-batch.js'
export { RecordBatchBuilder, type BufferPool, type BuilderFinishOptions } from './batch-builder.js'
export { encodeMessageSet } from './message-set.js'
export { scanBatches } from './scan.js'
export { iterateRecords } from './iterate.js'
