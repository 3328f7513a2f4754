import { KafkaError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { JoinGroup, type JoinGroupResponse } from '../../protocol/apis/join-group.js'
import { SyncGroup, type SyncGroupResponse } from '../../protocol/apis/sync-group.js'
import { Heartbeat, type HeartbeatResponse } from '../../protocol/apis/heartbeat.js'
import { LeaveGroup, type LeaveGroupResponse } from '../../protocol/apis/leave-group.js'
import { CONSUMER_PROTOCOL_TYPE } from '../../protocol/group/consumer-protocol.js'
import { coordinatorMoved } from '../coordinator/find-coordinator.js'
import { backoffMs, delay, isRetriable } from '../retry.js'
import type { Channel, CoordinatorLink } from './coordinator-link.js'
import { FencedInstanceIdError } from './errors.js'
import type { GroupConfig } from './group-config.js'

// Membership in a classic group (KIP-62, KIP-345, KIP-394), the member's side of tools/fake-broker's
// group-coordinator.ts: JoinGroup until the coordinator answers with a generation, the leader's assignment, then
// SyncGroup for this member's share. The consumer on top (group-consumer.ts) decides when to rejoin; this file
// says how, and how each error of the coordinator is handled, following the Java client's AbstractCoordinator:
//
//   error                          JoinGroup / SyncGroup                     Heartbeat (reported to the caller)
//   MEMBER_ID_REQUIRED (KIP-394)   join again at once with the id given      -
//   UNKNOWN_MEMBER_ID              forget the member id, join again          generation over: partitions lost
//   ILLEGAL_GENERATION             join again (keeping the member id)        generation over: partitions lost
//   REBALANCE_IN_PROGRESS          join again                                rejoin, partitions still owned
//   NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS: find the coordinator, retry
//   FENCED_INSTANCE_ID             FencedInstanceIdError: fatal              the same
//   INVALID_REQUEST to SyncGroup   join again, at most 3 times (librdkafka's mock; see join)
//   anything else not retriable    KafkaError: fatal (INCONSISTENT_GROUP_PROTOCOL, GROUP_AUTHORIZATION_FAILED, ...)

/** SyncGroups refused with INVALID_REQUEST that one join() takes as "start a new round" before failing. */
const MAX_REFUSED_SYNCS = 3

export interface JoinedGeneration {
  generationId: number
  memberId: string
  protocolName: string
  leaderId: string
  /** This member's assignment bytes (ConsumerProtocolAssignment). */
  assignment: Buffer
}

export interface LeaderInput {
  protocolName: string
  members: Array<{ memberId: string, groupInstanceId: string | null, metadata: Buffer }>
}

export class ClassicMembership {
  memberId = ''
  generationId = -1
  protocolName: string | null = null

  constructor (
    private readonly link: CoordinatorLink,
    private readonly cfg: GroupConfig,
    private readonly retry: { backoffMs: number, backoffMaxMs: number, requestTimeoutMs: number }
  ) {}

  /** Whether this member holds a generation (it may commit with it and must heartbeat). */
  get inGeneration (): boolean { return this.generationId >= 0 }

  /** The generation is over (a fencing error): keep the member id unless the coordinator forgot it. */
  resetGeneration (forgetMemberId: boolean): void {
    this.generationId = -1
    this.protocolName = null
    if (forgetMemberId) this.memberId = ''
  }

  /**
   * Joins (or rejoins) the group and returns this member's assignment in the new generation. `protocols` is the
   * JoinGroup protocol list (assignor name, subscription bytes); `assign` runs when this member is the leader and
   * returns every member's assignment bytes. Retries until it has a generation, `signal` aborts, or a fatal error.
   */
  async join (
    protocols: Array<{ name: string, metadata: Buffer }>,
    assign: (input: LeaderInput) => Promise<Map<string, Buffer>>,
    signal?: AbortSignal
  ): Promise<JoinedGeneration> {
    const group = this.cfg.groupId
    let refusedSyncs = 0
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted === true) throw signal.reason
      let joined: JoinGroupResponse
      let version: number
      try {
        // The coordinator holds a JoinGroup until every member rejoined or the rebalance timeout passed.
        const res = await this.link.request<JoinGroupResponse>('group', JoinGroup, {
          groupId: group,
          sessionTimeoutMs: this.cfg.sessionTimeoutMs,
          rebalanceTimeoutMs: this.cfg.rebalanceTimeoutMs,
          memberId: this.memberId,
          groupInstanceId: this.cfg.groupInstanceId,
          protocolType: CONSUMER_PROTOCOL_TYPE,
          protocols,
          reason: null
        }, { timeoutMs: Math.max(this.retry.requestTimeoutMs, this.cfg.rebalanceTimeoutMs + 5000) })
        joined = res.body
        version = res.version
      } catch (err) {
        await this.backoffOrThrow(err, attempt, signal)
        continue
      }
      const code = joined.errorCode
      if (code === ErrorCode.MEMBER_ID_REQUIRED) { this.memberId = joined.memberId; continue }
      if (code !== ErrorCode.NONE) {
        this.handleGroupError(code, 'JoinGroup')
        await this.backoffOrThrow(new KafkaError(code, `JoinGroup ${group}`), attempt, signal)
        continue
      }
      this.memberId = joined.memberId
      this.generationId = joined.generationId
      this.protocolName = joined.protocolName
      const protocolName = joined.protocolName ?? ''
      let assignments: Array<{ memberId: string, assignment: Buffer }> = []
      // v9 may tell the leader to skip assigning (a static leader rejoining a stable group, KIP-814).
      if (joined.leader === joined.memberId && !(version >= 9 && joined.skipAssignment)) {
        const given = await assign({ protocolName, members: joined.members })
        assignments = [...given].map(([memberId, assignment]) => ({ memberId, assignment }))
      }
      let synced: SyncGroupResponse
      try {
        const res = await this.link.request<SyncGroupResponse>('group', SyncGroup, {
          groupId: group,
          generationId: this.generationId,
          memberId: this.memberId,
          groupInstanceId: this.cfg.groupInstanceId,
          protocolType: CONSUMER_PROTOCOL_TYPE,
          protocolName,
          assignments
        }, { timeoutMs: Math.max(this.retry.requestTimeoutMs, this.cfg.rebalanceTimeoutMs + 5000) })
        synced = res.body
      } catch (err) {
        this.resetGeneration(false)
        await this.backoffOrThrow(err, attempt, signal)
        continue
      }
      if (synced.errorCode === ErrorCode.INVALID_REQUEST && refusedSyncs++ < MAX_REFUSED_SYNCS) {
        // librdkafka's mock coordinator answers a follower's SyncGroup with INVALID_REQUEST when the leader's came
        // first and already ended the round (its group is "Up"); Kafka answers such a SyncGroup with the assignment.
        // A new round settles it, so the member rejoins a few times before taking the error as fatal.
        this.resetGeneration(false)
        await delay(backoffMs(Math.min(attempt, 10), this.retry.backoffMs, this.retry.backoffMaxMs))
        continue
      }
      if (synced.errorCode !== ErrorCode.NONE) {
        this.handleGroupError(synced.errorCode, 'SyncGroup')
        this.resetGeneration(synced.errorCode === ErrorCode.UNKNOWN_MEMBER_ID)
        await this.backoffOrThrow(new KafkaError(synced.errorCode, `SyncGroup ${group}`), attempt, signal)
        continue
      }
      // A null assignment (only ever seen with an error, from librdkafka's mock) is an empty one.
      return { generationId: this.generationId, memberId: this.memberId, protocolName, leaderId: joined.leader, assignment: synced.assignment ?? Buffer.alloc(0) }
    }
  }

  /** One heartbeat on its own connection; returns the coordinator's error code (connection errors throw). */
  async heartbeat (): Promise<number> {
    let res
    try {
      res = await this.link.request<HeartbeatResponse>('heartbeat', Heartbeat, {
        groupId: this.cfg.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: this.cfg.groupInstanceId
      })
    } catch (err) {
      if (!isRetriable(err)) throw err
      return ErrorCode.COORDINATOR_NOT_AVAILABLE
    }
    const code = res.body.errorCode
    if (coordinatorMoved(new KafkaError(code))) this.link.markUnknown()
    if (code === ErrorCode.FENCED_INSTANCE_ID) throw new FencedInstanceIdError(this.cfg.groupInstanceId ?? '', `Heartbeat ${this.cfg.groupId}`)
    return code
  }

  /**
   * Leaves the group so that it rebalances at once rather than after the session timeout. A static member does
   * not leave on close (KIP-345): the coordinator keeps its partitions for it until session.timeout.ms, so a
   * restart keeps its assignment. Errors are ignored: the session timeout removes the member anyway. `channel`:
   * the heartbeat connection when the group connection waits for a JoinGroup that the coordinator holds.
   */
  async leave (reason: string, channel: Channel = 'group'): Promise<void> {
    if (this.memberId === '' || this.cfg.groupInstanceId !== null) { this.resetGeneration(true); return }
    const memberId = this.memberId
    this.resetGeneration(true)
    try {
      await this.link.request<LeaveGroupResponse>(channel, LeaveGroup, (v: number) => v >= 3
        ? { groupId: this.cfg.groupId, members: [{ memberId, groupInstanceId: null, reason }] }
        : { groupId: this.cfg.groupId, memberId })
    } catch {}
  }

  private handleGroupError (code: number, what: string): void {
    if (code === ErrorCode.UNKNOWN_MEMBER_ID) this.resetGeneration(true)
    else if (code === ErrorCode.ILLEGAL_GENERATION) this.resetGeneration(false)
    else if (code === ErrorCode.FENCED_INSTANCE_ID) throw new FencedInstanceIdError(this.cfg.groupInstanceId ?? '', `${what} ${this.cfg.groupId}`)
    else if (coordinatorMoved(new KafkaError(code))) this.link.markUnknown()
  }

  /** Waits before the next attempt when the error is one to retry (member errors: at once); throws otherwise. */
  private async backoffOrThrow (err: unknown, attempt: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) throw signal.reason
    const code = err instanceof KafkaError ? err.errorCode : -1
    if (code === ErrorCode.UNKNOWN_MEMBER_ID || code === ErrorCode.ILLEGAL_GENERATION || code === ErrorCode.REBALANCE_IN_PROGRESS) return
    if (!isRetriable(err)) throw err
    await delay(backoffMs(Math.min(attempt, 10), this.retry.backoffMs, this.retry.backoffMaxMs))
  }
}
