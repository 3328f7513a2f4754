import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AddOffsetsToTxn, AddPartitionsToTxn, DescribeTransactions, EndTxn, Fetch, InitProducerId, ListOffsets, ListTransactions,
  OffsetFetch, Produce, TxnOffsetCommit
} from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { encodeRecordBatch, iterateRecords, scanBatches } from '../../../protocol/records/index.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient, clusterWithRawClient } from './raw-client.js'

// The fake broker's transaction coordinator, driven by hand-made requests (no client code): what a transactional
// producer's requests do to the logs, the last stable offset, the aborted-transaction lists in Fetch, committed
// offsets, fencing and timeouts.

const setup = clusterWithRawClient

interface Producer { id: bigint, epoch: number, seq: Map<number, number> }

async function init (client: RawClient, txnId: string, timeoutMs = 60_000, version = 4): Promise<Producer> {
  const res = await client.request(InitProducerId, version, { transactionalId: txnId, transactionTimeoutMs: timeoutMs })
  if (res.errorCode !== 0) throw new Error(`InitProducerId: ${res.errorCode}`)
  return { id: res.producerId, epoch: res.producerEpoch, seq: new Map() }
}

async function addPartitions (client: RawClient, txnId: string, p: Producer, partitions: number[], topic = 't'): Promise<number[]> {
  const res = await client.request(AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: txnId, v3AndBelowProducerId: p.id, v3AndBelowProducerEpoch: p.epoch, v3AndBelowTopics: [{ name: topic, partitions }] })
  return res.resultsByTopicV3AndBelow[0].resultsByPartition.map((r: any) => r.partitionErrorCode)
}

async function produce (client: RawClient, txnId: string, p: Producer, partition: number, values: string[]): Promise<number> {
  const seq = p.seq.get(partition) ?? 0
  const records = encodeRecordBatch(values.map(value => ({ value })), { producerId: p.id, producerEpoch: p.epoch, baseSequence: seq, transactional: true })
  const res = await client.request(Produce, 9, { transactionalId: txnId, acks: -1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: partition, records }] }] })
  const code = res.responses[0].partitionResponses[0].errorCode
  if (code === 0) p.seq.set(partition, seq + values.length)
  return code
}

async function endTxn (client: RawClient, txnId: string, p: Producer, committed: boolean, version = 3): Promise<number> {
  return (await client.request(EndTxn, version, { transactionalId: txnId, producerId: p.id, producerEpoch: p.epoch, committed })).errorCode
}

async function fetch (client: RawClient, partition: number, isolationLevel: number): Promise<{ values: string[], lso: bigint, hw: bigint, aborted: any }> {
  const res = await client.request(Fetch, 11, {
    maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 't', partitions: [{ partition, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }] }],
    forgottenTopicsData: [], rackId: ''
  })
  const p = res.responses[0].partitions[0]
  const values = [...iterateRecords(p.records, isolationLevel === 1 ? { isolation: 'read_committed', abortedTransactions: p.abortedTransactions } : {})].map(r => String(r.value))
  return { values, lso: p.lastStableOffset, hw: p.highWatermark, aborted: p.abortedTransactions }
}

t.test('commit and abort write markers; read_committed stops at the LSO and skips aborted data', async t => {
  const { cluster, client } = await setup(t)
  const p = await init(client, 'tx')
  t.same(await addPartitions(client, 'tx', p, [0]), [0])
  t.equal(await produce(client, 'tx', p, 0, ['a1', 'a2']), 0)
  let read = await fetch(client, 0, 1)
  t.equal(read.lso, 0n, 'an open transaction holds the LSO at its first offset')
  t.equal(read.hw, 2n)
  t.same(read.values, [], 'read_committed sees nothing of it yet')
  t.same((await fetch(client, 0, 0)).values, ['a1', 'a2'], 'read_uncommitted sees it')
  t.equal(await endTxn(client, 'tx', p, false), 0)

  t.same(await addPartitions(client, 'tx', p, [0]), [0])
  t.equal(await produce(client, 'tx', p, 0, ['c1']), 0)
  t.equal(await endTxn(client, 'tx', p, true), 0)
  read = await fetch(client, 0, 1)
  t.equal(read.lso, 5n, 'no open transaction: the LSO is the high watermark')
  t.same(read.aborted, [{ producerId: p.id, firstOffset: 0n }], 'the aborted transaction is listed')
  t.same(read.values, ['c1'], 'read_committed skips the aborted records and the markers')
  const blob = cluster.partitionState('t', 0).log.read(0, 1 << 20, true)
  t.same(scanBatches(blob).batches.map(b => [b.isControl, b.isTransactional]), [[false, true], [true, true], [false, true], [true, true]], 'data, abort marker, data, commit marker')
  t.equal(await endTxn(client, 'tx', p, true), 0, 'a retried commit succeeds')
  t.equal(await endTxn(client, 'tx', p, false), ErrorCode.INVALID_TXN_STATE, 'an abort after the commit does not')
  const listed = await client.request(ListOffsets, 2, { replicaId: -1, isolationLevel: 1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] })
  t.equal(listed.topics[0].partitions[0].offset, 5n)
})

t.test('a new instance fences the old one and aborts what it left open', async t => {
  const { client } = await setup(t)
  const zombie = await init(client, 'tx')
  await addPartitions(client, 'tx', zombie, [0, 1])
  t.equal(await produce(client, 'tx', zombie, 0, ['z']), 0)
  const first = await client.request(InitProducerId, 4, { transactionalId: 'tx', transactionTimeoutMs: 60_000 })
  t.match(first, { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS, producerId: -1n, producerEpoch: -1 }, 'Kafka answers CONCURRENT_TRANSACTIONS while it aborts the open transaction')
  const fresh = await init(client, 'tx')
  t.equal(fresh.id, zombie.id)
  t.equal(fresh.epoch, zombie.epoch + 2, 'one bump fences the zombie (its abort markers carry it), the next is the new instance\'s')
  t.equal(await produce(client, 'tx', zombie, 0, ['late']), ErrorCode.INVALID_PRODUCER_EPOCH, 'the zombie\'s writes are refused')
  t.same(await addPartitions(client, 'tx', zombie, [0]), [ErrorCode.PRODUCER_FENCED], 'AddPartitionsToTxn v2+: PRODUCER_FENCED')
  t.equal(await endTxn(client, 'tx', zombie, true), ErrorCode.PRODUCER_FENCED)
  t.equal(await endTxn(client, 'tx', zombie, true, 1), ErrorCode.INVALID_PRODUCER_EPOCH, 'v0-1 say INVALID_PRODUCER_EPOCH')
  const read = await fetch(client, 0, 1)
  t.same(read.values, [], 'the zombie\'s open transaction was aborted')
  t.equal(read.aborted.length, 1)
  const stale = await client.request(InitProducerId, 4, { transactionalId: 'tx', transactionTimeoutMs: 1000, producerId: zombie.id, producerEpoch: zombie.epoch })
  t.equal(stale.errorCode, ErrorCode.PRODUCER_FENCED, 'InitProducerId v3+ with a stale epoch is fenced too')
  const v3 = await client.request(InitProducerId, 3, { transactionalId: 'tx', transactionTimeoutMs: 1000, producerId: zombie.id, producerEpoch: zombie.epoch })
  t.equal(v3.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH, 'v3 says INVALID_PRODUCER_EPOCH')
  const other = await client.request(InitProducerId, 4, { transactionalId: 'tx', transactionTimeoutMs: 1000, producerId: zombie.id + 100n, producerEpoch: 0 })
  t.equal(other.errorCode, ErrorCode.PRODUCER_FENCED, 'another producer id is fenced')
})

t.test('InitProducerId naming the current epoch of an open transaction aborts it first (KIP-360)', async t => {
  const { client } = await setup(t)
  const p = await init(client, 'tx')
  await addPartitions(client, 'tx', p, [0])
  t.equal(await produce(client, 'tx', p, 0, ['open']), 0)
  const named = { transactionalId: 'tx', transactionTimeoutMs: 60_000, producerId: p.id, producerEpoch: p.epoch }
  t.match(await client.request(InitProducerId, 4, named), { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS }, 'the abort comes first')
  t.match(await client.request(InitProducerId, 4, named), { errorCode: 0, producerId: p.id, producerEpoch: p.epoch + 1 }, 'the retry gets the fencing epoch, not another bump')
  t.match(await client.request(InitProducerId, 4, named), { errorCode: 0, producerEpoch: p.epoch + 1 }, 'and again')
  const read = await fetch(client, 0, 1)
  t.same(read.values, [], 'the open transaction was aborted')
  t.equal(await produce(client, 'tx', p, 0, ['late']), ErrorCode.INVALID_PRODUCER_EPOCH)
})

t.test('produce-side verification: transactional data needs AddPartitionsToTxn first', async t => {
  const { client } = await setup(t)
  const p = await init(client, 'tx')
  t.equal(await produce(client, 'tx', p, 1, ['x']), ErrorCode.INVALID_TXN_STATE)
  t.same(await addPartitions(client, 'tx', p, [1, 7]), [ErrorCode.OPERATION_NOT_ATTEMPTED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], 'all or nothing')
  const v4 = await client.request(AddPartitionsToTxn, 4, { transactions: [{ transactionalId: 'tx', producerId: p.id, producerEpoch: p.epoch, verifyOnly: true, topics: [{ name: 't', partitions: [1] }] }] })
  t.equal(v4.resultsByTransaction[0].topicResults[0].resultsByPartition[0].partitionErrorCode, ErrorCode.INVALID_TXN_STATE, 'v4 verifyOnly: not in the transaction')
  t.same(await addPartitions(client, 'tx', p, [1]), [0])
  const again = await client.request(AddPartitionsToTxn, 5, { transactions: [{ transactionalId: 'tx', producerId: p.id, producerEpoch: p.epoch, verifyOnly: true, topics: [{ name: 't', partitions: [1] }] }] })
  t.equal(again.resultsByTransaction[0].topicResults[0].resultsByPartition[0].partitionErrorCode, 0, 'now it is')
  t.equal(await produce(client, 'tx', p, 1, ['x']), 0)
})

t.test('TxnOffsetCommit offsets become the group\'s committed offsets only when the transaction commits', async t => {
  const { client } = await setup(t)
  const p = await init(client, 'tx')
  const commitOffsets = async (offset: bigint): Promise<number> => {
    const res = await client.request(TxnOffsetCommit, 3, {
      transactionalId: 'tx', groupId: 'g', producerId: p.id, producerEpoch: p.epoch, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null }] }]
    })
    return res.topics[0].partitions[0].errorCode
  }
  const committed = async (): Promise<bigint> => (await client.request(OffsetFetch, 5, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }], requireStable: false })).topics[0].partitions[0].committedOffset
  t.equal(await commitOffsets(5n), ErrorCode.INVALID_TXN_STATE, 'the group must be added first')
  t.equal((await client.request(AddOffsetsToTxn, 3, { transactionalId: 'tx', producerId: p.id, producerEpoch: p.epoch, groupId: 'g' })).errorCode, 0)
  t.equal(await commitOffsets(5n), 0)
  t.equal(await committed(), -1n, 'staged, not committed')
  t.equal(await endTxn(client, 'tx', p, false), 0)
  t.equal(await committed(), -1n, 'an abort drops them')
  await client.request(AddOffsetsToTxn, 3, { transactionalId: 'tx', producerId: p.id, producerEpoch: p.epoch, groupId: 'g' })
  t.equal(await commitOffsets(7n), 0)
  t.equal(await endTxn(client, 'tx', p, true), 0)
  t.equal(await committed(), 7n, 'a commit applies them')
})

t.test('a transaction past its timeout is aborted and its producer fenced', async t => {
  const { client } = await setup(t)
  const p = await init(client, 'slow', 100)
  await addPartitions(client, 'slow', p, [0])
  t.equal(await produce(client, 'slow', p, 0, ['s']), 0)
  await new Promise(resolve => setTimeout(resolve, 400))
  const described = await client.request(DescribeTransactions, 0, { transactionalIds: ['slow'] })
  t.equal(described.transactionStates[0].transactionState, 'CompleteAbort')
  t.equal(described.transactionStates[0].producerEpoch, p.epoch + 1, 'the epoch was bumped')
  t.ok(described.transactionStates[0].transactionStartTimeMs > 0n, 'the start time stays after the abort, as Kafka keeps it')
  t.equal(await endTxn(client, 'slow', p, true), ErrorCode.PRODUCER_FENCED)
  t.equal(await endTxn(client, 'slow', p, false, 4), ErrorCode.PRODUCER_FENCED, 'an abort with the old epoch is fenced too (Kafka 4.4)')
  t.equal(await endTxn(client, 'slow', p, false, 1), ErrorCode.INVALID_PRODUCER_EPOCH, 'before v2 fencing is INVALID_PRODUCER_EPOCH')
  t.equal(await produce(client, 'slow', p, 0, ['late']), ErrorCode.INVALID_PRODUCER_EPOCH)
  t.same((await fetch(client, 0, 1)).values, [])
  const recover = async (): Promise<{ errorCode: number, producerEpoch: number }> => await client.request(InitProducerId, 4, { transactionalId: 'slow', transactionTimeoutMs: 1000, producerId: p.id, producerEpoch: p.epoch })
  const recovered = await recover()
  t.equal(recovered.errorCode, 0, 'the producer may recover with its last epoch (KIP-360)')
  t.equal(recovered.producerEpoch, p.epoch + 1, 'the epoch the timeout gave, without another bump (Kafka 4.4)')
  t.match(await recover(), { errorCode: 0, producerEpoch: p.epoch + 1 }, 'and again: a retry is answered the same')
  const after = await client.request(DescribeTransactions, 0, { transactionalIds: ['slow'] })
  t.match(after.transactionStates[0], { transactionState: 'Empty', transactionStartTimeMs: -1n, transactionTimeoutMs: 1000 })
})

t.test('InitProducerId with the current epoch bumps it once; a retry with that epoch gets the same answer (KIP-360)', async t => {
  const { client } = await setup(t)
  const p = await init(client, 'kip360')
  const again = async (epoch: number): Promise<{ errorCode: number, producerEpoch: number }> => await client.request(InitProducerId, 4, { transactionalId: 'kip360', transactionTimeoutMs: 1000, producerId: p.id, producerEpoch: epoch })
  t.match(await again(p.epoch), { errorCode: 0, producerEpoch: p.epoch + 1 })
  t.match(await again(p.epoch), { errorCode: 0, producerEpoch: p.epoch + 1 }, 'the retry')
  t.match(await again(p.epoch + 1), { errorCode: 0, producerEpoch: p.epoch + 2 }, 'the new epoch bumps again')
  t.match(await again(p.epoch), { errorCode: ErrorCode.PRODUCER_FENCED }, 'two behind is fenced')
  const fresh = await init(client, 'kip360')
  t.equal(fresh.epoch, p.epoch + 3)
  t.match(await again(p.epoch + 2), { errorCode: ErrorCode.PRODUCER_FENCED }, 'a fresh InitProducerId forgets the epoch before it')
})

t.test('DescribeTransactions and ListTransactions report state, partitions and filters', async t => {
  const { client } = await setup(t)
  const a = await init(client, 'app-a')
  await init(client, 'app-b')
  await addPartitions(client, 'app-a', a, [1, 0])
  const d = await client.request(DescribeTransactions, 0, { transactionalIds: ['app-a', 'nope'] })
  t.match(d.transactionStates[0], { errorCode: 0, transactionState: 'Ongoing', producerId: a.id, producerEpoch: a.epoch, topics: [{ topic: 't', partitions: [0, 1] }] })
  t.ok(d.transactionStates[0].transactionStartTimeMs > 0n)
  t.equal(d.transactionStates[1].errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
  const all = await client.request(ListTransactions, 0, { stateFilters: [], producerIdFilters: [] })
  t.same(all.transactionStates.map((x: any) => x.transactionalId).sort(), ['app-a', 'app-b'])
  const ongoing = await client.request(ListTransactions, 1, { stateFilters: ['Ongoing', 'Bogus'], producerIdFilters: [], durationFilter: -1n })
  t.same(ongoing.transactionStates.map((x: any) => x.transactionalId), ['app-a'])
  t.same(ongoing.unknownStateFilters, ['Bogus'])
  const byPattern = await client.request(ListTransactions, 2, { stateFilters: [], producerIdFilters: [], durationFilter: -1n, transactionalIdPattern: '.*-b' })
  t.same(byPattern.transactionStates.map((x: any) => x.transactionalId), ['app-b'])
  const bad = await client.request(ListTransactions, 2, { stateFilters: [], producerIdFilters: [], durationFilter: -1n, transactionalIdPattern: '(' })
  t.equal(bad.errorCode, ErrorCode.INVALID_REGULAR_EXPRESSION)
  const partial = await client.request(ListTransactions, 2, { stateFilters: [], producerIdFilters: [], durationFilter: -1n, transactionalIdPattern: 'app' })
  t.same(partial.transactionStates, [], 'the pattern must match the whole id, as Kafka\'s Matcher.matches()')
  // A duration filter compares now with the start time, as Kafka does: an id with no transaction (start -1) and a
  // finished one (which keeps its start) pass it too; one started just now does not.
  const fresh = await client.request(ListTransactions, 1, { stateFilters: [], producerIdFilters: [], durationFilter: 60_000n })
  t.same(fresh.transactionStates.map((x: any) => x.transactionalId), ['app-b'])
  await new Promise(resolve => setTimeout(resolve, 20))
  const running = await client.request(ListTransactions, 1, { stateFilters: [], producerIdFilters: [], durationFilter: 10n })
  t.same(running.transactionStates.map((x: any) => x.transactionalId).sort(), ['app-a', 'app-b'])
  t.equal(await endTxn(client, 'app-a', a, true), 0)
  const finished = await client.request(ListTransactions, 1, { stateFilters: [], producerIdFilters: [], durationFilter: 10n })
  t.same(finished.transactionStates.map((x: any) => x.transactionalId).sort(), ['app-a', 'app-b'])
})

t.test('with --data, transactions, producer state and aborted spans survive a restart', async t => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kd-txn-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const first = await FakeCluster.start({ dataDir, topics: [{ name: 't', partitions: 2 }] })
  let client = await RawClient.connect(first.bootstrap)
  const p = await init(client, 'tx')
  await addPartitions(client, 'tx', p, [0])
  await produce(client, 'tx', p, 0, ['aborted'])
  await endTxn(client, 'tx', p, false)
  await addPartitions(client, 'tx', p, [0])
  await produce(client, 'tx', p, 0, ['open'])
  client.close()
  await first.stop()

  const second = await FakeCluster.start({ dataDir })
  t.teardown(() => second.stop())
  client = await RawClient.connect(second.bootstrap)
  t.teardown(() => { client.close() })
  let read = await fetch(client, 0, 1)
  t.equal(read.lso, 2n, 'the open transaction still holds the LSO')
  t.same(read.aborted, [{ producerId: p.id, firstOffset: 0n }])
  t.equal(await produce(client, 'tx', { ...p, seq: new Map([[0, 1]]) }, 0, ['open']), 0, 'a retry of an appended batch is still a duplicate (same offset, no error)')
  t.equal(second.highWatermark('t', 0), 3n, 'and is not written again')
  t.equal(await endTxn(client, 'tx', p, true), 0, 'the coordinator remembers the open transaction')
  read = await fetch(client, 0, 1)
  t.same(read.values, ['open'])
})
