import { CreateTopics, DescribeConfigs, Fetch, ListOffsets, Produce } from '../../protocol/apis/index.js'
import { encodeMessageSet } from '../../protocol/records/index.js'
import type { Case } from './corpus.js'
import { T0, createTopic, filledTopic, listOffsets, waitForLeaders } from './requests.js'
import type { Session } from './session.js'

// The versions Kafka 4.0 removed (KIP-896) and the fake broker still serves for old clients, compared with the
// last Kafka that served them, 3.9: ListOffsets v0's list of offsets, Produce v0-2's message sets (magic 0 and 1),
// and Fetch v0-3's down-converted answers. Kafka 3.9 speaks Produce up to v11 and ListOffsets up to v9, so setup
// requests use those.

async function listOffsetsV0 (s: Session, topic: string, timestamp: bigint, maxNumOffsets: number): Promise<unknown> {
  const res = await s.request(ListOffsets, 0, { replicaId: -1, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp, maxNumOffsets }] }] })
  return res.topics[0].partitions[0]
}

async function fetchAt (s: Session, topic: string, version: number, fetchOffset: bigint): Promise<unknown> {
  return await s.request(Fetch, version, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20 }] }]
  })
}

async function produceSet (s: Session, topic: string, version: number, records: Buffer): Promise<unknown> {
  const res = await s.request(Produce, version, { acks: -1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] })
  return res.responses[0].partitionResponses[0]
}

export const OLD_VERSIONS_CORPUS: Case[] = [
  {
    name: 'ListOffsets v0: latest, earliest and by time, with maxNumOffsets',
    run: async s => {
      await filledTopic(s, 'old-lo', 11)
      return {
        latestTen: await listOffsetsV0(s, 'old-lo', -1n, 10),
        latestOne: await listOffsetsV0(s, 'old-lo', -1n, 1),
        earliestTen: await listOffsetsV0(s, 'old-lo', -2n, 10),
        byTime: await listOffsetsV0(s, 'old-lo', T0 + 1500n, 10),
        farFuture: await listOffsetsV0(s, 'old-lo', 4_000_000_000_000n, 10),
        v1Latest: await listOffsets(s, 'old-lo', -1n, 1)
      }
    }
  },
  {
    name: 'Produce v0 and v2 message sets, read back with Fetch v0, v3 and v4 from the middle',
    run: async s => {
      await createTopic(s, 'old-sets')
      const magic1 = encodeMessageSet([
        { key: 'a', value: 'one', timestamp: T0 }, { key: 'b', value: 'two', timestamp: T0 + 1n }, { key: 'c', value: 'three', timestamp: T0 + 2n }
      ], { magic: 1 })
      const magic0 = encodeMessageSet([{ key: 'd', value: 'four' }], { magic: 0, compression: 'gzip' })
      return {
        produceV2: await produceSet(s, 'old-sets', 2, magic1),
        produceV0: await produceSet(s, 'old-sets', 0, magic0),
        fetchV0FromOne: await fetchAt(s, 'old-sets', 0, 1n),
        fetchV3FromOne: await fetchAt(s, 'old-sets', 3, 1n),
        fetchV4FromOne: await fetchAt(s, 'old-sets', 4, 1n),
        fetchV3OutOfRange: await fetchAt(s, 'old-sets', 3, 9n)
      }
    }
  },
  {
    name: 'DescribeConfigs v0 (Sarama 1.2x\'s ListTopics): a topic override and defaults',
    run: async s => {
      await s.request(CreateTopics, 7, { topics: [{ name: 'old-dc', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }] }], timeoutMs: 30_000 })
      await waitForLeaders(s, 'old-dc', 1)
      const res = await s.request(DescribeConfigs, 0, { resources: [{ resourceType: 2, resourceName: 'old-dc', configurationKeys: ['cleanup.policy', 'retention.ms', 'segment.bytes', 'max.message.bytes'] }, { resourceType: 2, resourceName: 'old-missing', configurationKeys: null }] })
      // Kafka lists a topic's configs in its own map order: compared by name.
      return res.results.map(r => ({ ...r, configs: [...r.configs].sort((a, b) => a.name < b.name ? -1 : 1) }))
    }
  }
]
