import t from 'tap'
import { AddOffsetsToTxn, AddPartitionsToTxn, EndTxn, TxnOffsetCommit, Heartbeat, SyncGroup, LeaveGroup, AlterConfigs, IncrementalAlterConfigs, CreateAcls, DeleteAcls, DescribeAcls, DescribeGroups, ListGroups, DeleteGroups, OffsetDelete, DeleteRecords, CreatePartitions, DescribeUserScramCredentials, AlterUserScramCredentials, FindCoordinator, InitProducerId, JoinGroup, ListOffsets, Metadata, OffsetCommit, OffsetFetch, Produce, Fetch, CreateTopics, DeleteTopics, DescribeConfigs, ApiVersions } from '../../../protocol/apis/index.js'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res } from '../../../protocol/acl-codes.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { encodeRecordBatch } from '../../../protocol/records/index.js'
import { aclCodeName } from '../../../protocol/acl-codes.js'
import { FakeCluster, type FakeClusterOptions } from '../../../tools/fake-broker/index.js'
import type { AclBinding } from '../../../tools/fake-broker/acl-store.js'
import { RawClient } from './raw-client.js'

// The ACL APIs and their enforcement, over a PLAINTEXT listener, whose clients are User:ANONYMOUS (Kafka's
// default principal builder); ACLs are set up in the cluster's store, as CreateAcls from a super user would.

async function setup (t: any, opts: FakeClusterOptions = { authorizer: {} }, acls: Array<Partial<AclBinding>> = []): Promise<{ cluster: FakeCluster, client: RawClient }> {
  const cluster = await FakeCluster.start({ topics: [{ name: 'orders' }, { name: 'secret' }], ...opts })
  t.teardown(() => cluster.stop())
  for (const a of acls) {
    cluster.state.acls.create({ resourceType: Res.TOPIC, resourceName: 'orders', patternType: Pat.LITERAL, principal: 'User:ANONYMOUS', host: '*', operation: Op.READ, permissionType: Perm.ALLOW, ...a })
  }
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  return { cluster, client }
}

const ANY_FILTER = { resourceTypeFilter: Res.ANY, resourceNameFilter: null, patternTypeFilter: Pat.ANY, principalFilter: null, hostFilter: null, operation: Op.ANY, permissionType: Perm.ANY }
const CREATION = { resourceType: Res.TOPIC, resourceName: 'orders', resourcePatternType: Pat.LITERAL, principal: 'User:alice', host: '*', operation: Op.READ, permissionType: Perm.ALLOW }
const SUPER = { authorizer: { superUsers: ['User:ANONYMOUS'] } }

t.test('ApiVersions advertises DescribeAcls, CreateAcls and DeleteAcls at v1-3', async t => {
  const { client } = await setup(t)
  const keys = (await client.request(ApiVersions, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' })).apiKeys
  for (const key of [29, 30, 31]) t.same(keys.find((k: { apiKey: number }) => k.apiKey === key), { apiKey: key, minVersion: 1, maxVersion: 3 })
})

t.test('a super user creates, describes (grouped by pattern) and deletes ACLs in every version', async t => {
  const { client } = await setup(t, SUPER)
  for (const v of [1, 2, 3]) {
    const created = await client.request(CreateAcls, v, { creations: [CREATION, { ...CREATION, operation: Op.WRITE }, { ...CREATION, resourceName: '' }] })
    t.same(created.results.map((r: { errorCode: number }) => r.errorCode), [0, 0, ErrorCode.INVALID_REQUEST], `v${v}: per-creation errors`)
    const described = await client.request(DescribeAcls, v, { ...ANY_FILTER, resourceNameFilter: 'orders', patternTypeFilter: Pat.MATCH })
    t.equal(described.errorCode, 0)
    t.same(described.resources, [{ resourceType: Res.TOPIC, resourceName: 'orders', patternType: Pat.LITERAL, acls: [
      { principal: 'User:alice', host: '*', operation: Op.READ, permissionType: Perm.ALLOW },
      { principal: 'User:alice', host: '*', operation: Op.WRITE, permissionType: Perm.ALLOW }
    ] }])
    const deleted = await client.request(DeleteAcls, v, { filters: [{ ...ANY_FILTER, operation: Op.WRITE }, { ...ANY_FILTER, resourceTypeFilter: 42 }, ANY_FILTER] })
    t.same(deleted.filterResults.map((r: { errorCode: number, matchingAcls: Array<{ operation: number }> }) => [r.errorCode, r.matchingAcls.map(m => m.operation)]), [[0, [Op.WRITE]], [ErrorCode.INVALID_REQUEST, []], [0, [Op.READ]]])
  }
})

t.test('without ALTER/DESCRIBE on the cluster the ACL APIs answer CLUSTER_AUTHORIZATION_FAILED; without an authorizer, SECURITY_DISABLED', async t => {
  const { client } = await setup(t)
  t.equal((await client.request(DescribeAcls, 3, ANY_FILTER)).errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
  t.same((await client.request(CreateAcls, 3, { creations: [CREATION, CREATION] })).results.map((r: { errorCode: number }) => r.errorCode), [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ErrorCode.CLUSTER_AUTHORIZATION_FAILED])
  t.equal((await client.request(DeleteAcls, 3, { filters: [ANY_FILTER] })).filterResults[0].errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
  const off = await setup(t, {})
  t.equal((await off.client.request(DescribeAcls, 1, ANY_FILTER)).errorCode, ErrorCode.SECURITY_DISABLED)
  t.equal((await off.client.request(CreateAcls, 1, { creations: [CREATION] })).results[0].errorCode, ErrorCode.SECURITY_DISABLED)
  t.equal((await off.client.request(DeleteAcls, 1, { filters: [ANY_FILTER] })).filterResults[0].errorCode, ErrorCode.SECURITY_DISABLED)
})

t.test('a filter or creation with an UNKNOWN (0) code closes the connection, as Kafka fails to parse it', async t => {
  for (const [api, body] of [[DescribeAcls, { ...ANY_FILTER, operation: 0 }], [CreateAcls, { creations: [{ ...CREATION, resourceType: 0 }] }], [DeleteAcls, { filters: [{ ...ANY_FILTER, patternTypeFilter: 0 }] }]] as const) {
    const { client } = await setup(t, SUPER)
    client.sendRequest(api, 2, body)
    t.equal(await client.nextFrame(), undefined, `${api.name}: closed without an answer`)
  }
})

function produceBody (topic: string, transactionalId: string | null = null, records = encodeRecordBatch([{ value: 'x' }])): unknown {
  return { transactionalId, acks: -1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] }
}

t.test('Produce needs WRITE on the topic; Fetch READ; ListOffsets DESCRIBE (implied by READ)', async t => {
  const { client } = await setup(t, { authorizer: {} }, [{ operation: Op.READ }, { resourceName: 'secret', operation: Op.WRITE }])
  const produced = await client.request(Produce, 9, { ...produceBody('orders'), topicData: [{ name: 'orders', partitionData: [{ index: 0, records: encodeRecordBatch([{ value: 'x' }]) }] }, { name: 'secret', partitionData: [{ index: 0, records: encodeRecordBatch([{ value: 'x' }]) }] }] })
  t.same(produced.responses.map((r: { name: string, partitionResponses: Array<{ errorCode: number }> }) => [r.name, r.partitionResponses[0].errorCode]), [['orders', ErrorCode.TOPIC_AUTHORIZATION_FAILED], ['secret', 0]])
  const fetchTopic = (topic: string): unknown => ({ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }] })
  const fetched = await client.request(Fetch, 12, { maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [fetchTopic('orders'), fetchTopic('secret'), fetchTopic('missing')], forgottenTopicsData: [], rackId: '' })
  t.same(fetched.responses.map((r: { topic: string, partitions: Array<{ errorCode: number }> }) => [r.topic, r.partitions[0].errorCode]), [['orders', 0], ['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED], ['missing', ErrorCode.TOPIC_AUTHORIZATION_FAILED]], 'a missing topic is not disclosed')
  const listed = await client.request(ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: ['orders', 'secret'].map(name => ({ name, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] })) })
  t.same(listed.topics.map((r: { partitions: Array<{ errorCode: number }> }) => r.partitions[0].errorCode), [0, 0], 'WRITE on secret implies DESCRIBE')
  const none = await client.request(ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'other', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }] })
  t.equal(none.topics[0].partitions[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
})

t.test('Metadata: all-topics lists only describable topics; named ones answer TOPIC_AUTHORIZATION_FAILED, last; auto-creation needs CREATE', async t => {
  const { client, cluster } = await setup(t, { authorizer: {}, autoCreateTopics: true }, [{ operation: Op.DESCRIBE }, { resourceName: 'new', operation: Op.DESCRIBE }, { resourceName: 'made', operation: Op.CREATE }, { resourceName: 'made', operation: Op.DESCRIBE }])
  t.same((await client.request(Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).topics.map((x: { name: string }) => x.name), ['orders'])
  const named = await client.request(Metadata, 12, { topics: [{ name: 'secret', topicId: '00000000-0000-0000-0000-000000000000' }, { name: 'orders', topicId: '00000000-0000-0000-0000-000000000000' }, { name: 'new', topicId: '00000000-0000-0000-0000-000000000000' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false })
  t.same(named.topics.map((x: { name: string, errorCode: number }) => [x.name, x.errorCode]), [['orders', 0], ['new', ErrorCode.TOPIC_AUTHORIZATION_FAILED], ['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED]])
  t.notOk(cluster.state.topics.has('new'), 'not auto-created without CREATE')
  const made = await client.request(Metadata, 12, { topics: [{ name: 'made', topicId: '00000000-0000-0000-0000-000000000000' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false })
  t.equal(made.topics[0].errorCode, 0, 'DESCRIBE and CREATE on the topic: auto-created')
  const secretId = cluster.state.topics.get('secret')!.id
  const byId = await client.request(Metadata, 12, { topics: [{ name: null, topicId: secretId }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
  t.same([byId.topics[0].errorCode, byId.topics[0].name, byId.topics[0].topicId], [ErrorCode.TOPIC_AUTHORIZATION_FAILED, null, secretId])
})

t.test('groups: JoinGroup and OffsetCommit need READ on the group, OffsetFetch and FindCoordinator DESCRIBE; topics are checked per topic', async t => {
  const { client, cluster } = await setup(t, { authorizer: {} }, [{ resourceType: Res.GROUP, resourceName: 'g' }, { operation: Op.READ }])
  const join = await client.request(JoinGroup, 9, { groupId: 'nope', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [], reason: null })
  t.equal(join.errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED)
  const coordinator = await client.request(FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['g', 'nope'] })
  t.same(coordinator.coordinators.map((c: { errorCode: number }) => c.errorCode), [0, ErrorCode.GROUP_AUTHORIZATION_FAILED])
  const txn = await client.request(FindCoordinator, 4, { keyType: 1, coordinatorKeys: ['tx'] })
  t.equal(txn.coordinators[0].errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  const commit = (groupId: string): Promise<any> => client.request(OffsetCommit, 8, { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: ['orders', 'secret'].map(name => ({ name, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] })) })
  t.same((await commit('nope')).topics.map((x: { partitions: Array<{ errorCode: number }> }) => x.partitions[0].errorCode), [ErrorCode.GROUP_AUTHORIZATION_FAILED, ErrorCode.GROUP_AUTHORIZATION_FAILED])
  // Refused topics come first, then the coordinator's answer (OffsetCommitResponse.Builder in Kafka 4.4).
  t.same((await commit('g')).topics.map((x: { name: string, partitions: Array<{ errorCode: number }> }) => [x.name, x.partitions[0].errorCode]), [['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED], ['orders', 0]])
  cluster.state.groups.commit('g', 'secret', 0, { offset: 5n, leaderEpoch: -1, metadata: null })
  const fetched = await client.request(OffsetFetch, 8, { groups: [{ groupId: 'g', topics: null }, { groupId: 'g', topics: [{ name: 'secret', partitionIndexes: [0] }, { name: 'orders', partitionIndexes: [0] }] }, { groupId: 'nope', topics: null }], requireStable: false })
  t.same(fetched.groups[0].topics.map((x: { name: string }) => x.name), ['orders'], 'all-topics leaves out what the caller may not describe')
  t.same(fetched.groups[1].topics.map((x: { name: string, partitions: Array<{ errorCode: number }> }) => [x.name, x.partitions[0].errorCode]), [['orders', 0], ['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED]])
  t.equal(fetched.groups[2].errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED)
  const old = await client.request(OffsetFetch, 3, { groupId: 'nope', topics: null, requireStable: false })
  t.equal(old.errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED)
})

t.test('CreateTopics needs CREATE (cluster or topic), DeleteTopics DELETE, DescribeConfigs DESCRIBE_CONFIGS; InitProducerId IDEMPOTENT_WRITE or a transactional id WRITE', async t => {
  const { client } = await setup(t, { authorizer: {} }, [{ resourceName: 'mine', operation: Op.CREATE }, { operation: Op.DELETE }])
  const topic = (name: string): unknown => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })
  const created = await client.request(CreateTopics, 7, { topics: [topic('mine'), topic('yours')], timeoutMs: 1000, validateOnly: false })
  t.same(created.topics.map((x: { name: string, errorCode: number }) => [x.name, x.errorCode]), [['mine', 0], ['yours', ErrorCode.TOPIC_AUTHORIZATION_FAILED]])
  const deleted = await client.request(DeleteTopics, 6, { topics: [{ name: 'secret', topicId: '00000000-0000-0000-0000-000000000000' }, { name: 'orders', topicId: '00000000-0000-0000-0000-000000000000' }], timeoutMs: 1000 })
  t.same(deleted.responses.map((x: { errorCode: number }) => x.errorCode), [ErrorCode.TOPIC_AUTHORIZATION_FAILED, 0])
  const configs = await client.request(DescribeConfigs, 4, { resources: [{ resourceType: 2, resourceName: 'secret', configurationKeys: null }, { resourceType: 4, resourceName: '1', configurationKeys: null }], includeSynonyms: false, includeDocumentation: false })
  t.same(configs.results.map((x: { errorCode: number }) => x.errorCode), [ErrorCode.TOPIC_AUTHORIZATION_FAILED, ErrorCode.CLUSTER_AUTHORIZATION_FAILED])
  const idempotent = await client.request(InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 })
  t.equal(idempotent.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
  const txn = await client.request(InitProducerId, 4, { transactionalId: 'tx', transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 })
  t.equal(txn.errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
})

t.test('InitProducerId for an idempotent producer passes with WRITE on some topic', async t => {
  const { client } = await setup(t, { authorizer: {} }, [{ operation: Op.WRITE }])
  t.equal((await client.request(InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 })).errorCode, 0)
})

t.test('CreateAcls with an ANY type, pattern, operation or permission, or MATCH, fails the whole request as Kafka does', async t => {
  const { client, cluster } = await setup(t, SUPER)
  for (const bad of [{ resourceType: Res.ANY }, { resourcePatternType: Pat.MATCH }, { resourcePatternType: Pat.ANY }, { operation: Op.ANY }, { permissionType: Perm.ANY }]) {
    const r = await client.request(CreateAcls, 3, { creations: [{ ...CREATION, ...bad }, CREATION] })
    t.same(r.results, [{ errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: null }, { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: null }], JSON.stringify(bad))
  }
  t.equal(cluster.state.acls.size, 0, 'nothing was created')
  const principal = await client.request(CreateAcls, 3, { creations: [{ ...CREATION, principal: 'alice' }] })
  t.same(principal.results[0], { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Could not parse principal from `alice` (no colon is present separating the principal type from the principal name)' })
})

t.test('DescribeGroups and ListGroups need DESCRIBE on the group (ListGroups: or on the cluster), DeleteGroups and OffsetDelete DELETE', async t => {
  const { client, cluster } = await setup(t, { authorizer: {} }, [{ resourceType: Res.GROUP, resourceName: 'g', operation: Op.DELETE }, { operation: Op.READ }])
  cluster.state.groups.commit('g', 'orders', 0, { offset: 1n, leaderEpoch: -1, metadata: null })
  cluster.state.groups.commit('g', 'secret', 0, { offset: 1n, leaderEpoch: -1, metadata: null })
  cluster.state.groups.commit('h', 'orders', 0, { offset: 1n, leaderEpoch: -1, metadata: null })
  const described = await client.request(DescribeGroups, 5, { groups: ['g', 'h'], includeAuthorizedOperations: false })
  t.same(described.groups.map((g: { groupId: string, errorCode: number }) => [g.groupId, g.errorCode]), [['h', ErrorCode.GROUP_AUTHORIZATION_FAILED], ['g', 0]], 'DELETE implies DESCRIBE; refused groups come first, as from Kafka')
  const listed = await client.request(ListGroups, 4, { statesFilter: [] })
  t.same(listed.groups.map((g: { groupId: string }) => g.groupId), ['g'])
  const offsets = await client.request(OffsetDelete, 0, { groupId: 'g', topics: ['secret', 'orders'].map(name => ({ name, partitions: [{ partitionIndex: 0 }] })) })
  t.same(offsets.topics.map((x: { name: string, partitions: Array<{ errorCode: number }> }) => [x.name, x.partitions[0].errorCode]), [['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED], ['orders', 0]])
  t.equal((await client.request(OffsetDelete, 0, { groupId: 'h', topics: [] })).errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED)
  const deleted = await client.request(DeleteGroups, 2, { groupsNames: ['g', 'h'] })
  t.same(deleted.results.map((r: { errorCode: number }) => r.errorCode), [0, ErrorCode.GROUP_AUTHORIZATION_FAILED])
  const all = await setup(t, { authorizer: {} }, [{ resourceType: Res.CLUSTER, resourceName: 'kafka-cluster', operation: Op.DESCRIBE }])
  all.cluster.state.groups.commit('x', 'orders', 0, { offset: 1n, leaderEpoch: -1, metadata: null })
  t.same((await all.client.request(ListGroups, 4, { statesFilter: [] })).groups.map((g: { groupId: string }) => g.groupId), ['x'], 'DESCRIBE on the cluster lists every group')
})

t.test('DeleteRecords needs DELETE on the topic, CreatePartitions ALTER; the SCRAM APIs DESCRIBE or ALTER on the cluster', async t => {
  const { client } = await setup(t, { authorizer: {} }, [{ operation: Op.DELETE }, { operation: Op.ALTER }])
  const records = await client.request(DeleteRecords, 2, { topics: ['orders', 'secret'].map(name => ({ name, partitions: [{ partitionIndex: 0, offset: 0n }] })), timeoutMs: 1000 })
  t.same(records.topics.map((x: { partitions: Array<{ errorCode: number }> }) => x.partitions[0].errorCode), [0, ErrorCode.TOPIC_AUTHORIZATION_FAILED])
  const partitions = await client.request(CreatePartitions, 3, { topics: ['orders', 'secret'].map(name => ({ name, count: 2, assignments: null })), timeoutMs: 1000, validateOnly: true })
  t.same(partitions.results.map((x: { errorCode: number }) => x.errorCode), [0, ErrorCode.TOPIC_AUTHORIZATION_FAILED])
  const described = await client.request(DescribeUserScramCredentials, 0, { users: [{ name: 'a' }] })
  t.same([described.errorCode, described.results.map((r: { user: string, errorCode: number }) => [r.user, r.errorCode])], [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, [['', ErrorCode.CLUSTER_AUTHORIZATION_FAILED]]])
  t.same((await client.request(DescribeUserScramCredentials, 0, { users: null })).results, [])
  const altered = await client.request(AlterUserScramCredentials, 0, { deletions: [{ name: 'b', mechanism: 1 }], upsertions: [{ name: 'a', mechanism: 1, iterations: 4096, salt: Buffer.from('s'), saltedPassword: Buffer.from('p') }, { name: 'b', mechanism: 2, iterations: 4096, salt: Buffer.from('s'), saltedPassword: Buffer.from('p') }] })
  t.same(altered.results.map((r: { user: string, errorCode: number }) => [r.user, r.errorCode]), [['a', ErrorCode.CLUSTER_AUTHORIZATION_FAILED], ['b', ErrorCode.CLUSTER_AUTHORIZATION_FAILED]])
})

t.test('SyncGroup, Heartbeat and LeaveGroup need READ on the group; the config APIs ALTER_CONFIGS on the topic or the cluster', async t => {
  const { client } = await setup(t, { authorizer: {} }, [{ operation: Op.ALTER_CONFIGS }])
  const sync = await client.request(SyncGroup, 5, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] })
  t.equal(sync.errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED)
  t.equal((await client.request(Heartbeat, 4, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null })).errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED)
  t.equal((await client.request(LeaveGroup, 5, { groupId: 'g', members: [{ memberId: 'm', groupInstanceId: null, reason: null }] })).errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED)
  const resources = [{ resourceType: 2, resourceName: 'orders' }, { resourceType: 2, resourceName: 'secret' }, { resourceType: 4, resourceName: '1' }, { resourceType: 8, resourceName: '1' }]
  const altered = await client.request(AlterConfigs, 2, { resources: resources.map(r => ({ ...r, configs: [{ name: 'retention.ms', value: '1000' }] })), validateOnly: true })
  t.same(altered.responses.map((r: { errorCode: number }) => r.errorCode).slice(1, 4), [ErrorCode.TOPIC_AUTHORIZATION_FAILED, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, ErrorCode.CLUSTER_AUTHORIZATION_FAILED])
  t.equal(altered.responses[0].errorCode, 0, 'ALTER_CONFIGS on orders')
  const incremental = await client.request(IncrementalAlterConfigs, 1, { resources: resources.slice(0, 2).map(r => ({ ...r, configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }] })), validateOnly: true })
  t.same(incremental.responses.map((r: { errorCode: number }) => r.errorCode), [0, ErrorCode.TOPIC_AUTHORIZATION_FAILED])
  const described = await client.request(DescribeConfigs, 4, { resources: [{ resourceType: 2, resourceName: 'orders', configurationKeys: ['retention.ms'] }, { resourceType: 16, resourceName: 'm', configurationKeys: null }], includeSynonyms: false, includeDocumentation: false })
  t.equal(described.results[0].errorCode, 0, 'ALTER_CONFIGS implies DESCRIBE_CONFIGS')
  t.not(described.results[1].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'other config resource types are not checked here')
})

t.test('transactional Produce needs WRITE on the transactional id; DeleteTopics by id without DESCRIBE hides the name', async t => {
  const { client, cluster } = await setup(t, { authorizer: {} }, [{ operation: Op.WRITE }, { resourceName: 'secret', operation: Op.DELETE, permissionType: Perm.DENY }])
  const txn = encodeRecordBatch([{ value: 'x' }], { producerId: 1n, producerEpoch: 0, baseSequence: 0, transactional: true })
  const produced = await client.request(Produce, 9, produceBody('orders', 'tx', txn))
  t.equal(produced.responses[0].partitionResponses[0].errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  const noId = await client.request(Produce, 9, produceBody('orders', null, txn))
  t.equal(noId.responses[0].partitionResponses[0].errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 'transactional records without a transactional id')
  const secretId = cluster.state.topics.get('secret')!.id
  const deleted = await client.request(DeleteTopics, 6, { topics: [{ name: null, topicId: secretId }], timeoutMs: 1000 })
  t.same([deleted.responses[0].name, deleted.responses[0].errorCode], [null, ErrorCode.TOPIC_AUTHORIZATION_FAILED])
  t.equal(aclCodeName(Res, 99), 'UNKNOWN(99)')
})

t.test('the transaction APIs need WRITE on the transactional id, then READ on the group or WRITE/READ on the topics', async t => {
  const { client } = await setup(t, { authorizer: {} }, [{ resourceType: Res.TRANSACTIONAL_ID, resourceName: 'tx', operation: Op.WRITE }, { operation: Op.WRITE }, { operation: Op.READ }])
  const pid = { producerId: 5n, producerEpoch: 0 }
  t.equal((await client.request(AddOffsetsToTxn, 3, { transactionalId: 'other', ...pid, groupId: 'g' })).errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  t.equal((await client.request(AddOffsetsToTxn, 3, { transactionalId: 'tx', ...pid, groupId: 'g' })).errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED)
  t.equal((await client.request(EndTxn, 3, { transactionalId: 'other', ...pid, committed: true })).errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  const offsets = (transactionalId: string): unknown => ({ transactionalId, groupId: 'g', ...pid, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }] })
  t.equal((await client.request(TxnOffsetCommit, 3, offsets('other'))).topics[0].partitions[0].errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  t.equal((await client.request(TxnOffsetCommit, 3, offsets('tx'))).topics[0].partitions[0].errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED)
  t.same((await client.request(TxnOffsetCommit, 3, { ...offsets('tx') as object, transactionalId: 'other' })).topics.map((x: { name: string }) => x.name), ['orders'], 'an answer naming every topic asked')
  const add = async (transactionalId: string): Promise<Array<[string, number]>> => {
    const r = await client.request(AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: transactionalId, v3AndBelowProducerId: 5n, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: ['orders', 'secret'].map(name => ({ name, partitions: [0] })) })
    return r.resultsByTopicV3AndBelow.map((x: { name: string, resultsByPartition: Array<{ partitionErrorCode: number }> }) => [x.name, x.resultsByPartition[0].partitionErrorCode])
  }
  t.same(await add('other'), [['orders', ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED], ['secret', ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED]])
  t.same(await add('tx'), [['orders', ErrorCode.OPERATION_NOT_ATTEMPTED], ['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED]])
  const verify = await client.request(AddPartitionsToTxn, 4, { transactions: [{ transactionalId: 'tx', ...pid, verifyOnly: true, topics: [{ name: 'orders', partitions: [0] }] }] })
  t.equal(verify.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'v4+ is for brokers: CLUSTER_ACTION')
})

t.test('TxnOffsetCommit: topics refused before the coordinator (no READ, unknown) come first; with none left the coordinator is not asked', async t => {
  const { client } = await setup(t, { authorizer: {} }, [
    { resourceType: Res.TRANSACTIONAL_ID, resourceName: 'tx', operation: Op.WRITE }, { resourceType: Res.GROUP, resourceName: 'g', operation: Op.READ }, { operation: Op.READ }
  ])
  const part = (partitionIndex: number): unknown => ({ partitionIndex, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null })
  const commit = async (topics: unknown[], producerEpoch: number): Promise<Array<[string, Array<[number, number]>]>> => {
    const r = await client.request(TxnOffsetCommit, 3, { transactionalId: 'tx', groupId: 'g', producerId: 5n, producerEpoch, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics })
    return r.topics.map((x: { name: string, partitions: Array<{ partitionIndex: number, errorCode: number }> }) => [x.name, x.partitions.map(p => [p.partitionIndex, p.errorCode])])
  }
  t.same(await commit([{ name: 'orders', partitions: [part(0), part(3)] }, { name: 'secret', partitions: [part(0)] }, { name: 'missing', partitions: [part(0)] }], 0), [
    ['orders', [[3, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], [0, ErrorCode.INVALID_PRODUCER_ID_MAPPING]]],
    ['secret', [[0, ErrorCode.TOPIC_AUTHORIZATION_FAILED]]],
    ['missing', [[0, ErrorCode.TOPIC_AUTHORIZATION_FAILED]]]
  ], 'an unknown topic without READ is TOPIC_AUTHORIZATION_FAILED, as Kafka filters by authorization first')
  t.same(await commit([{ name: 'secret', partitions: [part(0)] }, { name: 'orders', partitions: [part(9)] }], 0), [
    ['secret', [[0, ErrorCode.TOPIC_AUTHORIZATION_FAILED]]],
    ['orders', [[9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]]
  ], 'no producer check: nothing reached the coordinator')
})
