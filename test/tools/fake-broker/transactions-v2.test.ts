import t from 'tap'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AddPartitionsToTxn, ApiVersions, EndTxn, InitProducerId, OffsetFetch, Produce, TxnOffsetCommit } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { encodeRecordBatch, scanBatches } from '../../../protocol/records/index.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient, clusterWithRawClient } from './raw-client.js'

// Transaction protocol v2 (KIP-890 part 2) in the fake broker's coordinator, by hand-made requests: the
// transaction.version feature in ApiVersions, partitions and groups added by Produce v12 and TxnOffsetCommit v5,
// the epoch bump of EndTxn v5 with its retries, and a new producer id when the epochs run out. The same sequences
// are compared with Kafka 4.4 in test-interop/producer/coordinator-differential.test.ts.

const setup = clusterWithRawClient

interface Ids { producerId: bigint, producerEpoch: number }
interface End extends Ids { errorCode: number }

async function init (client: RawClient, txnId = 'tx'): Promise<Ids> {
  const res = await client.request(InitProducerId, 5, { transactionalId: txnId, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })
  if (res.errorCode !== 0) throw new Error(`InitProducerId: ${res.errorCode as number}`)
  return { producerId: res.producerId, producerEpoch: res.producerEpoch }
}

async function produce (client: RawClient, p: Ids, partition: number, seq: number, value: string, version = 12, txnId = 'tx'): Promise<number> {
  const records = encodeRecordBatch([{ value }], { producerId: p.producerId, producerEpoch: p.producerEpoch, baseSequence: seq, transactional: true })
  const res = await client.request(Produce, version, { transactionalId: txnId, acks: -1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: partition, records }] }] })
  return res.responses[0].partitionResponses[0].errorCode
}

async function end (client: RawClient, p: Ids, committed: boolean, version = 5, txnId = 'tx'): Promise<End> {
  const res = await client.request(EndTxn, version, { transactionalId: txnId, producerId: p.producerId, producerEpoch: p.producerEpoch, committed })
  return { errorCode: res.errorCode, producerId: res.producerId, producerEpoch: res.producerEpoch }
}

async function offsets (client: RawClient, p: Ids, offset: bigint, version = 5): Promise<number> {
  const res = await client.request(TxnOffsetCommit, version, {
    transactionalId: 'tx', groupId: 'g', producerId: p.producerId, producerEpoch: p.producerEpoch, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null }] }]
  })
  return res.topics[0].partitions[0].errorCode
}

async function committedOffset (client: RawClient): Promise<bigint> {
  const res = await client.request(OffsetFetch, 7, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }], requireStable: false })
  return res.topics[0].partitions[0].committedOffset
}

/** The producer id and epoch of every control batch (marker) in a partition, in log order. */
function markers (cluster: FakeCluster, partition: number): Ids[] {
  const log = cluster.partitionState('t', partition).log
  const blob = log.read(0, 1 << 30, true, Number(log.highWatermark))
  return scanBatches(blob).batches.filter(b => b.isControl).map(b => ({ producerId: b.producerId, producerEpoch: b.producerEpoch }))
}

t.test('ApiVersions lists transaction.version: supported 0-2 from v4, finalized at the cluster\'s level', async t => {
  for (const level of [2, 1, 0] as const) {
    const { client } = await setup(t, { transactionVersion: level })
    const v4 = await client.request(ApiVersions, 4, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })
    t.same(v4.supportedFeatures, [{ name: 'transaction.version', minVersion: 0, maxVersion: 2 }], `level ${level}: supported 0-2`)
    t.same(v4.finalizedFeatures, level === 0 ? [] : [{ name: 'transaction.version', minVersionLevel: level, maxVersionLevel: level }], `level ${level}: finalized (level 0 is not listed)`)
    t.ok(v4.finalizedFeaturesEpoch >= 0n, 'an epoch clients take the features from')
    const v3 = await client.request(ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })
    t.same(v3.supportedFeatures, [], 'below v4 a range starting at 0 is left out (KAFKA-17492)')
  }
  const { client } = await setup(t)
  const res = await client.request(ApiVersions, 4, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })
  t.equal(res.finalizedFeatures[0].maxVersionLevel, 2, 'level 2 by default, as a new Kafka 4.x cluster')
})

t.test('Produce v12 and TxnOffsetCommit v5 add to the transaction; EndTxn v5 bumps the epoch and the markers carry it', async t => {
  const { cluster, client } = await setup(t)
  const a = await init(client)
  t.equal(await produce(client, a, 0, 0, 'x'), ErrorCode.NONE, 'no AddPartitionsToTxn needed')
  t.equal(await produce(client, a, 0, 1, 'y'), ErrorCode.NONE, 'the partition is in the transaction already')
  t.equal(await offsets(client, a, 7n), ErrorCode.NONE, 'no AddOffsetsToTxn needed')
  t.equal(cluster.partitionState('t', 0).log.lastStableOffset, 0n, 'open: nothing stable')
  const c = await end(client, a, true)
  t.same(c, { errorCode: 0, producerId: a.producerId, producerEpoch: a.producerEpoch + 1 }, 'commit answers the bumped epoch')
  t.same(markers(cluster, 0), [{ producerId: a.producerId, producerEpoch: a.producerEpoch + 1 }], 'the marker carries the new epoch')
  t.equal(await committedOffset(client), 7n, 'the offsets are committed with it')
  t.same(await end(client, a, true), c, 'a retried commit (old epoch) answers the same')
  t.equal((await end(client, a, false)).errorCode, ErrorCode.INVALID_TXN_STATE, 'the opposite end with the old epoch')
  t.same(await end(client, c, true), { errorCode: ErrorCode.INVALID_TXN_STATE, producerId: -1n, producerEpoch: -1 }, 'a commit with the new epoch and nothing open')
  t.equal(await produce(client, a, 0, 2, 'late'), ErrorCode.INVALID_PRODUCER_EPOCH, 'a late write of the finished transaction is fenced')
  t.equal(await produce(client, c, 1, 0, 'v11', 11), ErrorCode.TRANSACTION_ABORTABLE, 'Produce v11 does not add: TRANSACTION_ABORTABLE')
  t.equal(await produce(client, c, 1, 0, 'v9', 9), ErrorCode.INVALID_TXN_STATE, 'before v11: INVALID_TXN_STATE')
  t.equal(await produce(client, c, 1, 0, 'z'), ErrorCode.NONE, 'the next transaction, new epoch, sequence 0')
  t.equal(await offsets(client, c, 9n), ErrorCode.NONE)
  const ab = await end(client, c, false)
  t.same(ab, { errorCode: 0, producerId: a.producerId, producerEpoch: c.producerEpoch + 1 }, 'an abort bumps too')
  t.equal(await committedOffset(client), 7n, 'the aborted offsets are dropped')
  t.same(await end(client, { producerId: a.producerId, producerEpoch: a.producerEpoch }, true), { errorCode: ErrorCode.PRODUCER_FENCED, producerId: -1n, producerEpoch: -1 }, 'an epoch two behind is fenced')
  t.equal((await end(client, { producerId: 999n, producerEpoch: 0 }, true)).errorCode, ErrorCode.INVALID_PRODUCER_ID_MAPPING)
  t.equal((await end(client, ab, true, 4)).errorCode, ErrorCode.INVALID_TXN_STATE, 'EndTxn v4 with nothing open')
})

t.test('an abort v5 with nothing open bumps the epoch; an Ongoing v2 transaction refuses other epochs', async t => {
  const { cluster, client } = await setup(t)
  const a = await init(client)
  const ab = await end(client, a, false)
  t.same(ab, { errorCode: 0, producerId: a.producerId, producerEpoch: a.producerEpoch + 1 }, 'empty: bumped, no marker')
  t.same(markers(cluster, 0), [])
  t.equal((await end(client, a, true)).errorCode, ErrorCode.INVALID_TXN_STATE, 'a commit with the epoch before')
  t.equal((await end(client, ab, true)).errorCode, ErrorCode.INVALID_TXN_STATE, 'a commit of nothing')
  t.equal(await produce(client, ab, 0, 0, 'x'), ErrorCode.NONE)
  t.equal((await end(client, a, true)).errorCode, ErrorCode.PRODUCER_FENCED, 'an old epoch while a transaction is open')
  const meeting = await client.request(InitProducerId, 5, { transactionalId: 'tx', transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })
  t.equal(meeting.errorCode, ErrorCode.CONCURRENT_TRANSACTIONS, 'the open transaction is aborted first (Kafka answers so, the client retries)')
  const z = await init(client)
  t.equal(z.producerEpoch, ab.producerEpoch + 2, 'a new instance fences the open transaction (abort under epoch+1, then epoch+2)')
  t.equal((await end(client, ab, true)).errorCode, ErrorCode.PRODUCER_FENCED, 'the zombie')
  t.equal(await produce(client, ab, 0, 1, 'zombie'), ErrorCode.INVALID_PRODUCER_EPOCH)
})

t.test('a v2 transaction ended by EndTxn v4 keeps its epoch, and its retry is v1\'s', async t => {
  const { client } = await setup(t)
  const a = await init(client)
  t.equal(await produce(client, a, 0, 0, 'x'), ErrorCode.NONE)
  t.same(await end(client, a, true, 4), { errorCode: 0, producerId: -1n, producerEpoch: -1 }, 'v4 has no id or epoch to answer')
  t.equal((await end(client, a, true, 4)).errorCode, ErrorCode.NONE, 'retried with the same epoch')
  t.equal((await end(client, a, false, 4)).errorCode, ErrorCode.INVALID_TXN_STATE)
  t.equal(await produce(client, a, 0, 1, 'y'), ErrorCode.NONE, 'the same epoch goes on')
  t.equal((await end(client, a, true, 4)).errorCode, ErrorCode.NONE)
})

t.test('AddPartitionsToTxn and EndTxn v5: a v1 transaction ended with a bump', async t => {
  const { cluster, client } = await setup(t)
  const a = await init(client)
  const added = await client.request(AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: 'tx', v3AndBelowProducerId: a.producerId, v3AndBelowProducerEpoch: a.producerEpoch, v3AndBelowTopics: [{ name: 't', partitions: [1] }] })
  t.equal(added.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, 0)
  t.equal(await produce(client, a, 1, 0, 'x', 11), ErrorCode.NONE)
  const c = await end(client, a, true)
  t.equal(c.producerEpoch, a.producerEpoch + 1)
  t.same(markers(cluster, 1), [{ producerId: a.producerId, producerEpoch: a.producerEpoch + 1 }])
  t.same(await end(client, a, true), c, 'retried, as a v2 transaction now')
})

t.test('when the epochs run out, EndTxn v5 gives a new producer id; the retry of the end is still recognised', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'kd-txn-v2-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  let { cluster, client } = await setup(t, { dataDir: dir })
  const a = await init(client)
  client.close()
  await cluster.stop()
  // Epochs go up by one per transaction: start this one at the last epoch (32766) instead of ending 32766 of them.
  const file = join(dir, 'transactions.json')
  const saved = JSON.parse(readFileSync(file, 'utf8'))
  saved[0].epoch = 0x7fff - 1
  writeFileSync(file, JSON.stringify(saved))
  ;({ cluster, client } = await setup(t, { dataDir: dir }))
  const last = { producerId: a.producerId, producerEpoch: 0x7fff - 1 }
  t.equal(await produce(client, last, 0, 0, 'x'), ErrorCode.NONE)
  const c = await end(client, last, true)
  t.equal(c.errorCode, 0)
  t.not(c.producerId, a.producerId, 'a new producer id')
  t.equal(c.producerEpoch, 0, 'at epoch 0')
  t.same(markers(cluster, 0), [{ producerId: a.producerId, producerEpoch: 0x7fff }], 'the old id\'s marker carries the epoch past its last')
  t.same(await end(client, last, true), c, 'the retry with the old id and epoch is answered with the new ones')
  t.equal(await produce(client, c, 0, 0, 'y'), ErrorCode.NONE, 'the new id writes the next transaction')
  t.same((await end(client, c, false)).producerEpoch, 1)
  client.close()
  await cluster.stop()
  ;({ client } = await setup(t, { dataDir: dir }))
  t.equal((await end(client, { producerId: c.producerId, producerEpoch: 0 }, false)).errorCode, ErrorCode.NONE, 'after a restart the v2 state is kept: the retry is known')
})

t.test('after a v2 end, InitProducerId naming the epoch the transaction ran under gets the new one, unbumped (KIP-360)', async t => {
  const { client } = await setup(t)
  const p = await init(client)
  t.equal(await produce(client, p, 0, 0, 'x'), 0)
  const committed = await end(client, p, true)
  t.equal(committed.producerEpoch, p.producerEpoch + 1)
  // The producer lost EndTxn's answer and recovers with the epoch it knows, as against Kafka 4.4.
  const recover = async (epoch: number): Promise<{ errorCode: number, producerEpoch: number }> => await client.request(InitProducerId, 5, { transactionalId: 'tx', transactionTimeoutMs: 60_000, producerId: p.producerId, producerEpoch: epoch })
  t.match(await recover(p.producerEpoch), { errorCode: 0, producerEpoch: p.producerEpoch + 1 })
  t.match(await recover(p.producerEpoch), { errorCode: 0, producerEpoch: p.producerEpoch + 1 }, 'as often as asked')
  t.match(await recover(p.producerEpoch - 1), { errorCode: ErrorCode.PRODUCER_FENCED }, 'an older epoch is fenced')
})

t.test('a v2 transaction past its timeout: one bump, the abort marker carries it, a retried abort with the old epoch succeeds', async t => {
  const { client, cluster } = await setup(t, { transactionTimeoutCheckIntervalMs: 20 })
  const res = await client.request(InitProducerId, 5, { transactionalId: 'slow', transactionTimeoutMs: 50, producerId: -1n, producerEpoch: -1 })
  const p = { producerId: res.producerId, producerEpoch: res.producerEpoch }
  t.equal(await produce(client, p, 0, 0, 'x', 12, 'slow'), 0)
  const deadline = Date.now() + 5000
  while (markers(cluster, 0).length === 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20))
  t.same(markers(cluster, 0), [{ producerId: p.producerId, producerEpoch: p.producerEpoch + 1 }], 'written by the timer, no request needed')
  t.equal((await end(client, p, true, 5, 'slow')).errorCode, ErrorCode.INVALID_TXN_STATE, 'a commit of what was aborted')
  t.match(await end(client, p, false, 5, 'slow'), { errorCode: 0, producerId: p.producerId, producerEpoch: p.producerEpoch + 1 }, 'an abort is taken for a retry of the end')
  t.equal(await produce(client, p, 0, 1, 'late', 12, 'slow'), ErrorCode.INVALID_PRODUCER_EPOCH)
})
