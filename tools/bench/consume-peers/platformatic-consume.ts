import { Consumer, MessagesStreamModes } from '@platformatic/kafka'

// Benchmark peer (tools/bench/consume.bench.ts): @platformatic/kafka 1.35 reads a whole topic from the beginning
// with a consumer group (a MessagesStream), and exits once every partition has reached the high watermark it had
// at start-up. Prints one JSON line: {"records", "valueBytes", "maxRssKiB"}.
//   node platformatic-consume.js BOOTSTRAP TOPIC FETCH_WAIT_MS

const [bootstrap, topic, waitMs] = process.argv.slice(2)
const consumer = new Consumer({
  groupId: `bench-platformatic-${process.pid}-${Date.now()}`,
  clientId: 'bench-platformatic',
  bootstrapBrokers: bootstrap.split(','),
  maxWaitTime: Number(waitMs)
})
const offsets = await consumer.listOffsets({ topics: [topic] })
const ends = offsets.get(topic) ?? []
const pending = new Set(ends.map((end, p) => [p, end] as const).filter(([, end]) => end > 0n).map(([p]) => p))
let records = 0
let valueBytes = 0
if (pending.size > 0) {
  const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false, maxWaitTime: Number(waitMs) })
  for await (const m of stream) {
    records++
    valueBytes += m.value?.length ?? 0
    if (m.offset + 1n >= ends[m.partition] && pending.delete(m.partition) && pending.size === 0) break
  }
  await stream.close()
}
await consumer.close()
process.stdout.write(JSON.stringify({ records, valueBytes, maxRssKiB: process.resourceUsage().maxRSS }) + '\n')
