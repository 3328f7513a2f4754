import t from 'tap'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { KafkaClient } from '../../../consumer/cluster.js'
import { GroupOffsets } from '../../../consumer/coordinator/index.js'
import { GroupConsumer } from '../../../consumer/group/index.js'
import { DeleteGroups, type DeleteGroupsResponse } from '../../../protocol/apis/delete-groups.js'
import { OffsetDelete, type OffsetDeleteResponse } from '../../../protocol/apis/offset-delete.js'
import { ErrorCode } from '../../../protocol/error-codes.js'

// The fake broker's DeleteGroups (42) and OffsetDelete (47), as Kafka's coordinator answers them.

async function setup (t: Tap.Test): Promise<{ cluster: FakeCluster, client: KafkaClient, offsets: GroupOffsets }> {
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 2 }, { name: 'u', partitions: 1 }] })
  const client = new KafkaClient({ bootstrapServers: cluster.bootstrap })
  t.teardown(async () => { await client.close(); await cluster.stop() })
  return { cluster, client, offsets: new GroupOffsets(client) }
}

t.test('DeleteGroups removes an empty group with its offsets; unknown and non-empty groups are refused', async t => {
  const { client, offsets, cluster } = await setup(t)
  await offsets.commit('gone', [{ topic: 't', partition: 0, offset: 5n }])
  const member = new GroupConsumer({ bootstrapServers: cluster.bootstrap, 'group.id': 'busy', 'fetch.wait.max.ms': 20 })
  t.teardown(() => member.close())
  member.subscribe(['t'])
  const it = member[Symbol.asyncIterator]()
  const pending = it.next()
  while (member.assignment().length === 0) await new Promise(resolve => setTimeout(resolve, 10))
  const nodeId = await offsets.coordinators.get('gone')
  const res = await client.request<DeleteGroupsResponse>(nodeId, DeleteGroups, { groupsNames: ['gone', 'never', 'busy'] })
  t.same(res.body.results.map(r => [r.groupId, r.errorCode]), [
    ['gone', ErrorCode.NONE], ['never', ErrorCode.GROUP_ID_NOT_FOUND], ['busy', ErrorCode.NON_EMPTY_GROUP]
  ], `DeleteGroups v${res.version}`)
  const again = await client.request<DeleteGroupsResponse>(nodeId, DeleteGroups, { groupsNames: ['gone'] })
  t.equal(again.body.results[0]?.errorCode, ErrorCode.GROUP_ID_NOT_FOUND, 'deleted once only')
  t.equal((await offsets.fetch('gone', [{ topic: 't', partition: 0 }])).get('t:0')?.offset, -1n, 'the offsets went with the group')
  await member.close()
  void pending.catch(() => {})
})

t.test('OffsetDelete removes offsets of topics no member subscribes to, and refuses the others', async t => {
  const { client, offsets, cluster } = await setup(t)
  const member = new GroupConsumer({ bootstrapServers: cluster.bootstrap, 'group.id': 'g', 'fetch.wait.max.ms': 20, 'enable.auto.commit': false })
  t.teardown(() => member.close())
  member.subscribe(['t'])
  const it = member[Symbol.asyncIterator]()
  const pending = it.next()
  while (member.assignment().length === 0) await new Promise(resolve => setTimeout(resolve, 10))
  await member.commit({ offsets: [{ topic: 't', partition: 0, offset: 1n }, { topic: 'u', partition: 0, offset: 2n }] })
  const nodeId = await offsets.coordinators.get('g')
  const del = async (group: string): Promise<OffsetDeleteResponse> => (await client.request<OffsetDeleteResponse>(nodeId, OffsetDelete, {
    groupId: group, topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }, { name: 'u', partitions: [{ partitionIndex: 0 }] }]
  })).body
  const r = await del('g')
  t.equal(r.errorCode, ErrorCode.NONE)
  t.same(r.topics.map(x => [x.name, x.partitions[0].errorCode]), [['t', ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC], ['u', ErrorCode.NONE]])
  const left = await offsets.fetch('g', [{ topic: 't', partition: 0 }, { topic: 'u', partition: 0 }])
  t.same([left.get('t:0')?.offset, left.get('u:0')?.offset], [1n, -1n])
  t.equal((await del('nobody')).errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
  await member.close()
  void pending.catch(() => {})
})
