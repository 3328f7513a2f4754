import { SimpleConsumer, tpKey, type FetchPosition } from '../../../consumer/index.js'
import { ConfigError } from '../../../protocol/errors.js'

// Benchmark peer (tools/bench/consume.bench.ts): our SimpleConsumer reads a whole topic from the log start to the
// high watermark it had at start-up, one fetchOnce round for all partitions at a time (no group: the simple
// consumer assigns partitions itself). Prints one JSON line: {"records", "valueBytes", "seconds", "maxRssKiB"};
// `seconds` runs from before the first request to the last record (no process start-up).
//   node simple-consume.js BOOTSTRAP TOPIC FETCH_WAIT_MS

const [bootstrap, topic, waitMs] = process.argv.slice(2)
const start = performance.now()
const consumer = new SimpleConsumer({ bootstrapServers: bootstrap, fetchWaitMaxMs: Number(waitMs) })
const meta = await consumer.metadata([topic])
const t = meta.topics.find(x => x.name === topic)
if (t === undefined) throw new ConfigError('topic', `no topic ${topic}`)
const tps = t.partitions.map(p => ({ topic, partition: p.partition }))
const [starts, ends] = await Promise.all([consumer.earliestOffsets(tps), consumer.latestOffsets(tps)])
let todo: FetchPosition[] = tps.map(tp => ({ ...tp, fromOffset: starts.get(tpKey(topic, tp.partition)) as bigint, untilOffset: ends.get(tpKey(topic, tp.partition)) as bigint }))
  .filter(p => p.fromOffset < (p.untilOffset as bigint))
let records = 0
let valueBytes = 0
while (todo.length > 0) {
  const round = await consumer.fetchOnce(todo)
  const next: FetchPosition[] = []
  for (const pos of todo) {
    const got = round.get(tpKey(pos.topic, pos.partition))
    if (got === undefined) { next.push(pos); continue }
    records += got.records.length
    for (const r of got.records) valueBytes += r.value?.length ?? 0
    if (got.nextOffset < (pos.untilOffset as bigint)) next.push({ ...pos, fromOffset: got.nextOffset })
  }
  todo = next
}
await consumer.close()
process.stdout.write(JSON.stringify({ records, valueBytes, seconds: (performance.now() - start) / 1000, maxRssKiB: process.resourceUsage().maxRSS }) + '\n')
