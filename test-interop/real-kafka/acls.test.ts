import t from 'tap'
import { Admin, type Acl, type AclFilter } from '../../consumer/admin/index.js'
import { KafkaClient } from '../../consumer/cluster.js'
import {
  AlterClientQuotas, AlterConfigs, AlterPartitionReassignments, ConsumerGroupDescribe, ConsumerGroupHeartbeat, CreatePartitions, DescribeCluster,
  CreateTopics, DeleteGroups, DeleteRecords, DescribeAcls, DescribeClientQuotas, DescribeConfigs, DescribeGroups,
  DescribeLogDirs, DescribeProducers, DescribeQuorum, DescribeTopicPartitions, DescribeTransactions,
  DescribeUserScramCredentials, ElectLeaders, Fetch, FindCoordinator, InitProducerId, JoinGroup, ListGroups, ListOffsets,
  ListPartitionReassignments, ListTransactions, Metadata, OffsetCommit, OffsetDelete, OffsetFetch, OffsetForLeaderEpoch, Produce
} from '../../protocol/apis/index.js'
import { encodeRecordBatch } from '../../protocol/records/index.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { realKafkaFor, realKafkaSkip } from './start-kafka.js'

// ACLs on real Kafka 4.4 (KRaft, StandardAuthorizer, super.users) and on the fake broker started alike: our Admin
// creates, describes and deletes the same ACLs on both, and a user with some of them sends the same requests to
// both, over SASL_PLAINTEXT; every answer (ACL lists, per-ACL errors and messages, authorization error codes per
// topic, group and transactional id) must be the same. A differential test for the authorizer.

t.setTimeout(600_000)
const skip = await realKafkaSkip()

const USERS = { admin: 'admin-secret', alice: 'alice-secret' }
const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

function sasl (bootstrap: string, user: keyof typeof USERS): Record<string, string | number> {
  return { 'bootstrap.servers': bootstrap, 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'PLAIN', 'sasl.username': user, 'sasl.password': USERS[user], retries: 0 }
}

const allow = (over: Partial<Acl>): Acl => ({ resourceType: 'TOPIC', resourceName: 'acl-t', patternType: 'LITERAL', principal: 'User:alice', host: '*', operation: 'READ', permissionType: 'ALLOW', ...over })
const ACLS: Acl[] = [
  allow({}),
  allow({ resourceName: 'acl-', patternType: 'PREFIXED', operation: 'WRITE' }),
  allow({ resourceName: 'acl-secret', operation: 'WRITE', permissionType: 'DENY' }),
  allow({ resourceType: 'GROUP', resourceName: 'g-', patternType: 'PREFIXED' })
]
/** Each sent alone: some fail only their own creation, some the whole request. */
const INVALID: Acl[] = [
  allow({ resourceType: 'CLUSTER', resourceName: 'not-the-cluster' }),
  allow({ resourceName: '' }),
  allow({ patternType: 'MATCH' }),
  allow({ patternType: 'ANY' }),
  allow({ operation: 'ANY' }),
  allow({ permissionType: 'ANY' }),
  allow({ resourceType: 'ANY' }),
  allow({ principal: 'alice' })
]
const FILTERS: AclFilter[] = [
  {},
  { resourceType: 'TOPIC', resourceName: 'acl-t', patternType: 'MATCH' },
  { resourceType: 'TOPIC', resourceName: 'acl-secret', patternType: 'MATCH' },
  { patternType: 'PREFIXED' },
  { principal: 'User:alice', operation: 'WRITE' },
  { resourceType: 'GROUP', resourceName: 'g-', patternType: 'ANY' },
  { resourceType: 'TOPIC', resourceName: 'acl-t', patternType: 'LITERAL', permissionType: 'DENY' }
]

const text = (a: Acl): string => `${a.resourceType}:${a.patternType}:${a.resourceName} ${a.permissionType} ${a.principal}@${a.host} ${a.operation}`
const sorted = (acls: Acl[]): string[] => acls.map(text).sort()

/** Polls until `check` holds: ACL changes reach a KRaft broker's authorizer through the metadata log, a moment later. */
async function until (what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** The same script on any cluster; returns what the test compares. */
async function script (bootstrap: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  const admin = await Admin.connect(sasl(bootstrap, 'admin'))
  const alice = new KafkaClient(sasl(bootstrap, 'alice'))
  try {
    await admin.createTopics([{ name: 'acl-t', partitions: 1, replicationFactor: 1 }, { name: 'acl-secret', partitions: 1, replicationFactor: 1 }])
    await until('the topics\' leaders', async () => (await admin.describeTopics(['acl-t', 'acl-secret'])).every(x => x.partitions.length === 1 && x.partitions[0].leader >= 0))
    // The group and transaction coordinators of a new Kafka cluster are ready only once their internal topics are
    // (COORDINATOR_NOT_AVAILABLE, then COORDINATOR_LOAD_IN_PROGRESS); the super user waits for them first.
    await until('the coordinators', async () => {
      const found = await admin.client.request(admin.client.knownBrokers()[0].nodeId, FindCoordinator, { keyType: 0, coordinatorKeys: ['g-1'] }, { maxVersion: 4 })
      const txn = await admin.client.request(admin.client.knownBrokers()[0].nodeId, FindCoordinator, { keyType: 1, coordinatorKeys: ['tx'] }, { maxVersion: 4 })
      const init = await admin.client.request(admin.client.knownBrokers()[0].nodeId, InitProducerId, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 }, { maxVersion: 5 })
      const fetched = await admin.client.request(admin.client.knownBrokers()[0].nodeId, OffsetFetch, { groups: [{ groupId: 'g-1', topics: null }], requireStable: false }, { maxVersion: 8 })
      return found.body.coordinators[0].errorCode === 0 && txn.body.coordinators[0].errorCode === 0 && init.body.errorCode === 0 && fetched.body.groups[0].errorCode === 0
    })
    const created = await admin.createAcls(ACLS)
    out.created = created.map(r => [text(r.acl), r.error?.errorName ?? null, r.error?.message ?? null])
    for (const acl of INVALID) {
      const both = await admin.createAcls([acl, allow({ resourceName: 'acl-extra' })])
      out[`invalid ${text(acl)}`] = both.map(r => [r.error?.errorName ?? null, r.error?.message ?? null])
      await admin.deleteAcls([{ resourceName: 'acl-extra' }])
    }
    await until('the ACLs on the broker', async () => (await admin.describeAcls()).length === 4)
    for (const [i, f] of FILTERS.entries()) out[`describe ${i}`] = sorted(await admin.describeAcls(f))

    await alice.connect()
    const node = alice.knownBrokers()[0].nodeId
    const ask = async <B>(api: Parameters<KafkaClient['request']>[1], maxVersion: number, body: B): Promise<any> => (await alice.request(node, api, body as any, { maxVersion })).body
    const md = await ask(Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    out.metadataAll = md.topics.map((x: { name: string }) => x.name).sort()
    const named = await ask(Metadata, 12, { topics: ['acl-secret', 'acl-t', 'nope'].map(name => ({ name, topicId: ZERO_UUID })), allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false })
    out.metadataNamed = named.topics.map((x: { name: string, errorCode: number }) => [x.name, x.errorCode])
    const records = (): Buffer => encodeRecordBatch([{ value: 'x' }])
    const produced = await ask(Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: ['acl-t', 'acl-secret', 'nope'].map(name => ({ name, partitionData: [{ index: 0, records: records() }] })) })
    out.produce = produced.responses.map((r: { name: string, partitionResponses: Array<{ errorCode: number }> }) => [r.name, r.partitionResponses[0].errorCode]).sort()
    const fetchTopic = (topic: string): unknown => ({ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 16, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n }] })
    const fetched = await ask(Fetch, 12, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 16, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: ['acl-t', 'acl-secret', 'nope'].map(fetchTopic), forgottenTopicsData: [], rackId: '' })
    out.fetch = fetched.responses.map((r: { topic: string, partitions: Array<{ errorCode: number }> }) => [r.topic, r.partitions[0].errorCode]).sort()
    const listed = await ask(ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: ['acl-t', 'acl-secret', 'nope'].map(name => ({ name, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] })) })
    out.listOffsets = listed.topics.map((r: { name: string, partitions: Array<{ errorCode: number }> }) => [r.name, r.partitions[0].errorCode]).sort()
    const coordinators = await ask(FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['g-1', 'h'] })
    out.findCoordinator = coordinators.coordinators.map((c: { key: string, errorCode: number }) => [c.key, c.errorCode])
    const txnCoordinator = await ask(FindCoordinator, 4, { keyType: 1, coordinatorKeys: ['tx'] })
    out.findTxnCoordinator = txnCoordinator.coordinators.map((c: { key: string, errorCode: number }) => [c.key, c.errorCode])
    const commit = async (groupId: string): Promise<unknown> => {
      const r = await ask(OffsetCommit, 8, { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n, topics: ['acl-t', 'acl-secret'].map(name => ({ name, partitions: [{ partitionIndex: 0, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: null }] })) })
      return r.topics.map((x: { name: string, partitions: Array<{ errorCode: number }> }) => [x.name, x.partitions[0].errorCode]).sort()
    }
    out.commitAllowedGroup = await commit('g-1')
    out.commitOtherGroup = await commit('h')
    const offsets = await ask(OffsetFetch, 8, { groups: [{ groupId: 'g-1', topics: null }, { groupId: 'g-1', topics: [{ name: 'acl-secret', partitionIndexes: [0] }, { name: 'acl-t', partitionIndexes: [0] }] }, { groupId: 'h', topics: null }], requireStable: false })
    out.offsetFetch = offsets.groups.map((g: { groupId: string, errorCode: number, topics: Array<{ name: string, partitions: Array<{ errorCode: number, committedOffset: bigint }> }> }) =>
      [g.groupId, g.errorCode, g.topics.map(x => [x.name, x.partitions[0].errorCode, String(x.partitions[0].committedOffset)]).sort()])
    const join = await ask(JoinGroup, 9, { groupId: 'h', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], reason: null })
    out.joinOtherGroup = join.errorCode
    out.initIdempotent = (await ask(InitProducerId, 5, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 })).errorCode
    out.initTransactional = (await ask(InitProducerId, 5, { transactionalId: 'tx', transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 })).errorCode
    out.describeAclsAsAlice = (await ask(DescribeAcls, 3, { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 })).errorCode
    const createdTopics = await ask(CreateTopics, 7, { topics: [{ name: 'acl-new', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: true })
    out.createTopicAsAlice = createdTopics.topics.map((x: { name: string, errorCode: number }) => [x.name, x.errorCode])
    const configs = await ask(DescribeConfigs, 4, { resources: [{ resourceType: 2, resourceName: 'acl-t', configurationKeys: ['retention.ms'] }, { resourceType: 4, resourceName: String(node), configurationKeys: ['log.retention.hours'] }], includeSynonyms: false, includeDocumentation: false })
    out.describeConfigsAsAlice = configs.results.map((r: { errorCode: number }) => r.errorCode)
    const groups = await ask(DescribeGroups, 5, { groups: ['g-1', 'h'], includeAuthorizedOperations: false })
    out.describeGroups = groups.groups.map((g: { groupId: string, errorCode: number }) => [g.groupId, g.errorCode])
    out.listGroups = (await ask(ListGroups, 4, { statesFilter: [] })).groups.map((g: { groupId: string }) => g.groupId).sort()
    out.deleteGroups = (await ask(DeleteGroups, 2, { groupsNames: ['h'] })).results.map((r: { groupId: string, errorCode: number }) => [r.groupId, r.errorCode])
    const offsetDelete = await ask(OffsetDelete, 0, { groupId: 'h', topics: [{ name: 'acl-t', partitions: [{ partitionIndex: 0 }] }] })
    out.offsetDelete = offsetDelete.errorCode
    const recordsDeleted = await ask(DeleteRecords, 2, { topics: [{ name: 'acl-t', partitions: [{ partitionIndex: 0, offset: 0n }] }], timeoutMs: 5000 })
    out.deleteRecords = recordsDeleted.topics[0].partitions[0].errorCode
    const partitions = await ask(CreatePartitions, 3, { topics: [{ name: 'acl-t', count: 2, assignments: null }], timeoutMs: 5000, validateOnly: true })
    out.createPartitions = partitions.results.map((r: { errorCode: number, errorMessage: string | null }) => [r.errorCode, r.errorMessage])
    const alter = await ask(AlterConfigs, 2, { resources: [{ resourceType: 2, resourceName: 'acl-t', configs: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: true })
    out.alterConfigs = alter.responses.map((r: { errorCode: number }) => r.errorCode)
    const scram = await ask(DescribeUserScramCredentials, 0, { users: [{ name: 'alice' }] })
    out.describeScram = [scram.errorCode, scram.results.map((r: { user: string, errorCode: number }) => [r.user, r.errorCode])]
    await adminApis(ask, out)
    await authorizedOperations(ask, admin, Admin.over(alice), out)

    const deleted = await admin.deleteAcls([{ principal: 'User:alice', operation: 'WRITE' }, { resourceType: 'GROUP' }, { resourceType: 'USER' }])
    out.deleted = deleted.map(d => [d.error?.errorName ?? null, sorted(d.deleted.map(x => x.acl))])
    await until('the deletions on the broker', async () => (await admin.describeAcls()).length === 1)
    out.remaining = sorted(await admin.describeAcls())
  } finally {
    await alice.close()
    await admin.close()
  }
  return out
}

type Ask = (api: Parameters<KafkaClient['request']>[1], maxVersion: number, body: unknown) => Promise<any>
type Codes = Array<{ errorCode: number }>

/**
 * The admin, replica, quota, quorum and inspection APIs and the KIP-848 group APIs, asked by a user without any
 * cluster ACL: the cluster checks of KafkaApis and ControllerApis, and the per-topic, per-group and
 * per-transactional-id ones. Messages are compared where Kafka's are not the whole request's description.
 */
async function adminApis (ask: Ask, out: Record<string, unknown>): Promise<void> {
  const logDirs = await ask(DescribeLogDirs, 4, { topics: null })
  out.describeLogDirs = [logDirs.errorCode, logDirs.results.length]
  const elected = await ask(ElectLeaders, 2, { electionType: 0, topicPartitions: [{ topic: 'acl-t', partitions: [0] }], timeoutMs: 5000 })
  out.electLeaders = [elected.errorCode, elected.replicaElectionResults.map((r: { topic: string, partitionResult: Codes }) => [r.topic, r.partitionResult.map(p => p.errorCode)])]
  const reassigned = await ask(AlterPartitionReassignments, 0, { timeoutMs: 5000, topics: [{ name: 'acl-t', partitions: [{ partitionIndex: 0, replicas: null }] }] })
  out.alterReassignments = [reassigned.errorCode, reassigned.responses.map((r: { name: string, partitions: Codes }) => [r.name, r.partitions.map(p => p.errorCode)])]
  const reassignments = await ask(ListPartitionReassignments, 0, { timeoutMs: 5000, topics: [{ name: 'acl-t', partitionIndexes: [0] }] })
  out.listReassignments = [reassignments.errorCode, reassignments.topics]
  const quotas = await ask(DescribeClientQuotas, 1, { components: [], strict: false })
  out.describeClientQuotas = [quotas.errorCode, quotas.errorMessage, quotas.entries]
  const altered = await ask(AlterClientQuotas, 1, { entries: [{ entity: [{ entityType: 'user', entityName: 'alice' }], ops: [{ key: 'producer_byte_rate', value: 1024, remove: false }] }], validateOnly: true })
  out.alterClientQuotas = altered.entries.map((e: { errorCode: number, errorMessage: string | null, entity: unknown }) => [e.errorCode, e.errorMessage, e.entity])
  const quorum = await ask(DescribeQuorum, 2, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] })
  out.describeQuorum = [quorum.errorCode, quorum.errorMessage, quorum.topics.length]
  const producers = await ask(DescribeProducers, 0, { topics: ['acl-t', 'acl-secret', 'nope'].map(name => ({ name, partitionIndexes: [0] })) })
  out.describeProducers = producers.topics.map((r: { name: string, partitions: Array<{ errorCode: number, errorMessage: string | null }> }) => [r.name, r.partitions[0].errorCode, r.partitions[0].errorMessage])
  const epochs = await ask(OffsetForLeaderEpoch, 4, { replicaId: -1, topics: ['nope', 'acl-t'].map(topic => ({ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] })) })
  out.offsetForLeaderEpoch = epochs.topics.map((r: { topic: string, partitions: Codes }) => [r.topic, r.partitions[0].errorCode])
  const txns = await ask(DescribeTransactions, 0, { transactionalIds: ['tx'] })
  out.describeTransactions = txns.transactionStates.map((s: { transactionalId: string, errorCode: number, transactionState: string }) => [s.transactionalId, s.errorCode, s.transactionState])
  out.listTransactions = (await ask(ListTransactions, 1, { stateFilters: [], producerIdFilters: [], durationFilter: -1n })).transactionStates
  const described = await ask(DescribeTopicPartitions, 0, { topics: ['acl-secret', 'nope', 'acl-t'].map(name => ({ name })), responsePartitionLimit: 100, cursor: null })
  out.describeTopicPartitions = described.topics.map((x: { name: string, errorCode: number, topicId: string }) => [x.name, x.errorCode, x.errorCode === 0 ? 'id' : x.topicId])
  const heartbeat = async (groupId: string, topics: string[]): Promise<number> => (await ask(ConsumerGroupHeartbeat, 1, {
    groupId, memberId: 'acl-member-0000000000a', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30000,
    subscribedTopicNames: topics, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: []
  })).errorCode
  out.heartbeatOtherGroup = await heartbeat('h', ['acl-t'])
  out.heartbeatHiddenTopic = await heartbeat('g-848', ['acl-t', 'nope'])
  out.heartbeatAllowed = await heartbeat('g-848', ['acl-t'])
  const groups = await ask(ConsumerGroupDescribe, 0, { groupIds: ['g-848', 'h'], includeAuthorizedOperations: false })
  out.consumerGroupDescribe = groups.groups.map((g: { groupId: string, errorCode: number }) => [g.groupId, g.errorCode])
}

/**
 * KIP-430 bit sets for alice (READ on acl-t, WRITE on acl-* but DENY WRITE on acl-secret, READ on g-*, nothing on
 * the cluster) and for the super user: raw per API, and through our Admin's includeAuthorizedOperations.
 */
async function authorizedOperations (ask: Ask, admin: Admin, alice: Admin, out: Record<string, unknown>): Promise<void> {
  const topics = ['acl-t', 'acl-secret', 'nope'].map(name => ({ name, topicId: ZERO_UUID }))
  const md = await ask(Metadata, 10, { topics, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: true, includeClusterAuthorizedOperations: true })
  out.opsMetadata = [md.clusterAuthorizedOperations, md.topics.map((x: { name: string, errorCode: number, topicAuthorizedOperations: number }) => [x.name, x.errorCode, x.topicAuthorizedOperations])]
  out.opsMetadataNotAsked = (await ask(Metadata, 12, { topics, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).topics.map((x: { topicAuthorizedOperations: number }) => x.topicAuthorizedOperations)
  const groups = await ask(DescribeGroups, 5, { groups: ['g-1', 'h'], includeAuthorizedOperations: true })
  out.opsDescribeGroups = groups.groups.map((g: { groupId: string, errorCode: number, authorizedOperations: number }) => [g.groupId, g.errorCode, g.authorizedOperations])
  const cgd = await ask(ConsumerGroupDescribe, 0, { groupIds: ['g-848', 'h'], includeAuthorizedOperations: true })
  out.opsConsumerGroupDescribe = cgd.groups.map((g: { groupId: string, errorCode: number, authorizedOperations: number }) => [g.groupId, g.errorCode, g.authorizedOperations])
  const dtp = await ask(DescribeTopicPartitions, 0, { topics: topics.map(x => ({ name: x.name })), responsePartitionLimit: 100, cursor: null })
  out.opsDescribeTopicPartitions = dtp.topics.map((x: { name: string, topicAuthorizedOperations: number }) => [x.name, x.topicAuthorizedOperations])
  out.opsDescribeCluster = (await ask(DescribeCluster, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 })).clusterAuthorizedOperations
  const decoded = async (who: Admin): Promise<unknown> => ({
    topics: (await who.describeTopics(['acl-t', 'acl-secret'], { includeAuthorizedOperations: true })).map(x => [x.name, [...x.authorizedOperations ?? []]]),
    cluster: [...(await who.describeCluster({ includeAuthorizedOperations: true })).authorizedOperations ?? []],
    groups: (await who.describeGroups(['g-1', 'g-848'], { includeAuthorizedOperations: true })).map(g => [g.groupId, g.error?.errorName ?? null, [...g.authorizedOperations ?? []]])
  })
  out.opsAdminAsAlice = await decoded(alice)
  out.opsAdminAsSuperUser = await decoded(admin)
}

t.test('the same ACLs give the same answers and the same authorization errors from real Kafka and the fake broker', { skip }, async t => {
  const kafka = await realKafkaFor(t, {
    listeners: ['SASL_PLAINTEXT'],
    users: USERS,
    authorizer: { superUsers: ['User:admin'] },
    config: { 'auto.create.topics.enable': false }
  })
  const real = await script(kafka.listeners.SASL_PLAINTEXT!)
  if (process.env.ACLS_DUMP !== undefined) t.comment(JSON.stringify(real, (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v, 1))
  const fake = await FakeCluster.start({
    listeners: ['PLAINTEXT://:0', 'SASL_PLAINTEXT://:0'],
    sasl: { users: USERS },
    authorizer: { superUsers: ['User:ANONYMOUS', 'User:admin'] }
  })
  t.teardown(() => fake.stop())
  const ours = await script(fake.bootstrapFor('SASL_PLAINTEXT'))
  for (const key of Object.keys(real)) t.same(ours[key], real[key], key)
  t.same(Object.keys(ours), Object.keys(real))
})
