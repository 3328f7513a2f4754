import { randomBytes, randomUUID } from 'node:crypto'
import { ErrorCode } from '../../protocol/error-codes.js'
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment, decodeSubscription, encodeAssignment } from '../../protocol/group/consumer-protocol.js'
import type { GroupProtocol } from './group-coordinator.js'
import { assignmentVersionFor, downgradeEnabled, type DowngradingGroup, type MigrationPolicy, type UpgradingGroup } from './group-migration.js'

// The consumer group protocol of KIP-848 (group.protocol=consumer), coordinator side, after Kafka 4.x's
// GroupMetadataManager.consumerGroupHeartbeat and CurrentAssignmentBuilder. There is no join round: every member
// sends ConsumerGroupHeartbeat on its own schedule and the coordinator moves the group forward one member at a
// time.
//
// - The group epoch is bumped whenever the group's "shape" changes: a member joins or leaves, a subscription or
//   the chosen assignor changes, or a subscribed topic gains partitions (or appears).
// - When the group epoch is ahead of the assignment epoch, the server-side assignor (uniform or range) computes a
//   new target assignment for every member, stamped with the group epoch.
// - Each member reconciles towards its target on its own heartbeats. A member that must give partitions up is
//   told its assignment without them and keeps its old epoch (UNREVOKED_PARTITIONS) until a heartbeat shows it no
//   longer owns them; only then does it move to the new epoch. A partition still owned (or being revoked) by
//   another member is withheld (UNRELEASED_PARTITIONS) until that member has released it, so no partition ever
//   has two owners.
// - Fencing: a member answering with a wrong epoch gets FENCED_MEMBER_EPOCH, an unknown member UNKNOWN_MEMBER_ID;
//   a static member (instance id) joining while its instance is still in use gets UNRELEASED_INSTANCE_ID.
// - A member silent for the session timeout is removed; one that does not revoke within its rebalance timeout too.
// - Classic members (JoinGroup/SyncGroup/Heartbeat with the embedded consumer protocol) may be members too, as in
//   Kafka 4 (GroupMetadataManager.classicGroupJoinToConsumerGroup and friends): JoinGroup is their heartbeat with
//   a full request (the subscription and owned partitions come from the protocol metadata) and is answered at
//   once, as a follower with the member epoch as generation; SyncGroup hands them their current assignment; their
//   Heartbeat answers REBALANCE_IN_PROGRESS when their epoch is behind the group's or they have partitions to give
//   up or to collect, and they rejoin within their rebalance timeout or are fenced. See group-migration.ts for
//   how whole groups move between the protocols.

export const LEAVE_GROUP_MEMBER_EPOCH = -1
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2
export const SERVER_ASSIGNORS = ['uniform', 'range'] as const
/** group.consumer.max.size, Kafka's default: a bound on what one group can make the broker hold. */
export const MAX_GROUP_SIZE = 200
/** Longer regexes are refused: they are matched against every topic name on every heartbeat. */
const MAX_REGEX_CHARS = 1000

export interface TopicPartitionsById { topicId: string, partitions: number[] }

export interface ConsumerHeartbeat {
  groupId: string
  memberId: string
  memberEpoch: number
  instanceId: string | null
  rackId: string | null
  rebalanceTimeoutMs: number
  subscribedTopicNames: string[] | null
  subscribedTopicRegex: string | null
  serverAssignor: string | null
  topicPartitions: TopicPartitionsById[] | null
  clientId: string
  clientHost: string
  /** v0 lets the coordinator make the member id; from v1 the client makes it (KIP-1082). */
  version: number
}

export interface ConsumerHeartbeatResult {
  errorCode: number
  errorMessage: string | null
  memberId: string | null
  memberEpoch: number
  heartbeatIntervalMs: number
  /** Sent when the member's assignment changed or the member's view of it is out of date; null otherwise. */
  assignment: TopicPartitionsById[] | null
}

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable'
export type MemberState = 'STABLE' | 'UNREVOKED_PARTITIONS' | 'UNRELEASED_PARTITIONS'

export interface DescribedConsumerMember {
  memberId: string
  instanceId: string | null
  rackId: string | null
  memberEpoch: number
  clientId: string
  clientHost: string
  subscribedTopicNames: string[]
  /** "" for a member that subscribes by names: Kafka keeps no regex as an empty one and describes it so. */
  subscribedTopicRegex: string
  assignment: TopicPartitionsById[]
  targetAssignment: TopicPartitionsById[]
  /** A classic member of this consumer group (JoinGroup/SyncGroup/Heartbeat), which Kafka 4 allows. */
  classic: boolean
}

export interface DescribedConsumerGroup {
  groupId: string
  groupState: ConsumerGroupState
  groupEpoch: number
  assignmentEpoch: number
  assignorName: string
  members: DescribedConsumerMember[]
}

export interface TopicInfo { name: string, id: string, partitions: number }

export interface ConsumerGroupCoordinatorOptions {
  /** group.consumer.session.timeout.ms (Kafka's default 45000). */
  sessionTimeoutMs: number
  /** group.consumer.heartbeat.interval.ms (Kafka's default 5000). */
  heartbeatIntervalMs: number
  /** The cluster's topics now: subscriptions are resolved against them on every heartbeat. */
  topics: () => Iterable<TopicInfo>
  /** group.consumer.migration.policy: whether a group left with classic members only goes back to classic. */
  migrationPolicy: MigrationPolicy
  /** Takes over a downgraded group (the classic coordinator's adoptDowngraded). */
  onDowngrade: (group: DowngradingGroup) => void
}

/** What a member that speaks the classic protocol has besides a consumer member's fields. */
interface ClassicMeta {
  sessionTimeoutMs: number
  /** Its JoinGroup protocols: the first one's name is the group's protocol name for it. */
  protocols: GroupProtocol[]
  /** Set while it must rejoin (after REBALANCE_IN_PROGRESS) or sync (after JoinGroup) within its rebalance timeout. */
  joinTimer: NodeJS.Timeout | undefined
  syncTimer: NodeJS.Timeout | undefined
}

export interface ClassicJoin {
  groupId: string
  memberId: string
  groupInstanceId: string | null
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  protocolType: string
  protocols: GroupProtocol[]
  clientId: string
  clientHost: string
  /** JoinGroup v4+ without an instance id: an unknown member first gets MEMBER_ID_REQUIRED (KIP-394). */
  requireKnownMemberId: boolean
}

export interface ClassicJoinResult { errorCode: number, memberId: string, generationId: number, protocolName: string | null }
export interface ClassicSyncResult { errorCode: number, assignment: Buffer }

/** A partition as one string, "topicId:partition": sets of these are compared and copied cheaply. */
type Tp = string

interface Member {
  memberId: string
  instanceId: string | null
  rackId: string | null
  clientId: string
  clientHost: string
  rebalanceTimeoutMs: number
  subscribedTopicNames: string[]
  subscribedTopicRegex: string | null
  /** The compiled regex, full-match (Kafka uses RE2/J; JavaScript's syntax is close enough for a fake). */
  regex: RegExp | null
  serverAssignor: string | null
  memberEpoch: number
  previousMemberEpoch: number
  state: MemberState
  /** What the member may use now. */
  assigned: Set<Tp>
  /** What it was told to give up and has not yet reported released. */
  pendingRevocation: Set<Tp>
  sessionTimer: NodeJS.Timeout | undefined
  revocationTimer: NodeJS.Timeout | undefined
  /** Set for a member that speaks the classic protocol. */
  classic: ClassicMeta | null
}

/** The epoch Kafka 4.4 gives a new consumer group and its first (empty) target assignment. */
const INITIAL_GROUP_EPOCH = 1

interface Group {
  groupId: string
  groupEpoch: number
  assignmentEpoch: number
  assignorName: string
  members: Map<string, Member>
  target: Map<string, Set<Tp>>
  /** The subscribed topics and their partition counts at the last epoch bump: a change bumps the epoch again. */
  metadataKey: string
}

export class ConsumerGroupCoordinator {
  private readonly groups = new Map<string, Group>()

  constructor (private readonly options: ConsumerGroupCoordinatorOptions) {}

  /** Whether the group id belongs to a consumer-protocol group (one that has had a ConsumerGroupHeartbeat). */
  has (groupId: string): boolean { return this.groups.has(groupId) }

  /** Whether it has members now: a classic JoinGroup to such a group is refused. */
  hasMembers (groupId: string): boolean { return (this.groups.get(groupId)?.members.size ?? 0) > 0 }

  heartbeat (req: ConsumerHeartbeat): ConsumerHeartbeatResult {
    const fail = (errorCode: number, errorMessage: string | null = null): ConsumerHeartbeatResult =>
      ({ errorCode, errorMessage, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null })
    const invalid = validate(req)
    if (invalid !== null) return fail(ErrorCode.INVALID_REQUEST, invalid)
    if (req.serverAssignor !== null && !(SERVER_ASSIGNORS as readonly string[]).includes(req.serverAssignor)) {
      return fail(ErrorCode.UNSUPPORTED_ASSIGNOR, `Assignor ${req.serverAssignor} is not supported. Supported assignors: ${SERVER_ASSIGNORS.join(', ')}.`)
    }
    let regex: RegExp | null = null
    if (req.subscribedTopicRegex !== null && req.subscribedTopicRegex !== '') {
      regex = compileTopicRegex(req.subscribedTopicRegex)
      if (regex === null) return fail(ErrorCode.INVALID_REGULAR_EXPRESSION, `SubscribedTopicRegex \`${req.subscribedTopicRegex}\` is not a valid regular expression.`)
    }

    let g = this.groups.get(req.groupId)
    if (g === undefined) {
      if (req.memberEpoch !== 0) return fail(ErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${req.groupId} not found.`)
      // Kafka 4.4 creates a consumer group at epoch 1 with an empty target assignment of epoch 1 (ModernGroup,
      // TargetAssignmentMetadata.INITIAL): a first member that subscribes to something bumps it to 2; one that
      // subscribes to nothing gets epoch 1.
      g = { groupId: req.groupId, groupEpoch: INITIAL_GROUP_EPOCH, assignmentEpoch: INITIAL_GROUP_EPOCH, assignorName: 'uniform', members: new Map(), target: new Map(), metadataKey: '' }
      this.groups.set(req.groupId, g)
    }

    if (req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) return this.leave(g, req, fail)

    let member: Member
    let joined = false
    // One bump of the group epoch for whatever this heartbeat changed: a new subscription or assignor, new topics
    // or partitions (Kafka bumps once per heartbeat too). A new member by itself is no change: one that subscribes
    // to nothing leaves the epoch where it was, as in Kafka (hasMemberSubscriptionChanged).
    let bump = false
    if (req.memberEpoch === 0) {
      const memberId = req.memberId !== '' ? req.memberId : randomBytes(16).toString('base64url')
      const byInstance = req.instanceId === null ? undefined : [...g.members.values()].find(m => m.instanceId === req.instanceId)
      const known = g.members.get(memberId)
      if (byInstance !== undefined && byInstance.memberId !== memberId) {
        // A static member comes back under a new member id: allowed only once the old one left with epoch -2.
        if (byInstance.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH && byInstance.classic === null) {
          return fail(ErrorCode.UNRELEASED_INSTANCE_ID, `Static member ${byInstance.memberId} with instance id ${req.instanceId ?? ''} is not released yet.`)
        }
        member = this.replaceStatic(g, byInstance, memberId, req)
      } else {
        // A known member joining again (it was fenced, or lost its epoch) starts over: what it had goes free.
        if (known !== undefined) this.removeMember(g, known)
        else if (g.members.size >= MAX_GROUP_SIZE) return fail(ErrorCode.GROUP_MAX_SIZE_REACHED, `The consumer group has reached its maximum capacity of ${MAX_GROUP_SIZE} members.`)
        member = newMember(memberId, req)
        g.members.set(memberId, member)
      }
      joined = true
    } else {
      const found = g.members.get(req.memberId)
      if (req.instanceId !== null) {
        const byInstance = [...g.members.values()].find(m => m.instanceId === req.instanceId)
        if (byInstance === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${req.instanceId} is unknown.`)
        if (byInstance.memberId !== req.memberId) return fail(ErrorCode.FENCED_INSTANCE_ID, `Instance id ${req.instanceId} belongs to another member.`)
      }
      if (found === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${g.groupId}.`)
      if (!epochAccepted(found, req.memberEpoch, req.topicPartitions)) {
        return fail(ErrorCode.FENCED_MEMBER_EPOCH, `The consumer group member has a different epoch (${req.memberEpoch}) than the one known by the group coordinator (${found.memberEpoch}).`)
      }
      member = found
    }

    const before = new Set(member.assigned)
    if (updateMember(member, req, regex)) bump = true
    if (this.metadataChanged(g)) bump = true
    if (bump) g.groupEpoch++
    if (g.groupEpoch > g.assignmentEpoch) this.computeTarget(g)
    this.reconcile(g, member, req.topicPartitions)
    this.touch(g, member)

    // The assignment goes back on a full request (a join, or every field a join needs: what a client sends after
    // an error) or when it changed in this heartbeat, as in Kafka's consumerGroupHeartbeat.
    const full = req.memberEpoch === 0 || (req.rebalanceTimeoutMs !== -1 && (req.subscribedTopicNames !== null || req.subscribedTopicRegex !== null) && req.topicPartitions !== null)
    const send = joined || full || !sameSet(before, member.assigned)
    const assignment = toById(member.assigned)
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: member.memberId,
      memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      assignment: send ? assignment : null
    }
  }

  // ---- Classic members ---------------------------------------------------------------------------------------

  /**
   * JoinGroup to a consumer group with members: the member joins (or rejoins) as a classic member and is
   * reconciled at once with the partitions its subscription says it owns; the answer names it a follower, its
   * member epoch as generation and its first protocol as the group's. It must then sync within its rebalance
   * timeout. (GroupMetadataManager.classicGroupJoinToConsumerGroup.)
   */
  classicJoin (req: ClassicJoin): ClassicJoinResult {
    const fail = (errorCode: number, memberId = req.memberId): ClassicJoinResult => ({ errorCode, memberId, generationId: -1, protocolName: null })
    const g = this.groups.get(req.groupId)
    if (g === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID)
    const unknown = req.memberId === ''
    const memberId = unknown ? randomUUID() : req.memberId
    if (!g.members.has(memberId) && g.members.size >= MAX_GROUP_SIZE) return fail(ErrorCode.GROUP_MAX_SIZE_REACHED)
    if (!supportsClassicProtocols(g, req.protocolType, req.protocols)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    if (unknown && req.requireKnownMemberId) return fail(ErrorCode.MEMBER_ID_REQUIRED, memberId)
    let subscription
    // Kafka fails such a join with an internal error; the protocol error names the cause better.
    try { subscription = decodeSubscription(req.protocols[0].metadata) } catch { return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL) }

    const fields = { instanceId: req.groupInstanceId, rackId: subscription.rackId, clientId: req.clientId, clientHost: req.clientHost, rebalanceTimeoutMs: req.rebalanceTimeoutMs }
    const byInstance = req.groupInstanceId === null ? undefined : [...g.members.values()].find(m => m.instanceId === req.groupInstanceId)
    let member = req.groupInstanceId === null ? g.members.get(memberId) : byInstance
    let replaced: Member | undefined
    if (req.groupInstanceId !== null && !unknown) {
      if (byInstance === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID)
      if (byInstance.memberId !== memberId) return fail(ErrorCode.FENCED_INSTANCE_ID)
    } else if (byInstance !== undefined) {
      // A static member restarted under a new member id: it takes its predecessor's place and partitions.
      replaced = byInstance
      member = this.replaceStatic(g, byInstance, memberId, fields)
    }
    // As for a consumer-protocol member, joining is no change by itself: its subscription is.
    let bump = false
    if (member === undefined) {
      member = newMember(memberId, fields)
      g.members.set(memberId, member)
    }
    const classic: ClassicMeta = member.classic ?? { sessionTimeoutMs: req.sessionTimeoutMs, protocols: req.protocols, joinTimer: undefined, syncTimer: undefined }
    classic.sessionTimeoutMs = req.sessionTimeoutMs
    classic.protocols = req.protocols
    member.classic = classic
    member.clientId = req.clientId
    member.clientHost = req.clientHost
    if (subscription.rackId !== null) member.rackId = subscription.rackId
    if (req.rebalanceTimeoutMs !== -1) member.rebalanceTimeoutMs = req.rebalanceTimeoutMs
    if (subscription.topics.join('\0') !== member.subscribedTopicNames.join('\0')) {
      member.subscribedTopicNames = [...subscription.topics]
      bump = true
    }
    if (this.metadataChanged(g)) bump = true
    if (bump) g.groupEpoch++
    // The classic member replaced the last consumer-protocol member: the group turns classic
    // (validateOnlineDowngradeWithReplacedMember in Kafka).
    if (replaced !== undefined && replaced.classic === null && [...g.members.values()].every(x => x.classic !== null) && downgradeEnabled(this.options.migrationPolicy)) {
      return this.downgradeWithReplacedMember(g, member, this.byId(subscription.ownedPartitions), req.protocols[0].name)
    }
    if (g.groupEpoch > g.assignmentEpoch) this.computeTarget(g)
    this.reconcile(g, member, this.byId(subscription.ownedPartitions))

    clearTimeout(classic.joinTimer)
    classic.joinTimer = undefined
    this.touch(g, member)
    const joined = member
    clearTimeout(classic.syncTimer)
    classic.syncTimer = setTimeout(() => { this.fenceIfCurrent(g, joined) }, Math.max(joined.rebalanceTimeoutMs, 0)).unref()
    return { errorCode: ErrorCode.NONE, memberId, generationId: member.memberEpoch, protocolName: req.protocols[0].name }
  }

  /**
   * SyncGroup from a classic member: its current assignment, in its subscription's version; REBALANCE_IN_PROGRESS
   * when the group moved on since it joined (unless it is still giving partitions up: it must finish that first).
   */
  classicSync (req: { groupId: string, generationId: number, memberId: string, groupInstanceId: string | null, protocolType: string | null, protocolName: string | null }): ClassicSyncResult {
    const fail = (errorCode: number): ClassicSyncResult => ({ errorCode, assignment: Buffer.alloc(0) })
    const g = this.groups.get(req.groupId)
    const m = g === undefined ? ErrorCode.UNKNOWN_MEMBER_ID : classicMember(g, req.memberId, req.groupInstanceId)
    if (typeof m === 'number') return fail(m)
    const classic = m.classic!
    if (req.generationId !== m.memberEpoch) return fail(ErrorCode.ILLEGAL_GENERATION)
    if ((req.protocolType !== null && req.protocolType !== CONSUMER_PROTOCOL_TYPE) || (req.protocolName !== null && req.protocolName !== classic.protocols[0].name)) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    }
    if (g!.groupEpoch > m.memberEpoch && m.state !== 'UNREVOKED_PARTITIONS') {
      this.expectRejoin(g!, m)
      return fail(ErrorCode.REBALANCE_IN_PROGRESS)
    }
    clearTimeout(classic.syncTimer)
    classic.syncTimer = undefined
    this.touch(g!, m)
    return { errorCode: ErrorCode.NONE, assignment: encodeAssignment({ assignedPartitions: this.byName(m.assigned), userData: null }, assignmentVersionFor(classic.protocols[0].metadata)) }
  }

  /**
   * Heartbeat from a classic member: REBALANCE_IN_PROGRESS when it must rejoin: its epoch is behind the group's,
   * it has partitions to revoke, or partitions it waited for are free now (classicGroupHeartbeatToConsumerGroup).
   */
  classicHeartbeat (groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number {
    const g = this.groups.get(groupId)
    const m = g === undefined ? ErrorCode.UNKNOWN_MEMBER_ID : classicMember(g, memberId, groupInstanceId)
    if (typeof m === 'number') return m
    if (generationId !== m.memberEpoch) return ErrorCode.ILLEGAL_GENERATION
    this.touch(g!, m)
    if (m.memberEpoch < g!.groupEpoch || m.state === 'UNREVOKED_PARTITIONS' || (m.state === 'UNRELEASED_PARTITIONS' && !waitingOnUnreleased(g!, m))) {
      this.expectRejoin(g!, m)
      return ErrorCode.REBALANCE_IN_PROGRESS
    }
    return ErrorCode.NONE
  }

  /** LeaveGroup to a consumer group: classic members only (by id, or by instance id); one epoch bump for all. */
  classicLeave (groupId: string, identities: Array<{ memberId: string, groupInstanceId: string | null }>): Array<{ memberId: string, groupInstanceId: string | null, errorCode: number }> {
    const g = this.groups.get(groupId)
    let left = false
    const out = identities.map(id => {
      let m: Member | number
      if (g === undefined) m = ErrorCode.UNKNOWN_MEMBER_ID
      else if (id.groupInstanceId === null || id.memberId !== '') m = classicMember(g, id.memberId, id.groupInstanceId)
      else {
        // An admin removal names the instance only.
        const byInstance = [...g.members.values()].find(x => x.instanceId === id.groupInstanceId)
        m = byInstance === undefined || byInstance.classic === null ? ErrorCode.UNKNOWN_MEMBER_ID : byInstance
      }
      if (typeof m === 'number') return { ...id, errorCode: m }
      this.removeMember(g!, m)
      left = true
      return { memberId: m.memberId, groupInstanceId: id.groupInstanceId, errorCode: ErrorCode.NONE }
    })
    if (left) g!.groupEpoch++
    return out
  }

  /**
   * The online upgrade's second half: a consumer group made of the classic group's members, at its generation,
   * each Stable with its last assignment as target (ConsumerGroup.fromClassicGroup). false, and nothing changed,
   * when a subscription or assignment cannot be read.
   */
  adoptUpgraded (u: UpgradingGroup): boolean {
    const members: Member[] = []
    for (const c of u.members) {
      let subscription, assignment
      try {
        subscription = decodeSubscription((c.protocols.find(p => p.name === u.protocolName) ?? c.protocols[0]).metadata)
        assignment = decodeAssignment(c.assignment)
      } catch { return false }
      const m = newMember(c.memberId, { instanceId: c.groupInstanceId, rackId: subscription.rackId, clientId: c.clientId, clientHost: c.clientHost, rebalanceTimeoutMs: c.rebalanceTimeoutMs })
      m.subscribedTopicNames = [...subscription.topics]
      m.memberEpoch = m.previousMemberEpoch = u.generationId
      m.assigned = fromById(this.byId(assignment.assignedPartitions))
      m.classic = { sessionTimeoutMs: c.sessionTimeoutMs, protocols: c.protocols, joinTimer: undefined, syncTimer: undefined }
      members.push(m)
    }
    const g: Group = { groupId: u.groupId, groupEpoch: u.generationId, assignmentEpoch: u.generationId, assignorName: 'uniform', members: new Map(), target: new Map(), metadataKey: '' }
    for (const m of members) {
      g.members.set(m.memberId, m)
      g.target.set(m.memberId, new Set(m.assigned))
      this.touch(g, m)
    }
    this.metadataChanged(g)
    this.groups.set(u.groupId, g)
    return true
  }

  /** After REBALANCE_IN_PROGRESS a classic member must rejoin within its rebalance timeout, or it is fenced. */
  private expectRejoin (g: Group, m: Member): void {
    const classic = m.classic!
    if (classic.joinTimer !== undefined) return
    classic.joinTimer = setTimeout(() => { this.fenceIfCurrent(g, m) }, Math.max(m.rebalanceTimeoutMs, 0)).unref()
  }

  private fenceIfCurrent (g: Group, m: Member): void {
    if (this.groups.get(g.groupId) === g && g.members.get(m.memberId) === m) this.fence(g, m)
  }

  /** Partitions by topic name (the embedded protocol's) as topic-id partitions; unknown topics are left out. */
  private byId (list: Array<{ topic: string, partitions: number[] }>): TopicPartitionsById[] {
    const ids = new Map([...this.options.topics()].map(t => [t.name, t.id]))
    return list.flatMap(t => { const topicId = ids.get(t.topic); return topicId === undefined ? [] : [{ topicId, partitions: t.partitions }] })
  }

  private byName (set: Set<Tp>): Array<{ topic: string, partitions: number[] }> {
    const names = new Map([...this.options.topics()].map(t => [t.id, t.name]))
    return toById(set).flatMap(t => { const topic = names.get(t.topicId); return topic === undefined ? [] : [{ topic, partitions: t.partitions }] })
  }

  /**
   * OffsetCommit/OffsetFetch from a consumer-protocol member: the member must exist (UNKNOWN_MEMBER_ID) and the
   * epoch must be its current one (STALE_MEMBER_EPOCH when older, FENCED_MEMBER_EPOCH when newer; Kafka's
   * ConsumerGroup.validateOffsetCommit). A commit with epoch -1 and no member is an admin commit, allowed only
   * while the group is empty.
   */
  commitError (groupId: string, memberEpoch: number, memberId: string): number {
    const g = this.groups.get(groupId)
    if (g === undefined) return ErrorCode.NONE
    if (memberEpoch < 0 && memberId === '') return g.members.size === 0 ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID
    const m = g.members.get(memberId)
    if (m === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    // A classic member commits with its generation, the member epoch: any other is ILLEGAL_GENERATION.
    if (m.classic !== null) return memberEpoch === m.memberEpoch ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION
    if (memberEpoch > m.memberEpoch) return ErrorCode.FENCED_MEMBER_EPOCH
    if (memberEpoch < m.memberEpoch) return ErrorCode.STALE_MEMBER_EPOCH
    return ErrorCode.NONE
  }

  /**
   * OffsetFetch v9+ naming a member (Kafka 4.4's ConsumerGroup.validateOffsetFetch): no member id and epoch -1 is
   * an admin tool, always answered; otherwise the member must exist (UNKNOWN_MEMBER_ID; an empty id is no member)
   * and the epoch must be its current one, older or newer alike (STALE_MEMBER_EPOCH; ILLEGAL_GENERATION for a
   * classic member). A null id with an epoch is UNKNOWN_SERVER_ERROR: Kafka looks the member up by the null id and
   * fails (compared with Kafka 4.4 in test-interop/differential/group-corpus.ts).
   */
  fetchError (groupId: string, memberEpoch: number, memberId: string | null): number {
    const g = this.groups.get(groupId)
    if (g === undefined || (memberId === null && memberEpoch < 0)) return ErrorCode.NONE
    if (memberId === null) return ErrorCode.UNKNOWN_SERVER_ERROR
    const m = g.members.get(memberId)
    if (m === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    if (memberEpoch === m.memberEpoch) return ErrorCode.NONE
    return m.classic !== null ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.STALE_MEMBER_EPOCH
  }

  describe (groupId: string): DescribedConsumerGroup | undefined {
    const g = this.groups.get(groupId)
    if (g === undefined) return undefined
    return {
      groupId,
      groupState: stateOf(g),
      groupEpoch: g.groupEpoch,
      assignmentEpoch: g.assignmentEpoch,
      assignorName: g.assignorName,
      members: [...g.members.values()].map(m => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        subscribedTopicRegex: m.subscribedTopicRegex ?? '',
        assignment: toById(m.assigned),
        targetAssignment: toById(g.target.get(m.memberId) ?? new Set()),
        classic: m.classic !== null
      }))
    }
  }

  list (): Array<{ groupId: string, groupState: ConsumerGroupState }> {
    return [...this.groups.values()].map(g => ({ groupId: g.groupId, groupState: stateOf(g) }))
  }

  /** DeleteGroups: only an empty group goes (its offsets live in the classic coordinator's store). */
  deleteGroup (groupId: string): number {
    const g = this.groups.get(groupId)
    if (g === undefined) return ErrorCode.GROUP_ID_NOT_FOUND
    if (g.members.size > 0) return ErrorCode.NON_EMPTY_GROUP
    this.groups.delete(groupId)
    return ErrorCode.NONE
  }

  close (): void {
    for (const g of this.groups.values()) for (const m of g.members.values()) stopTimers(m)
  }

  // ---- Membership ---------------------------------------------------------------------------------------------

  private leave (g: Group, req: ConsumerHeartbeat, fail: (code: number, msg?: string | null) => ConsumerHeartbeatResult): ConsumerHeartbeatResult {
    const m = g.members.get(req.memberId)
    if (m === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${g.groupId}.`)
    if (req.instanceId !== null && m.instanceId !== req.instanceId) return fail(ErrorCode.FENCED_INSTANCE_ID, `Instance id ${req.instanceId} belongs to another member.`)
    if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      // A static member leaving "for a moment" (a restart): it keeps its assignment and nothing is rebalanced;
      // its instance id may then join again under a new member id. The session timeout still removes it.
      m.memberEpoch = LEAVE_GROUP_STATIC_MEMBER_EPOCH
      this.touch(g, m)
    } else {
      this.fence(g, m)
    }
    return { errorCode: ErrorCode.NONE, errorMessage: null, memberId: m.memberId, memberEpoch: req.memberEpoch, heartbeatIntervalMs: 0, assignment: null }
  }

  /** The new incarnation of a static member takes over its predecessor's partitions: no rebalance. */
  private replaceStatic (g: Group, old: Member, memberId: string, req: { instanceId: string | null, rackId: string | null, clientId: string, clientHost: string, rebalanceTimeoutMs: number }): Member {
    stopTimers(old)
    g.members.delete(old.memberId)
    const m = newMember(memberId, req)
    // Same subscription as before: the heartbeat's fields then change nothing and the group epoch stays. Epoch 0
    // with the old partitions: reconciliation moves it straight to the assignment epoch, nothing to revoke.
    m.subscribedTopicNames = old.subscribedTopicNames
    m.subscribedTopicRegex = old.subscribedTopicRegex
    m.regex = old.regex
    m.serverAssignor = old.serverAssignor
    m.assigned = old.assigned
    g.members.set(memberId, m)
    const target = g.target.get(old.memberId)
    g.target.delete(old.memberId)
    if (target !== undefined) g.target.set(memberId, target)
    return m
  }

  private removeMember (g: Group, m: Member): void {
    stopTimers(m)
    g.members.delete(m.memberId)
    g.target.delete(m.memberId)
  }

  /**
   * A classic static member took the place of the last consumer-protocol member: the group goes back to the classic
   * coordinator, the joining member answered at its member epoch. With the target assignment up to date the member
   * is reconciled with it first and the classic group is stable at the group epoch; if the join moved the group
   * epoch past the assignment (a new subscription), the classic group rebalances instead, as Kafka's
   * classicGroupJoinToConsumerGroup does ("with stale assignment").
   */
  private downgradeWithReplacedMember (g: Group, member: Member, owned: TopicPartitionsById[], protocolName: string): ClassicJoinResult {
    const stale = g.assignmentEpoch < g.groupEpoch
    if (!stale) this.reconcile(g, member, owned)
    this.handOver(g, [...g.members.values()], stale)
    return { errorCode: ErrorCode.NONE, memberId: member.memberId, generationId: member.memberEpoch, protocolName }
  }

  /** Hands the group, with these (classic) members and their target assignments, to the classic coordinator. */
  private handOver (g: Group, members: Member[], rebalance: boolean): void {
    for (const x of g.members.values()) stopTimers(x)
    this.groups.delete(g.groupId)
    this.options.onDowngrade({
      groupId: g.groupId,
      groupEpoch: g.groupEpoch,
      rebalance,
      members: members.map(x => ({
        memberId: x.memberId, groupInstanceId: x.instanceId, clientId: x.clientId, clientHost: x.clientHost,
        sessionTimeoutMs: x.classic!.sessionTimeoutMs, rebalanceTimeoutMs: x.rebalanceTimeoutMs, protocols: x.classic!.protocols,
        assignment: this.byName(g.target.get(x.memberId) ?? new Set())
      }))
    })
  }

  /**
   * A member leaves or is fenced: it is removed and the group epoch bumped; or, when it was the last member of
   * the consumer protocol and classic members remain, the group goes back to the classic coordinator instead
   * (consumerGroupFenceMember and validateOnlineDowngradeWithFencedMember in Kafka).
   */
  private fence (g: Group, m: Member): void {
    const others = [...g.members.values()].filter(x => x !== m)
    if (m.classic === null && others.length > 0 && others.every(x => x.classic !== null) && downgradeEnabled(this.options.migrationPolicy)) {
      this.handOver(g, others, true)
      return
    }
    this.removeMember(g, m)
    g.groupEpoch++
  }

  /** Restarts the member's session: silent for the session timeout (a classic member's own), it is fenced. */
  private touch (g: Group, m: Member): void {
    clearTimeout(m.sessionTimer)
    m.sessionTimer = setTimeout(() => {
      if (g.members.get(m.memberId) === m && this.groups.get(g.groupId) === g) this.fence(g, m)
    }, m.classic?.sessionTimeoutMs ?? this.options.sessionTimeoutMs).unref()
  }

  // ---- Assignment ---------------------------------------------------------------------------------------------

  private topicsOf (m: Member, all: TopicInfo[]): TopicInfo[] {
    const names = new Set(m.subscribedTopicNames)
    return all.filter(t => names.has(t.name) || (m.regex !== null && !t.name.startsWith('__') && m.regex.test(t.name)))
  }

  /** Whether the subscribed topics or their partition counts changed since the last look. */
  private metadataChanged (g: Group): boolean {
    const all = [...this.options.topics()]
    const used = new Map<string, TopicInfo>()
    for (const m of g.members.values()) for (const t of this.topicsOf(m, all)) used.set(t.name, t)
    const key = [...used.values()].map(t => `${t.id}:${t.partitions}`).sort().join(',')
    if (key === g.metadataKey) return false
    g.metadataKey = key
    return true
  }

  /** The target assignment for the current group epoch, by the assignor most members ask for (uniform by default). */
  private computeTarget (g: Group): void {
    const votes = new Map<string, number>()
    for (const m of g.members.values()) if (m.serverAssignor !== null) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1)
    let assignor = 'uniform'
    let best = 0
    for (const [name, n] of votes) if (n > best) { assignor = name; best = n }
    g.assignorName = assignor
    const all = [...this.options.topics()]
    const members = [...g.members.values()].sort((a, b) => a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0)
    const subs = new Map(members.map(m => [m.memberId, this.topicsOf(m, all)]))
    g.target = assignor === 'range' ? rangeAssign(members, subs) : uniformAssign(members, subs, g.target)
    g.assignmentEpoch = g.groupEpoch
  }

  /**
   * Moves the member towards its target (CurrentAssignmentBuilder). Partitions it keeps stay; partitions it must
   * give up are withheld from its assignment and it stays at its old epoch until it no longer reports them owned;
   * partitions it gains are added only when no other member holds or is revoking them.
   */
  private reconcile (g: Group, m: Member, owned: TopicPartitionsById[] | null): void {
    if (m.memberEpoch < 0) return
    if (m.state === 'UNREVOKED_PARTITIONS') {
      const stillOwned = owned === null ? true : [...fromById(owned)].some(tp => m.pendingRevocation.has(tp))
      if (stillOwned) return
      m.pendingRevocation = new Set()
      clearTimeout(m.revocationTimer)
      m.revocationTimer = undefined
    } else if (m.state === 'STABLE' && m.memberEpoch === g.assignmentEpoch) {
      return
    }
    const target = g.target.get(m.memberId) ?? new Set<Tp>()
    const keep = new Set([...m.assigned].filter(tp => target.has(tp)))
    const revoke = new Set([...m.assigned].filter(tp => !target.has(tp)))
    const ownsRevoked = owned === null || [...fromById(owned)].some(tp => revoke.has(tp)) || m.memberEpoch === 0
    if (revoke.size > 0 && (ownsRevoked || owned === null)) {
      m.state = 'UNREVOKED_PARTITIONS'
      m.assigned = keep
      m.pendingRevocation = revoke
      clearTimeout(m.revocationTimer)
      m.revocationTimer = setTimeout(() => {
        // Not revoked within the rebalance timeout: the member is fenced, its partitions go free.
        if (g.members.get(m.memberId) !== m || m.state !== 'UNREVOKED_PARTITIONS' || this.groups.get(g.groupId) !== g) return
        this.fence(g, m)
      }, Math.max(m.rebalanceTimeoutMs, 0)).unref()
      return
    }
    const held = new Set<Tp>()
    for (const other of g.members.values()) {
      if (other === m) continue
      for (const tp of other.assigned) held.add(tp)
      for (const tp of other.pendingRevocation) held.add(tp)
    }
    let unreleased = false
    for (const tp of target) {
      if (keep.has(tp)) continue
      if (held.has(tp)) unreleased = true
      else keep.add(tp)
    }
    m.assigned = keep
    m.pendingRevocation = new Set()
    if (m.memberEpoch !== g.assignmentEpoch) {
      m.previousMemberEpoch = m.memberEpoch
      m.memberEpoch = g.assignmentEpoch
    }
    m.state = unreleased ? 'UNRELEASED_PARTITIONS' : 'STABLE'
  }
}

function stopTimers (m: Member): void {
  clearTimeout(m.sessionTimer)
  clearTimeout(m.revocationTimer)
  clearTimeout(m.classic?.joinTimer)
  clearTimeout(m.classic?.syncTimer)
}

function newMember (memberId: string, req: { instanceId: string | null, rackId: string | null, clientId: string, clientHost: string, rebalanceTimeoutMs: number }): Member {
  return {
    memberId, instanceId: req.instanceId, rackId: req.rackId, clientId: req.clientId, clientHost: req.clientHost,
    rebalanceTimeoutMs: req.rebalanceTimeoutMs, subscribedTopicNames: [], subscribedTopicRegex: null, regex: null, serverAssignor: null,
    memberEpoch: 0, previousMemberEpoch: 0, state: 'STABLE', assigned: new Set(), pendingRevocation: new Set(),
    sessionTimer: undefined, revocationTimer: undefined, classic: null
  }
}

/** Kafka's request checks (GroupMetadataManager.throwIfConsumerGroupHeartbeatRequestIsInvalid); null when valid. */
function validate (req: ConsumerHeartbeat): string | null {
  if (req.groupId === '') return 'GroupId can\'t be empty.'
  if (req.memberId === '' && (req.version >= 1 || req.memberEpoch !== 0)) return 'MemberId can\'t be empty.'
  if (req.instanceId === '') return 'InstanceId can\'t be empty.'
  if (req.rackId === '') return 'RackId can\'t be empty.'
  if (req.memberEpoch === 0) {
    if (req.rebalanceTimeoutMs === -1) return 'RebalanceTimeoutMs must be provided in first request.'
    if (req.topicPartitions === null || req.topicPartitions.length > 0) return 'TopicPartitions must be empty when (re-)joining.'
    if (req.subscribedTopicNames === null && req.subscribedTopicRegex === null) return 'SubscribedTopicNames or SubscribedTopicRegex must be set in first request.'
  } else if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    if (req.instanceId === null) return 'InstanceId can\'t be null.'
  } else if (req.memberEpoch < LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    return `MemberEpoch is invalid: ${req.memberEpoch}.`
  }
  return null
}

/**
 * A subscription regex, matched against whole topic names. Kafka uses RE2/J, which has no backreferences or
 * lookarounds (so they are invalid here too) and runs in linear time; JavaScript's RegExp backtracks, so a
 * quantified group that itself holds a quantifier (`(a+)+`), which could take exponential time on a 249-character
 * topic name, is refused as well: a deliberate difference that keeps every heartbeat bounded. null when refused.
 */
function compileTopicRegex (source: string): RegExp | null {
  if (source.length > MAX_REGEX_CHARS) return null
  if (/\\[1-9]|\\k<|\(\?<?[=!]/.test(source)) return null
  const groups = source.replace(/\(\?(?::|<[A-Za-z]\w*>)/g, '(')
  if (/\([^()]*[*+?{][^()]*\)[*+{]/.test(groups)) return null
  try { return new RegExp(`^(?:${source})$`) } catch { return null }
}

/**
 * The epoch a heartbeat carries must be the member's; one epoch back is accepted when the member's owned
 * partitions are within its assignment (the answer that moved it forward was lost; Kafka's
 * throwIfMemberEpochIsInvalid).
 */
function epochAccepted (m: Member, epoch: number, owned: TopicPartitionsById[] | null): boolean {
  if (epoch === m.memberEpoch) return true
  if (epoch > m.memberEpoch || epoch !== m.previousMemberEpoch || owned === null) return false
  for (const tp of fromById(owned)) if (!m.assigned.has(tp)) return false
  return true
}

/** Applies the fields the heartbeat carries (null means unchanged); true when the group epoch must move. */
function updateMember (m: Member, req: ConsumerHeartbeat, regex: RegExp | null): boolean {
  let changed = false
  if (req.rackId !== null) m.rackId = req.rackId
  if (req.rebalanceTimeoutMs !== -1) m.rebalanceTimeoutMs = req.rebalanceTimeoutMs
  if (req.subscribedTopicNames !== null && req.subscribedTopicNames.join('\0') !== m.subscribedTopicNames.join('\0')) {
    m.subscribedTopicNames = [...req.subscribedTopicNames]
    changed = true
  }
  if (req.subscribedTopicRegex !== null) {
    const next = req.subscribedTopicRegex === '' ? null : req.subscribedTopicRegex
    if (next !== m.subscribedTopicRegex) { m.subscribedTopicRegex = next; m.regex = regex; changed = true }
  }
  if (req.serverAssignor !== null && req.serverAssignor !== m.serverAssignor) { m.serverAssignor = req.serverAssignor; changed = true }
  return changed
}

function stateOf (g: Group): ConsumerGroupState {
  if (g.members.size === 0) return 'Empty'
  if (g.groupEpoch > g.assignmentEpoch) return 'Assigning'
  for (const m of g.members.values()) if (m.memberEpoch !== g.assignmentEpoch || m.state !== 'STABLE') return 'Reconciling'
  return 'Stable'
}

/**
 * The uniform assignor, sticky: every member keeps what it had as far as the balanced quota allows (floor(P/M),
 * and one more for P mod M members), then each free partition goes to the subscribed member with the fewest.
 */
function uniformAssign (members: Member[], subs: Map<string, TopicInfo[]>, previous: Map<string, Set<Tp>>): Map<string, Set<Tp>> {
  const out = new Map<string, Set<Tp>>(members.map(m => [m.memberId, new Set<Tp>()]))
  const all = new Map<Tp, string[]>()
  for (const m of members) {
    for (const t of subs.get(m.memberId)!) {
      for (let p = 0; p < t.partitions; p++) {
        const tp = `${t.id}:${p}`
        let who = all.get(tp)
        if (who === undefined) all.set(tp, who = [])
        who.push(m.memberId)
      }
    }
  }
  const eligible = members.filter(m => subs.get(m.memberId)!.length > 0)
  if (eligible.length === 0) return out
  const minQuota = Math.floor(all.size / eligible.length)
  let extra = all.size % eligible.length
  const taken = new Set<Tp>()
  for (const m of eligible) {
    const mine = out.get(m.memberId)!
    const before = [...(previous.get(m.memberId) ?? [])].filter(tp => all.get(tp)?.includes(m.memberId) === true).sort()
    for (const tp of before) {
      if (mine.size < minQuota || (mine.size === minQuota && extra > 0)) {
        if (mine.size === minQuota) extra--
        mine.add(tp)
        taken.add(tp)
      }
    }
  }
  for (const [tp, who] of [...all].sort((a, b) => compareTp(a[0], b[0]))) {
    if (taken.has(tp)) continue
    let best: string | undefined
    for (const id of who) if (best === undefined || out.get(id)!.size < out.get(best)!.size) best = id
    out.get(best!)!.add(tp)
  }
  return out
}

/** The range assignor: per topic, its subscribers in member-id order each get a contiguous run of partitions. */
function rangeAssign (members: Member[], subs: Map<string, TopicInfo[]>): Map<string, Set<Tp>> {
  const out = new Map<string, Set<Tp>>(members.map(m => [m.memberId, new Set<Tp>()]))
  const topics = new Map<string, TopicInfo>()
  for (const list of subs.values()) for (const t of list) topics.set(t.id, t)
  for (const t of topics.values()) {
    const who = members.filter(m => subs.get(m.memberId)!.some(x => x.id === t.id))
    const per = Math.floor(t.partitions / who.length)
    const extra = t.partitions % who.length
    let p = 0
    who.forEach((m, i) => {
      const n = per + (i < extra ? 1 : 0)
      for (let k = 0; k < n; k++) out.get(m.memberId)!.add(`${t.id}:${p++}`)
    })
  }
  return out
}

function compareTp (a: Tp, b: Tp): number {
  const [ia, pa] = splitTp(a)
  const [ib, pb] = splitTp(b)
  return ia < ib ? -1 : ia > ib ? 1 : pa - pb
}

function splitTp (tp: Tp): [string, number] {
  const i = tp.lastIndexOf(':')
  return [tp.slice(0, i), Number(tp.slice(i + 1))]
}

function fromById (list: TopicPartitionsById[]): Set<Tp> {
  const out = new Set<Tp>()
  for (const t of list) for (const p of t.partitions) out.add(`${t.topicId}:${p}`)
  return out
}

function toById (set: Set<Tp>): TopicPartitionsById[] {
  const byId = new Map<string, number[]>()
  for (const tp of set) {
    const [id, p] = splitTp(tp)
    let list = byId.get(id)
    if (list === undefined) byId.set(id, list = [])
    list.push(p)
  }
  return [...byId].sort((a, b) => a[0] < b[0] ? -1 : 1).map(([topicId, partitions]) => ({ topicId, partitions: partitions.sort((a, b) => a - b) }))
}

function sameSet (a: Set<Tp>, b: Set<Tp>): boolean {
  if (a.size !== b.size) return false
  for (const x of a) if (!b.has(x)) return false
  return true
}

/** The member by id, or by instance id (FENCED_INSTANCE_ID under another id); UNKNOWN_MEMBER_ID unless classic. */
function classicMember (g: Group, memberId: string, instanceId: string | null): Member | number {
  const m = instanceId === null ? g.members.get(memberId) : [...g.members.values()].find(x => x.instanceId === instanceId)
  if (m === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
  if (instanceId !== null && m.memberId !== memberId) return ErrorCode.FENCED_INSTANCE_ID
  return m.classic === null ? ErrorCode.UNKNOWN_MEMBER_ID : m
}

/**
 * A classic member may join when it speaks the consumer protocol type and, if the group has classic members, one
 * of its protocols is supported by all of them (ConsumerGroup.supportsClassicProtocols).
 */
function supportsClassicProtocols (g: Group, protocolType: string, protocols: GroupProtocol[]): boolean {
  if (protocolType !== CONSUMER_PROTOCOL_TYPE || protocols.length === 0) return false
  const classics = [...g.members.values()].filter(m => m.classic !== null)
  return protocols.some(p => classics.every(m => m.classic!.protocols.some(q => q.name === p.name)))
}

/** Whether a partition of the member's target is still held by another member (currentPartitionEpoch != -1). */
function waitingOnUnreleased (g: Group, m: Member): boolean {
  const target = g.target.get(m.memberId) ?? new Set<Tp>()
  for (const other of g.members.values()) {
    if (other === m) continue
    for (const tp of target) if (!m.assigned.has(tp) && (other.assigned.has(tp) || other.pendingRevocation.has(tp))) return true
  }
  return false
}

