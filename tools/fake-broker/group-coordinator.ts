import { randomUUID } from 'node:crypto'
import { ErrorCode } from '../../protocol/error-codes.js'
import { CONSUMER_PROTOCOL_TYPE, encodeAssignment } from '../../protocol/group/consumer-protocol.js'
import { assignmentVersionFor, type DowngradingGroup, type UpgradingGroup } from './group-migration.js'

// The classic consumer group protocol, coordinator side (KIP-62, KIP-345, KIP-394; Kafka's GroupCoordinator and
// GroupMetadata). A group moves through
//   Empty -> PreparingRebalance -> CompletingRebalance -> Stable -> PreparingRebalance -> ...
// A rebalance starts when a member joins, leaves, changes its protocols or misses its session timeout. Every
// member must then send JoinGroup again; when all have (or the rebalance timeout drops the stragglers) the
// generation is bumped and each JoinGroup is answered, the leader's with all members' metadata. The leader
// computes the assignment and sends it in its SyncGroup; each member's SyncGroup is answered with its share.
// Heartbeats keep a member's session alive and tell it (REBALANCE_IN_PROGRESS) when to rejoin.

export type GroupStateName = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'

export interface CommittedOffset {
  offset: bigint
  leaderEpoch: number
  metadata: string | null
}

export interface GroupProtocol { name: string, metadata: Buffer }

export interface JoinRequest {
  groupId: string
  memberId: string
  groupInstanceId: string | null
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  protocolType: string
  protocols: GroupProtocol[]
  clientId: string
  clientHost: string
  /** JoinGroup v4+: a new member first gets MEMBER_ID_REQUIRED with its id, then joins with it (KIP-394). */
  requireKnownMemberId: boolean
}

export interface JoinResult {
  errorCode: number
  generationId: number
  protocolType: string | null
  protocolName: string | null
  leader: string
  memberId: string
  members: Array<{ memberId: string, groupInstanceId: string | null, metadata: Buffer }>
  /** JoinGroup v9: the leader must not assign (a static leader rejoining a stable group). */
  skipAssignment?: boolean
}

export interface SyncRequest {
  groupId: string
  generationId: number
  memberId: string
  protocolType: string | null
  protocolName: string | null
  assignments: Array<{ memberId: string, assignment: Buffer }>
}

export interface SyncResult {
  errorCode: number
  protocolType: string | null
  protocolName: string | null
  assignment: Buffer
}

export interface DescribedGroup {
  errorCode: number
  groupId: string
  groupState: GroupStateName
  protocolType: string
  protocolData: string
  members: Array<{ memberId: string, groupInstanceId: string | null, clientId: string, clientHost: string, memberMetadata: Buffer, memberAssignment: Buffer }>
}

export interface GroupCoordinatorOptions {
  /** group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members. */
  initialRebalanceDelayMs: number
  /** group.min.session.timeout.ms / group.max.session.timeout.ms (Kafka defaults 6000 / 1800000). */
  minSessionTimeoutMs: number
  maxSessionTimeoutMs: number
  onOffsetsChanged: () => void
}

interface Member {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  protocolType: string
  protocols: GroupProtocol[]
  assignment: Buffer
  joinWaiter: ((r: JoinResult) => void) | undefined
  syncWaiter: ((r: SyncResult) => void) | undefined
  sessionTimer: NodeJS.Timeout | undefined
}

interface Group {
  groupId: string
  state: GroupStateName
  generationId: number
  protocolType: string | null
  protocolName: string | null
  leaderId: string | null
  members: Map<string, Member>
  /** Member ids handed out with MEMBER_ID_REQUIRED and not yet used to join. */
  pendingMemberIds: Set<string>
  rebalanceTimer: NodeJS.Timeout | undefined
  /** True while the first rebalance of an empty group waits group.initial.rebalance.delay.ms. */
  initialDelay: boolean
  offsets: Map<string, Map<number, CommittedOffset>>
}

const EMPTY = Buffer.alloc(0)

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>()

  constructor (private readonly options: GroupCoordinatorOptions) {}

  join (req: JoinRequest): Promise<JoinResult> {
    const fail = (errorCode: number, memberId = req.memberId): Promise<JoinResult> =>
      Promise.resolve({ errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] })
    if (req.sessionTimeoutMs < this.options.minSessionTimeoutMs || req.sessionTimeoutMs > this.options.maxSessionTimeoutMs) {
      return fail(ErrorCode.INVALID_SESSION_TIMEOUT)
    }
    if (req.protocolType === '' || req.protocols.length === 0) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const g = this.group(req.groupId)
    const existing = g.members.get(req.memberId)
    if (g.members.size > 0 && (g.protocolType !== req.protocolType || !this.supportsProtocols(g, req.protocols, existing))) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    }

    let member = existing
    if (member === undefined) {
      let memberId = req.memberId
      if (memberId === '') {
        memberId = `${req.clientId}-${randomUUID()}`
        if (req.groupInstanceId !== null) {
          // A static member (KIP-345) that rejoins replaces its old incarnation under a new member id.
          const old = [...g.members.values()].find(m => m.groupInstanceId === req.groupInstanceId)
          if (old !== undefined) return this.replaceStaticMember(g, old, memberId, req)
        } else if (req.requireKnownMemberId) {
          g.pendingMemberIds.add(memberId)
          return fail(ErrorCode.MEMBER_ID_REQUIRED, memberId)
        }
      } else if (req.groupInstanceId !== null && [...g.members.values()].some(m => m.groupInstanceId === req.groupInstanceId)) {
        // A static member's instance id under another member id: an older incarnation (ClassicGroup.isStaticMemberFenced).
        return fail(ErrorCode.FENCED_INSTANCE_ID)
      } else if (!g.pendingMemberIds.delete(memberId)) {
        return fail(ErrorCode.UNKNOWN_MEMBER_ID)
      }
      member = {
        memberId, groupInstanceId: req.groupInstanceId, clientId: req.clientId, clientHost: req.clientHost,
        sessionTimeoutMs: req.sessionTimeoutMs, rebalanceTimeoutMs: req.rebalanceTimeoutMs, protocolType: req.protocolType,
        protocols: req.protocols, assignment: EMPTY, joinWaiter: undefined, syncWaiter: undefined, sessionTimer: undefined
      }
      g.members.set(memberId, member)
      if (g.protocolType === null || g.members.size === 1) g.protocolType = req.protocolType
      const joined = this.awaitJoin(member)
      if (g.state === 'PreparingRebalance') this.tryCompleteJoin(g)
      else this.prepareRebalance(g)
      return joined
    }

    const sameProtocols = protocolsEqual(member.protocols, req.protocols)
    member.protocols = req.protocols
    member.sessionTimeoutMs = req.sessionTimeoutMs
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs
    switch (g.state) {
      case 'PreparingRebalance': {
        const joined = this.awaitJoin(member)
        this.tryCompleteJoin(g)
        return joined
      }
      case 'CompletingRebalance':
      case 'Stable':
        // A member rejoining with unchanged metadata gets the current generation back; the leader rejoining in
        // Stable, or anyone with new metadata, starts a rebalance (GroupCoordinator.updateMemberAndRebalance).
        if (sameProtocols && !(g.state === 'Stable' && g.leaderId === member.memberId)) {
          this.touch(g, member)
          return Promise.resolve(this.joinResult(g, member))
        }
        {
          const joined = this.awaitJoin(member)
          this.prepareRebalance(g)
          return joined
        }
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID)
    }
  }

  sync (req: SyncRequest): Promise<SyncResult> {
    const fail = (errorCode: number): Promise<SyncResult> => Promise.resolve({ errorCode, protocolType: null, protocolName: null, assignment: EMPTY })
    const g = this.groups.get(req.groupId)
    const member = g?.members.get(req.memberId)
    if (g === undefined || member === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID)
    if (req.generationId !== g.generationId) return fail(ErrorCode.ILLEGAL_GENERATION)
    if ((req.protocolType !== null && req.protocolType !== g.protocolType) || (req.protocolName !== null && req.protocolName !== g.protocolName)) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    }
    switch (g.state) {
      case 'PreparingRebalance': return fail(ErrorCode.REBALANCE_IN_PROGRESS)
      case 'Stable':
        this.touch(g, member)
        return Promise.resolve(this.syncResult(g, member))
      case 'CompletingRebalance': {
        const synced = new Promise<SyncResult>(resolve => {
          member.syncWaiter?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, protocolType: null, protocolName: null, assignment: EMPTY })
          member.syncWaiter = resolve
        })
        this.touch(g, member)
        if (g.leaderId === member.memberId) {
          const given = new Map(req.assignments.map(a => [a.memberId, a.assignment]))
          for (const m of g.members.values()) m.assignment = given.get(m.memberId) ?? EMPTY
          g.state = 'Stable'
          for (const m of g.members.values()) {
            const waiter = m.syncWaiter
            m.syncWaiter = undefined
            waiter?.(this.syncResult(g, m))
          }
        }
        return synced
      }
      default: return fail(ErrorCode.UNKNOWN_MEMBER_ID)
    }
  }

  heartbeat (groupId: string, generationId: number, memberId: string): number {
    const g = this.groups.get(groupId)
    const member = g?.members.get(memberId)
    if (g === undefined || member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    if (generationId !== g.generationId) return ErrorCode.ILLEGAL_GENERATION
    this.touch(g, member)
    return g.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE
  }

  /** LeaveGroup: members by id, or static members by instance id (v3+, KIP-345). */
  leave (groupId: string, identities: Array<{ memberId: string, groupInstanceId: string | null }>): Array<{ memberId: string, groupInstanceId: string | null, errorCode: number }> {
    const g = this.groups.get(groupId)
    return identities.map(id => {
      const member = g === undefined
        ? undefined
        : id.memberId !== '' ? g.members.get(id.memberId) : [...g.members.values()].find(m => m.groupInstanceId !== null && m.groupInstanceId === id.groupInstanceId)
      if (g === undefined || member === undefined || (id.groupInstanceId !== null && member.groupInstanceId !== id.groupInstanceId)) {
        return { ...id, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }
      }
      this.removeMember(g, member, true)
      // The answer names the member as the request did: by instance id alone, the member id stays empty.
      return { memberId: id.memberId, groupInstanceId: member.groupInstanceId, errorCode: ErrorCode.NONE }
    })
  }

  /**
   * Whether a member may commit offsets for the group (OffsetCommit): a "simple" commit (generation -1, no
   * member) is allowed while the group is empty; otherwise the member and its generation must be current.
   */
  commitError (groupId: string, generationId: number, memberId: string): number {
    const g = this.groups.get(groupId)
    // A commit with a generation to a group the coordinator does not know: Kafka 4's coordinator answers
    // GROUP_ID_NOT_FOUND (OffsetCommit v9+; the handler turns it into ILLEGAL_GENERATION for older versions).
    if (g === undefined) return generationId < 0 ? ErrorCode.NONE : ErrorCode.GROUP_ID_NOT_FOUND
    if (generationId < 0 && g.state === 'Empty') return ErrorCode.NONE
    const member = g.members.get(memberId)
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    // A stale generation is ILLEGAL_GENERATION even while the group completes a rebalance (Kafka checks the
    // generation first: ClassicGroup.validateOffsetCommit).
    if (generationId !== g.generationId) return ErrorCode.ILLEGAL_GENERATION
    if (g.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS
    this.touch(g, member)
    return ErrorCode.NONE
  }

  commit (groupId: string, topic: string, partition: number, committed: CommittedOffset): void {
    const g = this.group(groupId)
    let byPartition = g.offsets.get(topic)
    if (byPartition === undefined) g.offsets.set(topic, byPartition = new Map())
    byPartition.set(partition, committed)
  }

  /** Called once after a request's commits, so persistence writes once per OffsetCommit. */
  committedBatch (): void { this.options.onOffsetsChanged() }

  committed (groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(groupId)?.offsets.get(topic)?.get(partition)
  }

  /** Every committed offset of a group, by topic (OffsetFetch with a null topic list). */
  committedTopics (groupId: string): Map<string, Map<number, CommittedOffset>> {
    return this.groups.get(groupId)?.offsets ?? new Map()
  }

  describe (groupId: string): DescribedGroup {
    const g = this.groups.get(groupId)
    if (g === undefined) return { errorCode: ErrorCode.NONE, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] }
    // Member metadata and assignments are only shown once the group is Stable (GroupMetadata.summary).
    const stable = g.state === 'Stable'
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      groupState: g.state,
      protocolType: g.protocolType ?? '',
      protocolData: stable ? (g.protocolName ?? '') : '',
      members: [...g.members.values()].map(m => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? (m.protocols.find(p => p.name === g.protocolName)?.metadata ?? EMPTY) : EMPTY,
        memberAssignment: stable ? m.assignment : EMPTY
      }))
    }
  }

  list (): Array<{ groupId: string, protocolType: string, groupState: GroupStateName }> {
    return [...this.groups.values()].map(g => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state }))
  }

  restoreOffset (groupId: string, topic: string, partition: number, committed: CommittedOffset): void {
    this.commit(groupId, topic, partition, committed)
  }

  allOffsets (): Array<{ group: string, topic: string, partition: number, committed: CommittedOffset }> {
    const out: Array<{ group: string, topic: string, partition: number, committed: CommittedOffset }> = []
    for (const g of this.groups.values()) {
      for (const [topic, byPartition] of g.offsets) for (const [partition, committed] of byPartition) out.push({ group: g.groupId, topic, partition, committed })
    }
    return out
  }

  /**
   * DeleteGroups (KIP-229): a group without members goes, with its committed offsets. GROUP_ID_NOT_FOUND for a
   * group never seen, NON_EMPTY_GROUP while members are in it (GroupCoordinator.handleDeleteGroups).
   */
  deleteGroup (groupId: string): number {
    const g = this.groups.get(groupId)
    if (g === undefined || g.state === 'Dead') return ErrorCode.GROUP_ID_NOT_FOUND
    if (g.members.size > 0 || g.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP
    clearTimeout(g.rebalanceTimer)
    this.groups.delete(groupId)
    this.options.onOffsetsChanged()
    return ErrorCode.NONE
  }

  /**
   * OffsetDelete (KIP-496): the group's error first (GROUP_ID_NOT_FOUND; NON_EMPTY_GROUP for a non-consumer group
   * with members, whose subscriptions cannot be read), then per partition GROUP_SUBSCRIBED_TO_TOPIC while a
   * member's subscription (consumer protocol) names the topic; other partitions' offsets are removed.
   */
  deleteOffsets (groupId: string, topics: Array<{ name: string, partitions: number[] }>, subscribedTopics: (metadata: Buffer) => string[]): { errorCode: number, topics: Array<{ name: string, partitions: Array<{ partitionIndex: number, errorCode: number }> }> } {
    const g = this.groups.get(groupId)
    const none = { topics: [] }
    if (g === undefined || g.state === 'Dead') return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, ...none }
    const subscribed = new Set<string>()
    if (g.members.size > 0) {
      if (g.protocolType !== 'consumer') return { errorCode: ErrorCode.NON_EMPTY_GROUP, ...none }
      for (const m of g.members.values()) {
        const meta = m.protocols.find(p => p.name === g.protocolName)?.metadata ?? m.protocols[0]?.metadata
        if (meta !== undefined) for (const t of subscribedTopics(meta)) subscribed.add(t)
      }
    }
    let changed = false
    const out = topics.map(t => ({
      name: t.name,
      partitions: t.partitions.map(partitionIndex => {
        if (subscribed.has(t.name)) return { partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }
        changed = g.offsets.get(t.name)?.delete(partitionIndex) === true || changed
        if (g.offsets.get(t.name)?.size === 0) g.offsets.delete(t.name)
        return { partitionIndex, errorCode: ErrorCode.NONE }
      })
    }))
    if (changed) this.options.onOffsetsChanged()
    return { errorCode: ErrorCode.NONE, topics: out }
  }

  /** A deleted topic's committed offsets go with it. */
  forgetTopic (topic: string): void {
    for (const g of this.groups.values()) g.offsets.delete(topic)
  }

  /** Stops every timer and answers pending joins and syncs, so nothing holds the process open. */
  close (): void {
    for (const g of this.groups.values()) {
      clearTimeout(g.rebalanceTimer)
      for (const m of g.members.values()) {
        clearTimeout(m.sessionTimer)
        m.joinWaiter?.(this.joinError(m, ErrorCode.COORDINATOR_NOT_AVAILABLE))
        m.syncWaiter?.({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, protocolType: null, protocolName: null, assignment: EMPTY })
        m.joinWaiter = m.syncWaiter = undefined
      }
    }
  }

  // ---- Rebalancing --------------------------------------------------------------------------------------------

  private group (groupId: string): Group {
    let g = this.groups.get(groupId)
    if (g === undefined) {
      g = {
        groupId, state: 'Empty', generationId: 0, protocolType: null, protocolName: null, leaderId: null, members: new Map(),
        pendingMemberIds: new Set(), rebalanceTimer: undefined, initialDelay: false, offsets: new Map()
      }
      this.groups.set(groupId, g)
    }
    return g
  }

  /** Whether the protocols a member offers leave at least one that every other member supports too. */
  private supportsProtocols (g: Group, protocols: GroupProtocol[], self: Member | undefined): boolean {
    return protocols.some(p => [...g.members.values()].every(m => m === self || m.protocols.some(q => q.name === p.name)))
  }

  /**
   * A static member restarted (KIP-345; GroupCoordinator.updateStaticMemberAndRebalance): its old member id is
   * fenced (FENCED_INSTANCE_ID from then on) and the new one takes its place, assignment included. In a Stable
   * group with the same subscription there is no rebalance: the member gets the current generation back (a
   * leader is told to skip assigning, JoinGroup v9) and its old assignment from SyncGroup. Otherwise it joins the
   * rebalance under way, or starts one.
   */
  private replaceStaticMember (g: Group, old: Member, memberId: string, req: JoinRequest): Promise<JoinResult> {
    clearTimeout(old.sessionTimer)
    old.joinWaiter?.(this.joinError(old, ErrorCode.FENCED_INSTANCE_ID))
    old.syncWaiter?.({ errorCode: ErrorCode.FENCED_INSTANCE_ID, protocolType: null, protocolName: null, assignment: EMPTY })
    g.members.delete(old.memberId)
    const member: Member = {
      ...old, memberId, clientId: req.clientId, clientHost: req.clientHost, sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs, protocols: req.protocols, joinWaiter: undefined, syncWaiter: undefined, sessionTimer: undefined
    }
    g.members.set(memberId, member)
    if (g.leaderId === old.memberId) g.leaderId = memberId
    if (g.state === 'Stable' && protocolsEqual(old.protocols, req.protocols)) {
      this.touch(g, member)
      return Promise.resolve({ ...this.joinResult(g, member), skipAssignment: g.leaderId === memberId })
    }
    const joined = this.awaitJoin(member)
    if (g.state === 'PreparingRebalance') this.tryCompleteJoin(g)
    else this.prepareRebalance(g)
    return joined
  }

  /** Whether JoinGroup's session timeout is within group.min/max.session.timeout.ms (else INVALID_SESSION_TIMEOUT). */
  sessionTimeoutValid (ms: number): boolean {
    return ms >= this.options.minSessionTimeoutMs && ms <= this.options.maxSessionTimeoutMs
  }

  /** Whether a classic group of this id exists, if only for its committed offsets. */
  has (groupId: string): boolean { return this.groups.has(groupId) }

  /** Whether the group has members now (a consumer-protocol member joining it must convert it first). */
  hasMembers (groupId: string): boolean { return (this.groups.get(groupId)?.members.size ?? 0) > 0 }

  /**
   * The online upgrade (see group-migration.ts): hands the group's members over and leaves the group empty, its
   * offsets kept. Members waiting in JoinGroup or SyncGroup are told REBALANCE_IN_PROGRESS, so they rejoin, now
   * to the consumer group (GroupMetadataManager.convertToConsumerGroup). false, and nothing changed, when the
   * group cannot move: not of the consumer protocol type, more members than a consumer group may hold, or
   * `accept` (the consumer coordinator taking the members) refuses.
   */
  releaseForUpgrade (groupId: string, maxMembers: number, accept: (u: UpgradingGroup) => boolean): boolean {
    const g = this.groups.get(groupId)
    if (g === undefined || g.members.size === 0 || g.protocolType !== CONSUMER_PROTOCOL_TYPE || g.members.size > maxMembers) return false
    const first = g.members.values().next().value!
    const protocolName = g.protocolName ?? first.protocols[0].name
    const members = [...g.members.values()].map(m => ({
      memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
      sessionTimeoutMs: m.sessionTimeoutMs, rebalanceTimeoutMs: m.rebalanceTimeoutMs, protocols: m.protocols, assignment: m.assignment
    }))
    if (!accept({ groupId, generationId: g.generationId, protocolName, members })) return false
    clearTimeout(g.rebalanceTimer)
    for (const m of g.members.values()) {
      clearTimeout(m.sessionTimer)
      m.joinWaiter?.(this.joinError(m, ErrorCode.REBALANCE_IN_PROGRESS))
      m.syncWaiter?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, protocolType: null, protocolName: null, assignment: EMPTY })
      m.joinWaiter = m.syncWaiter = undefined
    }
    g.members.clear()
    g.pendingMemberIds.clear()
    g.state = 'Empty'
    g.protocolName = null
    g.leaderId = null
    g.rebalanceTimer = undefined
    g.initialDelay = false
    return true
  }

  /**
   * The online downgrade: the consumer group's classic members become this group's, at its epoch and with their
   * target assignments (ClassicGroup.fromConsumerGroup), and a rebalance starts at once so that they join again.
   */
  adoptDowngraded (d: DowngradingGroup): void {
    const g = this.group(d.groupId)
    g.generationId = d.groupEpoch
    g.protocolType = CONSUMER_PROTOCOL_TYPE
    g.state = 'Stable'
    g.members.clear()
    for (const m of d.members) {
      g.members.set(m.memberId, { ...m, protocolType: CONSUMER_PROTOCOL_TYPE, assignment: EMPTY, joinWaiter: undefined, syncWaiter: undefined, sessionTimer: undefined })
    }
    g.leaderId = d.members[0].memberId
    g.protocolName = selectProtocol([...g.members.values()])
    for (const m of d.members) {
      const member = g.members.get(m.memberId)!
      // The assignment in the version of the member's own subscription, as Kafka serializes it.
      const metadata = member.protocols.find(p => p.name === g.protocolName)!.metadata
      member.assignment = encodeAssignment({ assignedPartitions: m.assignment, userData: null }, assignmentVersionFor(metadata))
      this.touch(g, member)
    }
    if (d.rebalance) this.prepareRebalance(g)
  }

  /** FENCED_INSTANCE_ID when a request names a static member's instance id under another member id (KIP-345). */
  fencedInstance (groupId: string, memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false
    const g = this.groups.get(groupId)
    if (g === undefined) return false
    const current = [...g.members.values()].find(m => m.groupInstanceId === groupInstanceId)
    return current !== undefined && current.memberId !== memberId
  }

  private awaitJoin (member: Member): Promise<JoinResult> {
    return new Promise(resolve => {
      member.joinWaiter?.(this.joinError(member, ErrorCode.REBALANCE_IN_PROGRESS))
      member.joinWaiter = resolve
    })
  }

  private prepareRebalance (g: Group): void {
    if (g.state === 'CompletingRebalance') {
      // The leader's assignment will never come for this generation: members waiting in SyncGroup must rejoin.
      for (const m of g.members.values()) {
        m.assignment = EMPTY
        const waiter = m.syncWaiter
        m.syncWaiter = undefined
        waiter?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, protocolType: null, protocolName: null, assignment: EMPTY })
      }
    }
    const wasEmpty = g.state === 'Empty'
    g.state = 'PreparingRebalance'
    clearTimeout(g.rebalanceTimer)
    if (wasEmpty && this.options.initialRebalanceDelayMs > 0) {
      // The first rebalance of an empty group waits a little so that members starting together land in one
      // generation (KIP-134, group.initial.rebalance.delay.ms).
      g.initialDelay = true
      g.rebalanceTimer = setTimeout(() => {
        g.initialDelay = false
        this.completeJoin(g)
      }, this.options.initialRebalanceDelayMs).unref()
      return
    }
    let timeoutMs = 0
    for (const m of g.members.values()) timeoutMs = Math.max(timeoutMs, m.rebalanceTimeoutMs)
    g.rebalanceTimer = setTimeout(() => { this.completeJoin(g) }, timeoutMs).unref()
    this.tryCompleteJoin(g)
  }

  private tryCompleteJoin (g: Group): void {
    if (g.state !== 'PreparingRebalance' || g.initialDelay) return
    for (const m of g.members.values()) if (m.joinWaiter === undefined) return
    this.completeJoin(g)
  }

  /** Ends the join phase: members that did not rejoin are dropped, the generation is bumped, joins answered. */
  private completeJoin (g: Group): void {
    if (g.state !== 'PreparingRebalance') return
    clearTimeout(g.rebalanceTimer)
    g.rebalanceTimer = undefined
    for (const m of [...g.members.values()]) {
      if (m.joinWaiter === undefined) {
        clearTimeout(m.sessionTimer)
        g.members.delete(m.memberId)
      }
    }
    g.generationId++
    if (g.members.size === 0) {
      g.state = 'Empty'
      g.protocolName = null
      g.leaderId = null
      return
    }
    g.state = 'CompletingRebalance'
    g.protocolName = selectProtocol([...g.members.values()])
    if (g.leaderId === null || !g.members.has(g.leaderId)) g.leaderId = g.members.keys().next().value!
    for (const m of g.members.values()) {
      const waiter = m.joinWaiter
      m.joinWaiter = undefined
      this.touch(g, m)
      waiter?.(this.joinResult(g, m))
    }
  }

  private joinResult (g: Group, m: Member): JoinResult {
    const isLeader = g.leaderId === m.memberId
    return {
      errorCode: ErrorCode.NONE,
      generationId: g.generationId,
      protocolType: g.protocolType,
      protocolName: g.protocolName,
      leader: g.leaderId ?? '',
      memberId: m.memberId,
      members: isLeader
        ? [...g.members.values()].map(x => ({ memberId: x.memberId, groupInstanceId: x.groupInstanceId, metadata: x.protocols.find(p => p.name === g.protocolName)?.metadata ?? EMPTY }))
        : []
    }
  }

  private joinError (m: Member, errorCode: number): JoinResult {
    return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId: m.memberId, members: [] }
  }

  private syncResult (g: Group, m: Member): SyncResult {
    return { errorCode: ErrorCode.NONE, protocolType: g.protocolType, protocolName: g.protocolName, assignment: m.assignment }
  }

  /** Restarts a member's session timer: missing it for sessionTimeoutMs removes the member (KIP-62). */
  private touch (g: Group, m: Member): void {
    clearTimeout(m.sessionTimer)
    m.sessionTimer = setTimeout(() => {
      // Members waiting for a join or sync answer are kept alive, as Kafka's MemberMetadata.shouldKeepAlive does.
      if (m.joinWaiter !== undefined || m.syncWaiter !== undefined) this.touch(g, m)
      else if (g.members.get(m.memberId) === m) this.removeMember(g, m, true)
    }, m.sessionTimeoutMs).unref()
  }

  private removeMember (g: Group, m: Member, rebalance: boolean): void {
    clearTimeout(m.sessionTimer)
    g.members.delete(m.memberId)
    m.joinWaiter?.(this.joinError(m, ErrorCode.UNKNOWN_MEMBER_ID))
    m.syncWaiter?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, protocolType: null, protocolName: null, assignment: EMPTY })
    m.joinWaiter = m.syncWaiter = undefined
    if (g.leaderId === m.memberId) g.leaderId = g.members.keys().next().value ?? null
    if (!rebalance) return
    if (g.state === 'Stable' || g.state === 'CompletingRebalance') this.prepareRebalance(g)
    else if (g.state === 'PreparingRebalance') this.tryCompleteJoin(g)
  }
}

function protocolsEqual (a: GroupProtocol[], b: GroupProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i].name && p.metadata.equals(b[i].metadata))
}

/**
 * The group's protocol: among those every member supports, the one most members list first
 * (GroupMetadata.selectProtocol: each member votes for its first supported candidate).
 */
function selectProtocol (members: Member[]): string {
  const candidates = members[0].protocols.map(p => p.name).filter(name => members.every(m => m.protocols.some(p => p.name === name)))
  const votes = new Map<string, number>(candidates.map(c => [c, 0]))
  for (const m of members) {
    const choice = m.protocols.find(p => votes.has(p.name))
    if (choice !== undefined) votes.set(choice.name, votes.get(choice.name)! + 1)
  }
  let best = candidates[0]
  for (const c of candidates) if (votes.get(c)! > votes.get(best)!) best = c
  return best
}
