import t from 'tap'
import { Fetch, Produce } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { encodeRecordBatch, type RecordInput } from '../../../protocol/records/index.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

// Topic configs that take effect (tools/fake-broker/topic-policy.ts): retention.ms and retention.bytes on a
// virtual clock, max.message.bytes, message.timestamp.before/after.max.ms. min.insync.replicas: replicas.test.ts.

const T0 = 1_800_000_000_000

async function start (t: any, opts: { logAppend?: boolean, retentionCheckIntervalMs?: number } = {}): Promise<{ cluster: FakeCluster, c: RawClient, clock: { now: number } }> {
  const clock = { now: T0 }
  const cluster = await FakeCluster.start({
    topics: [{ name: 't', partitions: 1, timestampType: opts.logAppend === true ? 'logAppend' : 'create' }],
    clock: () => clock.now,
    retentionCheckIntervalMs: opts.retentionCheckIntervalMs
  })
  t.teardown(() => cluster.stop())
  const c = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => c.close())
  return { cluster, c, clock }
}

function setConfigs (cluster: FakeCluster, configs: Record<string, string>): void {
  cluster.state.configs.setTopicConfigs('t', Object.entries(configs).map(([name, value]) => ({ name, value })))
}

async function produce (c: RawClient, records: RecordInput[]): Promise<any> {
  const res = await c.request(Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records: encodeRecordBatch(records) }] }] })
  return res.responses[0].partitionResponses[0]
}

async function fetchFrom (c: RawClient, offset: bigint): Promise<any> {
  const res = await c.request(Fetch, 12, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' })
  return res.responses[0].partitions[0]
}

t.test('retention.ms: batches older than it go when retention runs, the log start moves, readers below get OFFSET_OUT_OF_RANGE', async t => {
  const { cluster, c, clock } = await start(t)
  setConfigs(cluster, { 'retention.ms': '1000' })
  cluster.produce('t', 0, [{ value: 'a', timestamp: T0 }, { value: 'b', timestamp: T0 + 100 }])
  cluster.produce('t', 0, [{ value: 'c', timestamp: T0 + 500 }])
  cluster.produce('t', 0, [{ value: 'd', timestamp: T0 + 1000 }])
  t.equal(cluster.enforceRetention(), 0, 'nothing is old yet')
  clock.now = T0 + 1100 // the first batch's newest record is 1000 ms old: not more than retention.ms
  t.equal(cluster.enforceRetention(), 0)
  clock.now = T0 + 1101
  t.equal(cluster.enforceRetention(), 1)
  t.equal(cluster.logStartOffset('t', 0), 2n, 'a whole batch goes, by its newest timestamp')
  clock.now = T0 + 1800
  cluster.enforceRetention()
  t.equal(cluster.logStartOffset('t', 0), 3n)
  const below = await fetchFrom(c, 0n)
  // Out of range, Kafka answers before it reads the log's marks: -1 for both (checked by the differential test).
  t.same([below.errorCode, below.logStartOffset, below.highWatermark], [ErrorCode.OFFSET_OUT_OF_RANGE, -1n, -1n])
  t.equal((await fetchFrom(c, 3n)).errorCode, 0)
  clock.now = T0 + 5000
  cluster.enforceRetention()
  t.equal(cluster.logStartOffset('t', 0), 4n, 'everything old goes, the newest batch too (Kafka rolls the active segment)')
  setConfigs(cluster, { 'retention.ms': '-1' })
  cluster.produce('t', 0, [{ value: 'e', timestamp: T0 }])
  clock.now = T0 + 1e9
  t.equal(cluster.enforceRetention(), 0, 'retention.ms -1 keeps everything')
})

t.test('retention.bytes: the oldest batches go until the partition fits', async t => {
  const { cluster } = await start(t)
  for (let i = 0; i < 5; i++) cluster.produce('t', 0, [{ key: 'k', value: 'x'.repeat(100), timestamp: T0 }])
  const size = cluster.partitionState('t', 0).log.sizeBytes
  const batch = size / 5
  setConfigs(cluster, { 'retention.bytes': String(2 * batch + 1) })
  t.equal(cluster.enforceRetention(), 1)
  // Kafka's rule: a segment goes only while the rest still holds at least retention.bytes, so the partition may
  // stay above it: 3 batches are kept (deleting a third would leave 2 batches, under 2 batches + 1 byte).
  t.equal(cluster.logStartOffset('t', 0), 2n)
  setConfigs(cluster, { 'retention.bytes': String(2 * batch), 'cleanup.policy': 'compact' })
  cluster.produce('t', 0, [{ key: 'k', value: 'x'.repeat(100), timestamp: T0 }])
  t.equal(cluster.enforceRetention(), 0, 'cleanup.policy=compact deletes nothing by retention')
  setConfigs(cluster, { 'retention.bytes': String(2 * batch), 'cleanup.policy': 'compact,delete' })
  t.equal(cluster.enforceRetention(), 1)
  t.equal(cluster.logStartOffset('t', 0), 4n)
})

t.test('retention runs on its own schedule (log.retention.check.interval.ms)', async t => {
  const { cluster, clock } = await start(t, { retentionCheckIntervalMs: 10 })
  setConfigs(cluster, { 'retention.ms': '1000' })
  cluster.produce('t', 0, [{ value: 'old', timestamp: T0 }])
  cluster.produce('t', 0, [{ value: 'new', timestamp: T0 + 5000 }])
  clock.now = T0 + 5000
  const deadline = Date.now() + 10_000
  while (cluster.logStartOffset('t', 0) === 0n && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 10))
  t.equal(cluster.logStartOffset('t', 0), 1n)
})

t.test('max.message.bytes: a larger batch is refused with MESSAGE_TOO_LARGE and nothing is written; raising it lets it in', async t => {
  const { cluster, c } = await start(t)
  const big = [{ value: 'x'.repeat(2000), timestamp: T0 }]
  const size = encodeRecordBatch(big).length
  setConfigs(cluster, { 'max.message.bytes': String(size - 1) })
  const refused = await produce(c, big)
  t.equal(refused.errorCode, ErrorCode.MESSAGE_TOO_LARGE)
  t.equal(refused.errorMessage, null, 'with no message, as Kafka answers (checked against Kafka 4.x)')
  t.equal(cluster.highWatermark('t', 0), 0n)
  setConfigs(cluster, { 'max.message.bytes': String(size) })
  t.equal((await produce(c, big)).errorCode, 0)
})

t.test('message.timestamp.after.max.ms (1 h by default in Kafka 4) and before.max.ms refuse records out of range with INVALID_TIMESTAMP', async t => {
  const { cluster, c } = await start(t)
  t.equal((await produce(c, [{ value: 'soon', timestamp: T0 + 3_600_000 }])).errorCode, 0, 'exactly one hour ahead is allowed')
  const future = await produce(c, [{ value: 'later', timestamp: T0 + 3_600_001 }])
  t.equal(future.errorCode, ErrorCode.INVALID_TIMESTAMP)
  t.equal((await produce(c, [{ value: 'ancient', timestamp: 0 }])).errorCode, 0, 'before.max.ms is unlimited by default')
  setConfigs(cluster, { 'message.timestamp.before.max.ms': '1000' })
  // The second record is the old one: every record is checked, not only the batch's first.
  const old = await produce(c, [{ value: 'ok', timestamp: T0 }, { value: 'old', timestamp: T0 - 1001 }])
  t.equal(old.errorCode, ErrorCode.INVALID_TIMESTAMP)
  t.equal(old.errorMessage, 'One or more records have been rejected due to invalid timestamp')
  t.same(old.recordErrors.map((e: { batchIndex: number }) => e.batchIndex), [1], 'the second record is named, as Kafka names it (KIP-467)')
  t.equal(cluster.highWatermark('t', 0), 2n, 'refused batches were not written')
})

t.test('LogAppendTime topics stamp records with the broker clock and skip the timestamp checks', async t => {
  const { cluster, c, clock } = await start(t, { logAppend: true })
  clock.now = T0 + 42
  const r = await produce(c, [{ value: 'x', timestamp: 0 }, { value: 'y', timestamp: T0 + 1e9 }])
  t.same([r.errorCode, r.logAppendTimeMs], [0, BigInt(T0 + 42)])
  t.equal(cluster.highWatermark('t', 0), 2n)
})
