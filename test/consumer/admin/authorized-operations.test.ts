import t from 'tap'
import { Admin } from '../../../consumer/admin/index.js'
import { ConsumerGroupHeartbeat, OffsetCommit } from '../../../protocol/apis/index.js'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res, CLUSTER_RESOURCE_NAME } from '../../../protocol/acl-codes.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { UnsupportedVersionError } from '../../../protocol/errors.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import type { AclBinding } from '../../../tools/fake-broker/acl-store.js'
import { apiVersionsBody, startRawBroker, type RawBroker, type RawRequest } from '../raw-broker.js'

// The Admin's includeAuthorizedOperations (KIP-430) on describeTopics, describeCluster and describeGroups: against
// the fake broker without an authorizer (every supported operation) and with one (a SASL user's ACLs, implied
// operations), and against hand-driven brokers for the fall-backs and refusals.

const TOPIC_OPS = ['READ', 'WRITE', 'CREATE', 'DELETE', 'ALTER', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS']
const CLUSTER_OPS = ['CREATE', 'ALTER', 'DESCRIBE', 'CLUSTER_ACTION', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE']
const GROUP_OPS = ['READ', 'DELETE', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS']
const names = (ops: Set<string> | undefined): string[] | undefined => ops === undefined ? undefined : [...ops]

async function makeGroups (admin: Admin): Promise<void> {
  const node = admin.client.knownBrokers()[0].nodeId
  // By name: v10 names topics by id, and this body gives none (the fake would answer UNKNOWN_TOPIC_ID).
  const commit = await admin.client.request(node, OffsetCommit, { groupId: 'classic', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: null }] }] }, { maxVersion: 9 })
  if (commit.body.topics[0].partitions[0].errorCode !== ErrorCode.NONE) throw new Error('commit failed')
  const hb = await admin.client.request(node, ConsumerGroupHeartbeat, { groupId: 'kip848', memberId: 'm1', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30000, subscribedTopicNames: ['orders'], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [] })
  if (hb.body.errorCode !== ErrorCode.NONE) throw new Error('heartbeat failed')
}

t.test('without an authorizer: every supported operation, only when asked', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'orders' }] })
  t.teardown(() => cluster.stop())
  const admin = await Admin.connect({ 'bootstrap.servers': cluster.bootstrap })
  t.teardown(() => admin.close())
  const [orders, missing] = await admin.describeTopics(['orders', 'missing'], { includeAuthorizedOperations: true })
  t.same([orders.name, orders.errorCode, names(orders.authorizedOperations)], ['orders', ErrorCode.NONE, TOPIC_OPS])
  t.same([missing.errorCode, names(missing.authorizedOperations)], [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, TOPIC_OPS])
  t.same((await admin.describeTopics(undefined, { includeAuthorizedOperations: true })).map(x => x.name), ['orders'], 'all topics')
  t.notOk('authorizedOperations' in (await admin.describeTopics(['orders']))[0], 'not asked: not there')
  const described = await admin.describeCluster({ includeAuthorizedOperations: true })
  t.same([described.clusterId, described.controllerId, described.brokers.map(b => b.nodeId), names(described.authorizedOperations)], [cluster.state.clusterId, 1, [1], CLUSTER_OPS])
  t.equal((await admin.describeCluster()).authorizedOperations, undefined)
  await makeGroups(admin)
  const groups = await admin.describeGroups(['classic', 'kip848', 'none'], { includeAuthorizedOperations: true })
  t.same(groups.map(g => [g.groupId, g.type, g.error?.errorName ?? null, names(g.authorizedOperations)]), [
    ['classic', 'classic', null, GROUP_OPS], ['kip848', 'consumer', null, GROUP_OPS], ['none', 'classic', 'GROUP_ID_NOT_FOUND', undefined]
  ])
  t.same((await admin.describeGroups(['classic', 'kip848'])).map(g => g.authorizedOperations), [undefined, undefined])
})

t.test('with an authorizer: a SASL user\'s ACLs and the operations they imply; refused resources say nothing', async t => {
  const cluster = await FakeCluster.start({
    topics: [{ name: 'orders' }, { name: 'secret' }],
    sasl: { users: { admin: 'admin-secret', alice: 'alice-secret' }, mechanisms: ['PLAIN'] },
    authorizer: { superUsers: ['User:admin'] }
  })
  t.teardown(() => cluster.stop())
  const acl = (over: Partial<AclBinding>): void => {
    cluster.state.acls.create({ resourceType: Res.TOPIC, resourceName: 'orders', patternType: Pat.LITERAL, principal: 'User:alice', host: '*', operation: Op.READ, permissionType: Perm.ALLOW, ...over })
  }
  acl({})
  acl({ operation: Op.ALTER_CONFIGS })
  acl({ resourceType: Res.GROUP, resourceName: '*', operation: Op.DELETE })
  acl({ resourceType: Res.GROUP, resourceName: 'c', patternType: Pat.PREFIXED, operation: Op.READ })
  const login = async (user: string): Promise<Admin> => {
    const admin = await Admin.connect({ 'bootstrap.servers': cluster.bootstrap, 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'PLAIN', 'sasl.username': user, 'sasl.password': `${user}-secret`, retries: 0 })
    t.teardown(() => admin.close())
    return admin
  }
  const alice = await login('alice')
  const topics = await alice.describeTopics(['orders', 'secret'], { includeAuthorizedOperations: true })
  t.same(topics.map(x => [x.name, x.errorCode, names(x.authorizedOperations)]), [['orders', ErrorCode.NONE, ['READ', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS']], ['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED, undefined]])
  t.same(names((await alice.describeCluster({ includeAuthorizedOperations: true })).authorizedOperations), [], 'no DESCRIBE on the cluster: nothing')
  acl({ resourceType: Res.CLUSTER, resourceName: CLUSTER_RESOURCE_NAME, operation: Op.IDEMPOTENT_WRITE })
  acl({ resourceType: Res.CLUSTER, resourceName: CLUSTER_RESOURCE_NAME, operation: Op.ALTER })
  t.same(names((await alice.describeCluster({ includeAuthorizedOperations: true })).authorizedOperations), ['ALTER', 'DESCRIBE', 'IDEMPOTENT_WRITE'])
  const admin = await login('admin')
  t.same(names((await admin.describeCluster({ includeAuthorizedOperations: true })).authorizedOperations), CLUSTER_OPS, 'a super user: everything')
  t.same(names((await admin.describeTopics(['secret'], { includeAuthorizedOperations: true }))[0].authorizedOperations), TOPIC_OPS)
  await makeGroups(admin)
  const groups = await alice.describeGroups(['classic', 'kip848'], { includeAuthorizedOperations: true })
  t.same(groups.map(g => [g.groupId, g.error?.errorName ?? null, names(g.authorizedOperations)]), [['classic', null, ['READ', 'DELETE', 'DESCRIBE']], ['kip848', null, ['DELETE', 'DESCRIBE']]], 'READ by a PREFIXED ACL, DELETE by the wildcard; both imply DESCRIBE')
})

/** A broker of one node (id 1) that serves ApiVersions with `apis` and answers the rest with `answer`. */
async function broker (t: Tap.Test, apis: Array<[number, number, number]>, answer: (req: RawRequest) => void): Promise<RawBroker> {
  const b = await startRawBroker(req => {
    if (req.api.name === 'ApiVersions') req.reply(apiVersionsBody([[18, 0, 3], ...apis]))
    else answer(req)
  })
  t.teardown(() => b.close())
  return b
}

function metadataBody (port: number, extra: object = {}): object {
  return { brokers: [{ nodeId: 1, host: '127.0.0.1', port, rack: null }], clusterId: 'c', controllerId: 1, topics: [], ...extra }
}

t.test('describeCluster from a broker without DescribeCluster: Metadata v8-10; older brokers cannot say', async t => {
  let port = 0
  const asked: Array<[number, boolean]> = []
  const b = await broker(t, [[3, 0, 12]], req => {
    const body = req.body as { includeClusterAuthorizedOperations: boolean }
    if (req.header.apiVersion <= 10) asked.push([req.header.apiVersion, body.includeClusterAuthorizedOperations])
    // CREATE (5) | DESCRIBE (8) = 32 + 256
    req.reply(metadataBody(port, { clusterAuthorizedOperations: 288 }))
  })
  port = b.port
  const admin = await Admin.connect({ bootstrapServers: b.address })
  t.teardown(() => admin.close())
  const described = await admin.describeCluster({ includeAuthorizedOperations: true })
  t.same([described.clusterId, names(described.authorizedOperations)], ['c', ['CREATE', 'DESCRIBE']])
  t.same(asked, [[10, true]], 'Metadata v10, the last with the field, asking')

  let oldPort = 0
  const old = await broker(t, [[3, 0, 7]], req => { req.reply(metadataBody(oldPort)) })
  oldPort = old.port
  const oldAdmin = await Admin.connect({ bootstrapServers: old.address })
  t.teardown(() => oldAdmin.close())
  await t.rejects(oldAdmin.describeCluster({ includeAuthorizedOperations: true }), UnsupportedVersionError)
  await t.rejects(oldAdmin.describeTopics(['x'], { includeAuthorizedOperations: true }), UnsupportedVersionError)
})

t.test('describeCluster: a DescribeCluster error is thrown; a broker that leaves the bit set unset is refused', async t => {
  let port = 0
  let errorCode: number = ErrorCode.CLUSTER_AUTHORIZATION_FAILED
  const b = await broker(t, [[3, 0, 12], [60, 0, 1]], req => {
    if (req.api.name === 'Metadata') req.reply(metadataBody(port))
    else req.reply({ throttleTimeMs: 0, errorCode, errorMessage: null, clusterId: 'c', controllerId: 1, brokers: [], clusterAuthorizedOperations: -2147483648 })
  })
  port = b.port
  const admin = await Admin.connect({ bootstrapServers: b.address, retries: 0 })
  t.teardown(() => admin.close())
  await t.rejects(admin.describeCluster({ includeAuthorizedOperations: true }), { errorName: 'CLUSTER_AUTHORIZATION_FAILED' })
  errorCode = ErrorCode.NONE
  await t.rejects(admin.describeCluster({ includeAuthorizedOperations: true }), /did not answer the cluster's authorized operations/)
})

t.test('describeTopics: a top-level Metadata error is thrown', async t => {
  let port = 0
  let first = true
  const b = await broker(t, [[3, 0, 13]], req => {
    const errorCode = first ? ErrorCode.NONE : ErrorCode.REBOOTSTRAP_REQUIRED
    first = false
    req.reply(metadataBody(port, { errorCode }))
  })
  port = b.port
  const admin = await Admin.connect({ bootstrapServers: b.address, retries: 0 })
  t.teardown(() => admin.close())
  await t.rejects(admin.describeTopics(['x'], { includeAuthorizedOperations: true }), { errorName: 'REBOOTSTRAP_REQUIRED' })
})

t.test('describeCluster: a DescribeCluster that fails otherwise than unsupported is not retried with Metadata', async t => {
  let port = 0
  let metadataCalls = 0
  const b = await broker(t, [[3, 0, 12], [60, 0, 1]], req => {
    if (req.api.name === 'Metadata') { metadataCalls++; req.reply(metadataBody(port)) }
    // DescribeCluster: no answer at all, so the request times out.
  })
  port = b.port
  const admin = await Admin.connect({ bootstrapServers: b.address, retries: 0, requestTimeoutMs: 300 })
  t.teardown(() => admin.close())
  const before = metadataCalls
  await t.rejects(admin.describeCluster({ includeAuthorizedOperations: true }), { name: 'TimeoutError' })
  t.equal(metadataCalls, before, 'no fall-back to Metadata')
})
