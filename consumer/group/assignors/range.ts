import { byTopic, memberOrder, type Assignor, type TopicPartitions } from './types.js'

// The range assignor (the Java client's RangeAssignor, librdkafka's "range"): topic by topic, the members
// subscribed to it, in member order, each take a contiguous range of its partitions; the first (n mod m) members
// take one more. Members subscribed to the same topics get the same partition numbers of each, which is what
// co-partitioned joins want, at the price of imbalance across many topics.

export const rangeAssignor: Assignor = {
  name: 'range',
  protocols: ['eager'],
  assign (members, partitionsPerTopic) {
    const sorted = [...members].sort(memberOrder)
    const pairs = new Map<string, Array<[string, number]>>(sorted.map(m => [m.memberId, []]))
    for (const [topic, count] of [...partitionsPerTopic].sort((a, b) => a[0] < b[0] ? -1 : 1)) {
      const subscribed = sorted.filter(m => m.topics.includes(topic))
      if (subscribed.length === 0) continue
      const per = Math.floor(count / subscribed.length)
      const extra = count % subscribed.length
      subscribed.forEach((m, i) => {
        const start = per * i + Math.min(i, extra)
        const length = per + (i < extra ? 1 : 0)
        const list = pairs.get(m.memberId) as Array<[string, number]>
        for (let p = start; p < start + length; p++) list.push([topic, p])
      })
    }
    return new Map<string, TopicPartitions[]>([...pairs].map(([id, list]) => [id, byTopic(list)]))
  }
}
