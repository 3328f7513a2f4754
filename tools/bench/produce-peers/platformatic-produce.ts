import { Producer, ProduceAcks } from '@platformatic/kafka'

// Benchmark peer (tools/bench/produce.bench.ts): @platformatic/kafka 1.35 writes N records of B bytes (no key)
// with an idempotent producer and acks=all, in sends of 1000 messages, one at a time: with several sends outstanding
// its sequence numbers reach the broker out of order (OUT_OF_ORDER_SEQUENCE_NUMBER "expected 87000, got 88000",
// which it does not retry), so that is how it can be used idempotently. Prints one JSON line:
// {"records", "failed", "maxRssKiB"}.
//   node platformatic-produce.js BOOTSTRAP TOPIC RECORDS VALUE_BYTES

const [bootstrap, topic, n, size] = process.argv.slice(2)
const records = Number(n)
const value = Buffer.alloc(Number(size), 0x61)
const producer = new Producer({ clientId: 'bench-platformatic', bootstrapBrokers: bootstrap.split(','), idempotent: true, acks: ProduceAcks.ALL })
const SEND = 1000
let sent = 0
const inFlight = new Set<Promise<void>>()
for (let i = 0; i < records; i += SEND) {
  const count = Math.min(SEND, records - i)
  const p: Promise<void> = producer.send({ messages: Array.from({ length: count }, () => ({ topic, value })) }).then(() => { sent += count; inFlight.delete(p) })
  inFlight.add(p)
  if (inFlight.size >= 1) await Promise.race(inFlight)
}
await Promise.all(inFlight)
await producer.close()
process.stdout.write(JSON.stringify({ records: sent, failed: records - sent, maxRssKiB: process.resourceUsage().maxRSS }) + '\n')
