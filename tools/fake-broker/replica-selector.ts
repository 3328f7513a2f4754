import { ConfigError } from '../../protocol/errors.js'
import type { ClusterState, PartitionState } from './cluster-state.js'

// Fetching from the closest replica (KIP-392). A consumer names its rack in Fetch v11+ (rackId, the client's
// `client.rack`); the leader asks its replica selector (`replica.selector.class`) which replica that consumer should
// read from, and when it is not the leader itself, answers preferredReadReplica with no records. The consumer then
// fetches from that follower, which serves consumers since KIP-392 (see handlers/01-fetch.ts).
//
// Kafka ships two selectors: LeaderSelector (always the leader: nothing changes) and RackAwareReplicaSelector. Without
// the config there is no selector at all, which is the same as LeaderSelector for the client. The candidates are the
// leader and the in-sync followers whose log holds the fetch offset (ReplicaManager.findPreferredReadReplica: an
// out-of-sync follower may lag behind for ever, so it is never chosen). RackAwareReplicaSelector.select then picks,
// for a consumer with a non-empty rack: the leader if it is in that rack, else the most caught-up candidate in the
// rack (largest log end offset, then the shortest time since it last caught up), else the leader.

export const REPLICA_SELECTOR_CONFIG = 'replica.selector.class'
export const RACK_AWARE_REPLICA_SELECTOR = 'org.apache.kafka.common.replica.RackAwareReplicaSelector'
export const LEADER_SELECTOR = 'org.apache.kafka.common.replica.LeaderSelector'

/** The answer's preferredReadReplica when there is none (FetchResponse.INVALID_PREFERRED_REPLICA_ID). */
export const NO_PREFERRED_REPLICA = -1

/** Kafka refuses to start with a selector class it cannot load; the fake knows only Kafka's own two. */
export function checkReplicaSelector (value: string | undefined): void {
  if (value === undefined || value === '' || value === RACK_AWARE_REPLICA_SELECTOR || value === LEADER_SELECTOR) return
  throw new ConfigError(REPLICA_SELECTOR_CONFIG, `the fake broker knows ${RACK_AWARE_REPLICA_SELECTOR} and ${LEADER_SELECTOR}, got ${JSON.stringify(value)}`)
}

/** FakeClusterOptions.racks: one entry per broker, each a non-empty rack name or null. */
export function checkRacks (racks: Array<string | null> | undefined, brokers: number): Array<string | null> | undefined {
  if (racks === undefined) return undefined
  if (racks.length !== brokers) throw new ConfigError('racks', `one rack per broker: ${brokers} brokers, ${racks.length} racks`)
  racks.forEach((r, i) => {
    if (r !== null && (typeof r !== 'string' || r === '')) throw new ConfigError('racks', `broker ${i}'s rack must be a non-empty string or null, got ${JSON.stringify(r)}`)
  })
  return racks
}

/**
 * The replica a consumer in `clientRack` should read partition `p` from, as its leader answers it: a follower's id,
 * or NO_PREFERRED_REPLICA to read from the leader (also when the selector picks the leader: Kafka never sends the
 * leader's own id back). Every replica of the fake shares the one log, so each in-sync follower is exactly as caught
 * up as the leader; among several in the rack, the first in the replica list is taken (Kafka's choice among equals
 * depends on a hash set's order).
 */
export function preferredReadReplica (cluster: ClusterState, p: PartitionState, clientRack: string): number {
  if (clientRack === '' || cluster.configs.brokerValue(String(p.leaderId), REPLICA_SELECTOR_CONFIG) !== RACK_AWARE_REPLICA_SELECTOR) return NO_PREFERRED_REPLICA
  if (cluster.broker(p.leaderId)?.rack === clientRack) return NO_PREFERRED_REPLICA
  // An ISR member is up: a stopped broker leaves the ISR unless it is the last member, and then it is the leader.
  const follower = p.replicas.find(id => id !== p.leaderId && p.isr.includes(id) && cluster.broker(id)?.up === true && cluster.broker(id)?.rack === clientRack)
  return follower ?? NO_PREFERRED_REPLICA
}
