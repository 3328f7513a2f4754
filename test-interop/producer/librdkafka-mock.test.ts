import t from 'tap'
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { Producer } from '../../consumer/producer/producer.js'
import { TransactionalProducer } from '../../consumer/producer/transactional-producer.js'

// Our producer against librdkafka's mock cluster (the same mock-cluster.c as test-interop/consumer, started empty):
// idempotent batches are accepted in order, and transactions run to completion (InitProducerId, AddPartitionsToTxn,
// AddOffsetsToTxn, TxnOffsetCommit, EndTxn). librdkafka 2.0's mock neither hides aborted records from
// read_committed readers nor fences zombies, so visibility and fencing are checked on real Kafka
// (real-kafka-transactions.test.ts); here kcat reads everything back.

const here = dirname(fileURLToPath(import.meta.url))
const header = '/usr/include/librdkafka/rdkafka_mock.h'
const skip = !existsSync(header) ? `${header} is absent (apt-get install librdkafka-dev)` : !existsSync('/usr/bin/kcat') ? 'kcat is absent' : false

async function startMock (t: any): Promise<string> {
  const out = join(here, '..', '.build')
  mkdirSync(out, { recursive: true })
  const bin = join(out, 'mock-cluster')
  await new Promise<void>((resolve, reject) => execFile('cc', ['-O1', '-o', bin, join(here, '..', 'consumer', 'mock-cluster.c'), '-lrdkafka'], err => err === null ? resolve() : reject(err)))
  const child = spawn(bin, ['1', 'mt', '2', '0'])
  child.stderr.resume()
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  t.teardown(async () => { child.stdin.end('quit\n'); await exited })
  const lines = createInterface({ input: child.stdout })
  return await new Promise<string>(resolve => lines.on('line', line => { if (line.startsWith('BOOTSTRAP ')) resolve(line.slice(10)) }))
}

async function kcatValues (bootstrap: string): Promise<string[]> {
  return await new Promise((resolve, reject) => execFile('/usr/bin/kcat', ['-b', bootstrap, '-C', '-t', 'mt', '-e', '-q', '-f', '%p %s\\n'], (err, stdout) => {
    if (err !== null) reject(err); else resolve(stdout.split('\n').filter(Boolean))
  }))
}

t.test('idempotent and transactional producing against librdkafka\'s mock cluster', { skip }, async t => {
  const bootstrap = await startMock(t)
  const plain = new Producer({ bootstrapServers: bootstrap, 'linger.ms': 1, 'batch.num.messages': 10 })
  for (let i = 0; i < 60; i++) { const w = plain.produce({ topic: 'mt', partition: i % 2, value: `i${i}` }); if (w !== undefined) await w }
  await plain.flush()
  t.equal(plain.stats.deliveredRecords, 60)
  await plain.close()

  const p = new TransactionalProducer({ bootstrapServers: bootstrap, 'transactional.id': 'mock-tx', 'linger.ms': 0 })
  t.teardown(() => p.close())
  await p.initTransactions()
  p.beginTransaction()
  await Promise.all([0, 1].map(partition => p.send({ topic: 'mt', partition, value: `c${partition}` })))
  await p.sendOffsetsToTransaction([{ topic: 'mt', partition: 0, offset: 3n }], 'mock-group')
  await p.commitTransaction()
  p.beginTransaction()
  await p.send({ topic: 'mt', partition: 1, value: 'a1' })
  await p.abortTransaction()
  t.equal(p.transactionState, 'ready', 'both transactions completed')

  const values = await kcatValues(bootstrap)
  for (const part of [0, 1]) {
    const mine = values.filter(v => v.startsWith(`${part} `)).map(v => v.slice(2))
    const idempotent = mine.filter(v => v.startsWith('i'))
    t.same(idempotent, Array.from({ length: 30 }, (_, k) => `i${2 * k + part}`), `partition ${part}: idempotent records once each, in order`)
    t.ok(mine.includes(`c${part}`), `partition ${part}: the committed record`)
  }
})
