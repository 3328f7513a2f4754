import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// DescribeCluster (key 60): the cluster id, controller and brokers, plus cluster authorized operations, which
// Metadata stopped carrying in v11 (KIP-700). Flexible from v0 (KIP-482).
// v1 can describe controllers instead of brokers (endpointType, KIP-919) and makes MISMATCHED_ENDPOINT_TYPE and
// UNSUPPORTED_ENDPOINT_TYPE valid top-level errors. v2 (Kafka 4.0) can include fenced brokers, each flagged
// isFenced (KIP-1073).
export const DescribeCluster = defineApi({
  key: 60,
  name: 'DescribeCluster',
  versions: '0-2',
  flexible: '0+',
  request: [
    field('includeClusterAuthorizedOperations', 'bool', { about: 'Whether to include cluster authorized operations.' }),
    field('endpointType', 'int8', { versions: '1+', default: 1, about: 'The endpoint type to describe. 1=brokers, 2=controllers.' }),
    field('includeFencedBrokers', 'bool', { versions: '2+', default: false, about: 'Whether to include fenced brokers when listing brokers (KIP-1073).' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.' }),
    field('errorCode', 'int16', { about: 'The top-level error code, or 0 if there was no error.' }),
    field('errorMessage', 'string', { nullable: '0+', default: null, about: 'The top-level error message, or null if there was no error.' }),
    field('endpointType', 'int8', { versions: '1+', default: 1, about: 'The endpoint type that was described. 1=brokers, 2=controllers.' }),
    field('clusterId', 'string', { about: 'The cluster ID that responding broker belongs to.' }),
    field('controllerId', 'int32', { default: -1, about: 'The ID of the controller broker.' }),
    field('brokers', array([
      field('brokerId', 'int32', { about: 'The broker ID.' }),
      field('host', 'string', { about: 'The broker hostname.' }),
      field('port', 'int32', { about: 'The broker port.' }),
      field('rack', 'string', { nullable: '0+', default: null, about: 'The rack of the broker, or null if it has not been assigned to a rack.' }),
      field('isFenced', 'bool', { versions: '2+', default: false, about: 'Whether the broker is fenced (KIP-1073).' })
    ], 'DescribeClusterBroker'), { about: 'Each broker in the response.' }),
    field('clusterAuthorizedOperations', 'int32', { default: -2147483648, about: '32-bit bitfield to represent authorized operations for this cluster.' })
  ]
})
export type DescribeClusterRequest = InferInput<typeof DescribeCluster.request>
export type DescribeClusterResponse = Infer<typeof DescribeCluster.response>
