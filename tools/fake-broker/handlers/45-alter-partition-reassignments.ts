import { AlterPartitionReassignments } from '../../../protocol/apis/index.js'
import { ErrorCode, errorInfo } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import type { ClusterState, PartitionState } from '../cluster-state.js'
import { serve } from '../handler.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { clusterAuthError } from '../access-check.js'
import type { ReassignmentError } from '../reassignments.js'

// AlterPartitionReassignments (key 45), v0-1: starts, replaces or cancels (null replicas) partition
// reassignments, with the checks and messages of Kafka's controller (ReplicationControlManager
// .alterPartitionReassignment, validateManualPartitionAssignment) in its order. v1 may forbid a change of the
// replica count (KIP-860: INVALID_REPLICATION_FACTOR), compared with the partition's replicas before any
// reassignment in progress. The moves themselves are in ../reassignments.ts. Needs ALTER on the cluster
// (ControllerApis.handleAlterPartitionReassignments): otherwise the top level and every partition asked answer
// CLUSTER_AUTHORIZATION_FAILED (AlterPartitionReassignmentsRequest.getErrorResponse), with the error's default
// message where Kafka's names the whole request.

type Req = Infer<typeof AlterPartitionReassignments.request>
type Res = InferInput<typeof AlterPartitionReassignments.response>

export const alterPartitionReassignmentsHandler = serve<Req>(AlterPartitionReassignments, '0-1', (ctx): Res => {
  const { body, cluster } = ctx
  const allowReplicationFactorChange = ctx.version === 0 || body.allowReplicationFactorChange
  const refused = clusterAuthError(ctx, AclOperation.ALTER)
  if (refused !== ErrorCode.NONE) {
    const errorMessage = errorInfo(refused).message
    return {
      throttleTimeMs: 0,
      allowReplicationFactorChange: true,
      errorCode: refused,
      errorMessage,
      responses: body.topics.map(t => ({ name: t.name, partitions: t.partitions.map(p => ({ partitionIndex: p.partitionIndex, errorCode: refused, errorMessage })) }))
    }
  }
  return {
    throttleTimeMs: 0,
    allowReplicationFactorChange,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    responses: body.topics.map(t => ({
      name: t.name,
      partitions: t.partitions.map(req => {
        const error = ((): ReassignmentError | undefined => {
          const injected = ctx.injectedError(t.name, req.partitionIndex)
          if (injected !== ErrorCode.NONE) return { errorCode: injected, errorMessage: 'injected fault' }
          if (!cluster.topics.has(t.name)) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Unable to find a topic named ${t.name}.` }
          const p = cluster.partition(t.name, req.partitionIndex)
          if (p === undefined) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Unable to find partition ${t.name}:${req.partitionIndex}.` }
          if (req.replicas === null) return cluster.reassignments.cancel(p, ctx.broker.id)
          const invalid = assignmentError(cluster, p, req.replicas, allowReplicationFactorChange)
          if (invalid !== undefined) return invalid
          cluster.reassignments.start(p, req.replicas)
          return undefined
        })()
        return { partitionIndex: req.partitionIndex, errorCode: error?.errorCode ?? ErrorCode.NONE, errorMessage: error?.errorMessage ?? null }
      })
    }))
  }
})

function assignmentError (cluster: ClusterState, p: PartitionState, target: readonly number[], allowReplicationFactorChange: boolean): ReassignmentError | undefined {
  const invalid = (errorMessage: string): ReassignmentError => ({ errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage })
  if (target.length === 0) return invalid('The manual partition assignment includes an empty replica list.')
  // Kafka walks the ids sorted, so the smallest unknown or repeated id is the one named.
  const sorted = [...target].sort((a, b) => a - b)
  for (let i = 0; i < sorted.length; i++) {
    if (cluster.broker(sorted[i]) === undefined) return invalid(`The manual partition assignment includes broker ${sorted[i]}, but no such broker is registered.`)
    if (i > 0 && sorted[i] === sorted[i - 1]) return invalid(`The manual partition assignment includes the broker ${sorted[i]} more than once.`)
  }
  const original = p.replicas.length - (p.reassignment?.adding.length ?? 0)
  if (!allowReplicationFactorChange && target.length !== original) {
    return { errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: `The replication factor is changed from ${original} to ${target.length}` }
  }
  return undefined
}
