import { KafkaError } from '../protocol/errors.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { Produce, type ProduceResponse } from '../protocol/apis/produce.js'
import { encodeRecordBatch, type RecordInput } from '../protocol/records/index.js'
import type { CompressionCodec } from '../protocol/compression/codec.js'
import type { KafkaClient } from './cluster.js'
import { isRetriable, needsMetadataRefresh } from './retry.js'
import { ZERO_UUID } from './cluster-metadata.js'

/** Produce v13 names topics by id instead of name (KIP-516). */
const PRODUCE_TOPIC_ID_VERSION = 13

// A minimal producer: one record batch (magic 2) per call, sent to the partition's leader. It exists for the CLI's
// `-P` and for tests; it is not idempotent (producerId -1), so a retry after a lost response may duplicate the
// batch, as any non-idempotent Kafka producer may (KIP-98 explains why idempotence needs producer ids).

export interface ProduceOptions {
  /** 0: no response; 1: the leader has it; -1: every in-sync replica has it. Default -1. */
  acks?: 0 | 1 | -1
  compression?: CompressionCodec
  /** How long the broker may wait for acks (default `request.timeout.ms`). */
  timeoutMs?: number
}

/**
 * Appends `records` to one partition as one batch and returns the offset the broker gave its first record (-1
 * with acks=0, which gets no answer).
 */
export async function produce (client: KafkaClient, topic: string, partition: number, records: RecordInput[], opts: ProduceOptions = {}): Promise<bigint> {
  const acks = opts.acks ?? -1
  const batch = encodeRecordBatch(records, { compression: opts.compression ?? 'none' })
  return await client.withRetries('Produce', async () => {
    const info = await client.partitionInfo(topic, partition)
    const conn = await client.connection(info.leader)
    // v13 names the topic by the id Metadata gave (KIP-516); without one (a broker below Metadata v10), v12 by name.
    const topicId = client.cachedTopicId(topic)
    const res = await conn.request<ProduceResponse>(Produce, undefined, {
      transactionalId: null,
      acks,
      timeoutMs: opts.timeoutMs ?? client.config.requestTimeoutMs,
      topicData: [{ name: topic, topicId, partitionData: [{ index: partition, records: batch }] }]
    }, { noResponse: acks === 0, maxVersion: topicId === ZERO_UUID ? PRODUCE_TOPIC_ID_VERSION - 1 : undefined })
    if (acks === 0) return -1n
    const byId = res.version >= PRODUCE_TOPIC_ID_VERSION
    const p = res.body.responses.find(r => byId ? r.topicId === topicId : r.name === topic)?.partitionResponses.find(x => x.index === partition)
    if (p === undefined) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Produce ${topic}[${partition}]: partition missing from the response`)
    if (p.errorCode !== ErrorCode.NONE) {
      const err = new KafkaError(p.errorCode, `Produce ${topic}[${partition}]${p.errorMessage === null ? '' : `: ${p.errorMessage}`}`)
      if (isRetriable(err) && needsMetadataRefresh(p.errorCode)) client.invalidate(topic)
      throw err
    }
    return p.baseOffset
  }, [topic])
}
