import t from 'tap'
import { realKafkaFor, realKafkaSkip } from '../real-kafka/start-kafka.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { KafkaClient } from '../../consumer/cluster.js'
import type { BrokerConnection } from '../../consumer/connection.js'
import { AddPartitionsToTxn, CreateTopics, EndTxn, Fetch, InitProducerId, Produce } from '../../protocol/apis/index.js'
import { CoordinatorLookup, KEY_TYPE_TRANSACTION } from '../../consumer/producer/coordinator-lookup.js'
import { encodeRecordBatch } from '../../protocol/records/index.js'

// The same transaction request sequence against real Kafka 4.4 and against the fake broker, compared answer by
// answer: epochs, fencing error codes (PRODUCER_FENCED v2+/v4+, INVALID_PRODUCER_EPOCH), the last stable offset
// while a transaction is open and after it ends, and the aborted-transaction list a read_committed Fetch returns.

const skip = await realKafkaSkip()

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
    // Answers that only say "not yet" (the coordinator is loading, or finishing the previous transaction's
    // markers: Kafka writes them after answering EndTxn) are retried, as clients retry them.
    const settled = async <R>(send: () => Promise<R>, code: (r: R) => number): Promise<R> => {
      for (let i = 0; ; i++) {
        const r = await send()
        if (![14, 15, 16, 51].includes(code(r)) || i >= 50) return r
        await new Promise(resolve => setTimeout(resolve, 100))
      }
    }
    const init = async (pid = -1n, epoch = -1): Promise<{ errorCode: number, producerId: bigint, producerEpoch: number }> => await settled(async () => (await conn.request(InitProducerId, 4, { transactionalId: 'diff-tx', transactionTimeoutMs: 60_000, producerId: pid, producerEpoch: epoch })).body as any, r => r.errorCode)
    const add = async (pid: bigint, epoch: number): Promise<number> => await settled(async () => ((await conn.request(AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: 'diff-tx', v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: epoch, v3AndBelowTopics: [{ name: 'dt', partitions: [0] }] })).body as any).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, c => c)
    const produce = async (pid: bigint, epoch: number, seq: number, value: string): Promise<number> => {
      const records = encodeRecordBatch([{ value }], { producerId: pid, producerEpoch: epoch, baseSequence: seq, transactional: true })
      return ((await leader.request(Produce, 9, { transactionalId: 'diff-tx', acks: -1, timeoutMs: 5000, topicData: [{ name: 'dt', partitionData: [{ index: 0, records }] }] })).body as any).responses[0].partitionResponses[0].errorCode
    }
    const end = async (pid: bigint, epoch: number, committed: boolean, version = 3): Promise<number> => await settled(async () => ((await conn.request(EndTxn, version, { transactionalId: 'diff-tx', producerId: pid, producerEpoch: epoch, committed })).body as any).errorCode, c => c)
    // Markers are written after EndTxn answers on real Kafka: wait for the LSO to move before reading.
    const markers = async (): Promise<void> => { await new Promise(resolve => setTimeout(resolve, 500)) }
    const fetch = async (): Promise<unknown> => {
      const p = ((await leader.request(Fetch, 11, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1, topics: [{ topic: 'dt', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n }] }], forgottenTopicsData: [], rackId: '' })).body as any).responses[0].partitions[0]
      return { errorCode: p.errorCode, highWatermark: p.highWatermark, lastStableOffset: p.lastStableOffset, aborted: (p.abortedTransactions ?? []).map((a: any) => a.firstOffset) }
    }
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

t.test('the fake broker\'s transaction coordinator answers a request sequence as real Kafka 4.4 does', { skip }, async t => {
  const kafka = await realKafkaFor(t, { brokers: 1 })
  const real = await scenario(kafka.bootstrap, true)
  const cluster = await FakeCluster.start({ topics: [{ name: 'dt', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  const fake = await scenario(cluster.bootstrap, false)
  for (let i = 0; i < real.length; i++) t.same(fake[i], real[i], `step ${(real[i] as unknown[])[0] as string}`)
})
