import t from 'tap'
import { WriteTxnMarkers } from '../../../protocol/apis/index.js'
import { AclOperation, AclPermissionType, PatternType, ResourceType } from '../../../protocol/acl-codes.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { FakeCluster, type FakeClusterOptions } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

// The fake broker's WriteTxnMarkers (27): an abort or commit marker ends a producer's open transaction in a
// partition (the LSO moves on, an abort is remembered for read_committed readers), and the refusals Kafka answers.

async function setup (t: Tap.Test, opts: FakeClusterOptions = {}): Promise<{ cluster: FakeCluster, client: RawClient }> {
  const cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: 't', partitions: 2 }], ...opts })
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  return { cluster, client }
}

const marker = (partitionIndexes: number[], opts: { producerEpoch?: number, coordinatorEpoch?: number, commit?: boolean } = {}): object => ({
  markers: [{ producerId: 9n, producerEpoch: opts.producerEpoch ?? 1, transactionResult: opts.commit ?? false, coordinatorEpoch: opts.coordinatorEpoch ?? 0, transactionVersion: 0, topics: [{ name: 't', partitionIndexes }] }]
})

/** A raw client on one broker: the partition's leader is where markers are written. */
async function clientOn (t: Tap.Test, cluster: FakeCluster, brokerId: number): Promise<RawClient> {
  const client = await RawClient.connect(cluster.bootstrap.split(',')[cluster.state.brokers.findIndex(b => b.id === brokerId)])
  t.teardown(() => { client.close() })
  return client
}

const codes = (res: any): number[] => res.markers[0].topics[0].partitions.map((p: any) => p.errorCode)

t.test('an abort marker ends the open transaction: LSO past it, its records aborted', async t => {
  const { cluster } = await setup(t)
  const client = await clientOn(t, cluster, cluster.state.partition('t', 0)!.leaderId)
  const log = cluster.state.partition('t', 0)!.log
  cluster.produce('t', 0, [{ value: 'a' }, { value: 'b' }], { producerId: 9n, producerEpoch: 1, baseSequence: 0, transactional: true })
  t.equal(log.lastStableOffset, 0n, 'the open transaction holds the LSO')
  for (const version of [1, 2]) {
    const res = await client.request(WriteTxnMarkers, version, marker([0], { coordinatorEpoch: version }))
    t.same(codes(res), [ErrorCode.NONE], `v${version} written`)
  }
  t.equal(log.lastStableOffset, log.highWatermark, 'the LSO moved past the markers')
  t.same(log.abortedTransactions(0, Number(log.highWatermark)).map(a => [a.producerId, a.firstOffset]), [[9n, 0]])
  t.same(log.activeProducers().map(p => [p.producerId, p.coordinatorEpoch, p.currentTxnStartOffset]), [[9n, 2, -1n]])
})

t.test('refusals: unknown partition, another leader, old epochs, no CLUSTER_ACTION, injected faults', async t => {
  const { cluster } = await setup(t)
  const p0 = cluster.state.partition('t', 0)!
  const p1 = cluster.state.partition('t', 1)!
  t.not(p0.leaderId, p1.leaderId, 'the two partitions have different leaders')
  const client = await clientOn(t, cluster, p0.leaderId)
  cluster.produce('t', 0, [{ value: 'a' }], { producerId: 9n, producerEpoch: 3, baseSequence: 0, transactional: true })
  p0.log.writeMarker(9n, 3, true, 5, p0.leaderEpoch)
  t.same(codes(await client.request(WriteTxnMarkers, 1, marker([0, 1, 7], { producerEpoch: 3, coordinatorEpoch: 5 }))),
    [ErrorCode.NONE, ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
  t.same(codes(await client.request(WriteTxnMarkers, 1, marker([0], { producerEpoch: 2, coordinatorEpoch: 5 }))), [ErrorCode.INVALID_PRODUCER_EPOCH])
  t.same(codes(await client.request(WriteTxnMarkers, 1, marker([0], { producerEpoch: 3, coordinatorEpoch: 4 }))), [ErrorCode.TRANSACTION_COORDINATOR_FENCED])
  cluster.faults.failNext('WriteTxnMarkers', 1, ErrorCode.KAFKA_STORAGE_ERROR, { topic: 't', partition: 0 })
  t.same(codes(await client.request(WriteTxnMarkers, 2, marker([0], { producerEpoch: 3, coordinatorEpoch: 5 }))), [ErrorCode.KAFKA_STORAGE_ERROR])
})

t.test('without CLUSTER_ACTION on the cluster every partition answers CLUSTER_AUTHORIZATION_FAILED', async t => {
  const { cluster, client } = await setup(t, { brokers: 1, authorizer: {} })
  const allow = (operation: number): void => cluster.state.acls.create({ resourceType: ResourceType.CLUSTER, resourceName: 'kafka-cluster', patternType: PatternType.LITERAL, principal: 'User:ANONYMOUS', host: '*', operation, permissionType: AclPermissionType.ALLOW })
  allow(AclOperation.ALTER)
  t.same(codes(await client.request(WriteTxnMarkers, 1, marker([0, 1]))), [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ErrorCode.CLUSTER_AUTHORIZATION_FAILED])
  allow(AclOperation.CLUSTER_ACTION)
  t.same(codes(await client.request(WriteTxnMarkers, 1, marker([0, 1]))), [ErrorCode.NONE, ErrorCode.NONE])
})
