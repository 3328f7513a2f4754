import t from 'tap'
import { realKafkaFor, realKafkaSkip } from '../real-kafka/start-kafka.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { KafkaClient } from '../../consumer/cluster.js'
import type { BrokerConnection } from '../../consumer/connection.js'
import { AddPartitionsToTxn, ApiVersions, CreateTopics, EndTxn, Fetch, InitProducerId, OffsetFetch, Produce, TxnOffsetCommit } from '../../protocol/apis/index.js'
import { CoordinatorLookup, KEY_TYPE_GROUP, KEY_TYPE_TRANSACTION } from '../../consumer/producer/coordinator-lookup.js'
import { encodeRecordBatch } from '../../protocol/records/index.js'

// The same transaction request sequence against real Kafka 4.4 and against the fake broker, compared answer by
// answer: epochs, fencing error codes (PRODUCER_FENCED v2+/v4+, INVALID_PRODUCER_EPOCH), the last stable offset
// while a transaction is open and after it ends, and the aborted-transaction list a read_committed Fetch returns.

const skip = await realKafkaSkip()

// Answers that only say "not yet" (the coordinator is loading, or finishing the previous transaction's markers:
// Kafka writes them after answering EndTxn) are retried, as clients retry them.
async function settled <R> (send: () => Promise<R>, code: (r: R) => number): Promise<R> {
  for (let i = 0; ; i++) {
    const r = await send()
    if (![14, 15, 16, 51].includes(code(r)) || i >= 50) return r
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

// Markers are written after EndTxn answers on real Kafka: wait for the LSO to move before reading.
async function markers (): Promise<void> { await new Promise(resolve => setTimeout(resolve, 500)) }

/** A read_committed Fetch of partition 0 from offset 0: error, high watermark, LSO and aborted transactions. */
async function fetchCommitted (leader: BrokerConnection, topic: string): Promise<unknown> {
  const p = ((await leader.request(Fetch, 11, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n }] }], forgottenTopicsData: [], rackId: '' })).body as any).responses[0].partitions[0]
  return { errorCode: p.errorCode, highWatermark: p.highWatermark, lastStableOffset: p.lastStableOffset, aborted: (p.abortedTransactions ?? []).map((a: any) => a.firstOffset) }
}

async function scenario (bootstrap: string, createTopic: boolean): Promise<unknown[]> {
  const client = new KafkaClient({ bootstrapServers: bootstrap })
  try {
    const md = await client.metadata([])
    const node = md.brokers[0].nodeId
    const any = await client.connection(node)
    if (createTopic) {
      await any.request(CreateTopics, undefined, { topics: [{ name: 'dt', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false })
      await new Promise(resolve => setTimeout(resolve, 1000))
    }
    // Real Kafka creates __transaction_state on the first lookup and says COORDINATOR_NOT_AVAILABLE meanwhile.
    const lookup = new CoordinatorLookup(client, KEY_TYPE_TRANSACTION, 'diff-tx')
    const conn: BrokerConnection = await client.connection(await client.withRetries('FindCoordinator', async () => await lookup.node()))
    const leader = await client.connection((await client.partitionInfo('dt', 0)).leader)
    const out: unknown[] = []
    const init = async (pid = -1n, epoch = -1): Promise<{ errorCode: number, producerId: bigint, producerEpoch: number }> => await settled(async () => (await conn.request(InitProducerId, 4, { transactionalId: 'diff-tx', transactionTimeoutMs: 60_000, producerId: pid, producerEpoch: epoch })).body as any, r => r.errorCode)
    const add = async (pid: bigint, epoch: number): Promise<number> => await settled(async () => ((await conn.request(AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: 'diff-tx', v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: epoch, v3AndBelowTopics: [{ name: 'dt', partitions: [0] }] })).body as any).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, c => c)
    const produce = async (pid: bigint, epoch: number, seq: number, value: string): Promise<number> => {
      const records = encodeRecordBatch([{ value }], { producerId: pid, producerEpoch: epoch, baseSequence: seq, transactional: true })
      return ((await leader.request(Produce, 9, { transactionalId: 'diff-tx', acks: -1, timeoutMs: 5000, topicData: [{ name: 'dt', partitionData: [{ index: 0, records }] }] })).body as any).responses[0].partitionResponses[0].errorCode
    }
    const end = async (pid: bigint, epoch: number, committed: boolean, version = 3): Promise<number> => await settled(async () => ((await conn.request(EndTxn, version, { transactionalId: 'diff-tx', producerId: pid, producerEpoch: epoch, committed })).body as any).errorCode, c => c)
    const fetch = async (): Promise<unknown> => await fetchCommitted(leader, 'dt')
    const a = await init()
    out.push(['init', a.errorCode, a.producerEpoch])
    out.push(['add', await add(a.producerId, a.producerEpoch)])
    out.push(['produce', await produce(a.producerId, a.producerEpoch, 0, 'x')])
    out.push(['fetch while open', await fetch()])
    out.push(['abort', await end(a.producerId, a.producerEpoch, false)])
    await markers()
    out.push(['fetch after abort', await fetch()])
    out.push(['add again', await add(a.producerId, a.producerEpoch)])
    out.push(['produce again', await produce(a.producerId, a.producerEpoch, 1, 'y')])
    const b = await init()
    out.push(['second instance', b.errorCode, b.producerEpoch - a.producerEpoch, b.producerId === a.producerId])
    out.push(['zombie add', await add(a.producerId, a.producerEpoch)])
    out.push(['zombie produce', await produce(a.producerId, a.producerEpoch, 2, 'z')])
    out.push(['zombie end v3', await end(a.producerId, a.producerEpoch, true)])
    out.push(['zombie end v1', await end(a.producerId, a.producerEpoch, true, 1)])
    out.push(['zombie init', (await init(a.producerId, a.producerEpoch)).errorCode])
    await markers()
    out.push(['fetch after fence', await fetch()])
    out.push(['commit of nothing', await end(b.producerId, b.producerEpoch, true)])
    return out
  } finally {
    await client.close()
  }
}

/** Runs a scenario on real Kafka 4.4 and on a fake broker with the same topic, and compares them step by step. */
async function compare (t: Tap.Test, scenario: (bootstrap: string, createTopic: boolean) => Promise<unknown[]>, topic: string): Promise<void> {
  const kafka = await realKafkaFor(t, { brokers: 1 })
  const real = await scenario(kafka.bootstrap, true)
  t.comment(JSON.stringify(real, (_k, v) => typeof v === 'bigint' ? String(v) : v))
  const cluster = await FakeCluster.start({ topics: [{ name: topic, partitions: 1 }] })
  t.teardown(() => cluster.stop())
  const fake = await scenario(cluster.bootstrap, false)
  for (let i = 0; i < real.length; i++) t.same(fake[i], real[i], `step ${(real[i] as unknown[])[0] as string}`)
}

t.test('the fake broker\'s transaction coordinator answers a request sequence as real Kafka 4.4 does', { skip }, async t => {
  await compare(t, scenario, 'dt')
})

// Transaction protocol version 2 (KIP-890 part 2), as a client sees it when the broker finalizes
// transaction.version 2: Produce v12 adds a partition to the transaction by itself (no AddPartitionsToTxn),
// TxnOffsetCommit v5 adds the group by itself (no AddOffsetsToTxn), v13 and v6 do the same by topic id (an unknown
// id is UNKNOWN_TOPIC_ID), and EndTxn v5 bumps the epoch at every end and
// returns it; a retry of the end with the epoch before the bump succeeds, a write with that old epoch is fenced.
async function scenarioV2 (bootstrap: string, createTopic: boolean): Promise<unknown[]> {
  const client = new KafkaClient({ bootstrapServers: bootstrap })
  try {
    const md = await client.metadata([])
    const any = await client.connection(md.brokers[0].nodeId)
    if (createTopic) {
      await any.request(CreateTopics, undefined, { topics: [{ name: 'dt2', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false })
      await new Promise(resolve => setTimeout(resolve, 1000))
    }
    const out: unknown[] = []
    const features = (await any.request(ApiVersions, 4, { clientSoftwareName: 'kd', clientSoftwareVersion: '1' })).body as any
    const tv = (features.finalizedFeatures as Array<{ name: string, maxVersionLevel: number, minVersionLevel: number }>).find(f => f.name === 'transaction.version')
    const tvSupported = (features.supportedFeatures as Array<{ name: string, minVersion: number, maxVersion: number }>).find(f => f.name === 'transaction.version')
    out.push(['transaction.version', tv?.maxVersionLevel, tvSupported?.maxVersion, features.finalizedFeaturesEpoch >= 0n])
    const lookup = new CoordinatorLookup(client, KEY_TYPE_TRANSACTION, 'diff-tx2')
    const conn: BrokerConnection = await client.connection(await client.withRetries('FindCoordinator', async () => await lookup.node()))
    const groupConn: BrokerConnection = await client.connection(await client.withRetries('FindCoordinator', async () => await new CoordinatorLookup(client, KEY_TYPE_GROUP, 'diff-g2').node()))
    const leader = await client.connection((await client.partitionInfo('dt2', 0)).leader)
    const init = async (): Promise<{ errorCode: number, producerId: bigint, producerEpoch: number }> => await settled(async () => (await conn.request(InitProducerId, 5, { transactionalId: 'diff-tx2', transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })).body as any, r => r.errorCode)
    // Produce v13 and TxnOffsetCommit v6 name the topic by id (KIP-516, KIP-1319); `topicId` overrides dt2's.
    const dt2Id = (await client.topicsByName(['dt2'])).get('dt2')?.topicId
    const produce = async (pid: bigint, epoch: number, seq: number, value: string, version = 12): Promise<number> => {
      const records = encodeRecordBatch([{ value }], { producerId: pid, producerEpoch: epoch, baseSequence: seq, transactional: true })
      return await settled(async () => ((await leader.request(Produce, version, { transactionalId: 'diff-tx2', acks: -1, timeoutMs: 5000, topicData: [{ name: 'dt2', topicId: dt2Id, partitionData: [{ index: 0, records }] }] })).body as any).responses[0].partitionResponses[0].errorCode, c => c)
    }
    const end = async (pid: bigint, epoch: number, committed: boolean, version = 5): Promise<{ errorCode: number, producerId: bigint, producerEpoch: number }> => await settled(async () => (await conn.request(EndTxn, version, { transactionalId: 'diff-tx2', producerId: pid, producerEpoch: epoch, committed })).body as any, r => r.errorCode)
    const offsets = async (pid: bigint, epoch: number, offset: bigint, version = 5, topicId = dt2Id): Promise<number> => await settled(async () => ((await groupConn.request(TxnOffsetCommit, version, { transactionalId: 'diff-tx2', groupId: 'diff-g2', producerId: pid, producerEpoch: epoch, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'dt2', topicId, partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null }] }] })).body as any).topics[0].partitions[0].errorCode, c => c)
    const committedOffset = async (): Promise<bigint> => ((await groupConn.request(OffsetFetch, 7, { groupId: 'diff-g2', topics: [{ name: 'dt2', partitionIndexes: [0] }], requireStable: false })).body as any).topics[0].partitions[0].committedOffset
    const fetch = async (): Promise<unknown> => await fetchCommitted(leader, 'dt2')
    const summary = (r: { errorCode: number, producerId: bigint, producerEpoch: number }, pid: bigint, epoch: number): unknown[] => [r.errorCode, r.producerId === pid, r.producerEpoch - epoch]
    const a = await init()
    const pid = a.producerId
    out.push(['init', a.errorCode])
    out.push(['produce v12 without AddPartitionsToTxn', await produce(pid, a.producerEpoch, 0, 'x')])
    out.push(['fetch while open', await fetch()])
    out.push(['txn offset commit v5 without AddOffsetsToTxn', await offsets(pid, a.producerEpoch, 1n)])
    const c1 = await end(pid, a.producerEpoch, true)
    out.push(['commit v5', ...summary(c1, pid, a.producerEpoch)])
    await markers()
    out.push(['fetch after commit', await fetch()])
    out.push(['group offset after commit', await committedOffset()])
    out.push(['commit retried with the old epoch', ...summary(await end(pid, a.producerEpoch, true), pid, a.producerEpoch)])
    out.push(['abort retried with the old epoch', ...summary(await end(pid, a.producerEpoch, false), pid, a.producerEpoch)])
    out.push(['commit with the new epoch, nothing open', ...summary(await end(pid, c1.producerEpoch, true), pid, c1.producerEpoch)])
    out.push(['produce with the old epoch', await produce(pid, a.producerEpoch, 1, 'late')])
    out.push(['produce v11 with the new epoch, no AddPartitionsToTxn', await produce(pid, c1.producerEpoch, 0, 'v11', 11)])
    out.push(['produce v12 with the new epoch', await produce(pid, c1.producerEpoch, 0, 'y')])
    out.push(['txn offset commit v5 in the second transaction', await offsets(pid, c1.producerEpoch, 2n)])
    out.push(['produce v13 by topic id', await produce(pid, c1.producerEpoch, 1, 'y13', 13)])
    out.push(['txn offset commit v6 by topic id', await offsets(pid, c1.producerEpoch, 3n, 6)])
    out.push(['txn offset commit v6 with an unknown topic id', await offsets(pid, c1.producerEpoch, 4n, 6, '0123abcd-0000-4000-8000-00000000beef')])
    const a2 = await end(pid, c1.producerEpoch, false)
    out.push(['abort v5', ...summary(a2, pid, c1.producerEpoch)])
    await markers()
    out.push(['fetch after abort', await fetch()])
    out.push(['group offset after abort', await committedOffset()])
    out.push(['end v4 of a v2 transaction, nothing open', (await end(pid, a2.producerEpoch, true, 4)).errorCode])
    out.push(['abort v5 with the current epoch, nothing open', ...summary(await end(pid, a2.producerEpoch, false), pid, a2.producerEpoch)])
    const b = await init()
    out.push(['second instance', b.errorCode, b.producerId === pid, b.producerEpoch - a2.producerEpoch])
    out.push(['abort v5 of an empty transaction', ...summary(await end(b.producerId, b.producerEpoch, false), b.producerId, b.producerEpoch)])
    out.push(['commit v5 of an empty transaction', ...summary(await end(b.producerId, b.producerEpoch, true), b.producerId, b.producerEpoch)])
    out.push(['produce v12 of the second instance', await produce(b.producerId, b.producerEpoch, 0, 'z')])
    out.push(['zombie produce v12', await produce(pid, a2.producerEpoch, 0, 'zombie')])
    out.push(['zombie commit v5', ...summary(await end(pid, a2.producerEpoch, true), pid, a2.producerEpoch)])
    const c2 = await end(b.producerId, b.producerEpoch, true)
    out.push(['commit v5 of the second instance', ...summary(c2, b.producerId, b.producerEpoch)])
    await markers()
    out.push(['fetch at the end', await fetch()])
    return out
  } finally {
    await client.close()
  }
}

t.test('transaction protocol v2: the fake broker answers as real Kafka 4.4 does', { skip }, async t => {
  await compare(t, scenarioV2, 'dt2')
})
