import { ListPartitionReassignments } from '../../../protocol/apis/index.js'
import { ErrorCode, errorInfo } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import type { PartitionState } from '../cluster-state.js'
import { serve } from '../handler.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { clusterAuthError } from '../access-check.js'

// ListPartitionReassignments (key 46), v0: the reassignments in progress (ReplicationControlManager
// .listPartitionReassignments): every one for a null topic list, else those among the named partitions; unknown
// topics and partitions, and partitions not being reassigned, are left out without an error, as Kafka does.
// `replicas` is the whole current list (target first, then the replicas being removed). Needs DESCRIBE on the
// cluster (ControllerApis.handleListPartitionReassignments): otherwise CLUSTER_AUTHORIZATION_FAILED at the top
// level, with the partitions asked echoed with empty replica lists (ListPartitionReassignmentsRequest
// .getErrorResponse), and the error's default message where Kafka's names the whole request.

type Req = Infer<typeof ListPartitionReassignments.request>
type Res = InferInput<typeof ListPartitionReassignments.response>

export const listPartitionReassignmentsHandler = serve<Req>(ListPartitionReassignments, '0', (ctx): Res => {
  const { body, cluster } = ctx
  const refused = clusterAuthError(ctx, AclOperation.DESCRIBE)
  if (refused !== ErrorCode.NONE) {
    return {
      throttleTimeMs: 0,
      errorCode: refused,
      errorMessage: errorInfo(refused).message,
      topics: (body.topics ?? []).map(t => ({ name: t.name, partitions: t.partitionIndexes.map(partitionIndex => ({ partitionIndex, replicas: [], addingReplicas: [], removingReplicas: [] })) }))
    }
  }
  const moving = body.topics === null
    ? byTopic(cluster.reassignments.inProgress())
    : body.topics.map(t => ({
      name: t.name,
      partitions: t.partitionIndexes.flatMap(i => cluster.partition(t.name, i) ?? []).filter(p => p.reassignment !== undefined)
    }))
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    topics: moving.filter(t => t.partitions.length > 0).map(t => ({
      name: t.name,
      partitions: t.partitions.map(p => ({
        partitionIndex: p.index,
        replicas: [...p.replicas],
        addingReplicas: [...p.reassignment!.adding],
        removingReplicas: [...p.reassignment!.removing]
      }))
    }))
  }
})

function byTopic (partitions: readonly PartitionState[]): Array<{ name: string, partitions: PartitionState[] }> {
  const out = new Map<string, PartitionState[]>()
  for (const p of partitions) out.set(p.topic.name, [...(out.get(p.topic.name) ?? []), p])
  return [...out].map(([name, ps]) => ({ name, partitions: ps }))
}
