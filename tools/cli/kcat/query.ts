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
  if (!json) {
    return queries.map(q => `${q.topic} [${q.partition}] offset ${offsets.get(tpKey(q.topic, q.partition)) ?? -1n}\n`).join('')
  }
  const out: Record<string, Record<string, unknown>> = {}
  for (const q of queries) {
    const t = out[q.topic] ??= { topic: q.topic }
    t[String(q.partition)] = { partition: q.partition, offset: Number(offsets.get(tpKey(q.topic, q.partition)) ?? -1n) }
  }
  return JSON.stringify(out)
}
