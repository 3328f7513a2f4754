import t from 'tap'
import { until as pollUntil } from './poll-until.js'
import { realKafkaFor, realKafkaSkip } from '../real-kafka/start-kafka.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { KafkaClient } from '../../consumer/cluster.js'
import type { BrokerConnection } from '../../consumer/connection.js'
import { CoordinatorLookup, KEY_TYPE_TRANSACTION } from '../../consumer/producer/coordinator-lookup.js'
import { AddPartitionsToTxn, CreateTopics, DescribeProducers, InitProducerId, ListTransactions, Produce } from '../../protocol/apis/index.js'
import type { Infer } from '../../protocol/schema/define.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { encodeRecordBatch } from '../../protocol/records/index.js'

// producer.id.expiration.ms and transactional.id.expiration.ms, on real Kafka 4.4 and on the fake broker with the
// same (short) settings, compared step by step: an idempotent producer's retry is a duplicate while the partition
// remembers the producer and new data once it has forgotten it; a producer the partition forgot is taken at any
// sequence; an idle transactional id is forgotten (ListTransactions stops listing it, and its next InitProducerId
// gets a new producer id at epoch 0) while one with a transaction open is kept. Producer ids are compared as "the
// same as before" or not; nothing waits for a fixed time (each step polls with a deadline).

const skip = await realKafkaSkip()
const CONFIG = {
  'producer.id.expiration.ms': '2000',
  'producer.id.expiration.check.interval.ms': '200',
  'transactional.id.expiration.ms': '2000',
  'transaction.remove.expired.transaction.cleanup.interval.ms': '200'
}
const DEADLINE_MS = 20_000

type InitRes = Infer<typeof InitProducerId.response>
type ProduceRes = Infer<typeof Produce.response>
type ProducersRes = Infer<typeof DescribeProducers.response>

const NOT_YET: ReadonlySet<number> = new Set([
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR, ErrorCode.CONCURRENT_TRANSACTIONS,
  ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
])

/** Polls with the deadline above. */
async function until <R> (probe: () => Promise<R>, done: (r: R) => boolean): Promise<R> {
  return await pollUntil(probe, done, DEADLINE_MS)
}

async function scenario (bootstrap: string, createTopic: boolean, topic: string): Promise<Array<[string, ...unknown[]]>> {
  const client = new KafkaClient({ bootstrapServers: bootstrap })
  try {
    const md = await client.metadata([])
    const any = await client.connection(md.brokers[0].nodeId)
    if (createTopic) {
      await any.request(CreateTopics, undefined, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false })
    }
    const leader: BrokerConnection = await client.withRetries('partitionInfo', async () => await client.connection((await client.partitionInfo(topic, 0)).leader))
    const out: Array<[string, ...unknown[]]> = []

    const initIdempotent = await until(async () => (await any.request<InitRes>(InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })).body, r => !NOT_YET.has(r.errorCode))
    const pid = initIdempotent.producerId
    out.push(['init idempotent', initIdempotent.errorCode, initIdempotent.producerEpoch])
    const produce = async (seq: number, value: string): Promise<unknown[]> => {
      const records = encodeRecordBatch([{ value, timestamp: BigInt(Date.now()) }], { producerId: pid, producerEpoch: 0, baseSequence: seq })
      const r = await until(async () => (await leader.request<ProduceRes>(Produce, 11, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] })).body.responses[0].partitionResponses[0], p => !NOT_YET.has(p.errorCode))
      return [r.errorCode, r.baseOffset]
    }
    const producers = async (): Promise<unknown[]> => {
      const r = (await leader.request<ProducersRes>(DescribeProducers, 0, { topics: [{ name: topic, partitionIndexes: [0] }] })).body.topics[0].partitions[0]
      return [r.errorCode, r.activeProducers.map(p => [p.producerId === pid ? 'same id' : String(p.producerId), p.producerEpoch, p.lastSequence])]
    }
    const forgotten = (r: unknown[]): boolean => (r[1] as unknown[]).length === 0

    out.push(['produce seq 0', ...await produce(0, 'a')])
    out.push(['retry of seq 0 while remembered', ...await produce(0, 'a')])
    out.push(['producers', ...await producers()])
    out.push(['producers after the expiry', ...await until(producers, forgotten)])
    out.push(['retry of seq 0 once forgotten', ...await produce(0, 'a')])
    out.push(['producers after the retry', ...await producers()])
    await until(producers, forgotten)
    out.push(['seq 5 once forgotten again', ...await produce(5, 'b')])
    out.push(['seq 7 next', ...await produce(7, 'c')])

    // Transactional ids: one idle since its InitProducerId, one with a transaction open.
    const lookup = (id: string): CoordinatorLookup => new CoordinatorLookup(client, KEY_TYPE_TRANSACTION, id)
    const coordinator = async (id: string): Promise<BrokerConnection> => await client.connection(await client.withRetries('FindCoordinator', async () => await lookup(id).node()))
    const idleConn = await coordinator('expiry-idle')
    const openConn = await coordinator('expiry-open')
    const init = async (conn: BrokerConnection, id: string): Promise<InitRes> => await until(async () => (await conn.request<InitRes>(InitProducerId, 4, { transactionalId: id, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })).body, r => !NOT_YET.has(r.errorCode))
    const idle = await init(idleConn, 'expiry-idle')
    const open = await init(openConn, 'expiry-open')
    const added = await until(async () => (await openConn.request<Infer<typeof AddPartitionsToTxn.response>>(AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: 'expiry-open', v3AndBelowProducerId: open.producerId, v3AndBelowProducerEpoch: open.producerEpoch, v3AndBelowTopics: [{ name: topic, partitions: [0] }] })).body, r => !NOT_YET.has(r.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode))
    out.push(['init idle', idle.errorCode, idle.producerEpoch], ['init open', open.errorCode, open.producerEpoch], ['open adds a partition', added.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode])
    const listed = async (conn: BrokerConnection, id: string): Promise<unknown[]> => {
      const r = (await conn.request<Infer<typeof ListTransactions.response>>(ListTransactions, 1, { stateFilters: [], producerIdFilters: [], durationFilter: -1n })).body
      return [r.errorCode, r.transactionStates.filter(s => s.transactionalId === id).map(s => s.transactionState)]
    }
    out.push(['idle listed', ...await listed(idleConn, 'expiry-idle')])
    out.push(['idle after the expiry', ...await until(async () => await listed(idleConn, 'expiry-idle'), r => (r[1] as unknown[]).length === 0)])
    out.push(['open after the expiry', ...await listed(openConn, 'expiry-open')])
    const again = await init(idleConn, 'expiry-idle')
    out.push(['idle inits again', again.errorCode, again.producerId === idle.producerId ? 'same id' : 'new id', again.producerEpoch])
    return out
  } finally {
    await client.close()
  }
}

t.test('producer and transactional id expiry: the fake broker forgets what real Kafka 4.4 forgets', { skip }, async t => {
  const kafka = await realKafkaFor(t, { brokers: 1, config: CONFIG })
  const cluster = await FakeCluster.start({ topics: [{ name: 'expiry', partitions: 1 }], brokerConfigs: CONFIG })
  t.teardown(() => cluster.stop())
  const real = await scenario(kafka.bootstrap, true, 'expiry')
  t.comment(JSON.stringify(real, (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v))
  t.same(real.find(s => s[0] === 'retry of seq 0 once forgotten'), ['retry of seq 0 once forgotten', ErrorCode.NONE, 1n], 'real Kafka writes the late retry again')
  const fake = await scenario(cluster.bootstrap, false, 'expiry')
  t.equal(fake.length, real.length, 'as many steps')
  for (let i = 0; i < real.length; i++) t.same(fake[i], real[i], `step ${real[i][0]}`)
})
