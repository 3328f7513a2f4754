import { DescribeCluster } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { advertisedPort } from '../cluster-state.js'
import { serve } from '../handler.js'
import { clusterAuthorizedOperations } from '../authorized-operations.js'

// DescribeCluster (key 60), v0-2: the cluster id, the controller and the brokers, as a Kafka 4.4 broker answers it
// (KafkaApis.handleDescribeCluster, AuthHelper.computeDescribeClusterResponse). The brokers and controller are
// those Metadata names on the same listener. v1 asks for brokers (1) or controllers (2): a broker serves only the
// first, answering MISMATCHED_ENDPOINT_TYPE for controllers and UNSUPPORTED_ENDPOINT_TYPE for any other value, with
// Kafka's messages and every other field at its default (v0 cannot ask: it always means brokers). v2 may include fenced
// brokers (KIP-1073): here the brokers that are down, flagged isFenced, as a stopped broker stays registered and
// fenced. The cluster's authorized operations (KIP-430) are computed when asked; 0 without DESCRIBE on the cluster.
// No other authorization: Kafka checks none for this API.

type Req = Infer<typeof DescribeCluster.request>
type Res = InferInput<typeof DescribeCluster.response>

const BROKER_ENDPOINT = 1
const CONTROLLER_ENDPOINT = 2

export const describeClusterHandler = serve<Req>(DescribeCluster, '0-2', (ctx): Res => {
  const { body, version, cluster } = ctx
  const refuse = (errorCode: number, errorMessage: string): Res => ({ throttleTimeMs: 0, errorCode, errorMessage, clusterId: '', brokers: [] })
  // v0 has no endpointType: it decodes as the schema's default, brokers.
  const endpointType = body.endpointType
  if (endpointType === CONTROLLER_ENDPOINT) {
    return refuse(ErrorCode.MISMATCHED_ENDPOINT_TYPE, 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER')
  }
  if (endpointType !== BROKER_ENDPOINT) return refuse(ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, `Unsupported endpoint type ${endpointType}`)
  const clusterAuthorized = clusterAuthorizedOperations(body.includeClusterAuthorizedOperations, ctx)
  const listed = cluster.brokers.filter(b => b.up || (version >= 2 && body.includeFencedBrokers))
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    endpointType: BROKER_ENDPOINT,
    clusterId: cluster.clusterId,
    controllerId: cluster.liveBrokers()[0]?.id ?? -1,
    brokers: listed.map(b => ({ brokerId: b.id, host: b.host, port: advertisedPort(b, ctx.listener), rack: b.rack ?? null, isFenced: !b.up })),
    clusterAuthorizedOperations: clusterAuthorized
  }
})
