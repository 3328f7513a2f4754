import { ConfigError } from '../../../protocol/errors.js'
import { type SimpleConsumer, tpKey } from '../../../consumer/index.js'

// kcat -Q -t topic:partition:timestamp ...: the first offset at or after each timestamp (ListOffsets), printed as
// "topic [partition] offset N", or with -J as one JSON object keyed by topic, then partition.

export interface TimeQuery { topic: string, partition: number, timestamp: bigint }

export function parseTimeQuery (s: string): TimeQuery {
  const m = /^(.+):(\d+):(-?\d+)$/.exec(s)
  if (m === null) throw new ConfigError('-t', `expected topic:partition:timestamp, got "${s}"`)
  return { topic: m[1], partition: Number(m[2]), timestamp: BigInt(m[3]) }
}

export async function runQuery (consumer: SimpleConsumer, queries: TimeQuery[], json: boolean): Promise<string> {
  const offsets = await consumer.offsetsForTimes(queries)
  // kcat prints librdkafka's result list, which is sorted by topic (byte order), then partition, and keeps a
  // partition asked twice as two entries (both with the one answer).
  const sorted = [...queries].sort((a, b) => Buffer.compare(Buffer.from(a.topic), Buffer.from(b.topic)) || a.partition - b.partition)
  const offsetOf = (q: TimeQuery): bigint => offsets.get(tpKey(q.topic, q.partition)) ?? -1n
  if (!json) return sorted.map(q => `${q.topic} [${q.partition}] offset ${offsetOf(q)}\n`).join('')
  // Written by hand, not with JSON.stringify of an object: kcat puts "topic" before the partition keys (an object
  // would list integer-like keys first) and repeats a partition's key when it was asked twice.
  const topics: string[] = []
  for (let i = 0; i < sorted.length;) {
    const topic = sorted[i].topic
    const entries = [`"topic":${JSON.stringify(topic)}`]
    for (; i < sorted.length && sorted[i].topic === topic; i++) {
      const q = sorted[i]
      entries.push(`"${q.partition}":{"partition":${q.partition},"offset":${offsetOf(q)}}`)
    }
    topics.push(`${JSON.stringify(topic)}:{${entries.join(',')}}`)
  }
  return `{${topics.join(',')}}`
}
