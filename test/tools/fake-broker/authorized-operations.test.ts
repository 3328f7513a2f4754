import t from 'tap'
import { ConsumerGroupDescribe, ConsumerGroupHeartbeat, DescribeCluster, DescribeGroups, DescribeTopicPartitions, Metadata } from '../../../protocol/apis/index.js'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res, CLUSTER_RESOURCE_NAME } from '../../../protocol/acl-codes.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { FakeCluster, type FakeClusterOptions } from '../../../tools/fake-broker/index.js'
import type { AclBinding } from '../../../tools/fake-broker/acl-store.js'
import { RawClient } from './raw-client.js'

// Authorized-operation bit sets (KIP-430) as Kafka 4.4 computes them (AuthHelper.authorizedOperations over
// AclEntry.supportedOperations): bit n for AclOperation code n. The expected values are written out by hand from
// the codes (READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9, DESCRIBE_CONFIGS 10,
// ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12), not from the encoder. Clients here are User:ANONYMOUS (PLAINTEXT).

const OMITTED = -2147483648
// READ|WRITE|CREATE|DELETE|ALTER|DESCRIBE|DESCRIBE_CONFIGS|ALTER_CONFIGS = 8+16+32+64+128+256+1024+2048
const ALL_TOPIC = 3576
// READ|DELETE|DESCRIBE|DESCRIBE_CONFIGS|ALTER_CONFIGS = 8+64+256+1024+2048
const ALL_GROUP = 3400
// CREATE|ALTER|DESCRIBE|CLUSTER_ACTION|DESCRIBE_CONFIGS|ALTER_CONFIGS|IDEMPOTENT_WRITE = 32+128+256+512+1024+2048+4096
const ALL_CLUSTER = 8096
const READ_DESCRIBE = 8 + 256
const ZERO = '00000000-0000-0000-0000-000000000000'

async function setup (t: any, opts: FakeClusterOptions = {}): Promise<{ cluster: FakeCluster, client: RawClient }> {
  const cluster = await FakeCluster.start({ topics: [{ name: 'orders' }, { name: 'secret' }], ...opts })
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  return { cluster, client }
}

function allow (cluster: FakeCluster, acl: Partial<AclBinding>): void {
  cluster.state.acls.create({ resourceType: Res.TOPIC, resourceName: 'orders', patternType: Pat.LITERAL, principal: 'User:ANONYMOUS', host: '*', operation: Op.READ, permissionType: Perm.ALLOW, ...acl })
}
const onCluster = (operation: number, permissionType: number = Perm.ALLOW): Partial<AclBinding> => ({ resourceType: Res.CLUSTER, resourceName: CLUSTER_RESOURCE_NAME, operation, permissionType })

type Ask = (topics: string[] | null, asked: boolean, version?: number, cluster?: boolean) => Promise<Array<[string | null, number, number]>>
function metadataAsker (client: RawClient): Ask {
  return async (topics, asked, version = 12, cluster = false) => {
    const res = await client.request(Metadata, version, { topics: topics === null ? null : topics.map(name => ({ name, topicId: ZERO })), allowAutoTopicCreation: false, includeTopicAuthorizedOperations: asked, includeClusterAuthorizedOperations: cluster })
    return res.topics.map((x: { name: string | null, errorCode: number, topicAuthorizedOperations: number }) => [x.name, x.errorCode, x.topicAuthorizedOperations])
  }
}

async function clusterOps (client: RawClient, asked = true): Promise<{ metadata: number, describeCluster: number }> {
  const md = await client.request(Metadata, 10, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false, includeClusterAuthorizedOperations: asked })
  const dc = await client.request(DescribeCluster, 1, { includeClusterAuthorizedOperations: asked, endpointType: 1 })
  return { metadata: md.clusterAuthorizedOperations, describeCluster: dc.clusterAuthorizedOperations }
}

t.test('without an authorizer every supported operation is authorized; not asked is INT32_MIN', async t => {
  const { client } = await setup(t)
  const ask = metadataAsker(client)
  t.same(await ask(['orders', 'missing', 'bad/name'], true), [['orders', ErrorCode.NONE, ALL_TOPIC], ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ALL_TOPIC], ['bad/name', ErrorCode.INVALID_TOPIC_EXCEPTION, ALL_TOPIC]], 'found or not, as KafkaApis')
  t.same(await ask(null, true, 8), [['orders', ErrorCode.NONE, ALL_TOPIC], ['secret', ErrorCode.NONE, ALL_TOPIC]], 'all topics, v8 (the first with the field)')
  t.same(await ask(['orders'], false), [['orders', ErrorCode.NONE, OMITTED]])
  t.same(await clusterOps(client), { metadata: ALL_CLUSTER, describeCluster: ALL_CLUSTER })
  t.same(await clusterOps(client, false), { metadata: OMITTED, describeCluster: OMITTED })
  const md11 = await client.request(Metadata, 11, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
  t.equal(md11.clusterAuthorizedOperations, OMITTED, 'v11+ has no cluster field')
  const groups = await client.request(DescribeGroups, 5, { groups: ['g'], includeAuthorizedOperations: true })
  t.same([groups.groups[0].groupState, groups.groups[0].errorCode, groups.groups[0].authorizedOperations], ['Dead', ErrorCode.NONE, ALL_GROUP], 'a Dead group answered without error carries them')
  t.equal((await client.request(DescribeGroups, 5, { groups: ['g'], includeAuthorizedOperations: false })).groups[0].authorizedOperations, OMITTED)
  t.equal((await client.request(DescribeGroups, 6, { groups: ['g'], includeAuthorizedOperations: true })).groups[0].authorizedOperations, OMITTED, 'GROUP_ID_NOT_FOUND (v6) keeps INT32_MIN')
  const dtp = await client.request(DescribeTopicPartitions, 0, { topics: [{ name: 'missing' }, { name: 'orders' }], responsePartitionLimit: 100, cursor: null })
  t.same(dtp.topics.map((x: { name: string, topicAuthorizedOperations: number }) => [x.name, x.topicAuthorizedOperations]), [['missing', ALL_TOPIC], ['orders', ALL_TOPIC]], 'DescribeTopicPartitions always answers them')
})

t.test('Metadata with an authorizer: granted and implied operations; refused topics and unknown ids keep INT32_MIN', async t => {
  const { client, cluster } = await setup(t, { authorizer: {} })
  const ask = metadataAsker(client)
  allow(cluster, { operation: Op.READ })
  t.same(await ask(['orders', 'secret'], true), [['orders', ErrorCode.NONE, READ_DESCRIBE], ['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED, OMITTED]], 'READ implies DESCRIBE')
  allow(cluster, { operation: Op.ALTER_CONFIGS })
  allow(cluster, { operation: Op.DELETE })
  // READ|DELETE|DESCRIBE|DESCRIBE_CONFIGS|ALTER_CONFIGS
  t.same(await ask(['orders'], true), [['orders', ErrorCode.NONE, 8 + 64 + 256 + 1024 + 2048]], 'ALTER_CONFIGS implies DESCRIBE_CONFIGS')
  allow(cluster, { resourceName: 'or', patternType: Pat.PREFIXED, operation: Op.WRITE })
  allow(cluster, { resourceName: '*', operation: Op.CREATE })
  t.same(await ask(['orders'], true), [['orders', ErrorCode.NONE, 8 + 16 + 32 + 64 + 256 + 1024 + 2048]], 'PREFIXED and wildcard ACLs count')
  allow(cluster, { operation: Op.WRITE, permissionType: Perm.DENY })
  t.same(await ask(['orders'], true), [['orders', ErrorCode.NONE, 8 + 32 + 64 + 256 + 1024 + 2048]], 'a DENY removes its own operation only')
  allow(cluster, { operation: Op.ALL, principal: 'User:*' })
  t.same(await ask(['orders'], true), [['orders', ErrorCode.NONE, ALL_TOPIC - 16]], 'ALL for User:* allows every supported operation but the denied one')
  allow(cluster, { operation: Op.DESCRIBE, permissionType: Perm.DENY })
  t.same(await ask(['orders'], true), [['orders', ErrorCode.TOPIC_AUTHORIZATION_FAILED, OMITTED]], 'DESCRIBE denied: refused, no bit set')
  const secretId = cluster.state.topics.get('secret')!.id
  const byId = await client.request(Metadata, 12, { topics: [{ name: null, topicId: secretId }, { name: null, topicId: '11111111-1111-1111-1111-111111111111' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: true })
  t.same(byId.topics.map((x: { errorCode: number, topicAuthorizedOperations: number }) => [x.errorCode, x.topicAuthorizedOperations]), [[ErrorCode.TOPIC_AUTHORIZATION_FAILED, OMITTED], [ErrorCode.UNKNOWN_TOPIC_ID, OMITTED]])
  allow(cluster, { resourceName: 'secret', operation: Op.DESCRIBE })
  const byId2 = await client.request(Metadata, 12, { topics: [{ name: null, topicId: secretId }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: true })
  t.equal(byId2.topics[0].topicAuthorizedOperations, 32 + 256, 'by id: what the caller may do to the topic it names (CREATE from the wildcard ACL)')
})

t.test('auto-creation: a created topic carries them, one refused for CREATE keeps INT32_MIN', async t => {
  const { client, cluster } = await setup(t, { authorizer: {}, autoCreateTopics: true })
  allow(cluster, { resourceName: 'new', patternType: Pat.PREFIXED, operation: Op.DESCRIBE })
  allow(cluster, { resourceName: 'new-made', operation: Op.CREATE })
  const res = await client.request(Metadata, 12, { topics: [{ name: 'new-made', topicId: ZERO }, { name: 'new-refused', topicId: ZERO }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: true })
  t.same(res.topics.map((x: { name: string, errorCode: number, topicAuthorizedOperations: number }) => [x.name, x.errorCode, x.topicAuthorizedOperations]), [['new-made', ErrorCode.NONE, 32 + 256], ['new-refused', ErrorCode.TOPIC_AUTHORIZATION_FAILED, OMITTED]])
})

t.test('the cluster: 0 without DESCRIBE on it, else what the caller may do; a super user gets every supported operation', async t => {
  const { client, cluster } = await setup(t, { authorizer: {} })
  t.same(await clusterOps(client), { metadata: 0, describeCluster: 0 }, 'no DESCRIBE on the cluster')
  allow(cluster, onCluster(Op.IDEMPOTENT_WRITE))
  t.same(await clusterOps(client), { metadata: 0, describeCluster: 0 }, 'IDEMPOTENT_WRITE does not imply DESCRIBE: still 0')
  allow(cluster, onCluster(Op.ALTER))
  t.same(await clusterOps(client), { metadata: 128 + 256 + 4096, describeCluster: 128 + 256 + 4096 }, 'ALTER implies DESCRIBE')
  allow(cluster, onCluster(Op.ALTER_CONFIGS))
  allow(cluster, onCluster(Op.CREATE, Perm.DENY))
  t.same(await clusterOps(client), { metadata: 128 + 256 + 1024 + 2048 + 4096, describeCluster: 128 + 256 + 1024 + 2048 + 4096 })
  t.same(await clusterOps(client, false), { metadata: OMITTED, describeCluster: OMITTED })

  const su = await setup(t, { authorizer: { superUsers: ['User:ANONYMOUS'] } })
  t.same(await clusterOps(su.client), { metadata: ALL_CLUSTER, describeCluster: ALL_CLUSTER })
  t.same(await metadataAsker(su.client)(['orders'], true), [['orders', ErrorCode.NONE, ALL_TOPIC]])
  allow(su.cluster, { operation: Op.ALL, permissionType: Perm.DENY })
  t.same(await metadataAsker(su.client)(['orders'], true), [['orders', ErrorCode.NONE, ALL_TOPIC]], 'a super user is not denied')
  t.equal((await su.client.request(DescribeGroups, 5, { groups: ['g'], includeAuthorizedOperations: true })).groups[0].authorizedOperations, ALL_GROUP)
})

t.test('allowEveryoneIfNoAclFound: a resource no ACL covers allows everything', async t => {
  const { client, cluster } = await setup(t, { authorizer: { allowEveryoneIfNoAclFound: true } })
  allow(cluster, { principal: 'User:bob', operation: Op.READ })
  t.same(await metadataAsker(client)(['orders', 'secret'], true), [['secret', ErrorCode.NONE, ALL_TOPIC], ['orders', ErrorCode.TOPIC_AUTHORIZATION_FAILED, OMITTED]], 'an ACL for someone else covers orders (refused: listed last)')
  t.same(await clusterOps(client), { metadata: ALL_CLUSTER, describeCluster: ALL_CLUSTER })
})

t.test('DescribeGroups and ConsumerGroupDescribe: the described groups carry them, refused and failed ones INT32_MIN', async t => {
  const { client, cluster } = await setup(t, { authorizer: {} })
  allow(cluster, { resourceType: Res.GROUP, resourceName: 'g', operation: Op.READ })
  allow(cluster, { resourceType: Res.GROUP, resourceName: 'g', operation: Op.DELETE })
  allow(cluster, { operation: Op.DESCRIBE })
  const dg = await client.request(DescribeGroups, 3, { groups: ['h', 'g'], includeAuthorizedOperations: true })
  t.same(dg.groups.map((g: { groupId: string, errorCode: number, authorizedOperations: number }) => [g.groupId, g.errorCode, g.authorizedOperations]), [['h', ErrorCode.GROUP_AUTHORIZATION_FAILED, OMITTED], ['g', ErrorCode.NONE, 8 + 64 + 256]])
  const join = await client.request(ConsumerGroupHeartbeat, 1, {
    groupId: 'g', memberId: 'm1', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30000,
    subscribedTopicNames: ['orders'], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: []
  })
  t.equal(join.errorCode, ErrorCode.NONE)
  const describe = async (includeAuthorizedOperations: boolean): Promise<Array<[string, number, number]>> =>
    (await client.request(ConsumerGroupDescribe, 1, { groupIds: ['g', 'h'], includeAuthorizedOperations })).groups.map((g: { groupId: string, errorCode: number, authorizedOperations: number }) => [g.groupId, g.errorCode, g.authorizedOperations])
  t.same(await describe(true), [['h', ErrorCode.GROUP_AUTHORIZATION_FAILED, OMITTED], ['g', ErrorCode.NONE, 8 + 64 + 256]])
  t.same(await describe(false), [['h', ErrorCode.GROUP_AUTHORIZATION_FAILED, OMITTED], ['g', ErrorCode.NONE, OMITTED]])
  allow(cluster, { resourceType: Res.GROUP, resourceName: 'h', operation: Op.DESCRIBE })
  const missing = await client.request(ConsumerGroupDescribe, 0, { groupIds: ['h'], includeAuthorizedOperations: true })
  t.same([missing.groups[0].errorCode, missing.groups[0].authorizedOperations], [ErrorCode.GROUP_ID_NOT_FOUND, OMITTED], 'not found: INT32_MIN')
})

t.test('DescribeTopicPartitions: granted operations on the topics answered, INT32_MIN on refused ones', async t => {
  const { client, cluster } = await setup(t, { authorizer: {} })
  allow(cluster, { operation: Op.WRITE })
  const res = await client.request(DescribeTopicPartitions, 0, { topics: [{ name: 'secret' }, { name: 'orders' }], responsePartitionLimit: 100, cursor: null })
  t.same(res.topics.map((x: { name: string, errorCode: number, topicAuthorizedOperations: number }) => [x.name, x.errorCode, x.topicAuthorizedOperations]), [['orders', ErrorCode.NONE, 16 + 256], ['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED, OMITTED]])
})

t.test('DescribeCluster: brokers, controller, fenced brokers (v2) and endpoint type errors', async t => {
  const { client, cluster } = await setup(t, { brokers: 3 })
  const v0 = await client.request(DescribeCluster, 0, { includeClusterAuthorizedOperations: false })
  t.same([v0.errorCode, v0.errorMessage, v0.clusterId, v0.controllerId, v0.brokers.map((b: { brokerId: number }) => b.brokerId)], [ErrorCode.NONE, null, cluster.state.clusterId, 1, [1, 2, 3]])
  t.same(v0.brokers[0], { brokerId: 1, host: '127.0.0.1', port: Number(cluster.bootstrap.split(',')[0].split(':')[1]), rack: null, isFenced: false })
  await cluster.stopBroker(3)
  const v2 = async (includeFencedBrokers: boolean): Promise<any> => await client.request(DescribeCluster, 2, { includeClusterAuthorizedOperations: false, endpointType: 1, includeFencedBrokers })
  const live = await v2(false)
  t.same([live.controllerId, live.endpointType, live.brokers.map((b: { brokerId: number }) => b.brokerId)], [1, 1, [1, 2]], 'a stopped broker is left out')
  t.same((await v2(true)).brokers.map((b: { brokerId: number, isFenced: boolean }) => [b.brokerId, b.isFenced]), [[1, false], [2, false], [3, true]], 'or listed fenced when asked')
  const controllers = await client.request(DescribeCluster, 1, { includeClusterAuthorizedOperations: true, endpointType: 2 })
  t.same(controllers, { throttleTimeMs: 0, errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE, errorMessage: 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER', endpointType: 1, clusterId: '', controllerId: -1, brokers: [], clusterAuthorizedOperations: OMITTED })
  const unknown = await client.request(DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 7 })
  t.same([unknown.errorCode, unknown.errorMessage], [ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, 'Unsupported endpoint type 7'])
})
