import { createHash } from 'node:crypto'
import type { ClusterState } from './cluster-state.js'

// The KRaft metadata quorum as DescribeQuorum (key 55) reports it. The fake has no controller quorum: its brokers
// share one in-memory state. What is modelled, so that admin tools show a plausible and consistent quorum:
// - one voter, the controller: the broker Metadata and DescribeCluster name as controller (the first live one);
//   the other live brokers are observers, as brokers are of __cluster_metadata;
// - the leader epoch starts at 1 and goes up each time the controller changes (a broker stopping);
// - the high watermark is the count of metadata records written: one per 500 ms since the cluster started
//   (Kafka's NoOpRecord every metadata.max.idle.interval.ms) plus one per leader change; every replica has
//   fetched up to it (the state is shared), so each log end offset equals it and every fetch is "now";
// - each replica's directory id (v2) is derived from the cluster id and the node id, stable across restarts, as a
//   dynamic quorum (`kafka-storage format --standalone`, KIP-853) has them; a quorum of static voters
//   (controller.quorum.voters) reports zero ids instead.
// Not modelled: voter changes (AddRaftVoter/RemoveRaftVoter), lagging observers, a quorum without a leader.

const NO_OP_INTERVAL_MS = 500

export interface QuorumReplica {
  replicaId: number
  replicaDirectoryId: string
  logEndOffset: bigint
  lastFetchTimestamp: bigint
  lastCaughtUpTimestamp: bigint
}

export interface QuorumState {
  leaderId: number
  leaderEpoch: number
  highWatermark: bigint
  voters: QuorumReplica[]
  observers: QuorumReplica[]
}

export class MetadataQuorum {
  private leaderId = -1
  private epoch = 0
  private readonly startedAt: number

  constructor (private readonly cluster: ClusterState) {
    this.startedAt = cluster.now()
  }

  describe (): QuorumState {
    const live = this.cluster.liveBrokers()
    const controller = live[0]?.id ?? -1
    if (controller !== this.leaderId) {
      this.leaderId = controller
      this.epoch++
    }
    const now = this.cluster.now()
    const highWatermark = BigInt(Math.floor(Math.max(0, now - this.startedAt) / NO_OP_INTERVAL_MS) + this.epoch)
    const replica = (id: number): QuorumReplica => ({
      replicaId: id,
      replicaDirectoryId: this.directoryId(id),
      logEndOffset: highWatermark,
      // Every replica, the leader too (as Kafka 4.4 reports its own), fetched and caught up just now.
      lastFetchTimestamp: BigInt(now),
      lastCaughtUpTimestamp: BigInt(now)
    })
    return {
      leaderId: controller,
      leaderEpoch: this.epoch,
      highWatermark,
      voters: controller < 0 ? [] : [replica(controller)],
      observers: live.filter(b => b.id !== controller).map(b => replica(b.id))
    }
  }

  /** A version-4 UUID shaped id from the cluster id and node id: the same node keeps the same directory id. */
  private directoryId (id: number): string {
    const h = createHash('sha256').update(`${this.cluster.clusterId}/${id}`).digest('hex')
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
  }
}
