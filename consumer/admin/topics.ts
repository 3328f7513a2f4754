import { CreatePartitions } from '../../protocol/apis/create-partitions.js'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { DeleteTopics } from '../../protocol/apis/delete-topics.js'
import type { KafkaError } from '../../protocol/errors.js'
import type { KafkaClient } from '../cluster.js'
import { inRequestOrder, resourceError } from './resource-error.js'

// Topic administration: CreateTopics, DeleteTopics and CreatePartitions. In a KRaft cluster any broker forwards
// these to the controller (KIP-590), so they go to whichever broker the client reaches first.

export interface NewTopic {
  name: string
  /** Default -1: the broker's num.partitions (CreateTopics v4+, KIP-464). */
  partitions?: number
  /** Default -1: the broker's default.replication.factor. */
  replicationFactor?: number
  /** Explicit replica placement, partition index → broker ids; fixes the partition count. */
  assignments?: Record<number, number[]>
  configs?: Record<string, string>
}

export interface CreatedTopic {
  name: string
  error: KafkaError | null
  /** All zeros before CreateTopics v7 or on error. */
  topicId: string
  /** -1 when the broker did not say (before v5, or on error). */
  partitions: number
  replicationFactor: number
  /** The topic's configs as created (CreateTopics v5+, KIP-525), name → value. */
  configs: Record<string, string | null>
}

export interface TopicResult { name: string, error: KafkaError | null }

export interface AdminCallOptions {
  /** How long the broker may take (timeoutMs in the request). Default 30000. */
  timeoutMs?: number
  /** Only check that the call would succeed (validateOnly). */
  validateOnly?: boolean
}

export async function createTopics (client: KafkaClient, nodeId: number, topics: readonly NewTopic[], opts: AdminCallOptions = {}): Promise<CreatedTopic[]> {
  const res = await client.request(nodeId, CreateTopics, {
    topics: topics.map(t => ({
      name: t.name,
      numPartitions: t.assignments !== undefined ? -1 : t.partitions ?? -1,
      replicationFactor: t.assignments !== undefined ? -1 : t.replicationFactor ?? -1,
      assignments: Object.entries(t.assignments ?? {}).map(([p, brokerIds]) => ({ partitionIndex: Number(p), brokerIds })),
      configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value }))
    })),
    timeoutMs: opts.timeoutMs ?? 30000,
    validateOnly: opts.validateOnly ?? false
  })
  return inRequestOrder(topics.map(t => t.name), res.body.topics, t => t.name).map(t => ({
    name: t.name,
    error: resourceError(t.errorCode, `CreateTopics ${t.name}`, t.errorMessage),
    topicId: t.topicId,
    partitions: t.numPartitions,
    replicationFactor: t.replicationFactor,
    configs: Object.fromEntries((t.configs ?? []).map(c => [c.name, c.value]))
  }))
}

export async function deleteTopics (client: KafkaClient, nodeId: number, names: readonly string[], opts: AdminCallOptions = {}): Promise<TopicResult[]> {
  const res = await client.request(nodeId, DeleteTopics, v => ({
    // v6 names topics in a struct list (by name or id, KIP-516); earlier versions by a list of names.
    topicNames: [...names],
    topics: v >= 6 ? names.map(name => ({ name, topicId: '00000000-0000-0000-0000-000000000000' })) : [],
    timeoutMs: opts.timeoutMs ?? 30000
  }))
  return inRequestOrder(names, res.body.responses, r => r.name ?? '').map(r => ({ name: r.name ?? '', error: resourceError(r.errorCode, `DeleteTopics ${r.name ?? r.topicId}`, r.errorMessage) }))
}

/** Raises topics' partition counts to the given totals (CreatePartitions); `assignments` places the new ones. */
export async function createPartitions (client: KafkaClient, nodeId: number, counts: Record<string, number | { count: number, assignments: number[][] }>, opts: AdminCallOptions = {}): Promise<TopicResult[]> {
  const res = await client.request(nodeId, CreatePartitions, {
    topics: Object.entries(counts).map(([name, c]) => typeof c === 'number'
      ? { name, count: c, assignments: null }
      : { name, count: c.count, assignments: c.assignments.map(brokerIds => ({ brokerIds })) }),
    timeoutMs: opts.timeoutMs ?? 30000,
    validateOnly: opts.validateOnly ?? false
  })
  return inRequestOrder(Object.keys(counts), res.body.results, r => r.name).map(r => ({ name: r.name, error: resourceError(r.errorCode, `CreatePartitions ${r.name}`, r.errorMessage) }))
}
