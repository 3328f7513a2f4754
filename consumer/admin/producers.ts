import { DescribeProducers } from '../../protocol/apis/describe-producers.js'
import { KafkaError } from '../../protocol/errors.js'
import type { KafkaClient } from '../cluster.js'
import { resourceError } from './resource-error.js'

// DescribeProducers (KIP-664): the idempotent and transactional producers a partition's leader remembers, with the
// start offset of each one's open transaction, the way `kafka-transactions.sh describe-producers` finds hanging
// transactions. Each partition is asked of its leader (or of one replica, `brokerId`, as Java's
// DescribeProducersOptions.brokerId); a partition whose leader cannot be found answers that error.

export interface ActiveProducer {
  producerId: bigint
  producerEpoch: number
  /** The last sequence number written, -1 when none. */
  lastSequence: number
  /** The max timestamp of its last batch or marker, -1n when unknown. */
  lastTimestamp: bigint
  /** The coordinator epoch of its last transaction marker, -1 when none. */
  coordinatorEpoch: number
  /** The first offset of its open transaction in this partition, -1n when none is open. */
  currentTxnStartOffset: bigint
}

export interface PartitionProducers {
  topic: string
  partition: number
  error: KafkaError | null
  producers: ActiveProducer[]
}

interface Tp { topic: string, partition: number }

export interface DescribeProducersOptions {
  /** Ask this broker (a follower keeps producer state too) instead of each partition's leader. */
  brokerId?: number
}

export async function describeProducers (client: KafkaClient, partitions: readonly Tp[], opts: DescribeProducersOptions = {}): Promise<PartitionProducers[]> {
  const results = new Map<string, PartitionProducers>()
  const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`
  const byLeader = new Map<number, Map<string, number[]>>()
  for (const { topic, partition } of partitions) {
    try {
      const leader = opts.brokerId ?? (await client.partitionInfo(topic, partition)).leader
      const topics = byLeader.get(leader) ?? new Map<string, number[]>()
      topics.set(topic, [...(topics.get(topic) ?? []), partition])
      byLeader.set(leader, topics)
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err
      results.set(key(topic, partition), { topic, partition, error: err, producers: [] })
    }
  }
  for (const [leader, topics] of byLeader) {
    const res = await client.request(leader, DescribeProducers, { topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })) })
    for (const t of res.body.topics) {
      for (const p of t.partitions) {
        results.set(key(t.name, p.partitionIndex), {
          topic: t.name,
          partition: p.partitionIndex,
          error: resourceError(p.errorCode, `DescribeProducers ${t.name}[${p.partitionIndex}]`, p.errorMessage),
          producers: p.activeProducers.map(a => ({ ...a }))
        })
      }
    }
  }
  // In the order asked, as callers index results by position.
  return partitions.flatMap(p => results.get(key(p.topic, p.partition)) ?? [])
}
