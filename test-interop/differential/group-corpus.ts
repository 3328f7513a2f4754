import { randomUUID } from 'node:crypto'
import { ConsumerGroupHeartbeat, Heartbeat, JoinGroup, LeaveGroup, Metadata, OffsetCommit, OffsetFetch, SyncGroup } from '../../protocol/apis/index.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { encodeSubscription } from '../../protocol/group/consumer-protocol.js'
import type { Case } from './corpus.js'
import { COORDINATOR_NOT_READY, RANGE_METADATA, createTopic, findCoordinator, joinGroup } from './requests.js'
import { Session } from './session.js'

// Group sequences, played against real Kafka and the fake broker and compared field by field (member ids are
// random on both sides: the normalizer numbers them in order of appearance). Classic: the KIP-394 member-id round
// trip, SyncGroup and Heartbeat with right and wrong generations and protocols, LeaveGroup, OffsetCommit with a
// stale generation across a rebalance, a static member's rejoin (KIP-345). KIP-848: ConsumerGroupHeartbeat joins,
// heartbeats, fencing and leaves; and a classic member in a consumer group (Kafka 4's mixed groups). Sequences that
// need two members at once use a second connection: a broker answers one connection's requests in order.

const CLASSIC = { sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, protocolType: 'consumer', reason: null }

export function join (s: Session, group: string, memberId: string, extra: { instanceId?: string, protocol?: string, protocolType?: string, sessionTimeoutMs?: number, topic?: string } = {}): Promise<any> {
  const metadata = extra.topic === undefined ? RANGE_METADATA : encodeSubscription({ topics: [extra.topic], userData: null }, 1)
  return s.request(JoinGroup, 9, {
    ...CLASSIC, groupId: group, memberId, groupInstanceId: extra.instanceId ?? null,
    protocolType: extra.protocolType ?? 'consumer', sessionTimeoutMs: extra.sessionTimeoutMs ?? 10_000,
    protocols: [{ name: extra.protocol ?? 'range', metadata }]
  })
}

export function sync (s: Session, group: string, generationId: number, memberId: string, assignments: Array<{ memberId: string, assignment: Buffer }> = [], protocolName = 'range', instanceId: string | null = null): Promise<any> {
  return s.request(SyncGroup, 5, { groupId: group, generationId, memberId, groupInstanceId: instanceId, protocolType: 'consumer', protocolName, assignments })
}

const heartbeat = (s: Session, group: string, generationId: number, memberId: string, instanceId: string | null = null): Promise<any> =>
  s.request(Heartbeat, 4, { groupId: group, generationId, memberId, groupInstanceId: instanceId })

function commitAt (s: Session, group: string, generation: number, memberId: string, topic = 'dg-t-rebalance'): Promise<any> {
  return s.request(OffsetCommit, 9, {
    groupId: group, generationIdOrMemberEpoch: generation, memberId, groupInstanceId: null,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: null }] }]
  })
}

interface CghArgs { topic: string, memberId: string, memberEpoch: number, topics?: string[] | null, owned?: Array<{ topicId: string, partitions: number[] }> | null, assignor?: string | null, instanceId?: string | null }

export function cgh (s: Session, group: string, a: CghArgs): Promise<any> {
  return s.request(ConsumerGroupHeartbeat, 1, {
    groupId: group, memberId: a.memberId, memberEpoch: a.memberEpoch, instanceId: a.instanceId ?? null, rackId: null,
    rebalanceTimeoutMs: a.memberEpoch === 0 ? 30_000 : -1,
    subscribedTopicNames: a.topics !== undefined ? a.topics : a.memberEpoch === 0 ? [a.topic] : null,
    subscribedTopicRegex: null, serverAssignor: a.assignor ?? null,
    topicPartitions: a.owned !== undefined ? a.owned : a.memberEpoch === 0 ? [] : null
  })
}

/** The first ConsumerGroupHeartbeat of a group, again while Kafka's coordinator is still loading. */
export async function cghFirst (s: Session, group: string, a: CghArgs): Promise<any> {
  for (let i = 0; ; i++) {
    const res = await cgh(s, group, a)
    if (!COORDINATOR_NOT_READY.has(res.errorCode) || i === 300) return res
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

export async function topicId (s: Session, topic: string): Promise<string> {
  return (await s.request(Metadata, 12, { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).topics[0].topicId
}

/** A second connection to the same side, closed with the case. */
function second (s: Session, cleanup: Array<() => void>): Session {
  const other = new Session(s.side, s.bootstrap)
  cleanup.push(() => { other.close() })
  return other
}

export const GROUP_CORPUS: Case[] = [
  {
    name: 'Classic: MEMBER_ID_REQUIRED, SyncGroup, Heartbeat and LeaveGroup with right and wrong fields',
    run: async s => {
      const g = 'dg-classic'
      await findCoordinator(s, g)
      const required = await joinGroup(s, g, '')
      const joined = await join(s, g, required.memberId)
      const m = joined.memberId
      const out: Record<string, unknown> = { required, joined }
      out.syncWrongGeneration = await sync(s, g, joined.generationId + 1, m)
      out.syncWrongProtocol = await sync(s, g, joined.generationId, m, [], 'roundrobin')
      out.syncUnknownMember = await sync(s, g, joined.generationId, 'nobody')
      out.synced = await sync(s, g, joined.generationId, m, [{ memberId: m, assignment: Buffer.from('0001000000010004' + '64672d74' + '0000000100000000' + 'ffffffff', 'hex') }])
      out.heartbeat = await heartbeat(s, g, joined.generationId, m)
      out.heartbeatWrongGeneration = await heartbeat(s, g, joined.generationId + 1, m)
      out.heartbeatUnknownMember = await heartbeat(s, g, joined.generationId, 'nobody')
      out.rejoinSameMetadata = await join(s, g, m)
      out.otherProtocolType = await join(s, g, '', { protocolType: 'connect' })
      out.sessionTooShort = await join(s, g, '', { sessionTimeoutMs: 10 })
      out.leave = await s.request(LeaveGroup, 5, { groupId: g, members: [{ memberId: m, groupInstanceId: null, reason: null }, { memberId: 'nobody', groupInstanceId: null, reason: null }] })
      out.heartbeatAfterLeave = await heartbeat(s, g, joined.generationId, m)
      out.leaveV1Unknown = await s.request(LeaveGroup, 1, { groupId: g, memberId: 'nobody' })
      return out
    }
  },
  {
    name: 'Classic: a second member rebalances the group; OffsetCommit with the stale generation',
    run: async s => {
      const cleanup: Array<() => void> = []
      try {
        const g = 'dg-rebalance'
        await createTopic(s, 'dg-t-rebalance', 1)
        await findCoordinator(s, g)
        const a = await join(s, g, (await joinGroup(s, g, '')).memberId)
        await sync(s, g, a.generationId, a.memberId, [{ memberId: a.memberId, assignment: Buffer.alloc(0) }])
        const out: Record<string, unknown> = { a }
        out.commitStable = await commitAt(s, g, a.generationId, a.memberId)
        // b joins from its own connection and waits for a to rejoin.
        const s2 = second(s, cleanup)
        const bId = (await joinGroup(s2, g, '')).memberId
        const bJoined = join(s2, g, bId)
        // a learns of the rebalance from its heartbeat (the join may take a moment to arrive).
        let hb: any
        for (let i = 0; i < 100; i++) {
          hb = await heartbeat(s, g, a.generationId, a.memberId)
          if (hb.errorCode !== ErrorCode.NONE) break
          await new Promise(resolve => setTimeout(resolve, 50))
        }
        out.heartbeatDuringRebalance = hb
        out.commitWhilePreparing = await commitAt(s, g, a.generationId, a.memberId)
        const a2 = await join(s, g, a.memberId)
        const b = await bJoined
        // The leader's member list comes in the broker's own (hash map) order: compared as a set of who is in it.
        const who = (res: any): unknown => ({ ...res, members: res.members.map((m: any) => m.memberId === a.memberId ? 'a' : m.memberId === bId ? 'b' : m.memberId).sort() })
        out.rejoined = { a2: who(a2), b: who(b) }
        out.commitStaleGeneration = await commitAt(s, g, a.generationId, a.memberId)
        out.commitBeforeSync = await commitAt(s, g, a2.generationId, a.memberId)
        const leader = a2.leader === a.memberId ? { s, id: a.memberId } : { s: s2, id: bId }
        const follower = leader.s === s ? { s: s2, id: bId } : { s, id: a.memberId }
        const [ls, fs] = await Promise.all([
          sync(leader.s, g, a2.generationId, leader.id, [{ memberId: a.memberId, assignment: Buffer.alloc(0) }, { memberId: bId, assignment: Buffer.alloc(0) }]),
          sync(follower.s, g, a2.generationId, follower.id)
        ])
        out.synced = { leader: ls, follower: fs }
        out.commitNewGeneration = await commitAt(s, g, a2.generationId, a.memberId)
        return out
      } finally { for (const c of cleanup) c() }
    }
  },
  {
    name: 'Classic: a static member rejoins under a new member id without a rebalance (KIP-345)',
    run: async s => {
      const g = 'dg-static'
      await findCoordinator(s, g)
      const first = await join(s, g, '', { instanceId: 'instance-1' })
      const out: Record<string, unknown> = { first }
      out.synced = await sync(s, g, first.generationId, first.memberId, [{ memberId: first.memberId, assignment: Buffer.from('0001000000000000', 'hex') }], 'range', 'instance-1')
      const again = await join(s, g, '', { instanceId: 'instance-1' })
      out.again = again
      out.syncAgain = await sync(s, g, again.generationId, again.memberId, [], 'range', 'instance-1')
      out.oldIdHeartbeat = await heartbeat(s, g, first.generationId, first.memberId, 'instance-1')
      out.newIdHeartbeat = await heartbeat(s, g, again.generationId, again.memberId, 'instance-1')
      out.joinWithOtherId = await join(s, g, 'someone-else', { instanceId: 'instance-1' })
      out.leaveByInstance = await s.request(LeaveGroup, 5, { groupId: g, members: [{ memberId: '', groupInstanceId: 'instance-1', reason: null }] })
      return out
    }
  },
  {
    name: 'KIP-848: ConsumerGroupHeartbeat join, heartbeat, fencing, a second member and leaving',
    run: async s => {
      const g = 'dg-848'
      const topic = 'dg-t-848'
      await createTopic(s, topic, 2)
      await findCoordinator(s, g)
      const id = await topicId(s, topic)
      const a = randomUUID()
      const out: Record<string, unknown> = {}
      const joined = await cghFirst(s, g, { topic, memberId: a, memberEpoch: 0 })
      const e = joined.memberEpoch
      out.join = joined
      out.emptyGroupId = await cgh(s, '', { topic, memberId: a, memberEpoch: 0 })
      out.unknownAssignor = await cgh(s, g, { topic, memberId: randomUUID(), memberEpoch: 0, assignor: 'magic' })
      out.steady = await cgh(s, g, { topic, memberId: a, memberEpoch: e, owned: [{ topicId: id, partitions: [0, 1] }] })
      out.futureEpoch = await cgh(s, g, { topic, memberId: a, memberEpoch: e + 5 })
      out.unknownMember = await cgh(s, g, { topic, memberId: randomUUID(), memberEpoch: e })
      const b = randomUUID()
      out.secondJoins = await cgh(s, g, { topic, memberId: b, memberEpoch: 0 })
      const revokes = await cgh(s, g, { topic, memberId: a, memberEpoch: e, owned: [{ topicId: id, partitions: [0, 1] }] })
      out.firstRevokes = revokes
      const kept: number[] = revokes.assignment?.topicPartitions[0]?.partitions ?? []
      out.firstReleased = await cgh(s, g, { topic, memberId: a, memberEpoch: e, owned: [{ topicId: id, partitions: kept }] })
      out.secondCollects = await cgh(s, g, { topic, memberId: b, memberEpoch: out.secondJoins.memberEpoch, owned: [] })
      return out
    }
  },
  {
    name: 'KIP-848: OffsetFetch v9 with the member id and epoch: current, older, newer, none, an unknown member; a classic group',
    run: async s => {
      const g = 'dg-848-fetch'
      const topic = 'dg-t-848-fetch'
      await createTopic(s, topic, 1)
      await findCoordinator(s, g)
      const a = randomUUID()
      const joined = await cghFirst(s, g, { topic, memberId: a, memberEpoch: 0 })
      const e: number = joined.memberEpoch
      const fetch = async (group: string, memberId: string | null, memberEpoch: number): Promise<unknown> =>
        (await s.request(OffsetFetch, 9, { groups: [{ groupId: group, memberId, memberEpoch, topics: [{ name: topic, partitionIndexes: [0] }] }], requireStable: false })).groups[0]
      await findCoordinator(s, 'dg-classic-fetch')
      return {
        joined,
        current: await fetch(g, a, e),
        older: await fetch(g, a, e - 1),
        newer: await fetch(g, a, e + 1),
        noEpoch: await fetch(g, a, -1),
        admin: await fetch(g, null, -1),
        nullMemberWithEpoch: await fetch(g, null, e),
        emptyMemberNoEpoch: await fetch(g, '', -1),
        unknownMember: await fetch(g, randomUUID(), e),
        noGroup: await fetch('dg-no-such-group', a, e),
        classicGroupMember: await fetch('dg-classic-fetch', a, 3)
      }
    }
  },
  {
    name: 'KIP-848: a member leaves with epoch -1; the other gets everything; a leave of an unknown member',
    run: async s => {
      const g = 'dg-848-leave'
      const topic = 'dg-t-848-leave'
      await createTopic(s, topic, 2)
      await findCoordinator(s, g)
      const id = await topicId(s, topic)
      const a = randomUUID()
      const b = randomUUID()
      const out: Record<string, unknown> = {}
      const first = await cghFirst(s, g, { topic, memberId: a, memberEpoch: 0 })
      out.a = first
      out.aSteady = await cgh(s, g, { topic, memberId: a, memberEpoch: first.memberEpoch, owned: [{ topicId: id, partitions: [0, 1] }] })
      const bJoined = await cgh(s, g, { topic, memberId: b, memberEpoch: 0 })
      out.b = bJoined
      out.aLeaves = await cgh(s, g, { topic, memberId: a, memberEpoch: -1, topics: null, owned: null })
      out.bCollects = await cgh(s, g, { topic, memberId: b, memberEpoch: bJoined.memberEpoch, owned: [] })
      out.aAgain = await cgh(s, g, { topic, memberId: a, memberEpoch: first.memberEpoch })
      // The last member leaves; the empty group is joined again.
      out.bLeaves = await cgh(s, g, { topic, memberId: b, memberEpoch: -1, topics: null, owned: null })
      out.rejoinEmptyGroup = await cgh(s, g, { topic, memberId: randomUUID(), memberEpoch: 0 })
      out.unknownLeaves = await cgh(s, g, { topic, memberId: randomUUID(), memberEpoch: -1, topics: null, owned: null })
      return out
    }
  },
  {
    name: 'Mixed: a classic member joins a consumer group and is assigned by the server',
    run: async s => {
      const g = 'dg-mixed'
      const topic = 'dg-t-mixed'
      await createTopic(s, topic, 2)
      await findCoordinator(s, g)
      const id = await topicId(s, topic)
      const a = randomUUID()
      const out: Record<string, unknown> = {}
      const joinedA = await cghFirst(s, g, { topic, memberId: a, memberEpoch: 0 })
      const e = joinedA.memberEpoch
      out.consumerJoins = joinedA
      await cgh(s, g, { topic, memberId: a, memberEpoch: e, owned: [{ topicId: id, partitions: [0, 1] }] })
      const required = await join(s, g, '', { topic })
      out.required = required
      const joined = await join(s, g, required.memberId, { topic })
      out.classicJoins = joined
      out.classicSyncs = await sync(s, g, joined.generationId, joined.memberId)
      out.classicWaits = await heartbeat(s, g, joined.generationId, joined.memberId)
      const revokes = await cgh(s, g, { topic, memberId: a, memberEpoch: e, owned: [{ topicId: id, partitions: [0, 1] }] })
      out.consumerRevokes = revokes
      const kept: number[] = revokes.assignment?.topicPartitions[0]?.partitions ?? []
      out.consumerReleased = await cgh(s, g, { topic, memberId: a, memberEpoch: e, owned: [{ topicId: id, partitions: kept }] })
      out.classicToldToRejoin = await heartbeat(s, g, joined.generationId, joined.memberId)
      const again = await join(s, g, joined.memberId, { topic })
      out.classicRejoins = again
      out.classicGetsPartitions = await sync(s, g, again.generationId, again.memberId)
      out.classicWrongGeneration = await heartbeat(s, g, again.generationId + 1, again.memberId)
      out.consumerMemberThroughClassicHeartbeat = await heartbeat(s, g, again.generationId, a)
      out.classicLeaves = await s.request(LeaveGroup, 5, { groupId: g, members: [{ memberId: again.memberId, groupInstanceId: null, reason: null }] })
      return out
    }
  },
  {
    name: 'KIP-848: a new group is at epoch 1: members subscribing to nothing leave it there, a subscriber bumps it',
    run: async s => {
      const g = 'dg-848-epochs'
      const topic = 'dg-t-848-epochs'
      await createTopic(s, topic, 2)
      await findCoordinator(s, g)
      const out: Record<string, unknown> = {}
      out.nothingJoins = await cghFirst(s, g, { topic, memberId: randomUUID(), memberEpoch: 0, topics: [] })
      out.nothingAgain = await cgh(s, g, { topic, memberId: randomUUID(), memberEpoch: 0, topics: [] })
      out.subscriberJoins = await cgh(s, g, { topic, memberId: randomUUID(), memberEpoch: 0 })
      return out
    }
  }
]
