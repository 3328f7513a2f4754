import t from 'tap'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { realKafkaFor, realKafkaSkip } from '../real-kafka/start-kafka.js'
import { compileJava, kafkaClientsCoordinates, resolveJars } from '../peers/maven.js'
import { runProcess, which } from '../fake-broker/helpers.js'
import { KafkaClient } from '../../consumer/cluster.js'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { OffsetFetch } from '../../protocol/apis/offset-fetch.js'
import { Producer } from '../../consumer/producer/producer.js'
import { TransactionalProducer } from '../../consumer/producer/transactional-producer.js'
import { TransactionError } from '../../consumer/producer/producer-errors.js'
import { RequestCapture, checkSentFrom, type VersionCap } from '../real-kafka/request-capture.js'

// Our producer against real Kafka 4.x: idempotent batches land once and in order; transactions commit and abort,
// with offsets, over transaction protocol v2 (the epoch moves on per transaction); a zombie is fenced. Then the
// readers we did not write decide what is visible: kcat with isolation.level=read_committed and the Java
// read_committed consumer must see only the committed records.

const skip = await realKafkaSkip()

/**
 * Versions below the negotiated ones that the producer sends on purpose: transaction protocol v1 (the second
 * producer below pins EndTxn to v4, as against a broker without transaction.version 2) sends Produce v11, EndTxn
 * v4, TxnOffsetCommit v4 and AddPartitionsToTxn v3 (v4+ are the brokers' versions, KIP-890 part 1). The plain
 * producer and transaction protocol v2 send the negotiated versions: Produce v13 and TxnOffsetCommit v6, which name
 * topics by id (KIP-516, KIP-1319).
 */
const CAPS: Record<string, VersionCap> = {
  Produce: { max: 11, why: 'transactional batches of transaction protocol v1; v2 and the idempotent producer send the newest', alsoNegotiated: true },
  AddPartitionsToTxn: { max: 3, why: 'v4+ are the brokers\' versions' },
  EndTxn: { max: 4, why: 'transaction protocol v1 (max.versions EndTxn=4); v2 sends v5', alsoNegotiated: true },
  TxnOffsetCommit: { max: 4, why: 'transaction protocol v1 (max.versions EndTxn=4); v2 sends the newest', alsoNegotiated: true }
}

async function createTopic (bootstrap: string, name: string, partitions: number): Promise<void> {
  const client = new KafkaClient({ bootstrapServers: bootstrap })
  try {
    const md = await client.metadata([])
    const res = await client.request(md.brokers[0].nodeId, CreateTopics, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false })
    const code = res.body.topics[0].errorCode
    if (code !== 0 && code !== 36) throw new Error(`CreateTopics ${name}: ${code}`)
    await new Promise(resolve => setTimeout(resolve, 500))
  } finally {
    await client.close()
  }
}

t.test('our transactional producer against real Kafka: read_committed readers see committed records only', { skip }, async t => {
  const kafka = await realKafkaFor(t, { brokers: 1 })
  const b = kafka.bootstrap
  const capture = new RequestCapture()
  const createSocket = capture.socketFactory()
  await createTopic(b, 'rt', 2)
  await createTopic(b, 'rin', 1)

  // Idempotent, non-transactional first.
  const plain = new Producer({ bootstrapServers: b, 'linger.ms': 2, createSocket })
  for (let i = 0; i < 100; i++) { const w = plain.produce({ topic: 'rt', partition: i % 2, value: `plain-${i}` }); if (w !== undefined) await w }
  await plain.flush()
  t.equal(plain.stats.deliveredRecords, 100)
  t.equal(plain.stats.failedRecords, 0)
  await plain.close()

  const p = new TransactionalProducer({ bootstrapServers: b, 'transactional.id': 'real-tx', 'linger.ms': 2, createSocket })
  t.teardown(() => p.close())
  await p.initTransactions()
  // Kafka 4.4 finalizes transaction.version 2 on a new cluster: transaction protocol v2 (KIP-890 part 2), where
  // every EndTxn v5 bumps the epoch and Produce v13 / TxnOffsetCommit v6 (by topic id) add partitions and groups
  // themselves.
  t.equal(p.transactionProtocol, 2, 'transaction protocol v2 against Kafka 4.4')
  const initial = p.producerIdAndEpoch
  p.beginTransaction()
  for (let i = 0; i < 20; i++) p.produce({ topic: 'rt', partition: i % 2, value: `committed-${i}` })
  await p.sendOffsetsToTransaction([{ topic: 'rin', partition: 0, offset: 17n }], { groupId: 'real-group' })
  await p.commitTransaction()
  t.same(p.producerIdAndEpoch, { producerId: initial.producerId, producerEpoch: initial.producerEpoch + 1 }, 'the commit bumped the epoch')
  p.beginTransaction()
  for (let i = 0; i < 10; i++) p.produce({ topic: 'rt', partition: i % 2, value: `aborted-${i}` })
  await p.sendOffsetsToTransaction([{ topic: 'rin', partition: 0, offset: 99n }], 'real-group')
  await p.flush()
  await p.abortTransaction()
  t.same(p.producerIdAndEpoch, { producerId: initial.producerId, producerEpoch: initial.producerEpoch + 2 }, 'so did the abort')

  // A zombie: a second instance fences the first.
  p.beginTransaction()
  await p.send({ topic: 'rt', partition: 0, value: 'zombie' })
  const fresh = new TransactionalProducer({ bootstrapServers: b, 'transactional.id': 'real-tx', 'linger.ms': 0, createSocket })
  t.teardown(() => fresh.close())
  await fresh.initTransactions()
  const err = await p.commitTransaction().catch((e: unknown) => e)
  t.ok(err instanceof TransactionError, `the zombie's commit fails (${String(err)})`)
  t.equal((err as TransactionError).abortable, false, 'fatally')
  fresh.beginTransaction()
  await fresh.send({ topic: 'rt', partition: 1, value: 'fresh' })
  await fresh.commitTransaction()

  // Transaction protocol v1, which Kafka 4.4 still serves to clients that do not speak v2: pinning EndTxn below v5
  // keeps our producer on it (AddPartitionsToTxn and AddOffsetsToTxn instead of the implicit adds).
  const v1 = new TransactionalProducer({ bootstrapServers: b, 'transactional.id': 'real-tx-v1', 'linger.ms': 0, 'max.versions': { EndTxn: 4 }, createSocket })
  t.teardown(() => v1.close())
  await v1.initTransactions()
  t.equal(v1.transactionProtocol, 1, 'transaction protocol v1 with EndTxn pinned to v4')
  v1.beginTransaction()
  await v1.send({ topic: 'rt', partition: 0, value: 'v1-committed' })
  await v1.sendOffsetsToTransaction([{ topic: 'rin', partition: 0, offset: 5n }], 'real-group-v1')
  await v1.commitTransaction()

  await checkSentFrom(t, capture, kafka.brokers[0].port, 'consumer/producer/', CAPS)
  t.ok(capture.sent.has('Produce v13') && capture.sent.has('TxnOffsetCommit v6'), 'Produce v13 and TxnOffsetCommit v6 (topic ids) went to Kafka 4.4')

  const client = new KafkaClient({ bootstrapServers: b })
  t.teardown(() => client.close())
  const md = await client.metadata([])
  // One broker: it is the group's coordinator. Version 7 keeps the single-group request shape.
  const conn = await client.connection(md.brokers[0].nodeId)
  const fetched = await conn.request(OffsetFetch, 7, { groupId: 'real-group', topics: [{ name: 'rin', partitionIndexes: [0] }], requireStable: true })
  t.equal(fetched.body.topics[0].partitions[0].committedOffset, 17n, 'the committed transaction\'s offset, not the aborted one\'s')

  const expected = [...Array.from({ length: 100 }, (_, i) => `plain-${i}`), ...Array.from({ length: 20 }, (_, i) => `committed-${i}`), 'fresh', 'v1-committed'].sort()
  const kcat = which('kcat')
  if (kcat === undefined) t.comment('kcat not installed: its read_committed check is skipped')
  else {
    const r = await runProcess(kcat, ['-b', b, '-C', '-t', 'rt', '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%s\\n'], { timeoutMs: 60_000 })
    t.same(r.stdout.toString().split('\n').filter(Boolean).sort(), expected, 'kcat read_committed sees exactly the committed records')
    const all = await runProcess(kcat, ['-b', b, '-C', '-t', 'rt', '-e', '-q', '-X', 'isolation.level=read_uncommitted', '-f', '%s\\n'], { timeoutMs: 60_000 })
    t.ok(all.stdout.toString().includes('aborted-0'), 'read_uncommitted also sees the aborted records')
  }
  const source = join(import.meta.dirname, '..', 'java', 'TxnClient.java')
  const classpath = await resolveJars('kafka-clients', kafkaClientsCoordinates())
  const classes = await compileJava('txn-client', [source], classpath, [readFileSync(source, 'utf8')])
  const java = await runProcess('java', ['-cp', [classes, ...classpath].join(':'), 'TxnClient', 'read', b, 'rt'], { timeoutMs: 120_000 })
  t.equal(java.code, 0, `the Java reader exits 0${java.code === 0 ? '' : `: ${java.stderr.slice(-2000)}`}`)
  const lines = java.stdout.toString().split('\n').filter(Boolean)
  t.equal(lines.at(-1), 'END')
  t.same(lines.slice(0, -1).map(l => l.split(' ')[1]).sort(), expected, 'the Java read_committed consumer sees exactly the committed records')
})
