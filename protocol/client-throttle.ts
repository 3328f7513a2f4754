import {
  AddOffsetsToTxn, AddPartitionsToTxn, AlterConfigs, AlterPartitionReassignments, AlterUserScramCredentials,
  ApiVersions, CreateAcls, CreatePartitions, CreateTopics, DeleteAcls, DeleteGroups, DeleteRecords, DeleteTopics,
  DescribeAcls, DescribeConfigs, DescribeGroups, DescribeLogDirs, DescribeTopicPartitions,
  DescribeUserScramCredentials, ElectLeaders, EndTxn, Fetch, FindCoordinator, Heartbeat, IncrementalAlterConfigs,
  InitProducerId, JoinGroup, LeaveGroup, ListGroups, ListOffsets, ListPartitionReassignments, Metadata, OffsetCommit,
  OffsetDelete, OffsetFetch, Produce, SyncGroup, TxnOffsetCommit
} from './apis/index.js'
import type { ApiSchema } from './schema/define.js'

// KIP-219: from these versions on, a broker over a quota answers at once with the throttle time and then mutes the
// connection for that long, and the client is to send nothing more on it until the time is up (before them, the
// broker held the response back instead, so the client has nothing to wait out). The versions are the ones the
// message definitions name ("Starting in version N, on quota violation, brokers send out responses before
// throttling") and the Java client's `shouldClientThrottle`; APIs it does not list are never throttled by the
// client, as there.

const FIRST_THROTTLED_VERSIONS: Array<[ApiSchema, number]> = [
  [Produce, 6], [Fetch, 8], [ListOffsets, 3], [Metadata, 6], [OffsetCommit, 4], [OffsetFetch, 4],
  [FindCoordinator, 2], [JoinGroup, 3], [Heartbeat, 2], [LeaveGroup, 2], [SyncGroup, 2], [DescribeGroups, 2],
  [ListGroups, 2], [ApiVersions, 2], [CreateTopics, 3], [DeleteTopics, 2], [DeleteRecords, 1], [InitProducerId, 1],
  [AddPartitionsToTxn, 1], [AddOffsetsToTxn, 1], [EndTxn, 1], [TxnOffsetCommit, 1], [DescribeAcls, 1],
  [CreateAcls, 1], [DeleteAcls, 1], [DescribeConfigs, 2], [AlterConfigs, 1], [DescribeLogDirs, 1],
  [CreatePartitions, 1], [DeleteGroups, 1], [ElectLeaders, 0], [IncrementalAlterConfigs, 0],
  [AlterPartitionReassignments, 0], [ListPartitionReassignments, 0], [OffsetDelete, 0],
  [DescribeUserScramCredentials, 0], [AlterUserScramCredentials, 0], [DescribeTopicPartitions, 0]
]
const FIRST_CLIENT_THROTTLED = new Map(FIRST_THROTTLED_VERSIONS.map(([api, version]) => [api.key, version]))

/** Whether a response of this API and version with a throttle time asks the client to wait that long before its next request. */
export function clientThrottles (apiKey: number, version: number): boolean {
  const first = FIRST_CLIENT_THROTTLED.get(apiKey)
  return first !== undefined && version >= first
}
