// The direct word count, Spark's DirectKafkaWordCount: lines from Kafka, split on whitespace, counted per batch.
// Shared by the main job (main-job.ts) and the `kafka-direct wordcount` command. With `receiver` the lines come from
// the receiver-based stream instead (Spark's KafkaWordCount); everything after the input is the same.
import { createDirectStream, type DirectKafkaInputDStream } from '../../streaming/direct-stream.js'
import { createReceiverStream } from '../../streaming/receiver-stream.js'
import type { StreamingContext } from '../../streaming/context.js'
import type { KafkaParams } from '../../streaming/kafka-params.js'
import type { OffsetSource } from '../../streaming/offset-source.js'
import { offsetRangesOf, type OffsetRange } from '../../streaming/offset-range.js'
import { JsonBatchFileSink } from '../../streaming/sinks/json-batch-file-sink.js'
import type { KafkaTransactionalSink } from '../../streaming/sinks/kafka-transactional-sink.js'
import type { FromOffsets } from '../../streaming/direct-stream.js'

export interface WordCountBatch {
  batchTime: number
  offsetRanges: readonly OffsetRange[]
  counts: Map<string, number>
  records: number
}

export interface WordCountOptions {
  /** Each batch's counts and ranges as one atomic JSON file named by batch time (exactly-once with a checkpoint). */
  outDir?: string
  commitGroup?: string
  source?: OffsetSource
  /** Called after each batch's output is written. */
  onBatch?: (batch: WordCountBatch) => void
  /** Read with the receiver-based stream (its write-ahead log is the context's spark.streaming.receiver.* setting). */
  receiver?: boolean
  /**
   * With `receiver`: the receiver is a member of the consumer group `group.id` and reads only the partitions the
   * group gives it, so word counts in several processes split the topic (createReceiverStream's shareGroup).
   */
  shareGroup?: boolean
  /**
   * Each batch's counts go to this topic as records (word -> count, the batch time in a `batchTime` header), with
   * the batch's offsets, in one transaction (exactly-once; start the stream from the sink's committed offsets).
   */
  kafkaSink?: { sink: KafkaTransactionalSink, topic: string }
  /** Where the direct stream starts (the transactional sink's committed offsets). */
  fromOffsets?: FromOffsets
}

export function wordCount (ctx: StreamingContext, kafkaParams: KafkaParams, topics: readonly string[], opts: WordCountOptions = {}): DirectKafkaInputDStream<string> {
  const messageHandler = (r: { value: Buffer | null }): string => r.value === null ? '' : r.value.toString('utf8')
  const lines = opts.receiver === true
    ? createReceiverStream(ctx, kafkaParams, topics, { messageHandler, shareGroup: opts.shareGroup === true })
    : createDirectStream(ctx, kafkaParams, topics, { messageHandler, commitGroup: opts.commitGroup, source: opts.source, fromOffsets: opts.fromOffsets })
  const sink = opts.outDir === undefined ? undefined : new JsonBatchFileSink(opts.outDir)
  let sinkOpened = false
  // One output operation on the stream itself, so the batch's offset ranges are at hand (HasOffsetRanges) and
  // ranges and counts are written together, atomically.
  lines.foreachRDD(async (rdd, batchTime) => {
    const offsetRanges = offsetRangesOf(rdd)
    const counts = new Map<string, number>()
    let records = 0
    for (const part of rdd.partitions) {
      for (const line of part) {
        records++
        for (const w of line.split(/\s+/)) if (w !== '') counts.set(w, (counts.get(w) ?? 0) + 1)
      }
    }
    // A batch that read no offsets writes no file: an idle job would otherwise leave one per interval (172,800 a day
    // at 500 ms). Nothing is lost: the files record how far the output reaches, and an empty batch moves nothing.
    // A re-run of the batch has the same ranges, so it makes the same choice.
    const readSomething = offsetRanges.some(r => r.untilOffset > r.fromOffset)
    if (sink !== undefined && readSomething) {
      if (!sinkOpened) { await sink.open(); sinkOpened = true }
      await sink.write(batchTime, offsetRanges, { counts: Object.fromEntries(counts) })
    }
    if (opts.kafkaSink !== undefined) {
      const { sink: out, topic } = opts.kafkaSink
      const headers = [{ key: 'batchTime', value: String(batchTime) }]
      await out.write(offsetRanges, [...counts].map(([word, n]) => ({ topic, key: word, value: String(n), headers })))
    }
    opts.onBatch?.({ batchTime, offsetRanges, counts, records })
  })
  return lines
}

/** The `n` most frequent words, ties broken alphabetically so the output is stable. */
export function topWords (counts: ReadonlyMap<string, number>, n: number): Array<[string, number]> {
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, n)
}
