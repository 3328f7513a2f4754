import { createRequire } from 'node:module'

// Benchmark peer (tools/bench/consume.bench.ts): kafkajs 2.2 reads a whole topic from the beginning with a consumer
// group and eachBatch, and exits once every partition has reached the high watermark it had at start-up. Prints one
// JSON line: {"records", "valueBytes", "maxRssKiB"}.
//   node kafkajs-consume.js BOOTSTRAP TOPIC FETCH_WAIT_MS

const require = createRequire(import.meta.url)
const { Kafka, logLevel } = require('kafkajs')

const [bootstrap, topic, waitMs] = process.argv.slice(2)
const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING })
const admin = kafka.admin()
await admin.connect()
const ends = new Map<number, bigint>()
for (const o of await admin.fetchTopicOffsets(topic) as Array<{ partition: number, high: string }>) ends.set(o.partition, BigInt(o.high))
await admin.disconnect()

const pending = new Set([...ends].filter(([, end]) => end > 0n).map(([p]) => p))
let records = 0
let valueBytes = 0
let finish: () => void = () => {}
const done = new Promise<void>(resolve => { finish = resolve })
if (pending.size === 0) finish()

const consumer = kafka.consumer({ groupId: `bench-kafkajs-${process.pid}-${Date.now()}`, maxWaitTimeInMs: Number(waitMs) })
await consumer.connect()
await consumer.subscribe({ topic, fromBeginning: true })
await consumer.run({
  eachBatch: async ({ batch }: { batch: { partition: number, messages: Array<{ offset: string, value: Buffer | null }> } }) => {
    const msgs = batch.messages
    records += msgs.length
    for (const m of msgs) valueBytes += m.value?.length ?? 0
    if (msgs.length > 0 && BigInt(msgs[msgs.length - 1].offset) + 1n >= (ends.get(batch.partition) ?? 0n)) {
      pending.delete(batch.partition)
      if (pending.size === 0) finish()
    }
  }
})
await done
await consumer.disconnect()
process.stdout.write(JSON.stringify({ records, valueBytes, maxRssKiB: process.resourceUsage().maxRSS }) + '\n')
