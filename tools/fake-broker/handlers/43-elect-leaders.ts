import { ElectLeaders } from '../../../protocol/apis/index.js'
import { ErrorCode, errorInfo } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import type { ClusterState, PartitionState } from '../cluster-state.js'
import { serve } from '../handler.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { clusterAuthError } from '../access-check.js'

// ElectLeaders (key 43), v0-2: the controller's elections (ReplicationControlManager.electLeader and
// PartitionChangeBuilder), with its answers per partition:
// - PREFERRED (0, and every v0 request): the first replica becomes leader if it is in the ISR on a live broker.
//   ELECTION_NOT_NEEDED when it already leads; PREFERRED_LEADER_NOT_AVAILABLE when it cannot and the current
//   leader stays; a leaderless partition takes any in-sync live replica instead.
// - UNCLEAN (1, KIP-460): only for a partition without a leader (else ELECTION_NOT_NEEDED): an in-sync live
//   replica if there is one, else the first live replica, which becomes the whole ISR (records it lacks are lost,
//   as the unclean-leader-election fault models); none live: ELIGIBLE_LEADERS_NOT_AVAILABLE.
// A new leader bumps the leader epoch, as every leader change does. A null partition list means every partition,
// and then partitions that need no election are left out of the answer, as Kafka does.
// Needs ALTER on the cluster (ControllerApis.handleElectLeaders): otherwise every partition asked, and the top level
// from v1 (v0 has no top-level error), answer CLUSTER_AUTHORIZATION_FAILED, as ElectLeadersRequest.getErrorResponse
// builds it. Kafka's message there names the whole request ("Request RequestChannel.Request(...) is not
// authorized."), which has nothing stable to copy; the error's default message stands in for it.

type Req = Infer<typeof ElectLeaders.request>
type Res = InferInput<typeof ElectLeaders.response>

const PREFERRED = 0
const UNCLEAN = 1

interface Outcome { errorCode: number, errorMessage: string | null }
// Kafka builds these answers as `new ApiError(error)`, which carries the error's default message; success has none.
const ok = (errorCode: number): Outcome => ({ errorCode, errorMessage: errorCode === ErrorCode.NONE ? null : errorInfo(errorCode).message })

export const electLeadersHandler = serve<Req>(ElectLeaders, '0-2', (ctx): Res => {
  const { body, cluster, version } = ctx
  const refused = clusterAuthError(ctx, AclOperation.ALTER)
  if (refused !== ErrorCode.NONE) {
    return {
      throttleTimeMs: 0,
      errorCode: version === 0 ? ErrorCode.NONE : refused,
      replicaElectionResults: (body.topicPartitions ?? []).map(t => ({ topic: t.topic, partitionResult: t.partitions.map(partitionId => ({ partitionId, ...ok(refused) })) }))
    }
  }
  const type = version === 0 ? PREFERRED : body.electionType
  if (type !== PREFERRED && type !== UNCLEAN) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, replicaElectionResults: [] }
  }
  if (body.topicPartitions === null) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      replicaElectionResults: [...cluster.topics.values()].map(t => ({
        topic: t.name,
        partitionResult: t.partitions
          .map(p => ({ partitionId: p.index, ...elect(cluster, p, type) }))
          .filter(r => r.errorCode !== ErrorCode.ELECTION_NOT_NEEDED)
      }))
    }
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    replicaElectionResults: body.topicPartitions.map(t => ({
      topic: t.topic,
      partitionResult: t.partitions.map(partitionId => {
        const injected = ctx.injectedError(t.topic, partitionId)
        if (injected !== ErrorCode.NONE) return { partitionId, errorCode: injected, errorMessage: null }
        if (!cluster.topics.has(t.topic)) return { partitionId, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such topic as ${t.topic}` }
        const p = cluster.partition(t.topic, partitionId)
        if (p === undefined) return { partitionId, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such partition as ${t.topic}-${partitionId}` }
        return { partitionId, ...elect(cluster, p, type) }
      })
    }))
  }
})

function elect (cluster: ClusterState, p: PartitionState, type: number): Outcome {
  const live = (id: number): boolean => cluster.broker(id)?.up === true
  const eligible = (id: number): boolean => p.isr.includes(id) && live(id)
  if (type === PREFERRED) {
    if (p.leaderId === p.replicas[0]) return ok(ErrorCode.ELECTION_NOT_NEEDED)
    if (eligible(p.replicas[0])) return lead(p, p.replicas[0])
    // The current leader stays when it can: the election changes nothing, which Kafka reports as unavailable.
    const other = p.leaderId >= 0 && eligible(p.leaderId) ? undefined : p.replicas.slice(1).find(eligible)
    return other === undefined ? ok(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE) : lead(p, other)
  }
  if (p.leaderId >= 0) return ok(ErrorCode.ELECTION_NOT_NEEDED)
  const clean = p.replicas.find(eligible)
  if (clean !== undefined) return lead(p, clean)
  const unclean = p.replicas.find(live)
  if (unclean === undefined) return ok(ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE)
  p.isr = [unclean]
  return lead(p, unclean)
}

function lead (p: PartitionState, id: number): Outcome {
  p.leaderId = id
  p.leaderEpoch++
  return ok(ErrorCode.NONE)
}
