import { OffsetForLeaderEpoch } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ClusterState } from '../cluster-state.js'
import { serve } from '../handler.js'

// OffsetForLeaderEpoch (key 23), v0-4: the end offset of a leader epoch, which a consumer uses after a leader
// change to detect log truncation (KIP-101, KIP-320). v2 adds currentLeaderEpoch fencing, v3 the replicaId.

type Req = Infer<typeof OffsetForLeaderEpoch.request>
type Res = InferInput<typeof OffsetForLeaderEpoch.response>

export const offsetForLeaderEpochHandler = serve<Req>(OffsetForLeaderEpoch, '0-4', (ctx): Res => ({
  throttleTimeMs: 0,
  topics: ctx.body.topics.map(t => ({
    topic: t.topic,
    partitions: t.partitions.map(op => {
      const p = ctx.cluster.partition(t.topic, op.partition)
      const error = p === undefined
        ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        : ctx.injectedError(t.topic, op.partition) || ctx.cluster.leaderError(p, ctx.broker.id) || ClusterState.epochError(p, op.currentLeaderEpoch)
      if (p === undefined || error !== ErrorCode.NONE) return { errorCode: error, partition: op.partition, leaderEpoch: -1, endOffset: -1n }
      return { errorCode: ErrorCode.NONE, partition: op.partition, ...p.log.endOffsetForEpoch(op.leaderEpoch, p.leaderEpoch) }
    })
  }))
}))
