import { randomUUID } from 'node:crypto'
import { ConsumerGroupDescribe, DescribeGroups, ListGroups, OffsetCommit } from '../../protocol/apis/index.js'
import type { Case } from './corpus.js'
import { cgh, cghFirst, join, sync, topicId } from './group-corpus.js'
import { createTopic, findCoordinator, stableGroup } from './requests.js'
import type { Session } from './session.js'

// Describing groups across the two coordinators of Kafka 4: DescribeGroups (the classic API) of a consumer-protocol
// group at every version, of a mixed group, of an empty consumer group; ConsumerGroupDescribe of a classic group,
// of a group that only has committed offsets and of one that does not exist; ListGroups of them all. The normalizer
// hides error message texts, so each case also returns them under keys of its own ("...Messages"): their wording
// is what kafka-consumer-groups and the Admin client show, and is compared as it is. Each request names one group:
// Kafka answers several in the order of its own hash map of __consumer_offsets partitions, which the fake does not
// model (clients match the answers by group id).

const VERSIONS = [0, 1, 2, 3, 4, 5, 6]

async function describeGroups (s: Session, version: number, groups: string[]): Promise<any> {
  return await s.request(DescribeGroups, version, { groups, includeAuthorizedOperations: true })
}

async function consumerGroupDescribe (s: Session, version: number, groupIds: string[]): Promise<any> {
  return await s.request(ConsumerGroupDescribe, version, { groupIds, includeAuthorizedOperations: false })
}

/** Every version's answer for one group, and v6's message (the only version with one). */
async function everyVersion (s: Session, group: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  for (const v of VERSIONS) out[`v${v}`] = await describeGroups(s, v, [group])
  out.v6Message = (out.v6 as any).groups[0].errorMessage
  return out
}

/** Members in a stable order (the brokers list them in their own hash order), named by role. */
function byRole (res: any, roles: Record<string, string>): any {
  return {
    ...res,
    groups: res.groups.map((g: any) => ({
      ...g,
      members: g.members.map((m: any) => ({ ...m, memberId: roles[m.memberId] ?? m.memberId }))
        .sort((a: any, b: any) => String(a.memberId).localeCompare(String(b.memberId)))
    }))
  }
}

/** A consumer-protocol group of one member that owns both partitions of a new topic: the member and its epoch. */
async function oneMemberGroup (s: Session, g: string, topic: string): Promise<{ memberId: string, epoch: number, joined: unknown }> {
  await createTopic(s, topic, 2)
  await findCoordinator(s, g)
  const id = await topicId(s, topic)
  const memberId = randomUUID()
  const joined = await cghFirst(s, g, { topic, memberId, memberEpoch: 0 })
  await cgh(s, g, { topic, memberId, memberEpoch: joined.memberEpoch, owned: [{ topicId: id, partitions: [0, 1] }] })
  return { memberId, epoch: joined.memberEpoch, joined }
}

export const DESCRIBE_GROUPS_CORPUS: Case[] = [
  {
    name: 'DescribeGroups v0-6 of a consumer-protocol group (with offsets), then empty, and of a missing group',
    run: async s => {
      const g = 'dd-848'
      const topic = 'dd-t-848'
      const { memberId: a, epoch, joined } = await oneMemberGroup(s, g, topic)
      const out: Record<string, unknown> = { joined }
      out.commit = await s.request(OffsetCommit, 9, {
        groupId: g, generationIdOrMemberEpoch: epoch, memberId: a, groupInstanceId: null,
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }]
      })
      out.stable = await everyVersion(s, g)
      out.missing = await everyVersion(s, 'dd-missing')
      out.leave = await cgh(s, g, { topic, memberId: a, memberEpoch: -1, topics: null, owned: null })
      out.empty = await everyVersion(s, g)
      return out
    }
  },
  {
    name: 'A classic member in a consumer group: DescribeGroups v5-6, ConsumerGroupDescribe v0-1 (memberType)',
    run: async s => {
      const g = 'dd-mixed'
      const topic = 'dd-t-mixed'
      const { memberId: a } = await oneMemberGroup(s, g, topic)
      const required = await join(s, g, '', { topic })
      const joined = await join(s, g, required.memberId, { topic })
      const out: Record<string, unknown> = { joined }
      out.synced = await sync(s, g, joined.generationId, joined.memberId)
      const roles = { [a]: 'consumer member', [joined.memberId]: 'classic member' }
      out.describeGroupsV5 = byRole(await describeGroups(s, 5, [g]), roles)
      const v6 = byRole(await describeGroups(s, 6, [g]), roles)
      out.describeGroupsV6 = v6
      out.consumerGroupDescribeV0 = byRole(await consumerGroupDescribe(s, 0, [g]), roles)
      out.consumerGroupDescribeV1 = byRole(await consumerGroupDescribe(s, 1, [g]), roles)
      out.v6Message = v6.groups[0].errorMessage
      return out
    }
  },
  {
    name: 'ConsumerGroupDescribe v0-1 of a classic group, of a group with only offsets and of a missing one; ListGroups v4-5',
    run: async s => {
      const topic = 'dd-t-classic'
      await createTopic(s, topic, 1)
      await stableGroup(s, 'dd-classic')
      await findCoordinator(s, 'dd-offsets-only')
      const out: Record<string, unknown> = {}
      out.commitOffsetsOnly = await s.request(OffsetCommit, 9, {
        groupId: 'dd-offsets-only', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }]
      })
      for (const group of ['dd-classic', 'dd-offsets-only', 'dd-missing']) {
        for (const v of [0, 1]) {
          const res = await consumerGroupDescribe(s, v, [group])
          out[`${group} v${v}`] = res
          out[`${group} v${v} message`] = res.groups[0].errorMessage
        }
      }
      // Every group of the corpus so far, in a stable order (Kafka lists them in its own hash order).
      const listed = async (version: number, statesFilter: string[], typesFilter: string[]): Promise<unknown> => {
        const res = await s.request(ListGroups, version, { statesFilter, typesFilter })
        return { ...res, groups: res.groups.filter((g: any) => g.groupId.startsWith('dd-')).sort((a: any, b: any) => a.groupId.localeCompare(b.groupId)) }
      }
      out.listV5 = await listed(5, [], [])
      out.listV5Classic = await listed(5, [], ['classic'])
      out.listV5Consumer = await listed(5, [], ['Consumer'])
      out.listV5Empty = await listed(5, ['EMPTY'], [])
      out.listV4Stable = await listed(4, ['Stable'], [])
      out.listV3 = await listed(3, [], [])
      return out
    }
  }
]
