import { createRequire } from 'node:module'

// Benchmark peer (tools/bench/produce.bench.ts): kafkajs 2.2 writes N records of B bytes (no key) with an
// idempotent producer (acks=-1, the only setting kafkajs allows with idempotence), in sends of 1000 messages with
// up to 5 sends outstanding. Prints one JSON line: {"records", "failed", "maxRssKiB"}.
//   node kafkajs-produce.js BOOTSTRAP TOPIC RECORDS VALUE_BYTES

const require = createRequire(import.meta.url)
const { Kafka, logLevel } = require('kafkajs')

const [bootstrap, topic, n, size] = process.argv.slice(2)
const records = Number(n)
const value = Buffer.alloc(Number(size), 0x61)
const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING })
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5 })
await producer.connect()
const SEND = 1000
let sent = 0
const inFlight = new Set<Promise<void>>()
for (let i = 0; i < records; i += SEND) {
  const count = Math.min(SEND, records - i)
  const p: Promise<void> = producer.send({ topic, acks: -1, messages: Array.from({ length: count }, () => ({ value })) }).then(() => { sent += count; inFlight.delete(p) })
  inFlight.add(p)
  if (inFlight.size >= 5) await Promise.race(inFlight)
}
await Promise.all(inFlight)
await producer.disconnect()
process.stdout.write(JSON.stringify({ records: sent, failed: records - sent, maxRssKiB: process.resourceUsage().maxRSS }) + '\n')
