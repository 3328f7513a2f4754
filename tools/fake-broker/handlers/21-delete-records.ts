import { DeleteRecords } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorizedNames } from '../access-check.js'

// DeleteRecords (key 21), v0-2: moves partitions' log start offsets up (KIP-107); records below become
// unreadable (OFFSET_OUT_OF_RANGE) and whole segments below are freed. Offset -1 means the high watermark.

type Req = Infer<typeof DeleteRecords.request>
type Res = InferInput<typeof DeleteRecords.response>

export const deleteRecordsHandler = serve<Req>(DeleteRecords, '0-2', (ctx): Res => {
  // DELETE on each topic, before whether it exists (KafkaApis.handleDeleteRecordsRequest).
  const deletable = authorizedNames(ctx, AclOperation.DELETE, ResourceType.TOPIC, ctx.body.topics.map(t => t.name))
  return { throttleTimeMs: 0, topics: ctx.body.topics.map(t => ({
    name: t.name,
    partitions: t.partitions.map(dp => {
      const fail = (errorCode: number) => ({ partitionIndex: dp.partitionIndex, lowWatermark: -1n, errorCode })
      if (!deletable.has(t.name)) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
      const p = ctx.cluster.partition(t.name, dp.partitionIndex)
      if (p === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      const error = ctx.injectedError(t.name, dp.partitionIndex) || ctx.cluster.leaderError(p, ctx.broker.id)
      if (error !== ErrorCode.NONE) return fail(error)
      const low = p.log.deleteRecordsBefore(dp.offset)
      return low === undefined ? fail(ErrorCode.OFFSET_OUT_OF_RANGE) : { partitionIndex: dp.partitionIndex, lowWatermark: low, errorCode: ErrorCode.NONE }
    })
  })) }
})
