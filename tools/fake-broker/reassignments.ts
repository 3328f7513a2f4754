import { ErrorCode } from '../../protocol/error-codes.js'
import type { ClusterState, PartitionState } from './cluster-state.js'

// Partition reassignments (KIP-455), in the stages Kafka's controller goes through
// (ReplicationControlManager.changePartitionReassignment and PartitionReassignmentReplicas):
//   1. the replica list becomes the target followed by the replicas being removed; the replicas being added are
//      listed as adding, those left out as removing (ListPartitionReassignments shows both);
//   2. the new replicas catch up and join the ISR. Every replica of the fake shares the partition's one log, so a
//      new replica on a live broker is caught up at once; one on a stopped broker waits until it starts;
//   3. the removing replicas leave the replica list and the ISR. If the leader was removed, leadership moves to the
//      first target replica in the ISR; the leader epoch goes up whenever the replica set shrinks, as
//      PartitionChangeBuilder bumps it, so clients holding the old epoch are fenced and refresh their metadata.
// Stage 3 follows stage 2 at once, or after `delayMs` (FakeClusterOptions.reassignmentDelayMs) so that a test can
// watch the reassignment in progress. Cancelling (null replicas) reverts to the original replicas
// (PartitionReassignmentRevert): the adding replicas leave, the removing ones stay.

export interface Reassignment {
  /** Replicas being added, ascending (Kafka keeps them as a sorted set). */
  readonly adding: readonly number[]
  /** Replicas being removed, ascending. */
  readonly removing: readonly number[]
  /**
   * Whether `delayMs` has passed since it started: set by its own timer (not compared with a clock, which a timer
   * may fire a millisecond before), so that a replaced reassignment's timer changes nothing.
   */
  delayOver: boolean
}

/** An error code and message for one partition, as Kafka's ApiError carries them. */
export interface ReassignmentError { errorCode: number, errorMessage: string | null }

const without = (list: readonly number[], out: readonly number[]): number[] => list.filter(r => !out.includes(r))
const ascending = (list: number[]): number[] => list.sort((a, b) => a - b)

export class Reassignments {
  private readonly timers = new Set<NodeJS.Timeout>()

  constructor (private readonly cluster: ClusterState, private readonly delayMs: number) {}

  /**
   * Starts moving `p` to `target` (validated by the caller: distinct registered brokers), replacing a reassignment
   * in progress. A target that only reorders the replicas completes at once without a leader change.
   */
  start (p: PartitionState, target: readonly number[]): void {
    const current = [...p.replicas]
    const removing = ascending(without(current, target))
    const adding = ascending(without(target, current))
    setReplicas(p, [...target, ...removing])
    for (const id of adding) if (this.cluster.broker(id)?.up === true && !p.isr.includes(id)) p.isr.push(id)
    if (adding.length === 0 && removing.length === 0) {
      p.reassignment = undefined
      return
    }
    const r: Reassignment = { adding, removing, delayOver: this.delayMs === 0 }
    p.reassignment = r
    if (this.delayMs > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        r.delayOver = true
        this.completeReady()
      }, this.delayMs)
      timer.unref()
      this.timers.add(timer)
    }
    this.complete(p)
  }

  /**
   * Cancels the reassignment of `p`: NO_REASSIGNMENT_IN_PROGRESS when there is none, INVALID_REPLICA_ASSIGNMENT
   * when only adding replicas are in sync and the topic does not allow an unclean election; else undefined.
   */
  cancel (p: PartitionState, brokerId: number): ReassignmentError | undefined {
    const r = p.reassignment
    // Kafka 4.4 answers this one without a message (checked against it: test-interop/real-kafka/replica-admin.test.ts).
    if (r === undefined) return { errorCode: ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, errorMessage: null }
    const replicas = without(p.replicas, r.adding)
    let isr = without(p.isr, r.adding)
    if (isr.length === 0) {
      if (this.cluster.configs.topicValue(p.topic.name, 'unclean.leader.election.enable', brokerId) !== 'true') {
        return {
          errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          errorMessage: `Unable to revert partition assignment for ${p.topic.name}:${p.index} because it would require an unclean leader election.`
        }
      }
      isr = [replicas[0]]
    }
    this.change(p, replicas, isr)
    return undefined
  }

  /** Completes every reassignment whose new replicas are in sync and whose delay is over. */
  completeReady (): void {
    for (const topic of this.cluster.topics.values()) {
      for (const p of topic.partitions) if (p.reassignment !== undefined) this.complete(p)
    }
  }

  /** The partitions being reassigned, in topic and partition order. */
  inProgress (): PartitionState[] {
    return [...this.cluster.topics.values()].flatMap(t => t.partitions.filter(p => p.reassignment !== undefined))
  }

  close (): void {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }

  private complete (p: PartitionState): void {
    const r = p.reassignment!
    if (!r.delayOver) return
    if (!r.adding.every(id => p.isr.includes(id))) return
    const isr = without(p.isr, r.removing)
    // Kafka waits while no replica it keeps is in sync: the partition would have no leader.
    if (isr.length === 0) return
    this.change(p, without(p.replicas, r.removing), isr)
  }

  /**
   * The final replica list and ISR, ending the reassignment: a leader outside them gives way to the first replica
   * in the ISR on a live broker (none: no leader), and the epoch goes up when a replica left.
   */
  private change (p: PartitionState, replicas: number[], isr: number[]): void {
    const shrank = p.replicas.some(id => !replicas.includes(id))
    setReplicas(p, replicas)
    p.isr = isr
    p.reassignment = undefined
    if (p.leaderId < 0 || !isr.includes(p.leaderId)) {
      p.leaderId = replicas.find(id => isr.includes(id) && this.cluster.broker(id)?.up === true) ?? -1
      p.leaderEpoch++
    } else if (shrank) {
      p.leaderEpoch++
    }
  }
}

function setReplicas (p: PartitionState, replicas: readonly number[]): void {
  p.replicas.splice(0, p.replicas.length, ...replicas)
}
