import { Producer } from '../../../consumer/producer/producer.js'

// Benchmark peer (tools/bench/produce.bench.ts): kafka-direct's Producer writes N records of B bytes (no key) to a
// topic with acks=all and idempotence (the defaults), waiting only when buffer.memory is full, then flushes.
// Prints one JSON line: {"records", "failed", "maxRssKiB"}.
//   node kafka-direct-produce.js BOOTSTRAP TOPIC RECORDS VALUE_BYTES

const [bootstrap, topic, n, size] = process.argv.slice(2)
const records = Number(n)
const value = Buffer.alloc(Number(size), 0x61)
const producer = new Producer({ bootstrapServers: bootstrap, acks: 'all', 'enable.idempotence': true })
for (let i = 0; i < records; i++) {
  const wait = producer.produce({ topic, value })
  if (wait !== undefined) await wait
}
await producer.flush()
await producer.close()
process.stdout.write(JSON.stringify({ records: producer.stats.deliveredRecords, failed: producer.stats.failedRecords, maxRssKiB: process.resourceUsage().maxRSS }) + '\n')
