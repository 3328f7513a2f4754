import t from 'tap'
import { AddPartitionsToTxn, AlterClientQuotas, AlterPartitionReassignments, ConsumerGroupDescribe, ConsumerGroupHeartbeat, DescribeClientQuotas, DescribeLogDirs, DescribeProducers, DescribeQuorum, DescribeTopicPartitions, DescribeTransactions, ElectLeaders, InitProducerId, ListPartitionReassignments, ListTransactions, OffsetForLeaderEpoch } from '../../../protocol/apis/index.js'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res, CLUSTER_RESOURCE_NAME } from '../../../protocol/acl-codes.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { FakeCluster, type FakeClusterOptions } from '../../../tools/fake-broker/index.js'
import type { AclBinding } from '../../../tools/fake-broker/acl-store.js'
import { RawClient } from './raw-client.js'

// Authorization of the admin, replica, quota, transaction-inspection and KIP-848 APIs, each refused and then
// allowed (a super user or an ALLOW ACL), over a PLAINTEXT listener whose clients are User:ANONYMOUS.

async function setup (t: any, opts: FakeClusterOptions = { authorizer: {} }, acls: Array<Partial<AclBinding>> = []): Promise<{ cluster: FakeCluster, client: RawClient }> {
  const cluster = await FakeCluster.start({ topics: [{ name: 'orders' }, { name: 'secret' }], ...opts })
  t.teardown(() => cluster.stop())
  for (const a of acls) allow(cluster, a)
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  return { cluster, client }
}

function allow (cluster: FakeCluster, acl: Partial<AclBinding>): void {
  cluster.state.acls.create({ resourceType: Res.TOPIC, resourceName: 'orders', patternType: Pat.LITERAL, principal: 'User:ANONYMOUS', host: '*', operation: Op.READ, permissionType: Perm.ALLOW, ...acl })
}

const onCluster = (operation: number): Partial<AclBinding> => ({ resourceType: Res.CLUSTER, resourceName: CLUSTER_RESOURCE_NAME, operation })
const SUPER = { authorizer: { superUsers: ['User:ANONYMOUS'] } }
const CLUSTER_REFUSED = 'Cluster authorization failed.'

t.test('DescribeLogDirs needs DESCRIBE on the cluster: otherwise a top-level CLUSTER_AUTHORIZATION_FAILED and no directories', async t => {
  const { client, cluster } = await setup(t)
  const refused = await client.request(DescribeLogDirs, 4, { topics: null })
  t.same([refused.errorCode, refused.results], [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, []])
  t.same((await client.request(DescribeLogDirs, 1, { topics: null })).results, [], 'v1 has no top-level error: only an empty list')
  allow(cluster, onCluster(Op.DESCRIBE))
  const allowed = await client.request(DescribeLogDirs, 4, { topics: null })
  t.equal(allowed.errorCode, ErrorCode.NONE)
  t.equal(allowed.results.length, 1)
})

t.test('ElectLeaders and AlterPartitionReassignments need ALTER on the cluster, ListPartitionReassignments DESCRIBE', async t => {
  const { client, cluster } = await setup(t)
  const elect = (version: number): Promise<any> => client.request(ElectLeaders, version, { electionType: 0, topicPartitions: [{ topic: 'orders', partitions: [0] }], timeoutMs: 1000 })
  const refused = await elect(2)
  t.equal(refused.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
  t.same(refused.replicaElectionResults, [{ topic: 'orders', partitionResult: [{ partitionId: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: CLUSTER_REFUSED }] }])
  t.equal((await elect(0)).replicaElectionResults[0].partitionResult[0].errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'v0: per partition only')
  t.same((await client.request(ElectLeaders, 2, { electionType: 0, topicPartitions: null, timeoutMs: 1000 })).replicaElectionResults, [], 'every partition: nothing listed')
  const reassign = (): Promise<any> => client.request(AlterPartitionReassignments, 1, { timeoutMs: 1000, allowReplicationFactorChange: false, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, replicas: null }] }] })
  const alterRefused = await reassign()
  t.same([alterRefused.errorCode, alterRefused.errorMessage, alterRefused.allowReplicationFactorChange], [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, CLUSTER_REFUSED, true])
  t.same(alterRefused.responses, [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: CLUSTER_REFUSED }] }])
  const list = (topics: unknown): Promise<any> => client.request(ListPartitionReassignments, 0, { timeoutMs: 1000, topics })
  const listRefused = await list([{ name: 'orders', partitionIndexes: [0] }])
  t.same([listRefused.errorCode, listRefused.errorMessage], [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, CLUSTER_REFUSED])
  t.same(listRefused.topics, [{ name: 'orders', partitions: [{ partitionIndex: 0, replicas: [], addingReplicas: [], removingReplicas: [] }] }])
  t.same((await list(null)).topics, [])
  allow(cluster, onCluster(Op.ALTER))
  t.equal((await elect(2)).replicaElectionResults[0].partitionResult[0].errorCode, ErrorCode.ELECTION_NOT_NEEDED, 'ALTER: the election runs')
  t.equal((await reassign()).responses[0].partitions[0].errorCode, ErrorCode.NO_REASSIGNMENT_IN_PROGRESS)
  t.same([(await list(null)).errorCode], [ErrorCode.NONE], 'ALTER implies DESCRIBE')
})

t.test('DescribeClientQuotas needs DESCRIBE_CONFIGS on the cluster, AlterClientQuotas ALTER_CONFIGS', async t => {
  const { client, cluster } = await setup(t)
  const describe = (): Promise<any> => client.request(DescribeClientQuotas, 1, { components: [], strict: false })
  const entry = { entity: [{ entityType: 'user', entityName: 'alice' }], ops: [{ key: 'producer_byte_rate', value: 1024, remove: false }] }
  const alter = (): Promise<any> => client.request(AlterClientQuotas, 1, { entries: [entry], validateOnly: false })
  t.same(await describe(), { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null, entries: null }, 'no message, as Kafka 4.4')
  t.same((await alter()).entries, [{ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: CLUSTER_REFUSED, entity: [{ entityType: 'user', entityName: 'alice' }] }])
  allow(cluster, onCluster(Op.DESCRIBE_CONFIGS))
  t.same((await describe()).entries, [], 'DESCRIBE_CONFIGS: described (nothing set yet)')
  t.equal((await alter()).entries[0].errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'DESCRIBE_CONFIGS does not allow altering')
  allow(cluster, onCluster(Op.ALTER_CONFIGS))
  t.equal((await alter()).entries[0].errorCode, ErrorCode.NONE)
  t.equal((await describe()).entries.length, 1, 'the quota set')
})

t.test('DescribeQuorum needs DESCRIBE on the cluster; a super user passes every cluster check', async t => {
  const quorum = { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] }
  const { client } = await setup(t)
  t.same(await client.request(DescribeQuorum, 2, quorum), { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: CLUSTER_REFUSED, topics: [], nodes: [] })
  const root = await setup(t, SUPER)
  t.equal((await root.client.request(DescribeQuorum, 2, quorum)).topics[0].partitions[0].errorCode, ErrorCode.NONE)
  t.equal((await root.client.request(DescribeClientQuotas, 1, { components: [], strict: false })).errorCode, ErrorCode.NONE)
  t.equal((await root.client.request(DescribeLogDirs, 4, { topics: null })).errorCode, ErrorCode.NONE)
})

t.test('DescribeProducers needs READ on each topic, checked after the name and before the topic is looked up', async t => {
  const { client } = await setup(t, { authorizer: {} }, [{ operation: Op.READ }])
  const res = await client.request(DescribeProducers, 0, { topics: [{ name: 'orders', partitionIndexes: [0] }, { name: 'secret', partitionIndexes: [0, 1] }, { name: 'missing', partitionIndexes: [0] }, { name: 'bad name', partitionIndexes: [0] }] })
  t.same(res.topics.map((x: { name: string, partitions: Array<{ errorCode: number }> }) => [x.name, x.partitions.map(p => p.errorCode)]), [
    ['orders', [ErrorCode.NONE]],
    ['secret', [ErrorCode.TOPIC_AUTHORIZATION_FAILED, ErrorCode.TOPIC_AUTHORIZATION_FAILED]],
    ['missing', [ErrorCode.TOPIC_AUTHORIZATION_FAILED]],
    ['bad name', [ErrorCode.INVALID_TOPIC_EXCEPTION]]
  ])
  t.equal(res.topics[1].partitions[0].errorMessage, 'Topic authorization failed.')
})

t.test('OffsetForLeaderEpoch needs DESCRIBE on the topic (refused topics last), or CLUSTER_ACTION for every topic', async t => {
  const { client, cluster } = await setup(t, { authorizer: {} }, [{ operation: Op.DESCRIBE }])
  const ask = (): Promise<any> => client.request(OffsetForLeaderEpoch, 4, { replicaId: -1, topics: ['secret', 'orders'].map(topic => ({ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] })) })
  const res = await ask()
  t.same(res.topics.map((x: { topic: string, partitions: Array<{ errorCode: number }> }) => [x.topic, x.partitions[0].errorCode]), [['orders', ErrorCode.NONE], ['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED]])
  t.same(res.topics[1].partitions[0], { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, partition: 0, leaderEpoch: -1, endOffset: -1n })
  allow(cluster, onCluster(Op.CLUSTER_ACTION))
  t.same((await ask()).topics.map((x: { topic: string, partitions: Array<{ errorCode: number }> }) => [x.topic, x.partitions[0].errorCode]), [['secret', ErrorCode.NONE], ['orders', ErrorCode.NONE]])
})

t.test('DescribeTransactions needs DESCRIBE on the id and hides topics the caller may not describe; ListTransactions lists describable ids', async t => {
  const { client, cluster } = await setup(t, { authorizer: {} }, [
    { resourceType: Res.TRANSACTIONAL_ID, resourceName: 'tx', operation: Op.WRITE },
    { resourceType: Res.TRANSACTIONAL_ID, resourceName: 'hidden', operation: Op.WRITE },
    { operation: Op.WRITE }, { resourceName: 'secret', operation: Op.WRITE }
  ])
  for (const id of ['tx', 'hidden']) {
    const p = await client.request(InitProducerId, 4, { transactionalId: id, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 })
    const added = await client.request(AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: id, v3AndBelowProducerId: p.producerId, v3AndBelowProducerEpoch: p.producerEpoch, v3AndBelowTopics: ['orders', 'secret'].map(name => ({ name, partitions: [0] })) })
    t.same(added.resultsByTopicV3AndBelow.map((x: { resultsByPartition: Array<{ partitionErrorCode: number }> }) => x.resultsByPartition[0].partitionErrorCode), [ErrorCode.NONE, ErrorCode.NONE])
  }
  // WRITE implies DESCRIBE; a DENY takes it back.
  allow(cluster, { resourceName: 'secret', operation: Op.DESCRIBE, permissionType: Perm.DENY })
  allow(cluster, { resourceType: Res.TRANSACTIONAL_ID, resourceName: 'hidden', operation: Op.DESCRIBE, permissionType: Perm.DENY })
  const described = await client.request(DescribeTransactions, 0, { transactionalIds: ['tx', 'hidden', 'unknown'] })
  t.same(described.transactionStates.map((s: { transactionalId: string, errorCode: number, topics: Array<{ topic: string }> }) => [s.transactionalId, s.errorCode, s.topics.map(x => x.topic)]), [
    ['tx', ErrorCode.NONE, ['orders']],
    ['hidden', ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, []],
    ['unknown', ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, []]
  ])
  t.same(described.transactionStates[1], { errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, transactionalId: 'hidden', transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: 0n, producerId: 0n, producerEpoch: 0, topics: [] })
  const listed = await client.request(ListTransactions, 0, { stateFilters: [], producerIdFilters: [] })
  t.same([listed.errorCode, listed.transactionStates.map((s: { transactionalId: string }) => s.transactionalId)], [ErrorCode.NONE, ['tx']])
})

t.test('DescribeTopicPartitions: all-topics lists describable topics; named ones answer TOPIC_AUTHORIZATION_FAILED, last', async t => {
  const { client, cluster } = await setup(t, { authorizer: {} }, [{ operation: Op.DESCRIBE }])
  const ask = (names: string[]): Promise<any> => client.request(DescribeTopicPartitions, 0, { topics: names.map(name => ({ name })), responsePartitionLimit: 100, cursor: null })
  t.same((await ask([])).topics.map((x: { name: string }) => x.name), ['orders'])
  const named = await ask(['secret', 'missing', 'orders'])
  t.same(named.topics.map((x: { name: string, errorCode: number }) => [x.name, x.errorCode]), [['orders', ErrorCode.NONE], ['missing', ErrorCode.TOPIC_AUTHORIZATION_FAILED], ['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED]], 'a missing topic is not disclosed')
  t.same([named.topics[2].topicId, named.topics[2].partitions], ['00000000-0000-0000-0000-000000000000', []])
  const paged = await client.request(DescribeTopicPartitions, 0, { topics: [{ name: 'orders' }, { name: 'secret' }], responsePartitionLimit: 100, cursor: { topicName: 'p', partitionIndex: 0 } })
  t.same(paged.topics.map((x: { name: string }) => x.name), ['secret'], 'refused topics before the cursor are left out')
  allow(cluster, { resourceName: 'secret', operation: Op.DESCRIBE })
  t.same((await ask([])).topics.map((x: { name: string }) => x.name), ['orders', 'secret'])
})

t.test('ConsumerGroupHeartbeat needs READ on the group, then DESCRIBE on every subscribed topic; ConsumerGroupDescribe DESCRIBE, refusals first', async t => {
  const { client, cluster } = await setup(t, { authorizer: {} }, [{ resourceType: Res.GROUP, resourceName: 'g' }, { operation: Op.DESCRIBE }])
  const join = (groupId: string, subscribedTopicNames: string[]): Promise<any> => client.request(ConsumerGroupHeartbeat, 1, {
    groupId, memberId: 'm1', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30000,
    subscribedTopicNames, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: []
  })
  const noGroup = await join('nope', ['orders'])
  t.same([noGroup.errorCode, noGroup.errorMessage, noGroup.memberId], [ErrorCode.GROUP_AUTHORIZATION_FAILED, null, null])
  t.equal((await join('g', ['orders', 'secret'])).errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'one topic it may not describe refuses the whole subscription')
  t.notOk(cluster.state.consumerGroups.has('g'), 'nothing joined')
  const joined = await join('g', ['orders'])
  t.same([joined.errorCode, joined.memberEpoch > 0], [ErrorCode.NONE, true])
  const described = await client.request(ConsumerGroupDescribe, 1, { groupIds: ['g', 'nope'], includeAuthorizedOperations: false })
  t.same(described.groups.map((g: { groupId: string, errorCode: number }) => [g.groupId, g.errorCode]), [['nope', ErrorCode.GROUP_AUTHORIZATION_FAILED], ['g', ErrorCode.NONE]])
  t.same(described.groups[0], { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null, groupId: 'nope', groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [], authorizedOperations: -2147483648 })
})
