import { ListOffsets } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ClusterState } from '../cluster-state.js'
import { serve, type RequestContext } from '../handler.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorizedNames } from '../access-check.js'

// ListOffsets (key 2), v0-10: offsets by time. Special timestamps: -1 latest (the high watermark, or for
// read_committed the last stable offset, the same here), -2 earliest (the log start offset), -3 the record with
// the largest timestamp (v7+, KIP-734), -4 earliest local (v8+, KIP-405; no tiered storage here, so earliest),
// -5 earliest pending upload (v9+; nothing is uploaded, so -1). Any other timestamp finds the first record at or
// after it (KIP-79), or -1 when there is none. v0 predates KIP-79 and means something else: "up to maxNumOffsets
// segment start offsets written before this time", answered as a list (oldStyleOffsets); see
// PartitionLog.legacyOffsetsBefore. So v0 with timestamp 0 answers an empty list, as Kafka 3.x and older did,
// where v1 answers offset 0 (Kafka 4.0 removed v0, KIP-896; old clients such as kafka-node still send it).

type Req = Infer<typeof ListOffsets.request>
type Res = InferInput<typeof ListOffsets.response>
type PartitionRes = NonNullable<NonNullable<Res['topics']>[number]['partitions']>[number]

const LATEST = -1n
const EARLIEST = -2n
const MAX_TIMESTAMP = -3n
const EARLIEST_LOCAL = -4n
const EARLIEST_PENDING_UPLOAD = -5n

export const listOffsetsHandler = serve<Req>(ListOffsets, '0-10', (ctx): Res => {
  // DESCRIBE on each topic (KafkaApis.handleListOffsetRequest), before anything else is looked at.
  const describable = authorizedNames(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, ctx.body.topics.map(t => t.name))
  return {
    throttleTimeMs: 0,
    topics: ctx.body.topics.map(t => ({
      name: t.name,
      partitions: t.partitions.map(lp => describable.has(t.name)
        ? listOne(ctx, t.name, lp.partitionIndex, lp.timestamp, lp.currentLeaderEpoch, lp.maxNumOffsets)
        : failed(lp.partitionIndex, ErrorCode.TOPIC_AUTHORIZATION_FAILED))
    }))
  }
})

function failed (partitionIndex: number, errorCode: number): PartitionRes {
  return { partitionIndex, errorCode, oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1 }
}

function listOne (ctx: RequestContext<Req>, name: string, index: number, timestamp: bigint, currentLeaderEpoch: number, maxNumOffsets: number): PartitionRes {
  const fail = (errorCode: number): PartitionRes => failed(index, errorCode)
  const p = ctx.cluster.partition(name, index)
  if (p === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  const error = ctx.injectedError(name, index) || ctx.cluster.leaderError(p, ctx.broker.id) || ClusterState.epochError(p, currentLeaderEpoch)
  if (error !== ErrorCode.NONE) return fail(error)
  const log = p.log
  if (ctx.version === 0) {
    return { partitionIndex: index, errorCode: ErrorCode.NONE, oldStyleOffsets: log.legacyOffsetsBefore(timestamp, maxNumOffsets) }
  }
  let found: { offset: bigint, timestamp: bigint } | undefined
  switch (timestamp) {
    // read_committed consumers start from the last stable offset, not past open transactions (KIP-98).
    case LATEST: found = { offset: ctx.body.isolationLevel === 1 ? log.lastStableOffset : log.highWatermark, timestamp: -1n }; break
    case EARLIEST:
    case EARLIEST_LOCAL: found = { offset: log.logStartOffset, timestamp: -1n }; break
    case MAX_TIMESTAMP: found = log.maxTimestampOffset(); break
    case EARLIEST_PENDING_UPLOAD: found = undefined; break
    default: found = timestamp < 0n ? undefined : log.offsetForTimestamp(timestamp)
  }
  const offset = found?.offset ?? -1n
  return {
    partitionIndex: index,
    errorCode: ErrorCode.NONE,
    oldStyleOffsets: [],
    timestamp: found?.timestamp ?? -1n,
    offset,
    leaderEpoch: found === undefined ? -1 : p.leaderEpoch
  }
}
