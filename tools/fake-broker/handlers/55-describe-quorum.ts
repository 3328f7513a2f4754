import { DescribeQuorum } from '../../../protocol/apis/index.js'
import { ErrorCode, errorInfo } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { advertisedPort } from '../cluster-state.js'
import { serve } from '../handler.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { clusterAuthError } from '../access-check.js'

// DescribeQuorum (key 55), v0-2: the metadata quorum (see ../metadata-quorum.ts for what is modelled). As
// KafkaRaftClient.handleDescribeQuorumRequest, the request must name exactly __cluster_metadata partition 0;
// anything else is answered per requested partition with UNKNOWN_TOPIC_OR_PARTITION. v2 adds the voters'
// listeners (nodes): the voter's listeners as clients reach it. Messages of successful answers are "", the default
// Kafka's generated code leaves in them (RaftUtil sets none). Needs DESCRIBE on the cluster
// (ControllerApis.handleDescribeQuorum): otherwise CLUSTER_AUTHORIZATION_FAILED at the top level with the error's
// default message and nothing else (DescribeQuorumRequest.getTopLevelErrorResponse).

type Req = Infer<typeof DescribeQuorum.request>
type Res = InferInput<typeof DescribeQuorum.response>

const METADATA_TOPIC = '__cluster_metadata'

export const describeQuorumHandler = serve<Req>(DescribeQuorum, '0-2', (ctx): Res => {
  const { body, cluster } = ctx
  const refused = clusterAuthError(ctx, AclOperation.DESCRIBE)
  if (refused !== ErrorCode.NONE) return { errorCode: refused, errorMessage: errorInfo(refused).message, topics: [], nodes: [] }
  const valid = body.topics.length === 1 && body.topics[0].topicName === METADATA_TOPIC &&
    body.topics[0].partitions.length === 1 && body.topics[0].partitions[0].partitionIndex === 0
  if (!valid) {
    const errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: '',
      topics: body.topics.map(t => ({
        topicName: t.topicName,
        partitions: t.partitions.map(p => ({
          partitionIndex: p.partitionIndex, errorCode, errorMessage: errorInfo(errorCode).message, leaderId: 0, leaderEpoch: 0, highWatermark: 0n, currentVoters: [], observers: []
        }))
      })),
      nodes: []
    }
  }
  const q = cluster.quorum.describe()
  const voter = cluster.broker(q.leaderId)
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: '',
    topics: [{
      topicName: METADATA_TOPIC,
      partitions: [{
        partitionIndex: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: '',
        leaderId: q.leaderId,
        leaderEpoch: q.leaderEpoch,
        highWatermark: q.highWatermark,
        currentVoters: q.voters,
        observers: q.observers
      }]
    }],
    nodes: voter === undefined
      ? []
      : [{ nodeId: voter.id, listeners: [{ name: ctx.listener ?? 'PLAINTEXT', host: voter.host, port: advertisedPort(voter, ctx.listener) }] }]
  }
})
