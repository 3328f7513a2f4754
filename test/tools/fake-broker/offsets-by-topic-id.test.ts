import t from 'tap'
import { randomUUID } from 'node:crypto'
import { ApiVersions, OffsetCommit, OffsetFetch, type OffsetCommitResponse, type OffsetFetchResponse } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res } from '../../../protocol/acl-codes.js'
import type { FakeCluster } from '../../../tools/fake-broker/index.js'
import { clusterWithRawClient, type RawClient } from './raw-client.js'

// OffsetCommit v10 and OffsetFetch v10 name topics by id (KIP-848). The fake broker resolves each id to its topic as
// Kafka 4.4's KafkaApis does before the group coordinator sees the request: an id it does not know is answered
// UNKNOWN_TOPIC_ID for each of its partitions; OffsetCommit lists refused partitions first, then the coordinator's
// (OffsetCommitResponse.Builder); OffsetFetch lists the answered topics first, then the refused ones. Compared with
// Kafka 4.4 in test-interop/differential/ (corpus.ts).

const idOf = (cluster: FakeCluster, name: string): string => cluster.state.topics.get(name)?.id ?? 'missing'
const offset = (partitionIndex: number, committedOffset: bigint): { partitionIndex: number, committedOffset: bigint, committedLeaderEpoch: number, committedMetadata: string | null } =>
  ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, committedMetadata: null })

async function commitById (client: RawClient, topics: Array<{ topicId: string, partitions: Array<ReturnType<typeof offset>> }>, groupId = 'g'): Promise<OffsetCommitResponse> {
  return await client.request(OffsetCommit, 10, { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics })
}

async function fetchById (client: RawClient, topics: Array<{ topicId: string, partitionIndexes: number[] }> | null, groupId = 'g'): Promise<OffsetFetchResponse> {
  return await client.request(OffsetFetch, 10, { groups: [{ groupId, memberId: null, memberEpoch: -1, topics }], requireStable: false })
}

t.test('ApiVersions advertises OffsetCommit and OffsetFetch up to v10', async t => {
  const { client } = await clusterWithRawClient(t)
  const res = await client.request(ApiVersions, 3, { clientSoftwareName: 'kd', clientSoftwareVersion: '1' })
  const range = (key: number): unknown => res.apiKeys.find((k: { apiKey: number }) => k.apiKey === key)
  t.match(range(8), { minVersion: 0, maxVersion: 10 })
  t.match(range(9), { minVersion: 0, maxVersion: 10 })
})

t.test('OffsetCommit v10 commits to the topic its id names; an unknown id is UNKNOWN_TOPIC_ID, listed before the committed ones', async t => {
  const { cluster, client } = await clusterWithRawClient(t)
  const id = idOf(cluster, 't')
  const unknown = randomUUID()
  const res = await commitById(client, [
    { topicId: id, partitions: [offset(0, 5n), offset(7, 1n), offset(1, 9n)] },
    { topicId: unknown, partitions: [offset(0, 3n)] }
  ])
  t.same(res.topics.map(x => [x.topicId, x.partitions]), [
    // The refused partitions come first, then the coordinator's answer merged into the same topic's entry.
    [id, [{ partitionIndex: 7, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }, { partitionIndex: 0, errorCode: ErrorCode.NONE }, { partitionIndex: 1, errorCode: ErrorCode.NONE }]],
    [unknown, [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_ID }]]
  ])
  t.same(cluster.state.groups.committed('g', 't', 0)?.offset, 5n, 'stored under the topic name')
  t.same(cluster.state.groups.committed('g', 't', 1)?.offset, 9n)
  // By name (v9), the same offsets read back.
  const v9 = await client.request(OffsetFetch, 9, { groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics: [{ name: 't', partitionIndexes: [0, 1] }] }], requireStable: false })
  t.same(v9.groups[0].topics[0].partitions.map(p => p.committedOffset), [5n, 9n])
})

t.test('OffsetCommit v10: an unknown id is answered before authorization; a group without READ refuses every partition', async t => {
  const { cluster, client } = await clusterWithRawClient(t, { authorizer: {} })
  cluster.state.acls.create({ resourceType: Res.GROUP, resourceName: 'g', patternType: Pat.LITERAL, principal: 'User:ANONYMOUS', host: '*', operation: Op.READ, permissionType: Perm.ALLOW })
  const unknown = randomUUID()
  const res = await commitById(client, [{ topicId: idOf(cluster, 't'), partitions: [offset(0, 1n)] }, { topicId: unknown, partitions: [offset(0, 1n)] }])
  t.same(res.topics.map(x => [x.topicId, x.partitions[0].errorCode]), [[idOf(cluster, 't'), ErrorCode.TOPIC_AUTHORIZATION_FAILED], [unknown, ErrorCode.UNKNOWN_TOPIC_ID]])
  const denied = await commitById(client, [{ topicId: unknown, partitions: [offset(0, 1n)] }], 'other')
  t.same(denied.topics.map(x => [x.topicId, x.partitions[0].errorCode]), [[unknown, ErrorCode.GROUP_AUTHORIZATION_FAILED]])
})

t.test('OffsetCommit v10 to a group whose member is wrong: the known partitions get the member error, the unknown id its own', async t => {
  const { cluster, client } = await clusterWithRawClient(t)
  const unknown = randomUUID()
  const res = await client.request<OffsetCommitResponse>(OffsetCommit, 10, {
    groupId: 'g', generationIdOrMemberEpoch: 3, memberId: 'nobody', groupInstanceId: null,
    topics: [{ topicId: idOf(cluster, 't'), partitions: [offset(0, 1n)] }, { topicId: unknown, partitions: [offset(0, 1n)] }]
  })
  t.same(res.topics.map(x => [x.topicId, x.partitions[0].errorCode]), [[unknown, ErrorCode.UNKNOWN_TOPIC_ID], [idOf(cluster, 't'), ErrorCode.GROUP_ID_NOT_FOUND]])
  t.equal(cluster.state.groups.committed('g', 't', 0), undefined, 'nothing committed')
})

t.test('OffsetFetch v10 reads by id, answers an unknown id UNKNOWN_TOPIC_ID after the rest, and gives ids for every topic', async t => {
  const { cluster, client } = await clusterWithRawClient(t, { topics: [{ name: 't', partitions: 2 }, { name: 'u', partitions: 1 }] })
  const [t1, u1] = [idOf(cluster, 't'), idOf(cluster, 'u')]
  t.equal((await commitById(client, [{ topicId: t1, partitions: [offset(1, 4n)] }, { topicId: u1, partitions: [offset(0, 2n)] }])).topics.length, 2)
  const unknown = randomUUID()
  const res = await fetchById(client, [{ topicId: unknown, partitionIndexes: [0] }, { topicId: t1, partitionIndexes: [0, 1] }])
  t.same(res.groups[0].topics.map(x => [x.topicId, x.partitions.map(p => [p.partitionIndex, p.committedOffset, p.errorCode])]), [
    [t1, [[0, -1n, ErrorCode.NONE], [1, 4n, ErrorCode.NONE]]],
    [unknown, [[0, -1n, ErrorCode.UNKNOWN_TOPIC_ID]]]
  ])
  const all = await fetchById(client, null)
  t.same(all.groups[0].topics.map(x => [x.topicId, x.partitions.map(p => p.committedOffset)]).sort(), [[t1, [4n]], [u1, [2n]]].sort())
  // A topic deleted since has no id: an all-topics answer by id leaves it out.
  cluster.state.deleteTopic('u')
  t.same((await fetchById(client, null)).groups[0].topics.map(x => x.topicId), [t1])
})

t.test('OffsetFetch v10: an unknown id is UNKNOWN_TOPIC_ID even where the topic may not be described; a described one is refused', async t => {
  const { cluster, client } = await clusterWithRawClient(t, { authorizer: {} })
  cluster.state.acls.create({ resourceType: Res.GROUP, resourceName: 'g', patternType: Pat.LITERAL, principal: 'User:ANONYMOUS', host: '*', operation: Op.DESCRIBE, permissionType: Perm.ALLOW })
  const unknown = randomUUID()
  const res = await fetchById(client, [{ topicId: idOf(cluster, 't'), partitionIndexes: [0] }, { topicId: unknown, partitionIndexes: [0] }])
  t.same(res.groups[0].topics.map(x => [x.topicId, x.partitions[0].errorCode]), [[idOf(cluster, 't'), ErrorCode.TOPIC_AUTHORIZATION_FAILED], [unknown, ErrorCode.UNKNOWN_TOPIC_ID]])
})
