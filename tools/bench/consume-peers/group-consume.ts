import { GroupConsumer, SimpleConsumer, tpKey } from '../../../consumer/index.js'

// Benchmark peer (tools/bench/group.bench.ts): our GroupConsumer, alone in a fresh group, reads a whole topic from
// the earliest offset until every partition reaches the high watermark it had at start-up, with eachBatch or the
// record iterator. Prints one JSON line: {"records", "valueBytes", "seconds", "maxRssKiB"}; `seconds` runs from
// before the first request to the last record, join and sync included (no process start-up).
//   node group-consume.js BOOTSTRAP TOPIC FETCH_WAIT_MS eachBatch|iterator

const [bootstrap, topic, waitMs, mode] = process.argv.slice(2)
const start = performance.now()
const probe = new SimpleConsumer({ bootstrapServers: bootstrap })
const md = await probe.metadata([topic])
const tps = (md.topics.find(t => t.name === topic)?.partitions ?? []).map(p => ({ topic, partition: p.partition }))
const ends = await probe.latestOffsets(tps)
await probe.close()
const pending = new Set(tps.filter(tp => (ends.get(tpKey(topic, tp.partition)) ?? 0n) > 0n).map(tp => tp.partition))
const consumer = new GroupConsumer({
  bootstrapServers: bootstrap, 'group.id': `bench-group-${process.pid}-${Date.now()}`, 'auto.offset.reset': 'earliest',
  'fetch.wait.max.ms': Number(waitMs), 'enable.auto.commit': false
})
consumer.subscribe([topic])
let records = 0
let valueBytes = 0
const done = new AbortController()
if (pending.size === 0) done.abort()
const reached = (partition: number, next: bigint): void => {
  if (next >= (ends.get(tpKey(topic, partition)) ?? 0n)) { pending.delete(partition); if (pending.size === 0) done.abort() }
}
if (mode === 'iterator') {
  if (pending.size > 0) {
    for await (const r of consumer) {
      records++
      valueBytes += r.value?.length ?? 0
      reached(r.partition, r.offset + 1n)
      if (done.signal.aborted) break
    }
  }
} else {
  await consumer.eachBatch(batch => {
    records += batch.records.length
    for (const r of batch.records) valueBytes += r.value?.length ?? 0
    reached(batch.partition, batch.nextOffset)
  }, { signal: done.signal })
}
const seconds = (performance.now() - start) / 1000
await consumer.close()
process.stdout.write(JSON.stringify({ records, valueBytes, seconds, maxRssKiB: process.resourceUsage().maxRSS }) + '\n')
