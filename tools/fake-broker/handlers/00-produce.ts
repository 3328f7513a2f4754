import { Produce } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { NO_RESPONSE, serve, type RequestContext } from '../handler.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorized, authorizedNames } from '../access-check.js'
import { leaderEndpoints, leaderHint } from './leader-hint.js'
import { chargeAndThrottle } from '../quotas/throttle.js'
import { upConvertMessageSet } from '../up-convert.js'
import { produceConfigError } from '../topic-policy.js'
import { CorruptRecordError, CompressionError } from '../../../protocol/errors.js'
import { scanBatches } from '../../../protocol/records/index.js'
import { ATTR_TRANSACTIONAL, V2_ATTRIBUTES, V2_HEADER_BYTES, V2_MAGIC, V2_PRODUCER_EPOCH, V2_PRODUCER_ID } from '../../../protocol/records/record-batch.js'

// Produce (key 0), v0-13: appends record batches. v0-2 carry legacy message sets, which Kafka 4.0 removed
// (KIP-896) but librdkafka 2.0 still needs advertised to enable compression; they are up-converted to magic 2
// (../up-convert.ts). acks 0 gets no response at all; acks 1 and -1 are the same here, since the fake keeps one copy
// that is at once the leader's and every follower's. Errors are per partition: unknown topic, not the leader
// (v10+ adds the new leader and its endpoint, KIP-951), corrupt batches, and idempotent-producer sequence errors.
// Transactional batches are checked with the transaction coordinator before they are appended, as Kafka verifies
// them since KIP-890 part 1: the producer must be the transactional id's current one (else INVALID_PRODUCER_EPOCH,
// which is how a fenced zombie learns it) and the partition must be in its open transaction (else
// INVALID_TXN_STATE, TRANSACTION_ABORTABLE from v11). From v12 (transaction protocol v2, KIP-890 part 2) a
// transactional batch adds its partition to the transaction instead, as Kafka's broker does on the producer's
// behalf. v13 names topics by id (KIP-516): an id the cluster does not know is answered UNKNOWN_TOPIC_ID for each of
// its partitions before any other check, and the response echoes the id (KafkaApis.handleProduceRequest, Kafka 4.x).
// A client over its producer_byte_rate quota is answered with a throttle time and muted
// (../quotas/).

type Req = Infer<typeof Produce.request>
type Res = InferInput<typeof Produce.response>
type PartitionRes = NonNullable<NonNullable<Res['responses']>[number]['partitionResponses']>[number]

export const produceHandler = serve<Req>(Produce, '0-13', (ctx): Res | typeof NO_RESPONSE => {
  const { body, cluster } = ctx
  const leaders = new Set<number>()
  const acksValid = body.acks === 0 || body.acks === 1 || body.acks === -1
  // The topic each entry names: by id from v13, undefined when the cluster does not know the id.
  const names = body.topicData.map(t => ctx.version >= 13 ? cluster.topicById(t.topicId)?.name : t.name)
  // Authorization (KafkaApis.handleProduceRequest): transactional records need WRITE on the transactional id, else
  // every partition is answered TRANSACTIONAL_ID_AUTHORIZATION_FAILED; each topic needs WRITE.
  const txnRefused = body.topicData.some(t => t.partitionData.some(pd => isTransactional(pd.records))) &&
    (body.transactionalId === null || !authorized(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, body.transactionalId))
  const writable = authorizedNames(ctx, AclOperation.WRITE, ResourceType.TOPIC, names.filter(n => n !== undefined))
  const refuse = (index: number, errorCode: number): PartitionRes => ({ index, errorCode, baseOffset: -1n })
  const answer = (name: string | undefined, index: number, records: Buffer | null): PartitionRes =>
    txnRefused
      ? refuse(index, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
      : name === undefined
        ? refuse(index, ErrorCode.UNKNOWN_TOPIC_ID)
        : !writable.has(name)
            ? refuse(index, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
            : acksValid
              ? produceOne(ctx, name, index, records, leaders)
              : refuse(index, ErrorCode.INVALID_REQUIRED_ACKS)
  const responses = body.topicData.map((t, i) => ({
    name: names[i] ?? '',
    topicId: t.topicId,
    partitionResponses: t.partitionData.map(pd => answer(names[i], pd.index, pd.records))
  }))
  // producer_byte_rate is charged the request's size once it is handled, whatever its partitions' outcome
  // (KafkaApis.handleProduceRequest); acks 0 is throttled by muting alone, there being no response to carry the time.
  const throttleTimeMs = chargeAndThrottle(ctx, ctx.cluster.quotas.produce, ctx.requestBytes ?? 0)
  if (body.acks === 0) return NO_RESPONSE
  return { responses, throttleTimeMs, nodeEndpoints: leaderEndpoints(ctx.cluster, leaders, ctx.listener) }
})

/** Whether the records are a transactional v2 batch (its attributes' transactional bit). */
function isTransactional (records: Buffer | null): records is Buffer {
  return records !== null && records.length >= V2_HEADER_BYTES && records[V2_MAGIC] === 2 && (records.readInt16BE(V2_ATTRIBUTES) & ATTR_TRANSACTIONAL) !== 0
}

/**
 * Whether a batch of the blob is longer than `maxBytes` (each batch: 12 bytes of offset and length, then length).
 * A length that does not fit the blob is left to the log, which answers CORRUPT_MESSAGE.
 */
function batchTooLarge (blob: Buffer, maxBytes: number): boolean {
  for (let pos = 0; pos + 12 <= blob.length;) {
    const size = 12 + blob.readInt32BE(pos + 8)
    if (size <= 12 || pos + size > blob.length) return false
    if (size > maxBytes) return true
    pos += size
  }
  return false
}

function produceOne (ctx: RequestContext<Req>, name: string, index: number, records: Buffer | null, leaders: Set<number>): PartitionRes {
  const fail = (errorCode: number, errorMessage: string | null = null): PartitionRes => ({ index, errorCode, baseOffset: -1n, errorMessage })
  const injected = ctx.injectedError(name, index)
  if (injected !== ErrorCode.NONE) return fail(injected)
  // Produce never creates a topic, even with auto-creation on: Kafka creates topics only for Metadata requests
  // (and FindCoordinator's internal topics); a producer learns of a missing topic from Metadata first.
  const topic = ctx.cluster.topics.get(name)
  const p = topic?.partitions[index]
  if (p === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  const leaderError = ctx.cluster.leaderError(p, ctx.broker.id)
  if (leaderError !== ErrorCode.NONE) {
    const currentLeader = leaderHint('produce', ctx.version, leaderError, p, leaders)
    return currentLeader === undefined ? fail(leaderError) : { ...fail(leaderError), currentLeader }
  }
  if (records === null || records.length === 0) return fail(ErrorCode.INVALID_RECORD, 'no records')
  if (isTransactional(records)) {
    const producerId = records.readBigInt64BE(V2_PRODUCER_ID)
    const producerEpoch = records.readInt16BE(V2_PRODUCER_EPOCH)
    // The partition's own producer state answers first: an epoch older than the one its last marker carried is
    // INVALID_PRODUCER_EPOCH even when the transactional id has moved to another producer id since (Kafka 4.4 does
    // so after a timeout at the last epoch, test-interop/producer/transaction-fence-differential.test.ts).
    if (producerEpoch < (p.log.producerEpoch(producerId) ?? producerEpoch)) return fail(ErrorCode.INVALID_PRODUCER_EPOCH, `producer epoch ${producerEpoch} is older than the partition's ${p.log.producerEpoch(producerId) ?? ''}`)
    const code = ctx.cluster.transactions.verifyProduce(ctx.body.transactionalId, producerId, producerEpoch, name, index, ctx.version)
    if (code !== 0) {
      return fail(code, code === ErrorCode.INVALID_TXN_STATE || code === ErrorCode.TRANSACTION_ABORTABLE
        ? `${name}[${index}] is not in the producer's open transaction (AddPartitionsToTxn first)`
        : 'the producer epoch is not the transactional id\'s current one: a newer producer fenced it, or its transaction timed out')
    }
  }
  let batch = records
  if (ctx.version >= 3) {
    // Kafka answers these without an errorMessage (checked against a real 4.x broker).
    const shapeError = checkProduceRecords(ctx.version, records, name, index)
    if (shapeError !== undefined) return fail(shapeError.errorCode)
  } else {
    try {
      batch = upConvertMessageSet(records, name, index)
    } catch (err) {
      if (err instanceof CorruptRecordError || err instanceof CompressionError) return fail(ErrorCode.CORRUPT_MESSAGE, err.message)
      throw err
    }
  }
  // acks=all waits for the ISR; with fewer in-sync replicas than min.insync.replicas Kafka refuses the write
  // before appending (Partition.appendRecordsToLeader).
  if (ctx.body.acks === -1 && p.isr.length < ctx.cluster.minInsyncReplicas(name)) {
    return fail(ErrorCode.NOT_ENOUGH_REPLICAS, `The size of the current ISR ${p.isr.length} is insufficient to satisfy the min.isr requirement of ${ctx.cluster.minInsyncReplicas(name)} for partition ${name}-${index}`)
  }
  // max.message.bytes (the topic's, else the broker's message.max.bytes, Kafka's default 1048588) bounds each batch
  // as stored, that is compressed; Kafka's log answers a larger one with MESSAGE_TOO_LARGE and no message.
  const maxMessageBytes = Number(ctx.cluster.configs.topicValue(name, 'max.message.bytes', ctx.broker.id) ?? ctx.cluster.options.maxMessageBytes)
  if (batchTooLarge(batch, maxMessageBytes)) return fail(ErrorCode.MESSAGE_TOO_LARGE)
  // The topic's configs are checked on batches the log will validate next; one whose header does not hold together
  // (a record count of 0, say) is left to that validation, which answers it as Kafka does.
  let refused
  try { refused = produceConfigError(ctx.cluster, p.topic, index, batch, ctx.cluster.now()) } catch { refused = undefined }
  if (refused !== undefined) return { ...fail(refused.errorCode, refused.errorMessage), recordErrors: refused.recordErrors ?? [] }
  const r = p.log.append(batch, p.leaderEpoch, ctx.cluster.now())
  return {
    index,
    errorCode: r.errorCode,
    baseOffset: r.baseOffset,
    logAppendTimeMs: r.logAppendTime,
    // Kafka's ReplicaManager reports the log start offset as unknown (-1) for a corrupt batch, as for the errors
    // answered above; after a validation or sequence error it reports the log's.
    logStartOffset: r.errorCode === ErrorCode.CORRUPT_MESSAGE ? -1n : p.log.logStartOffset,
    errorMessage: r.errorMessage,
    recordErrors: r.recordErrors ?? []
  }
}

/**
 * ProduceRequest.validateRecords (Kafka 4.x): from v3 a partition's records are exactly one magic-2 batch, and zstd
 * needs v7+ (KIP-110), answered INVALID_RECORD and UNSUPPORTED_COMPRESSION_TYPE. Framing errors are left to the
 * log, which answers CORRUPT_MESSAGE.
 */
function checkProduceRecords (version: number, records: Buffer, topic: string, partition: number): { errorCode: number, message: string } | undefined {
  let batches
  try {
    batches = scanBatches(records, { topic, partition }).batches
  } catch {
    return undefined
  }
  if (batches.length === 0) return undefined
  if (batches[0].magic !== 2) {
    return { errorCode: ErrorCode.INVALID_RECORD, message: `Produce requests with version ${version} are only allowed to contain record batches with magic version 2` }
  }
  if (version < 7 && batches[0].compression === 'zstd') {
    return { errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, message: `Produce requests with version ${version} are not allowed to use ZStandard compression` }
  }
  if (batches.length > 1) {
    return { errorCode: ErrorCode.INVALID_RECORD, message: `Produce requests with version ${version} are only allowed to contain exactly one record batch` }
  }
  return undefined
}
