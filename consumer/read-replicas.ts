import type { PartitionInfo } from './cluster-metadata.js'

// Fetching from the closest replica (KIP-392). A consumer with `client.rack` names its rack in every Fetch (v11+);
// a leader whose broker runs a rack-aware replica selector may answer a partition with preferredReadReplica, a
// follower in that rack, and no records. Later fetches of that partition go to that follower, which serves
// consumers since KIP-392, until one of these sends them back to the leader, as the Java consumer does
// (SubscriptionState.preferredReadReplica, AbstractFetch.selectReadReplica):
// - the choice expires after metadata.max.age.ms, and the leader is asked again (it may choose anew: the follower
//   may have left the ISR, another may be closer);
// - the follower answers a partition with an error, or its connection fails (AbstractFetch.handleFetchFailure);
// - the follower is no longer in the metadata, is no longer a replica, or is an offline replica.

interface ReadReplica { node: number, expiresAt: number }

export class ReadReplicas {
  private readonly byPartition = new Map<string, ReadReplica>()

  /** `now` and the time a choice lasts (metadata.max.age.ms) are given, so tests can move time. */
  constructor (private readonly maxAgeMs: number, private readonly now: () => number = Date.now) {}

  get size (): number { return this.byPartition.size }

  /** The leader's answer named `node` for partition `key`. */
  set (key: string, node: number): void {
    this.byPartition.set(key, { node, expiresAt: this.now() + this.maxAgeMs })
  }

  /**
   * The broker to fetch partition `key` from: its preferred read replica while that holds, else the leader. A choice
   * that no longer holds is dropped here, so the leader is asked (and may redirect again).
   */
  target (key: string, info: PartitionInfo, isKnownBroker: (node: number) => boolean): number {
    const r = this.byPartition.get(key)
    if (r === undefined) return info.leader
    if (this.now() >= r.expiresAt || !info.replicas.includes(r.node) || info.offlineReplicas.includes(r.node) || !isKnownBroker(r.node)) {
      this.byPartition.delete(key)
      return info.leader
    }
    return r.node
  }

  /** Whether `node` is partition `key`'s read replica (a follower), not its leader. */
  isReadReplica (key: string, node: number): boolean {
    return this.byPartition.get(key)?.node === node
  }

  /**
   * Forgets partition `key`'s read replica when it is `node` (whatever went wrong there: fetch from the leader
   * again); true when there was one, so the caller knows the failure came from a follower.
   */
  clear (key: string, node: number): boolean {
    if (this.byPartition.get(key)?.node !== node) return false
    this.byPartition.delete(key)
    return true
  }
}
