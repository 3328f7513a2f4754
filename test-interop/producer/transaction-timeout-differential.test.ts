import t from 'tap'
import { realKafkaFor, realKafkaSkip } from '../real-kafka/start-kafka.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { KafkaClient } from '../../consumer/cluster.js'
import { TransactionalProducer } from '../../consumer/producer/transactional-producer.js'
import { TransactionError } from '../../consumer/producer/producer-errors.js'
import { CreateTopics, DescribeTransactions, Fetch } from '../../protocol/apis/index.js'
import { CoordinatorLookup, KEY_TYPE_TRANSACTION } from '../../consumer/producer/coordinator-lookup.js'
import { iterateRecords } from '../../protocol/records/index.js'
import { sameSteps, session, until, V1, V2, type DescribeRes, type FetchRes, type Protocol } from './txn-session.js'

// A transaction the producer lets run past its transactionTimeoutMs, against real Kafka 4.4 and against the fake
// broker, compared step by step: the abort marker the coordinator writes (control type, producer id, epoch), the
// high watermark, LSO and aborted-transaction list of a read_committed Fetch, what DescribeTransactions and
// ListTransactions say, and what the timed-out producer's next requests get. Once under transaction protocol v1
// (InitProducerId v4, AddPartitionsToTxn v3, Produce v11, EndTxn v4) and once under v2 (Produce v12 adds the
// partition, EndTxn v5). Both run on one real Kafka, whose timeout check runs every 500 ms
// (transaction.abort.timed.out.transaction.cleanup.interval.ms, 10 s by default), as the fake's does here. Then our
// TransactionalProducer goes through the same timeout on both, and must come out of it alike.
//
// Normalised, because they legitimately differ between two brokers: producer ids (compared as "the same id as the
// first InitProducerId gave" or not), epochs (as the difference from the first InitProducerId's epoch), and
// timestamps (as "set" or -1). Nothing waits for a fixed time: each step polls with a deadline.

const skip = await realKafkaSkip()
const TIMEOUT_MS = 1000
const CHECK_INTERVAL_MS = 500

async function scenario (bootstrap: string, createTopic: boolean, topic: string, txId: string, p: Protocol): Promise<Array<[string, ...unknown[]]>> {
  const client = new KafkaClient({ bootstrapServers: bootstrap })
  try {
    const { a, pid, init, summary, addPartition, produce, end, describe, described, list, fetchPartition, fetched } = await session(client, createTopic, topic, txId, p, TIMEOUT_MS)
    const out: Array<[string, ...unknown[]]> = []
    out.push(['init', ...summary(a)])
    if (p.addPartitions) out.push(['add partition', await addPartition(a.producerEpoch)])
    out.push(['produce', await produce(a.producerEpoch, 0, 'x')])
    out.push(['fetch while open', ...fetched(await fetchPartition())])
    out.push(['describe while open', ...described(await describe())])
    // The producer now says nothing for longer than its timeout; the coordinator aborts on its own.
    const after = await until(describe, d => d.transactionState === 'CompleteAbort')
    out.push(['describe after the timeout', ...described(after)])
    out.push(['list after the timeout', ...await list()])
    const f = await until(fetchPartition, f => f.lastStableOffset === f.highWatermark && f.highWatermark > 1n)
    out.push(['fetch after the timeout', ...fetched(f)])
    out.push(['produce with the old epoch', await produce(a.producerEpoch, 1, 'late')])
    out.push(['commit with the old epoch', ...summary(await end(a.producerEpoch, true))])
    out.push(['abort with the old epoch', ...summary(await end(a.producerEpoch, false))])
    out.push(['describe after the old epoch\'s requests', ...described(await describe())])
    // KIP-360: the producer whose transaction timed out asks for a new epoch with its old id and epoch.
    const recovered = await init(pid, a.producerEpoch)
    out.push(['init with the old id and epoch', ...summary(recovered)])
    out.push(['init with the old id and epoch again', ...summary(await init(pid, a.producerEpoch))])
    out.push(['describe after the recovery', ...described(await describe())])
    const fresh = await init()
    out.push(['fresh init', ...summary(fresh)])
    // KIP-360 again, with the current epoch this time: bumped once, and a retry of it is answered the same.
    out.push(['init with the current id and epoch', ...summary(await init(pid, fresh.producerEpoch))])
    const current = await init(pid, fresh.producerEpoch)
    out.push(['init with the same id and epoch again', ...summary(current)])
    // One more transaction, committed in time; then InitProducerId naming the epoch it ran under. Under v2 the
    // commit bumped the epoch, and Kafka remembers the one before as a producer's last (KIP-360 recovery after an
    // EndTxn whose answer was lost); under v1 the epoch is still the current one, and is bumped.
    if (p.addPartitions) await addPartition(current.producerEpoch)
    out.push(['produce in time', await produce(current.producerEpoch, 0, 'y')])
    const committed = await end(current.producerEpoch, true)
    out.push(['commit in time', committed.errorCode, p.end >= 5 ? committed.producerEpoch - a.producerEpoch : 'no epoch before v5'])
    out.push(['init with the epoch the commit ran under', ...summary(await init(pid, current.producerEpoch))])
    out.push(['fetch at the end', ...fetched(await until(fetchPartition, f => f.lastStableOffset === f.highWatermark))])
    out.push(['describe at the end', ...described(await describe())])
    return out
  } finally {
    await client.close()
  }
}

/**
 * Our TransactionalProducer lets a transaction time out, then recovers: the late send fails, the commit fails
 * abortably, the abort bumps the epoch (v1: InitProducerId naming the old epoch, since Kafka fences an EndTxn
 * with it; v2: EndTxn v5, taken for a retry of the coordinator's abort), and the next transaction commits.
 */
async function producerScenario (bootstrap: string, createTopic: boolean, topic: string, txId: string, p: Protocol): Promise<Array<[string, ...unknown[]]>> {
  const client = new KafkaClient({ bootstrapServers: bootstrap })
  const producer = new TransactionalProducer({ bootstrapServers: bootstrap, 'transactional.id': txId, 'transaction.timeout.ms': TIMEOUT_MS, 'linger.ms': 0, maxVersions: p.end < 5 ? { EndTxn: p.end } : {} })
  try {
    const md = await client.metadata([])
    if (createTopic) {
      const any = await client.connection(md.brokers[0].nodeId)
      await any.request(CreateTopics, undefined, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false })
    }
    const out: Array<[string, ...unknown[]]> = []
    await producer.initTransactions()
    out.push(['protocol', producer.transactionProtocol])
    const first = producer.producerIdAndEpoch
    producer.beginTransaction()
    await client.withRetries('send', async () => await producer.send({ topic, partition: 0, value: 'too slow' }))
    const conn = await client.connection(await client.withRetries('FindCoordinator', async () => await new CoordinatorLookup(client, KEY_TYPE_TRANSACTION, txId).node()))
    const state = async (): Promise<string> => (await conn.request<DescribeRes>(DescribeTransactions, 0, { transactionalIds: [txId] })).body.transactionStates[0].transactionState
    out.push(['coordinator state', await until(state, s => s === 'CompleteAbort')])
    const late = await producer.send({ topic, partition: 0, value: 'late' }).then(() => 'delivered', (e: unknown) => e instanceof Error ? 'failed' : 'odd')
    out.push(['late send', late])
    const commit = await producer.commitTransaction().then(() => 'committed', (e: unknown) => e instanceof TransactionError ? (e.abortable ? 'abortable' : 'fatal') : 'odd')
    out.push(['commit', commit])
    await producer.abortTransaction()
    const recovered = producer.producerIdAndEpoch
    out.push(['after the abort', recovered.producerId === first.producerId, recovered.producerEpoch - first.producerEpoch])
    producer.beginTransaction()
    await producer.send({ topic, partition: 0, value: 'on time' })
    await producer.commitTransaction()
    const leader = await client.connection((await client.partitionInfo(topic, 0)).leader)
    const fetchOnce = async (): Promise<FetchRes['responses'][number]['partitions'][number]> => (await leader.request<FetchRes>(Fetch, 11, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1, rackId: '', forgottenTopicsData: [],
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n }] }]
    })).body.responses[0].partitions[0]
    const f = await until(fetchOnce, f => f.lastStableOffset === f.highWatermark && f.highWatermark >= 4n)
    const values = [...iterateRecords(f.records ?? Buffer.alloc(0))].map(r => r.value?.toString())
    // The records as the log holds them (the aborted one too: a read_committed reader drops it by the aborted list).
    out.push(['read_committed', f.highWatermark, (f.abortedTransactions ?? []).map(x => x.firstOffset), values])
    return out
  } finally {
    await producer.close()
    await client.close()
  }
}

t.test('a timed-out transaction: the fake broker aborts it as real Kafka 4.4 does', { skip }, async t => {
  const kafka = await realKafkaFor(t, { brokers: 1, config: { 'transaction.abort.timed.out.transaction.cleanup.interval.ms': CHECK_INTERVAL_MS } })
  const cluster = await FakeCluster.start({ topics: ['tt1', 'tt2', 'tp1', 'tp2'].map(name => ({ name, partitions: 1 })), transactionTimeoutCheckIntervalMs: CHECK_INTERVAL_MS })
  t.teardown(() => cluster.stop())
  for (const [p, topic] of [[V1, 'tt1'], [V2, 'tt2']] as const) {
    await t.test(`transaction protocol ${p.name}`, async t => {
      await sameSteps(t, async (bootstrap, create) => await scenario(bootstrap, create, topic, `timeout-${p.name}`, p), kafka.bootstrap, cluster.bootstrap)
    })
  }
  for (const [p, topic] of [[V1, 'tp1'], [V2, 'tp2']] as const) {
    await t.test(`our TransactionalProducer recovers from a timeout alike on both (protocol ${p.name})`, async t => {
      const real = await producerScenario(kafka.bootstrap, true, topic, `producer-${p.name}`, p)
      t.comment(JSON.stringify(real, (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v))
      const fake = await producerScenario(cluster.bootstrap, false, topic, `producer-${p.name}`, p)
      t.same(fake, real)
      t.same(real.at(-1), ['read_committed', 4n, [0n], ['too slow', 'on time']], 'the timed-out record is aborted, the one in time is not')
    })
  }
})
