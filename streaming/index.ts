// The direct stream engine: Spark Streaming's receiver-less Kafka integration, on kafka-direct's simple consumer.
export { StreamingContext, type StreamingContextOptions } from './context.js'
export { createDirectStream, DirectKafkaInputDStream, type DirectStreamOptions, type FromOffsets } from './direct-stream.js'
export { DStream } from './dstream.js'
export { RDD, KafkaRDD, createRDD, type CreateRddOptions } from './rdd.js'
export {
  offsetRangesOf, hasOffsetRanges, offsetRange, rangeCount, formatRange, tpKey,
  type OffsetRange, type TopicPartition, type HasOffsetRanges
} from './offset-range.js'
export type { OffsetSource, SourceRecord, SourceHeader } from './offset-source.js'
export { MemoryOffsetSource, MemoryOffsetOutOfRangeError } from './memory-source.js'
export { keyValueStrings, keyValueBuffers, valueString, wholeRecord, decodeWith, type KeyValue } from './message-handlers.js'
export type { MessageHandler } from './partition-task.js'
export { runPartitionTask, type PartitionTaskResult } from './partition-task.js'
export { resolveKafkaParams, type KafkaParams } from './kafka-params.js'
export { resolveStreamingConf, type StreamingConf } from './streaming-conf.js'
export { formatBatchLine, type BatchInfo, type InputInfo, type StreamingListener } from './batch-stats.js'
export { Checkpoint, CHECKPOINT_FILE } from './checkpoint.js'
export { CheckpointError, DataLossError, StreamingStateError } from './errors.js'
export { ManualClock, systemClock, type Clock } from './clock.js'
export { PidRateEstimator, type PidRateEstimatorOptions } from './rate/pid-rate-estimator.js'
export { maxMessagesPerPartition, clampUntilOffsets } from './rate/per-partition-limits.js'
export { JsonBatchFileSink } from './sinks/json-batch-file-sink.js'
export { writeFileAtomic } from './atomic-file.js'
