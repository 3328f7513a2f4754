import type { Readable } from 'node:stream'
import { ConfigError, KafkaError } from '../../../protocol/errors.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { crc32 } from '../../../protocol/records/crc32.js'
import type { CompressionCodec } from '../../../protocol/compression/codec.js'
import type { RecordInput } from '../../../protocol/records/index.js'
import { produce, type SimpleConsumer } from '../../../consumer/index.js'

// kcat -P: one record per input line (or per -D delimiter), empty lines skipped, a key split off at the first -K
// delimiter, a fixed -k key otherwise, -H headers on every record. Records are sent in batches per partition so
// that a large input streams through in bounded memory. Without -p, keyed records go to crc32(key) % partitions
// and unkeyed ones to a random partition, as librdkafka's default consistent_random partitioner does.

export interface ProduceCliOptions {
  topic: string
  partition: number | undefined
  keyDelimiter: string | undefined
  messageDelimiter: string
  fixedKey: string | undefined
  headers: Array<{ key: string, value: string | null }>
  codec: string | undefined
  nullString: boolean
  count: number | undefined
  stdin: Readable
  /** The largest message (key, value and headers) accepted, as librdkafka's message.max.bytes. */
  messageMaxBytes: number
}

const CODECS = new Set(['none', 'gzip', 'snappy', 'lz4', 'zstd'])
const BATCH_RECORDS = 10_000
const BATCH_BYTES = 1_000_000

export async function runProduce (consumer: SimpleConsumer, o: ProduceCliOptions): Promise<number> {
  const codec = (o.codec ?? 'none') as CompressionCodec
  if (!CODECS.has(codec)) throw new ConfigError('-z', `unknown codec "${o.codec}" (none, gzip, snappy, lz4, zstd)`)
  // As kcat's producer does, a missing topic is created by the lookup where the broker allows auto-creation.
  const lookup = async (): Promise<number> => (await consumer.client.topic(o.topic, { allowAutoTopicCreation: true })).partitions.length
  const partitionCount = await consumer.client.withRetries('Metadata', lookup, [o.topic])
  const pending = new Map<number, { records: RecordInput[], bytes: number }>()
  const delim = Buffer.from(o.messageDelimiter)
  const keyDelim = o.keyDelimiter === undefined ? undefined : Buffer.from(o.keyDelimiter)
  let sent = 0
  const headerBytes = o.headers.reduce((n, h) => n + Buffer.byteLength(h.key) + (h.value === null ? 0 : Buffer.byteLength(h.value)), 0)

  const flush = async (p: number): Promise<void> => {
    const batch = pending.get(p)
    if (batch === undefined || batch.records.length === 0) return
    pending.delete(p)
    await produce(consumer.client, o.topic, p, batch.records, { compression: codec, acks: -1 })
  }

  const add = async (line: Buffer): Promise<boolean> => {
    if (line.length === 0) return true
    let key: Buffer | null = o.fixedKey === undefined ? null : Buffer.from(o.fixedKey)
    let value: Buffer | null = line
    if (keyDelim !== undefined) {
      const at = line.indexOf(keyDelim)
      if (at >= 0) {
        key = line.subarray(0, at)
        value = line.subarray(at + keyDelim.length)
        if (o.nullString) {
          if (key.length === 0) key = null
          if (value.length === 0) value = null
        }
      }
    }
    const size = (key?.length ?? 0) + (value?.length ?? 0) + headerBytes
    if (size > o.messageMaxBytes) {
      // As kcat: fail on the message, after sending what came before it (nothing read earlier is lost).
      for (const q of [...pending.keys()]) await flush(q)
      throw new KafkaError(ErrorCode.MESSAGE_TOO_LARGE, `Failed to produce message (${size} bytes): above message.max.bytes (${o.messageMaxBytes}; raise it with -X message.max.bytes=N)`)
    }
    const p = o.partition ?? (key !== null ? (crc32(key) >>> 0) % partitionCount : Math.floor(Math.random() * partitionCount))
    let batch = pending.get(p)
    if (batch === undefined) pending.set(p, batch = { records: [], bytes: 0 })
    // Copies: the input chunk buffer is reused by the stream.
    batch.records.push({ key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), headers: o.headers })
    batch.bytes += line.length
    if (batch.records.length >= BATCH_RECORDS || batch.bytes >= BATCH_BYTES) await flush(p)
    sent++
    return o.count === undefined || sent < o.count
  }

  let rest: Buffer = Buffer.alloc(0)
  let more = true
  for await (const chunk of o.stdin) {
    let buf: Buffer = rest.length === 0 ? chunk as Buffer : Buffer.concat([rest, chunk as Buffer])
    let at: number
    while (more && (at = buf.indexOf(delim)) >= 0) {
      more = await add(buf.subarray(0, at))
      buf = buf.subarray(at + delim.length)
    }
    rest = Buffer.from(buf)
    if (!more) break
  }
  if (more && rest.length > 0) await add(rest)
  for (const p of [...pending.keys()]) await flush(p)
  return 0
}
