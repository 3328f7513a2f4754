import t from 'tap'
import { realKafkaFor, realKafkaSkip } from '../real-kafka/start-kafka.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { KafkaClient } from '../../consumer/cluster.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { sameSteps, session, until, V1, V2, type Protocol, type Steps } from './txn-session.js'

// InitProducerId naming the producer's current id and epoch while its transaction is still open (KIP-360: a
// producer that goes on after an error), against real Kafka 4.4 and against the fake broker, compared step by
// step: the first answer (Kafka fences the epoch, aborts the open transaction and answers CONCURRENT_TRANSACTIONS),
// the answer once the abort is done, the abort marker and its epoch, what DescribeTransactions says, and what the
// old epoch and the answered one get next. Once under transaction protocol v1 and once under v2. The transaction
// timeout is long, so nothing here is the timeout's doing.
//
// Then a transaction that times out at the last epoch a producer may use (Short.MAX_VALUE - 1): the epoch is
// brought there by InitProducerId naming the current epoch, each bumping it once (32766 requests, one at a time;
// 10-30 s on real Kafka 4.4 on this 2-core machine, a few seconds on the fake), and what the timeout's abort, the markers and the next
// InitProducerId requests give is compared step by step.

const skip = await realKafkaSkip()
const TIMEOUT_MS = 60_000
const SHORT_TIMEOUT_MS = 1000
const CHECK_INTERVAL_MS = 500
/** The last epoch a producer may use: Kafka keeps Short.MAX_VALUE for fencing (TransactionMetadata.isEpochExhausted). */
const LAST_EPOCH = 0x7fff - 1

async function fenceScenario (bootstrap: string, createTopic: boolean, topic: string, txId: string, p: Protocol): Promise<Steps> {
  const client = new KafkaClient({ bootstrapServers: bootstrap })
  try {
    const { a, pid, init, initOnce, summary, addPartition, produce, end, describe, described, fetchPartition, fetched } = await session(client, createTopic, topic, txId, p, TIMEOUT_MS)
    const out: Steps = []
    out.push(['init', ...summary(a)])
    if (p.addPartitions) out.push(['add partition', await addPartition(a.producerEpoch)])
    out.push(['produce', await produce(a.producerEpoch, 0, 'x')])
    out.push(['init naming the current epoch while open', ...summary(await initOnce(pid, a.producerEpoch))])
    out.push(['the same once the abort is done', ...summary(await init(pid, a.producerEpoch))])
    out.push(['describe after', ...described(await until(describe, d => d.transactionState === 'CompleteAbort' || d.transactionState === 'Empty'))])
    out.push(['fetch after', ...fetched(await until(fetchPartition, f => f.lastStableOffset === f.highWatermark && f.highWatermark > 1n))])
    out.push(['produce with the old epoch', await produce(a.producerEpoch, 1, 'late')])
    out.push(['abort with the old epoch', ...summary(await end(a.producerEpoch, false))])
    const fresh = await init()
    out.push(['init without an id', ...summary(fresh)])
    out.push(['init naming the first epoch after that', ...summary(await init(pid, a.producerEpoch))])
    out.push(['describe at the end', ...described(await describe())])
    return out
  } finally {
    await client.close()
  }
}

async function exhaustedScenario (bootstrap: string, createTopic: boolean, topic: string, txId: string, p: Protocol, comment: (s: string) => void): Promise<Steps> {
  const client = new KafkaClient({ bootstrapServers: bootstrap })
  try {
    const { a, pid, init, initOnce, summary, addPartition, produce, end, describe, described, fetchPartition, fetched } = await session(client, createTopic, topic, txId, p, SHORT_TIMEOUT_MS)
    const out: Steps = []
    const started = Date.now()
    let epoch = a.producerEpoch
    while (epoch < LAST_EPOCH) {
      const r = await initOnce(pid, epoch)
      if (r.errorCode !== ErrorCode.NONE || r.producerId !== pid) break
      epoch = r.producerEpoch
    }
    comment(`${epoch} epochs in ${Date.now() - started} ms`)
    out.push(['epoch reached', epoch])
    if (p.addPartitions) out.push(['add partition', await addPartition(epoch)])
    out.push(['produce', await produce(epoch, 0, 'x')])
    out.push(['describe after the timeout', ...described(await until(describe, d => d.transactionState === 'CompleteAbort'))])
    out.push(['fetch after the timeout', ...fetched(await until(fetchPartition, f => f.lastStableOffset === f.highWatermark && f.highWatermark > 1n))])
    out.push(['produce with the last epoch', await produce(epoch, 1, 'late')])
    out.push(['abort with the last epoch', ...summary(await end(epoch, false))])
    out.push(['init naming the last epoch', ...summary(await init(pid, epoch))])
    out.push(['init naming the last epoch again', ...summary(await init(pid, epoch))])
    out.push(['describe after', ...described(await describe())])
    out.push(['init without an id', ...summary(await init())])
    out.push(['describe at the end', ...described(await describe())])
    return out
  } finally {
    await client.close()
  }
}

t.test('InitProducerId naming the current epoch of an open transaction: the fake broker answers as real Kafka 4.4 does', { skip }, async t => {
  const kafka = await realKafkaFor(t, { brokers: 1, config: { 'transaction.abort.timed.out.transaction.cleanup.interval.ms': CHECK_INTERVAL_MS } })
  const cluster = await FakeCluster.start({ topics: ['tf1', 'tf2', 'te1', 'te2'].map(name => ({ name, partitions: 1 })), transactionTimeoutCheckIntervalMs: CHECK_INTERVAL_MS })
  t.teardown(() => cluster.stop())
  for (const [p, topic] of [[V1, 'tf1'], [V2, 'tf2']] as const) {
    await t.test(`transaction protocol ${p.name}`, async t => {
      await sameSteps(t, async (bootstrap, create) => await fenceScenario(bootstrap, create, topic, `fence-${p.name}`, p), kafka.bootstrap, cluster.bootstrap)
    })
  }
  for (const [p, topic] of [[V1, 'te1'], [V2, 'te2']] as const) {
    await t.test(`a timeout at the last epoch, transaction protocol ${p.name}`, async t => {
      const run = async (bootstrap: string, create: boolean): Promise<Steps> =>
        await exhaustedScenario(bootstrap, create, topic, `exhausted-${p.name}`, p, s => t.comment(`${create ? 'real Kafka' : 'fake'}: ${s}`))
      await sameSteps(t, run, kafka.bootstrap, cluster.bootstrap)
    })
  }
})
