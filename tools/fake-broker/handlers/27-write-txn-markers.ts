import { WriteTxnMarkers } from '../../../protocol/apis/index.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { clusterAuthorized } from '../access-check.js'
import { serve, type RequestContext } from '../handler.js'

// WriteTxnMarkers (key 27), v1-2: writes a commit or abort marker for a producer into partitions this broker leads,
// ending the producer's open transaction there: the last stable offset moves past it and read_committed readers
// skip an aborted one. The fake's own coordinator writes its markers directly; this is the request the admin
// client sends to abort a hanging transaction (KIP-664, `kafka-transactions.sh abort`). As Kafka's
// KafkaApis.handleWriteTxnMarkersRequest: CLUSTER_ACTION on the cluster, else CLUSTER_AUTHORIZATION_FAILED for
// every partition; a partition that does not exist UNKNOWN_TOPIC_OR_PARTITION, one led elsewhere
// NOT_LEADER_OR_FOLLOWER. The log's checks as ProducerAppendInfo.appendEndTxnMarker: an epoch older than the
// producer's INVALID_PRODUCER_EPOCH, a coordinator epoch older than its last marker's TRANSACTION_COORDINATOR_FENCED.

type Req = Infer<typeof WriteTxnMarkers.request>
type Res = InferInput<typeof WriteTxnMarkers.response>
type Marker = Req['markers'][number]

export const writeTxnMarkersHandler = serve<Req>(WriteTxnMarkers, '1-2', (ctx): Res => {
  const allowed = clusterAuthorized(ctx, AclOperation.CLUSTER_ACTION)
  return {
    markers: ctx.body.markers.map(m => ({
      producerId: m.producerId,
      topics: m.topics.map(t => ({
        name: t.name,
        partitions: t.partitionIndexes.map(partitionIndex => ({
          partitionIndex,
          errorCode: allowed ? writeMarker(ctx, m, t.name, partitionIndex) : ErrorCode.CLUSTER_AUTHORIZATION_FAILED
        }))
      }))
    }))
  }
})

function writeMarker (ctx: RequestContext<Req>, m: Marker, topic: string, index: number): number {
  const injected = ctx.injectedError(topic, index)
  if (injected !== ErrorCode.NONE) return injected
  const p = ctx.cluster.partition(topic, index)
  if (p === undefined) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
  if (p.leaderId !== ctx.broker.id) return ErrorCode.NOT_LEADER_OR_FOLLOWER
  const known = p.log.activeProducers().find(a => a.producerId === m.producerId)
  if (known !== undefined && m.producerEpoch < known.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH
  if (known !== undefined && m.coordinatorEpoch < known.coordinatorEpoch) return ErrorCode.TRANSACTION_COORDINATOR_FENCED
  p.log.writeMarker(m.producerId, m.producerEpoch, m.transactionResult, m.coordinatorEpoch, p.leaderEpoch, ctx.cluster.now())
  return ErrorCode.NONE
}
