import { DeleteRecords } from '../../protocol/apis/delete-records.js'
import { ListOffsets } from '../../protocol/apis/list-offsets.js'
import type { KafkaError } from '../../protocol/errors.js'
import type { KafkaClient } from '../cluster.js'
import { resourceError } from './resource-error.js'

// Partition-level admin calls, sent to each partition's leader: DeleteRecords (move the log start offset,
// KIP-107) and ListOffsets (earliest, latest, or the first offset at or after a timestamp).

export interface PartitionOffset { topic: string, partition: number, offset: bigint }
export interface PartitionOffsetResult extends PartitionOffset {
  error: KafkaError | null
  /** The record timestamp for a timestamp lookup, -1n otherwise. */
  timestamp: bigint
}

/** What to look up: the log start, the log end, or the first offset whose timestamp is at least this (ms). */
export type OffsetSpec = 'earliest' | 'latest' | { timestampMs: bigint }
const EARLIEST = -2n
const LATEST = -1n

interface Tp { topic: string, partition: number }

/** Groups partitions by their leader's node id. */
async function byLeader<T extends Tp> (client: KafkaClient, items: readonly T[]): Promise<Map<number, T[]>> {
  const groups = new Map<number, T[]>()
  for (const item of items) {
    const leader = (await client.partitionInfo(item.topic, item.partition)).leader
    groups.set(leader, [...(groups.get(leader) ?? []), item])
  }
  return groups
}

function byTopic<T extends Tp> (items: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>()
  for (const i of items) m.set(i.topic, [...(m.get(i.topic) ?? []), i])
  return m
}

export async function deleteRecords (client: KafkaClient, before: readonly PartitionOffset[], timeoutMs = 30000): Promise<PartitionOffsetResult[]> {
  const out: PartitionOffsetResult[] = []
  for (const [leader, items] of await byLeader(client, before)) {
    const res = await client.request(leader, DeleteRecords, {
      topics: [...byTopic(items)].map(([name, ps]) => ({ name, partitions: ps.map(p => ({ partitionIndex: p.partition, offset: p.offset })) })),
      timeoutMs
    })
    for (const t of res.body.topics) {
      for (const p of t.partitions) {
        out.push({ topic: t.name, partition: p.partitionIndex, offset: p.lowWatermark, timestamp: -1n, error: resourceError(p.errorCode, `DeleteRecords ${t.name}[${p.partitionIndex}]`) })
      }
    }
  }
  return out
}

export async function listOffsets (client: KafkaClient, partitions: readonly Tp[], spec: OffsetSpec): Promise<PartitionOffsetResult[]> {
  const timestamp = spec === 'earliest' ? EARLIEST : spec === 'latest' ? LATEST : spec.timestampMs
  const out: PartitionOffsetResult[] = []
  for (const [leader, items] of await byLeader(client, partitions)) {
    const res = await client.request(leader, ListOffsets, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [...byTopic(items)].map(([name, ps]) => ({ name, partitions: ps.map(p => ({ partitionIndex: p.partition, timestamp })) })),
      timeoutMs: 30000
    })
    for (const t of res.body.topics) {
      for (const p of t.partitions) {
        // v0 answers a list of offsets (oldStyleOffsets); later versions one offset.
        const offset = p.oldStyleOffsets.length > 0 ? p.oldStyleOffsets[0] : p.offset
        out.push({ topic: t.name, partition: p.partitionIndex, offset, timestamp: p.timestamp, error: resourceError(p.errorCode, `ListOffsets ${t.name}[${p.partitionIndex}]`) })
      }
    }
  }
  return out
}
