import { createRequire } from 'node:module'

// Benchmark peer (tools/bench/produce.bench.ts): kafkajs 2.2 writes N records of B bytes (no key) with an
// idempotent producer (acks=-1, the only setting kafkajs allows with idempotence), in sends of 1000 messages with
// up to 5 sends outstanding. With a transaction size T > 0: a transactional producer, one transaction per T
// records (its sends inside a transaction one at a time, as kafkajs's transaction API is used).
// Prints one JSON line: {"records", "failed", "maxRssKiB"}.
//   node kafkajs-produce.js BOOTSTRAP TOPIC RECORDS VALUE_BYTES [T]

const require = createRequire(import.meta.url)
const { Kafka, logLevel } = require('kafkajs')
const [bootstrap, topic, n, size, txn] = process.argv.slice(2)
const records = Number(n)
const perTxn = Number(txn ?? 0)
const value = Buffer.alloc(Number(size), 0x61)
const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING })
const SEND = 1000
let sent = 0
if (perTxn > 0) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, transactionalId: `bench-${topic}` })
  await producer.connect()
  for (let i = 0; i < records; i += perTxn) {
    const transaction = await producer.transaction()
    const end = Math.min(records, i + perTxn)
    for (let j = i; j < end; j += SEND) {
      const count = Math.min(SEND, end - j)
      await transaction.send({ topic, acks: -1, messages: Array.from({ length: count }, () => ({ value })) })
    }
    await transaction.commit()
    sent = end
  }
  await producer.disconnect()
} else {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5 })
  await producer.connect()
  const inFlight = new Set<Promise<void>>()
  for (let i = 0; i < records; i += SEND) {
    const count = Math.min(SEND, records - i)
    const p: Promise<void> = producer.send({ topic, acks: -1, messages: Array.from({ length: count }, () => ({ value })) }).then(() => { sent += count; inFlight.delete(p) })
    inFlight.add(p)
    if (inFlight.size >= 5) await Promise.race(inFlight)
  }
  await Promise.all(inFlight)
  await producer.disconnect()
}
process.stdout.write(JSON.stringify({ records: sent, failed: records - sent, maxRssKiB: process.resourceUsage().maxRSS }) + '\n')
