import { randomBytes } from 'node:crypto'
import { KafkaError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { ConsumerGroupHeartbeat, type ConsumerGroupHeartbeatResponse } from '../../protocol/apis/consumer-group-heartbeat.js'
import type { KafkaClient } from '../cluster.js'
import { coordinatorMoved } from '../coordinator/find-coordinator.js'
import { isRetriable } from '../retry.js'
import type { Channel, CoordinatorLink } from './coordinator-link.js'
import { FencedInstanceIdError } from './errors.js'
import type { GroupConfig } from './group-config.js'

// Membership in a group of the consumer protocol (KIP-848, `group.protocol=consumer`): no JoinGroup, SyncGroup
// or client-side leader. One request, ConsumerGroupHeartbeat, joins (member epoch 0), heartbeats, acknowledges
// what the member owns, and leaves (epoch -1; -2 for a static member that will come back). The coordinator runs
// the assignor (`group.remote.assignor`: uniform or range) and answers with the member's target assignment, by
// topic id, whenever it changed; the member reconciles (revokes what it lost, takes what it got) and reports what
// it owns in its next heartbeat. The coordinator gives a partition to its new owner only once the old one has
// reported it released, so no partition has two owners. The member id is made by the client (KIP-1082).
//
//   error                                    what the member does (the Java client's AsyncKafkaConsumer)
//   FENCED_MEMBER_EPOCH, UNKNOWN_MEMBER_ID   partitions lost (no commit); join again with epoch 0, same id
//   NOT_COORDINATOR and friends              find the coordinator, heartbeat again
//   FENCED_INSTANCE_ID, UNRELEASED_INSTANCE_ID, UNSUPPORTED_ASSIGNOR, GROUP_MAX_SIZE_REACHED, ...: fatal

export interface TargetPartition { topic: string, partition: number }

export class ConsumerMembership {
  /** A random UUID in Kafka's form (URL-safe base64, no padding), kept for the member's lifetime. */
  readonly memberId = randomBytes(16).toString('base64url')
  /** The member epoch: 0 before joining (and after being fenced), > 0 while in the group. */
  generationId = 0
  /** The interval the coordinator asks for. */
  heartbeatIntervalMs: number | undefined
  /** The latest assignment the coordinator sent and the member has not reconciled yet. */
  pendingAssignment: TargetPartition[] | undefined
  private readonly topicNames = new Map<string, string>()

  constructor (
    private readonly client: KafkaClient,
    private readonly link: CoordinatorLink,
    private readonly cfg: GroupConfig
  ) {}

  get inGeneration (): boolean { return this.generationId > 0 }

  /** Fenced: the member must give up its partitions and join again with epoch 0 (keeping its id). */
  resetGeneration (_forgetMemberId: boolean): void {
    this.generationId = 0
    this.pendingAssignment = undefined
  }

  /**
   * One ConsumerGroupHeartbeat: joins when the epoch is 0. Returns the error code (after handling coordinator moves
   * and fatal errors); a new assignment is left in `pendingAssignment`.
   */
  async heartbeat (channel: Channel, subscribed: string[], owned: Array<{ topic: string, partition: number }>): Promise<number> {
    const joining = this.generationId === 0
    const byId = new Map<string, number[]>()
    for (const tp of owned) {
      const id = await this.topicId(tp.topic)
      let list = byId.get(id)
      if (list === undefined) byId.set(id, list = [])
      list.push(tp.partition)
    }
    let res
    try {
      res = await this.link.request<ConsumerGroupHeartbeatResponse>(channel, ConsumerGroupHeartbeat, {
        groupId: this.cfg.groupId,
        memberId: this.memberId,
        memberEpoch: this.generationId,
        instanceId: this.cfg.groupInstanceId,
        rackId: this.cfg.clientRack,
        rebalanceTimeoutMs: this.cfg.rebalanceTimeoutMs,
        // Sent in full each time: the coordinator compares, and unchanged values change nothing.
        subscribedTopicNames: subscribed,
        subscribedTopicRegex: null,
        serverAssignor: this.cfg.groupRemoteAssignor,
        topicPartitions: joining ? [] : [...byId].map(([topicId, partitions]) => ({ topicId, partitions }))
      })
    } catch (err) {
      if (!isRetriable(err)) throw err
      return ErrorCode.COORDINATOR_NOT_AVAILABLE
    }
    const b = res.body
    if (b.errorCode !== ErrorCode.NONE) {
      const err = new KafkaError(b.errorCode, `ConsumerGroupHeartbeat ${this.cfg.groupId}${b.errorMessage === null ? '' : `: ${b.errorMessage}`}`)
      if (coordinatorMoved(err)) { this.link.markUnknown(); return b.errorCode }
      if (b.errorCode === ErrorCode.FENCED_MEMBER_EPOCH || b.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) { this.resetGeneration(false); return b.errorCode }
      if (b.errorCode === ErrorCode.FENCED_INSTANCE_ID) throw new FencedInstanceIdError(this.cfg.groupInstanceId ?? '', 'ConsumerGroupHeartbeat')
      if (err.retriable) return b.errorCode
      throw err
    }
    this.generationId = b.memberEpoch
    if (b.heartbeatIntervalMs > 0) this.heartbeatIntervalMs = b.heartbeatIntervalMs
    if (b.assignment !== null) {
      const target: TargetPartition[] = []
      for (const tp of b.assignment.topicPartitions) {
        const topic = await this.topicName(tp.topicId)
        for (const partition of tp.partitions) target.push({ topic, partition })
      }
      this.pendingAssignment = target
    }
    return ErrorCode.NONE
  }

  /** Leaves: epoch -1, or -2 for a static member, which keeps its assignment for a restart (KIP-848). */
  async leave (_reason: string): Promise<void> {
    if (this.generationId <= 0) { this.resetGeneration(false); return }
    const epoch = this.cfg.groupInstanceId === null ? -1 : -2
    this.resetGeneration(false)
    try {
      await this.link.request<ConsumerGroupHeartbeatResponse>('group', ConsumerGroupHeartbeat, {
        groupId: this.cfg.groupId, memberId: this.memberId, memberEpoch: epoch, instanceId: this.cfg.groupInstanceId,
        rackId: null, rebalanceTimeoutMs: -1, subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null
      })
    } catch {}
  }

  /** Assignments name topics by id (KIP-516): resolved with Metadata v10+, cached. */
  private async topicName (id: string): Promise<string> {
    let name = this.topicNames.get(id)
    if (name === undefined) {
      const md = await this.client.metadata()
      for (const t of md.topics) this.topicNames.set(t.topicId, t.name)
      name = this.topicNames.get(id)
      if (name === undefined) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_ID, `ConsumerGroupHeartbeat assigned topic id ${id}, which Metadata does not list`)
    }
    return name
  }

  private async topicId (topic: string): Promise<string> {
    for (const [id, name] of this.topicNames) if (name === topic) return id
    const t = await this.client.topic(topic)
    this.topicNames.set(t.topicId, t.name)
    return t.topicId
  }
}
