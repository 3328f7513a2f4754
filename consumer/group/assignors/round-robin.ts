import { byTopic, compareStrings, memberOrder, type Assignor, type TopicPartitions } from './types.js'

// The round-robin assignor (the Java client's RoundRobinAssignor, librdkafka's "roundrobin"): every partition of
// every subscribed topic, sorted by topic then partition, dealt to the members in turn, in member order, skipping
// a member not subscribed to the partition's topic.

export const roundRobinAssignor: Assignor = {
  name: 'roundrobin',
  protocols: ['eager'],
  assign (members, partitionsPerTopic) {
    const sorted = [...members].sort(memberOrder)
    const pairs = new Map<string, Array<[string, number]>>(sorted.map(m => [m.memberId, []]))
    const topics = [...new Set(sorted.flatMap(m => m.topics))].filter(t => partitionsPerTopic.has(t)).sort(compareStrings)
    let next = 0
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic) as number
      for (let p = 0; p < count; p++) {
        // Some member subscribes to the topic (it is in the list because of one), so this finds one.
        while (!(sorted[next % sorted.length]).topics.includes(topic)) next++
        const m = sorted[next % sorted.length]
        ;(pairs.get(m.memberId) as Array<[string, number]>).push([topic, p])
        next++
      }
    }
    return new Map<string, TopicPartitions[]>([...pairs].map(([id, list]) => [id, byTopic(list)]))
  }
}
