import { byTopic, compareStrings, memberOrder, type Assignor, type MemberSubscription, type TopicPartitions } from './types.js'

// The cooperative sticky assignor (the Java client's CooperativeStickyAssignor, librdkafka's "cooperative-sticky",
// KIP-429). Sticky: a member keeps what it owns as long as the assignment stays balanced (member counts differ by
// at most one among members that could take a partition), so a rebalance moves as few partitions as it can.
// Cooperative: a partition that moves from one live member to another is left out of this round; its old owner
// sees it missing from its assignment, revokes it and rejoins at once, and the second round hands it to the new
// owner. No partition is ever owned by two members, and the others keep consuming throughout.
//
// Ownership comes from each member's subscription (ownedPartitions, v1+). When two members claim one partition
// (a member that missed a generation still thinks it owns what moved), the claim from the newest generation wins
// (KIP-792); an older or equal-generation duplicate is dropped.

function key (topic: string, partition: number): string { return `${topic}\u0000${partition}` }

export const cooperativeStickyAssignor: Assignor = {
  name: 'cooperative-sticky',
  protocols: ['eager', 'cooperative'],
  assign (members, partitionsPerTopic) {
    const sorted = [...members].sort(memberOrder)
    const owner = new Map<string, string>() // partition key -> member id
    const assigned = new Map<string, Array<[string, number]>>(sorted.map(m => [m.memberId, []]))
    const eligible = (m: MemberSubscription, topic: string): boolean => m.topics.includes(topic)

    // 1. Valid claims, newest generation first: the partition exists, the owner still subscribes to its topic.
    const byGeneration = [...sorted].sort((a, b) => b.generationId - a.generationId)
    const previousOwner = new Map<string, string>()
    for (const m of byGeneration) {
      for (const tp of m.ownedPartitions) {
        const count = partitionsPerTopic.get(tp.topic)
        if (count === undefined || !eligible(m, tp.topic)) continue
        for (const p of tp.partitions) {
          const k = key(tp.topic, p)
          if (p < 0 || p >= count || owner.has(k)) continue
          owner.set(k, m.memberId)
          previousOwner.set(k, m.memberId)
          ;(assigned.get(m.memberId) as Array<[string, number]>).push([tp.topic, p])
        }
      }
    }

    // 2. Every unowned partition to the eligible member holding fewest (ties: member order).
    const topics = [...new Set(sorted.flatMap(m => m.topics))].filter(t => partitionsPerTopic.has(t)).sort(compareStrings)
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic) as number
      for (let p = 0; p < count; p++) {
        if (owner.has(key(topic, p))) continue
        let best: MemberSubscription | undefined
        for (const m of sorted) {
          if (eligible(m, topic) && (best === undefined || size(m) < size(best))) best = m
        }
        if (best === undefined) continue
        owner.set(key(topic, p), best.memberId)
        ;(assigned.get(best.memberId) as Array<[string, number]>).push([topic, p])
      }
    }

    // 3. Balance: while a member holds two or more above one that could take one of its partitions, move its
    // highest such partition. Each move lowers the sum of squared counts, so this ends.
    for (let guard = 0; guard < 100_000; guard++) {
      let moved = false
      const byCount = [...sorted].sort((a, b) => size(b) - size(a) || memberOrder(a, b))
      outer:
      for (const from of byCount) {
        const list = assigned.get(from.memberId) as Array<[string, number]>
        for (const to of [...byCount].reverse()) {
          if (size(from) <= size(to) + 1) break
          for (let i = list.length - 1; i >= 0; i--) {
            const [topic, p] = list[i] as [string, number]
            if (!eligible(to, topic)) continue
            list.splice(i, 1)
            ;(assigned.get(to.memberId) as Array<[string, number]>).push([topic, p])
            owner.set(key(topic, p), to.memberId)
            moved = true
            break outer
          }
        }
      }
      if (!moved) break
    }

    // 4. Cooperative: a partition moving away from a live owner waits for the next round.
    const live = new Set(sorted.map(m => m.memberId))
    const out = new Map<string, TopicPartitions[]>()
    for (const [id, list] of assigned) {
      out.set(id, byTopic(list.filter(([topic, p]) => {
        const prev = previousOwner.get(key(topic, p))
        return prev === undefined || prev === id || !live.has(prev)
      })))
    }
    return out

    function size (m: MemberSubscription): number { return (assigned.get(m.memberId) as unknown[]).length }
  }
}
