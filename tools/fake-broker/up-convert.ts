import { encodeRecordBatch, iterateRecords, scanBatches } from '../../protocol/records/index.js'
import type { CompressionCodec } from '../../protocol/compression/codec.js'

// Produce v0-2 carry legacy message sets (magic 0/1). Kafka 4.0 no longer accepts them (KIP-896), but clients of
// the 0.10/2.x era still negotiate their features from them: librdkafka 2.0 enables gzip, snappy and lz4 only when
// the broker advertises Produce v0, and sends uncompressed batches otherwise. So the fake broker serves Produce
// v0-2 by up-converting what it receives to one magic-2 batch, as a pre-4.0 broker with message format v2 did
// (keys, values, CreateTime timestamps and the wrapper's codec kept; the log assigns offsets on append). A magic-0
// message has no timestamp and keeps none: Kafka 3.9 stores it with timestamp -1 (NO_TIMESTAMP), checked by
// test-interop/differential/fake-vs-kafka-3.test.ts.

/** A magic-2 batch holding the records of a legacy message set, or the input itself when it already is magic 2. */
export function upConvertMessageSet (records: Buffer, topic: string, partition: number): Buffer {
  const { batches } = scanBatches(records, { topic, partition })
  if (batches.length === 0 || batches.every(b => b.magic === 2)) return records
  const compression: CompressionCodec = batches.find(b => b.compression !== 'none')?.compression ?? 'none'
  const out = []
  for (const r of iterateRecords(records, { topic, partition })) {
    out.push({ key: r.key, value: r.value, timestamp: r.timestamp })
  }
  if (out.length === 0) return records
  return encodeRecordBatch(out, { compression })
}
