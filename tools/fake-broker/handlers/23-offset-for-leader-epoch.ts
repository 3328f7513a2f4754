import { OffsetForLeaderEpoch } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ClusterState } from '../cluster-state.js'
import { serve, type RequestContext } from '../handler.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorizedNames, clusterAuthorized } from '../access-check.js'

// OffsetForLeaderEpoch (key 23), v0-4: the end offset of a leader epoch, which a consumer uses after a leader
// change to detect log truncation (KIP-101, KIP-320). v2 adds currentLeaderEpoch fencing, v3 the replicaId.
// Authorization as KafkaApis.handleOffsetForLeaderEpochRequest: CLUSTER_ACTION on the cluster (replicas) allows
// every topic, else each topic needs DESCRIBE; the others answer TOPIC_AUTHORIZATION_FAILED per partition, after
// the authorized topics.

type Req = Infer<typeof OffsetForLeaderEpoch.request>
type Res = InferInput<typeof OffsetForLeaderEpoch.response>

export const offsetForLeaderEpochHandler = serve<Req>(OffsetForLeaderEpoch, '0-4', (ctx): Res => {
  const all = ctx.body.topics
  const describable = clusterAuthorized(ctx, AclOperation.CLUSTER_ACTION) ? undefined : authorizedNames(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, all.map(t => t.topic))
  const allowed = describable === undefined ? all : all.filter(t => describable.has(t.topic))
  const refused = describable === undefined ? [] : all.filter(t => !describable.has(t.topic))
  return { throttleTimeMs: 0, topics: [...endOffsets(ctx, allowed), ...refused.map(t => ({ topic: t.topic, partitions: t.partitions.map(op => ({ errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, partition: op.partition, leaderEpoch: -1, endOffset: -1n })) }))] }
})

function endOffsets (ctx: RequestContext<Req>, topics: Req['topics']): NonNullable<Res['topics']> {
  return topics.map(t => ({
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
}
