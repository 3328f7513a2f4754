// The OffsetSource over consumer/'s SimpleConsumer: the direct stream's view of a real (or fake) Kafka cluster.
// Offsets come from ListOffsets, records from Fetch to each partition's leader, and commits go to the group
// coordinator found with FindCoordinator (KIP-699's batched form from v4).
import { SimpleConsumer } from '../consumer/simple-consumer.js'
import type { ConfigInput } from '../consumer/config.js'
import { FindCoordinator } from '../protocol/apis/find-coordinator.js'
import { OffsetCommit } from '../protocol/apis/offset-commit.js'
import { ConfigError, KafkaError } from '../protocol/errors.js'
import type { KafkaRecord } from '../protocol/records/index.js'
import type { ResolvedKafkaParams } from './kafka-params.js'
import type { OffsetRange, TopicPartition } from './offset-range.js'
import type { OffsetSource, SourceRecord } from './offset-source.js'

/** Records handed to the task per chunk: large enough to amortise the async step, small enough to stay cache-warm. */
const CHUNK = 1024

export class SimpleConsumerSource implements OffsetSource {
  readonly consumer: SimpleConsumer

  constructor (params: ResolvedKafkaParams, extra: ConfigInput = {}) {
    const config: ConfigInput = { bootstrapServers: params.bootstrapServers, isolationLevel: params.isolationLevel, ...extra }
    if (params.clientId !== undefined) config.clientId = params.clientId
    if (params.requestTimeoutMs !== undefined) config.requestTimeoutMs = params.requestTimeoutMs
    if (params.fetchMaxWaitMs !== undefined) config.fetchWaitMaxMs = params.fetchMaxWaitMs
    if (params.fetchMinBytes !== undefined) config.fetchMinBytes = params.fetchMinBytes
    if (params.fetchMaxBytes !== undefined) config.fetchMaxBytes = params.fetchMaxBytes
    if (params.maxPartitionFetchBytes !== undefined) config.maxPartitionFetchBytes = params.maxPartitionFetchBytes
    this.consumer = new SimpleConsumer(config)
  }

  async partitionsFor (topics: readonly string[]): Promise<TopicPartition[]> {
    const md = await this.consumer.metadata([...topics])
    const out: TopicPartition[] = []
    for (const name of topics) {
      const t = md.topics.find(x => x.name === name)
      if (t === undefined || t.errorCode !== 0) throw new KafkaError(t?.errorCode ?? 3, `topic "${name}"`)
      for (const p of t.partitions) out.push({ topic: name, partition: p.partition })
    }
    return out
  }

  async earliestOffsets (tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    return await this.consumer.earliestOffsets([...tps])
  }

  async latestOffsets (tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    return await this.consumer.latestOffsets([...tps])
  }

  async * fetchRange (range: OffsetRange, signal?: AbortSignal): AsyncIterable<readonly SourceRecord[]> {
    if (range.untilOffset <= range.fromOffset) return
    let chunk: SourceRecord[] = []
    for await (const r of this.consumer.records(range.topic, range.partition, range.fromOffset, range.untilOffset)) {
      if (signal?.aborted === true) throw signal.reason
      chunk.push(toSourceRecord(range, r))
      if (chunk.length >= CHUNK) { yield chunk; chunk = [] }
    }
    if (chunk.length > 0) yield chunk
  }

  async commitOffsets (groupId: string, offsets: ReadonlyMap<string, { topic: string; partition: number; offset: bigint }>): Promise<void> {
    const client = this.consumer.client
    const byTopic = new Map<string, Array<{ partition: number; offset: bigint }>>()
    for (const o of offsets.values()) {
      let list = byTopic.get(o.topic)
      if (list === undefined) byTopic.set(o.topic, list = [])
      list.push({ partition: o.partition, offset: o.offset })
    }
    await client.withRetries('OffsetCommit', async () => {
      const coordinator = await this.findCoordinator(groupId)
      // generation -1 and an empty member id: a "simple" commit from outside any group membership, which brokers
      // accept for a group with no active members (how Kafka's own tools reset offsets).
      const res = await client.request(coordinator, OffsetCommit, {
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        topics: [...byTopic].map(([name, parts]) => ({
          name,
          partitions: parts.map(p => ({ partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: -1, committedMetadata: null }))
        }))
      })
      for (const t of (res.body as { topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }> }).topics) {
        for (const p of t.partitions) if (p.errorCode !== 0) throw new KafkaError(p.errorCode, `OffsetCommit ${groupId} ${t.name}[${p.partitionIndex}]`)
      }
    })
  }

  async close (): Promise<void> { await this.consumer.close() }

  private async findCoordinator (groupId: string): Promise<number> {
    const md = await this.consumer.metadata([])
    const any = md.answeredBy.nodeId >= 0 ? md.answeredBy.nodeId : md.brokers[0]?.nodeId
    if (any === undefined) throw new ConfigError('bootstrap.servers', 'the cluster reported no brokers')
    const res = await this.consumer.client.request(any, FindCoordinator, (v: number) => v >= 4
      ? { keyType: 0, coordinatorKeys: [groupId] }
      : { key: groupId, keyType: 0 })
    const body = res.body as { errorCode: number; nodeId: number; coordinators: Array<{ nodeId: number; errorCode: number }> }
    const c = res.version >= 4 ? body.coordinators[0] : body
    if (c === undefined) throw new KafkaError(15, `FindCoordinator ${groupId}: empty answer`)
    if (c.errorCode !== 0) throw new KafkaError(c.errorCode, `FindCoordinator ${groupId}`)
    return c.nodeId
  }
}

function toSourceRecord (range: OffsetRange, r: KafkaRecord): SourceRecord {
  return { topic: range.topic, partition: range.partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers }
}
