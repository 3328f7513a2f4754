import { Producer } from '../../../consumer/producer/producer.js'
import { TransactionalProducer } from '../../../consumer/producer/transactional-producer.js'

// Benchmark peer (tools/bench/produce.bench.ts): kafka-direct's Producer writes N records of B bytes (no key) to a
// topic with acks=all and idempotence (the defaults), waiting only when buffer.memory is full, then flushes. With
// a transaction size T > 0 it is a TransactionalProducer committing one transaction per T records.
// Prints one JSON line: {"records", "failed", "maxRssKiB"}.
//   node kafka-direct-produce.js BOOTSTRAP TOPIC RECORDS VALUE_BYTES [T]

const [bootstrap, topic, n, size, txn] = process.argv.slice(2)
const records = Number(n)
const perTxn = Number(txn ?? 0)
const value = Buffer.alloc(Number(size), 0x61)
const config = { bootstrapServers: bootstrap, acks: 'all', 'enable.idempotence': true }
const producer = perTxn > 0 ? new TransactionalProducer({ ...config, 'transactional.id': `bench-${topic}` }) : new Producer(config)
if (producer instanceof TransactionalProducer) { await producer.initTransactions(); producer.beginTransaction() }
for (let i = 0; i < records; i++) {
  const wait = producer.produce({ topic, value })
  if (wait !== undefined) await wait
  if (producer instanceof TransactionalProducer && (i + 1) % perTxn === 0) {
    await producer.commitTransaction()
    if (i + 1 < records) producer.beginTransaction()
  }
}
if (producer instanceof TransactionalProducer && records % perTxn !== 0) await producer.commitTransaction()
await producer.flush()
await producer.close()
process.stdout.write(JSON.stringify({ records: producer.stats.deliveredRecords, failed: producer.stats.failedRecords, maxRssKiB: process.resourceUsage().maxRSS }) + '\n')
