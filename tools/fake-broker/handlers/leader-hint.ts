import { advertisedPort, type ClusterState } from '../cluster-state.js'

// KIP-951: Produce v10+ and Fetch v16+ answers that say NOT_LEADER_OR_FOLLOWER also carry the new leader and its
// endpoint, so a client can redirect without a Metadata round trip. Shared by both handlers.

export function leaderEndpoints (cluster: ClusterState, ids: Set<number>, listener?: string): Array<{ nodeId: number, host: string, port: number, rack: null }> {
  const out: Array<{ nodeId: number, host: string, port: number, rack: null }> = []
  for (const id of ids) {
    const b = cluster.broker(id)
    if (b?.up === true) out.push({ nodeId: b.id, host: b.host, port: advertisedPort(b, listener), rack: null })
  }
  return out
}
