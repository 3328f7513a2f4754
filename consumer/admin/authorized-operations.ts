import type { AclOperationName } from '../../protocol/acl-codes.js'
import { DescribeCluster } from '../../protocol/apis/describe-cluster.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { decodeAuthorizedOperations } from '../../protocol/authorized-operations.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { KafkaError, UnsupportedVersionError } from '../../protocol/errors.js'
import type { KafkaClient } from '../cluster.js'
import { clusterMetadataFrom, type ClusterMetadata, type TopicInfo } from '../cluster-metadata.js'
import { resourceError } from './resource-error.js'

// Describing topics and the cluster together with what the caller may do to them (KIP-430), as the Java Admin's
// describeTopics/describeCluster with includeAuthorizedOperations: the topics' from Metadata v8+
// (includeTopicAuthorizedOperations); the cluster's from DescribeCluster, or, from a broker without it, from
// Metadata v8-10 (includeClusterAuthorizedOperations; v11 dropped it, KIP-700). A broker that cannot say is an
// UnsupportedVersionError rather than an answer without them. Operations come decoded as names.

const FIRST_WITH_OPERATIONS = 8
const LAST_WITH_CLUSTER_OPERATIONS = 10

export interface DescribedTopic extends TopicInfo {
  /** What the caller may do to the topic; absent when the broker did not say (a topic it refused, an unknown id). */
  authorizedOperations?: Set<AclOperationName>
}

export interface DescribedCluster {
  clusterId: string | null
  controllerId: number
  brokers: ClusterMetadata['brokers']
  /** What the caller may do to the cluster; empty without DESCRIBE on it. */
  authorizedOperations: Set<AclOperationName>
}

/** Topics (all when `names` is omitted) with the caller's authorized operations on each, from Metadata v8+. */
export async function describeTopicsWithOperations (client: KafkaClient, nodeId: number, names?: readonly string[]): Promise<DescribedTopic[]> {
  const res = await client.request(nodeId, Metadata, {
    topics: names === undefined ? null : names.map(name => ({ name })),
    allowAutoTopicCreation: false,
    includeTopicAuthorizedOperations: true
  })
  if (res.version < FIRST_WITH_OPERATIONS) throw new UnsupportedVersionError('Metadata', `broker ${nodeId} speaks v${res.version}; topic authorized operations need v${FIRST_WITH_OPERATIONS}+`)
  if (res.body.errorCode !== ErrorCode.NONE) throw new KafkaError(res.body.errorCode, `Metadata from broker ${nodeId}`)
  const md = clusterMetadataFrom(res.body, '')
  return md.topics.map((t, i) => {
    const ops = decodeAuthorizedOperations(res.body.topics[i].topicAuthorizedOperations)
    return ops === null ? t : { ...t, authorizedOperations: ops }
  })
}

/** The cluster with the caller's authorized operations on it: DescribeCluster, else Metadata v8-10. */
export async function describeClusterWithOperations (client: KafkaClient, nodeId: number): Promise<DescribedCluster> {
  let res
  try {
    res = await client.request(nodeId, DescribeCluster, { includeClusterAuthorizedOperations: true, endpointType: 1, includeFencedBrokers: false })
  } catch (err) {
    if (err instanceof UnsupportedVersionError) return await clusterFromMetadata(client, nodeId)
    throw err
  }
  const error = resourceError(res.body.errorCode, `DescribeCluster at broker ${nodeId}`, res.body.errorMessage)
  if (error !== null) throw error
  return {
    clusterId: res.body.clusterId,
    controllerId: res.body.controllerId,
    brokers: res.body.brokers.map(b => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack })),
    authorizedOperations: operationsOrRefuse(res.body.clusterAuthorizedOperations, 'DescribeCluster', nodeId)
  }
}

async function clusterFromMetadata (client: KafkaClient, nodeId: number): Promise<DescribedCluster> {
  const res = await client.request(nodeId, Metadata, { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: false }, { maxVersion: LAST_WITH_CLUSTER_OPERATIONS })
  if (res.version < FIRST_WITH_OPERATIONS) throw new UnsupportedVersionError('Metadata', `broker ${nodeId} speaks v${res.version} and no DescribeCluster; cluster authorized operations need Metadata v${FIRST_WITH_OPERATIONS}-${LAST_WITH_CLUSTER_OPERATIONS}`)
  const md = clusterMetadataFrom(res.body, '')
  return { clusterId: md.clusterId, controllerId: md.controllerId, brokers: md.brokers, authorizedOperations: operationsOrRefuse(res.body.clusterAuthorizedOperations, 'Metadata', nodeId) }
}

/** A broker that was asked and left the bit set unset does not compute them: say so rather than answer "nothing". */
function operationsOrRefuse (bits: number, api: string, nodeId: number): Set<AclOperationName> {
  const ops = decodeAuthorizedOperations(bits)
  if (ops === null) throw new UnsupportedVersionError(api, `broker ${nodeId} did not answer the cluster's authorized operations it was asked for`)
  return ops
}
