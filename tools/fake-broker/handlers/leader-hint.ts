import { advertisedPort, type ClusterState, type PartitionState } from '../cluster-state.js'
import { ErrorCode } from '../../../protocol/error-codes.js'

// KIP-951: Produce v10+ answers that say NOT_LEADER_OR_FOLLOWER, and Fetch v16+ answers that say
// NOT_LEADER_OR_FOLLOWER or FENCED_LEADER_EPOCH, also carry the current leader and its endpoint, so a client can
// redirect without a Metadata round trip. Shared by both handlers. Kafka fills them for exactly those errors and
// versions (KafkaApis.handleProduceRequest and handleFetchRequest); other errors, and older versions that have the
// tagged field (Fetch v12-15), keep its default.

/** The currentLeader for a partition answered with `errorCode`, or undefined to leave the field at its default. */
export function leaderHint (
  api: 'produce' | 'fetch', version: number, errorCode: number, p: PartitionState, leaders: Set<number>
): { leaderId: number, leaderEpoch: number } | undefined {
  const hinted = api === 'produce'
    ? version >= 10 && errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER
    : version >= 16 && (errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || errorCode === ErrorCode.FENCED_LEADER_EPOCH)
  if (!hinted) return undefined
  if (p.leaderId >= 0) leaders.add(p.leaderId)
  return { leaderId: p.leaderId, leaderEpoch: p.leaderEpoch }
}

export function leaderEndpoints (cluster: ClusterState, ids: Set<number>, listener?: string): Array<{ nodeId: number, host: string, port: number, rack: string | null }> {
  const out: Array<{ nodeId: number, host: string, port: number, rack: string | null }> = []
  for (const id of ids) {
    const b = cluster.broker(id)
    if (b?.up === true) out.push({ nodeId: b.id, host: b.host, port: advertisedPort(b, listener), rack: b.rack ?? null })
  }
  return out
}
