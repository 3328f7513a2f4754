import t from 'tap'
import { ListOffsets, OffsetForLeaderEpoch } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

const listBody = (timestamp: bigint) => ({
  replicaId: -1, isolationLevel: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp, currentLeaderEpoch: -1, maxNumOffsets: 1 }] }]
})

t.test('ListOffsets answers earliest, latest, by timestamp and max timestamp', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  cluster.produce('t', 0, [{ value: 'a', timestamp: 100 }, { value: 'b', timestamp: 500 }, { value: 'c', timestamp: 200 }])
  cluster.faults.deleteRecordsBefore('t', 0, 1n)
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  const ask = async (version: number, ts: bigint): Promise<any> => (await client.request(ListOffsets, version, listBody(ts))).topics[0].partitions[0]
  t.equal((await ask(1, -2n)).offset, 1n, 'earliest is the log start offset')
  t.equal((await ask(5, -1n)).offset, 3n, 'latest is the high watermark')
  t.same(((p) => [p.offset, p.timestamp])(await ask(6, 150n)), [1n, 500n])
  t.equal((await ask(7, 9999n)).offset, -1n, 'nothing at or after that time')
  t.same(((p) => [p.offset, p.timestamp])(await ask(7, -3n)), [1n, 500n], 'max timestamp (KIP-734)')
  t.same((await ask(0, -1n)).oldStyleOffsets, [3n], 'v0 answers with a list')
  const unknown = await client.request(ListOffsets, 1, { ...listBody(-1n), topics: [{ name: 'nope', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] })
  t.equal(unknown.topics[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  const fenced = await client.request(ListOffsets, 4, { ...listBody(-1n), topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -1n, currentLeaderEpoch: 5 }] }] })
  t.equal(fenced.topics[0].partitions[0].errorCode, ErrorCode.UNKNOWN_LEADER_EPOCH)
})

t.test('OffsetForLeaderEpoch gives the end offset of an epoch', async t => {
  const cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: 't', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  cluster.produce('t', 0, [{ value: 'a' }, { value: 'b' }])
  const p = cluster.state.partition('t', 0)!
  const other = p.replicas.find(r => r !== p.leaderId)!
  cluster.faults.moveLeader('t', 0, other)
  cluster.produce('t', 0, [{ value: 'c' }])
  const client = await RawClient.connect(`127.0.0.1:${cluster.state.broker(other)!.port}`)
  t.teardown(() => { client.close() })
  const res = await client.request(OffsetForLeaderEpoch, 4, { replicaId: -1, topics: [{ topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: 1, leaderEpoch: 0 }] }] })
  t.same(((x) => [x.errorCode, x.leaderEpoch, x.endOffset])(res.topics[0].partitions[0]), [0, 0, 2n])
})

t.test('ListOffsets v0 follows Kafka v0 semantics: offsets of segments written before the time, newest first', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  cluster.produce('t', 0, [{ value: 'a' }, { value: 'b' }, { value: 'c' }])
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  const v0 = async (timestamp: bigint, maxNumOffsets: number): Promise<bigint[]> => {
    const body = { replicaId: -1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp, maxNumOffsets }] }] }
    const p = (await client.request(ListOffsets, 0, body)).topics[0].partitions[0]
    t.equal(p.errorCode, ErrorCode.NONE)
    return p.oldStyleOffsets
  }
  // Timestamp 0 lies before every write: Kafka finds no segment modified by then and answers an empty list (v1
  // would answer offset 0, the first record at or after time 0).
  t.same(await v0(0n, 1), [], 'timestamp 0 -> no offsets, not the log end offset')
  t.same(await v0(-1n, 10), [3n, 0n], 'latest: the log end offset, then the segment start')
  t.same(await v0(-1n, 1), [3n], 'maxNumOffsets bounds the list')
  t.same(await v0(-2n, 10), [0n], 'earliest: the log start offset')
  t.same(await v0(BigInt(Date.now() + 60_000), 10), [3n, 0n], 'a time after the last write finds both')
  t.equal((await client.request(ListOffsets, 1, listBody(0n))).topics[0].partitions[0].offset, 0n, 'v1 keeps KIP-79 semantics')
})
