// A partition assignor of the classic group protocol: run by the group leader over every member's subscription
// (decoded from JoinGroup metadata), it says which partitions each member gets. The names are the ones the Java
// client and librdkafka put in JoinGroup (`range`, `roundrobin`, `cooperative-sticky`), so that their members and
// ours agree on a protocol in one group.

export interface TopicPartitions { topic: string, partitions: number[] }

/** One member as the leader sees it in JoinGroup, its subscription decoded (ConsumerProtocolSubscription). */
export interface MemberSubscription {
  memberId: string
  groupInstanceId: string | null
  topics: string[]
  /** What the member owned when it joined (v1+; only cooperative members keep partitions through a join). */
  ownedPartitions: TopicPartitions[]
  /** The generation its ownedPartitions are from (v2+), -1 when not said. */
  generationId: number
  rackId: string | null
}

/** Eager: members give up every partition before rejoining. Cooperative: only what moves (KIP-429). */
export type RebalanceProtocol = 'eager' | 'cooperative'

export interface Assignor {
  readonly name: string
  readonly protocols: readonly RebalanceProtocol[]
  /** memberId -> its partitions, for every member (an empty list for a member that gets none). */
  assign: (members: readonly MemberSubscription[], partitionsPerTopic: ReadonlyMap<string, number>) => Map<string, TopicPartitions[]>
}

/**
 * Members in the order the Java client's assignors use (AbstractPartitionAssignor.MemberInfo.compareTo): static
 * members first, by group.instance.id, then dynamic ones by member id. Static members thereby keep their place,
 * and so their partitions, across restarts.
 */
export function memberOrder (a: MemberSubscription, b: MemberSubscription): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return compareStrings(a.groupInstanceId, b.groupInstanceId)
  if (a.groupInstanceId !== null) return -1
  if (b.groupInstanceId !== null) return 1
  return compareStrings(a.memberId, b.memberId)
}

/** Java's String.compareTo: by UTF-16 code unit, which is what JavaScript's < compares. */
export function compareStrings (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Groups (topic, partition) pairs by topic, topics and partitions sorted. */
export function byTopic (pairs: Iterable<readonly [string, number]>): TopicPartitions[] {
  const m = new Map<string, number[]>()
  for (const [topic, partition] of pairs) {
    let list = m.get(topic)
    if (list === undefined) m.set(topic, list = [])
    list.push(partition)
  }
  return [...m].sort((a, b) => compareStrings(a[0], b[0])).map(([topic, partitions]) => ({ topic, partitions: partitions.sort((x, y) => x - y) }))
}
