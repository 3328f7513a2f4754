import { Produce } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { NO_RESPONSE, serve, type RequestContext } from '../handler.js'
import { leaderEndpoints } from './leader-hint.js'
import { upConvertMessageSet } from '../up-convert.js'
import { produceConfigError } from '../topic-policy.js'
import { CorruptRecordError, CompressionError } from '../../../protocol/errors.js'

// Produce (key 0), v0-12: appends record batches. v0-2 carry legacy message sets, which Kafka 4.0 removed
// (KIP-896) but librdkafka 2.0 still needs advertised to enable compression; they are up-converted to magic 2
// (../up-convert.ts). acks 0 gets no response at all; acks 1 and -1 are the same here, since the fake keeps one copy
// that is at once the leader's and every follower's. Errors are per partition: unknown topic, not the leader
// (v10+ adds the new leader and its endpoint, KIP-951), corrupt batches, and idempotent-producer sequence errors.
// Transactional produce (transactionalId set) is appended like any other: the fake has no transaction coordinator.

type Req = Infer<typeof Produce.request>
type Res = InferInput<typeof Produce.response>
type PartitionRes = NonNullable<NonNullable<Res['responses']>[number]['partitionResponses']>[number]

export const produceHandler = serve<Req>(Produce, '0-12', (ctx): Res | typeof NO_RESPONSE => {
  const { body } = ctx
  const leaders = new Set<number>()
  const acksValid = body.acks === 0 || body.acks === 1 || body.acks === -1
  const responses = body.topicData.map(t => ({
    name: t.name,
    partitionResponses: t.partitionData.map(pd => acksValid
      ? produceOne(ctx, t.name, pd.index, pd.records, leaders)
      : { index: pd.index, errorCode: ErrorCode.INVALID_REQUIRED_ACKS, baseOffset: -1n })
  }))
  if (body.acks === 0) return NO_RESPONSE
  return { responses, throttleTimeMs: 0, nodeEndpoints: leaderEndpoints(ctx.cluster, leaders, ctx.listener) }
})

function produceOne (ctx: RequestContext<Req>, name: string, index: number, records: Buffer | null, leaders: Set<number>): PartitionRes {
  const fail = (errorCode: number, errorMessage: string | null = null): PartitionRes => ({ index, errorCode, baseOffset: -1n, errorMessage })
  const injected = ctx.injectedError(name, index)
  if (injected !== 0) return fail(injected)
  const topic = ctx.cluster.topics.get(name) ?? ctx.cluster.autoCreate(name)
  const p = topic?.partitions[index]
  if (p === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  const leaderError = ctx.cluster.leaderError(p, ctx.broker.id)
  if (leaderError !== 0) {
    if (p.leaderId >= 0) leaders.add(p.leaderId)
    return { ...fail(leaderError), currentLeader: { leaderId: p.leaderId, leaderEpoch: p.leaderEpoch } }
  }
  if (records === null || records.length === 0) return fail(ErrorCode.INVALID_RECORD, 'no records')
  let batch = records
  if (ctx.version < 3) {
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
  const refused = produceConfigError(ctx.cluster, p.topic, index, batch, ctx.cluster.now())
  if (refused !== undefined) return fail(refused.errorCode, refused.errorMessage)
  const r = p.log.append(batch, p.leaderEpoch, ctx.cluster.now())
  return {
    index,
    errorCode: r.errorCode,
    baseOffset: r.baseOffset,
    logAppendTimeMs: r.logAppendTime,
    logStartOffset: p.log.logStartOffset,
    errorMessage: r.errorMessage
  }
}
