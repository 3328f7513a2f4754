import { ConfigError } from '../../protocol/errors.js'
import type { ClusterState, PartitionState } from './cluster-state.js'

// Faults on a partition's replicas and ISR, the situations a replicated cluster goes through: followers falling
// out of sync (acks=all then answers NOT_ENOUGH_REPLICAS below min.insync.replicas), an out-of-sync replica elected
// leader (unclean.leader.election.enable), and a leader that lacked the last records, so the log is truncated
// and a consumer that read past the new end must find the divergence (OffsetForLeaderEpoch, KIP-101/KIP-320).
// All of them bump nothing but what Kafka's controller bumps: a leader change bumps the leader epoch, an ISR
// change alone does not (KIP-841 partition epochs are not modelled).

function partitionOf (cluster: ClusterState, topic: string, partition: number): PartitionState {
  const p = cluster.partition(topic, partition)
  if (p === undefined) throw new ConfigError('topic', `no partition ${topic}[${partition}]`)
  return p
}

function replicaOf (p: PartitionState, brokerId: number): void {
  if (!p.replicas.includes(brokerId)) throw new ConfigError('brokerId', `broker ${brokerId} holds no replica of ${p.topic.name}[${p.index}] (replicas ${p.replicas.join(',')})`)
}

/** Followers leave the ISR (all but the leader when `brokerIds` is omitted); the leader cannot leave it. */
export function shrinkIsr (cluster: ClusterState, topic: string, partition: number, brokerIds?: number[]): number[] {
  const p = partitionOf(cluster, topic, partition)
  const out = brokerIds ?? p.isr.filter(r => r !== p.leaderId)
  for (const id of out) {
    replicaOf(p, id)
    if (id === p.leaderId) throw new ConfigError('brokerId', `broker ${id} leads ${topic}[${partition}]: a leader stays in its ISR`)
  }
  p.isr = p.isr.filter(r => !out.includes(r))
  return p.isr
}

/** Replicas on live brokers rejoin the ISR (every live replica when `brokerIds` is omitted). */
export function expandIsr (cluster: ClusterState, topic: string, partition: number, brokerIds?: number[]): number[] {
  const p = partitionOf(cluster, topic, partition)
  const back = brokerIds ?? p.replicas.filter(r => cluster.broker(r)?.up === true)
  for (const id of back) {
    replicaOf(p, id)
    if (cluster.broker(id)?.up !== true) throw new ConfigError('brokerId', `broker ${id} is down: it cannot catch up`)
    if (!p.isr.includes(id)) p.isr.push(id)
  }
  return p.isr
}

/**
 * An out-of-sync replica becomes leader (unclean leader election): the ISR becomes that replica alone, the leader
 * epoch goes up, and records above `truncateTo` (default: none lost) are gone, as they never reached it.
 * Returns the new log end offset.
 */
export function uncleanLeaderElection (cluster: ClusterState, topic: string, partition: number, brokerId: number, truncateTo?: bigint): bigint {
  const p = partitionOf(cluster, topic, partition)
  replicaOf(p, brokerId)
  if (p.isr.includes(brokerId)) throw new ConfigError('brokerId', `broker ${brokerId} is in the ISR of ${topic}[${partition}]: that election would be clean (use move-leader)`)
  if (cluster.broker(brokerId)?.up !== true) throw new ConfigError('brokerId', `broker ${brokerId} is down`)
  const end = truncateTo === undefined ? p.log.highWatermark : p.log.truncateTo(truncateTo)
  p.isr = [brokerId]
  p.leaderId = brokerId
  p.leaderEpoch++
  return end
}

/**
 * Leadership moves to a replica whose log ends at `endOffset`: the records above it are truncated (they were
 * acknowledged with acks=1 by the old leader only), the leader epoch goes up, and the new epoch starts at the new
 * end, so OffsetForLeaderEpoch for the old epoch answers the diverging offset. Returns the new log end offset.
 */
export function moveLeaderToLaggingReplica (cluster: ClusterState, topic: string, partition: number, brokerId: number, endOffset: bigint): bigint {
  const p = partitionOf(cluster, topic, partition)
  replicaOf(p, brokerId)
  if (cluster.broker(brokerId)?.up !== true) throw new ConfigError('brokerId', `broker ${brokerId} is down`)
  if (brokerId === p.leaderId) throw new ConfigError('brokerId', `broker ${brokerId} already leads ${topic}[${partition}]`)
  const end = p.log.truncateTo(endOffset)
  if (!p.isr.includes(brokerId)) p.isr.push(brokerId)
  p.leaderId = brokerId
  p.leaderEpoch++
  return end
}
