// The codec layer's public surface, listed by name: what a user of the wire protocol needs (schemas, frames,
// records, errors), not the helpers the other layers share internally (header readers and writers, error-path
// joining, response chunking for the fake broker), which stay importable from their own modules.
export {
  KafkaDirectError, ProtocolError, CorruptRecordError, CompressionError, ConfigError, ConnectionError, TimeoutError,
  UnsupportedVersionError, EncodeError, KafkaError, type ProtocolLocation
} from './errors.js'
export { ErrorCode, ERROR_CODES, errorInfo, type ErrorCodeInfo } from './error-codes.js'
export {
  ResourceType, PatternType, AclOperation, AclPermissionType, aclCodeName,
  type ResourceTypeName, type PatternTypeName, type AclOperationName, type AclPermissionTypeName
} from './acl-codes.js'
export { encodeAuthorizedOperations, decodeAuthorizedOperations } from './authorized-operations.js'
export { Reader, type TraceEvent } from './reader.js'
export { Writer } from './writer.js'

// The schema language: define an API, compile a codec per (API, version, direction).
export {
  defineApi, field, array, struct,
  type ApiSchema, type ApiDefinition, type Field, type FieldOptions, type AnyField, type Type, type Primitive,
  type ArrayType, type StructType, type Infer, type InferInput, type InferFields, type TypeOf, type UnknownTaggedField
} from './schema/define.js'
export { parseVersions, inRange, type VersionRange } from './schema/versions.js'
export { compileMessage, compileStruct, type Codec } from './schema/compile.js'

// Whole frames.
export { requestHeaderVersion, responseHeaderVersion, type RequestHeader } from './headers.js'
export { encodeRequest, encodeResponse, decodeRequest, decodeResponse, type DecodedRequest, type DecodedResponse, type DecodeRequestOptions } from './messages.js'

// One schema per API, and their request and response types.
export {
  ALL_APIS, apiByKey, apiByNameOrKey,
  ApiVersions, Metadata, Produce, Fetch, ListOffsets, OffsetCommit, OffsetFetch, FindCoordinator, JoinGroup, SyncGroup,
  Heartbeat, LeaveGroup, DescribeGroups, ListGroups, SaslHandshake, SaslAuthenticate, DescribeCluster,
  ConsumerGroupHeartbeat, ConsumerGroupDescribe, CreateTopics, DeleteTopics, DeleteRecords, InitProducerId, OffsetForLeaderEpoch,
  AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, WriteTxnMarkers, TxnOffsetCommit, DescribeTransactions, ListTransactions, DeleteGroups, OffsetDelete
} from './apis/index.js'
// The admin and config APIs (issue 15).
export { DescribeConfigs, AlterConfigs, IncrementalAlterConfigs, CreatePartitions, DescribeTopicPartitions, DescribeUserScramCredentials, AlterUserScramCredentials } from './apis/index.js'
export { DescribeAcls, CreateAcls, DeleteAcls } from './apis/index.js'
export type { DescribeAclsRequest, DescribeAclsResponse } from './apis/describe-acls.js'
export type { CreateAclsRequest, CreateAclsResponse } from './apis/create-acls.js'
export type { DeleteAclsRequest, DeleteAclsResponse } from './apis/delete-acls.js'
export type { DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse } from './apis/describe-user-scram-credentials.js'
// Client quotas and producer state (issue 15).
export { DescribeClientQuotas, AlterClientQuotas, DescribeProducers } from './apis/index.js'
export type { DescribeClientQuotasRequest, DescribeClientQuotasResponse } from './apis/describe-client-quotas.js'
export type { AlterClientQuotasRequest, AlterClientQuotasResponse } from './apis/alter-client-quotas.js'
export type { DescribeProducersRequest, DescribeProducersResponse } from './apis/describe-producers.js'
export type { AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse } from './apis/alter-user-scram-credentials.js'
export type { DescribeConfigsRequest, DescribeConfigsResponse } from './apis/describe-configs.js'
export type { AlterConfigsRequest, AlterConfigsResponse } from './apis/alter-configs.js'
export type { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from './apis/incremental-alter-configs.js'
export type { CreatePartitionsRequest, CreatePartitionsResponse } from './apis/create-partitions.js'
// Replicas, leaders and the metadata quorum (issue 15).
export { DescribeLogDirs, ElectLeaders, AlterPartitionReassignments, ListPartitionReassignments, DescribeQuorum } from './apis/index.js'
export type { DescribeLogDirsRequest, DescribeLogDirsResponse } from './apis/describe-log-dirs.js'
export type { ElectLeadersRequest, ElectLeadersResponse } from './apis/elect-leaders.js'
export type { AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse } from './apis/alter-partition-reassignments.js'
export type { ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse } from './apis/list-partition-reassignments.js'
export type { DescribeQuorumRequest, DescribeQuorumResponse } from './apis/describe-quorum.js'
export type { DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse } from './apis/describe-topic-partitions.js'
export type { ApiVersionsRequest, ApiVersionsResponse } from './apis/api-versions.js'
export type { ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse } from './apis/consumer-group-describe.js'
export type { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from './apis/consumer-group-heartbeat.js'
export type { CreateTopicsRequest, CreateTopicsResponse } from './apis/create-topics.js'
export type { DeleteRecordsRequest, DeleteRecordsResponse } from './apis/delete-records.js'
export type { DeleteTopicsRequest, DeleteTopicsResponse } from './apis/delete-topics.js'
export type { DescribeClusterRequest, DescribeClusterResponse } from './apis/describe-cluster.js'
export type { DescribeGroupsRequest, DescribeGroupsResponse } from './apis/describe-groups.js'
export type { FetchRequest, FetchResponse } from './apis/fetch.js'
export type { FindCoordinatorRequest, FindCoordinatorResponse } from './apis/find-coordinator.js'
export type { HeartbeatRequest, HeartbeatResponse } from './apis/heartbeat.js'
export type { InitProducerIdRequest, InitProducerIdResponse } from './apis/init-producer-id.js'
export type { JoinGroupRequest, JoinGroupResponse } from './apis/join-group.js'
export type { LeaveGroupRequest, LeaveGroupResponse } from './apis/leave-group.js'
export type { ListGroupsRequest, ListGroupsResponse } from './apis/list-groups.js'
export type { ListOffsetsRequest, ListOffsetsResponse } from './apis/list-offsets.js'
export type { MetadataRequest, MetadataResponse } from './apis/metadata.js'
export type { OffsetCommitRequest, OffsetCommitResponse } from './apis/offset-commit.js'
export type { OffsetFetchRequest, OffsetFetchResponse } from './apis/offset-fetch.js'
export type { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from './apis/offset-for-leader-epoch.js'
export type { ProduceRequest, ProduceResponse } from './apis/produce.js'
export type { SaslAuthenticateRequest, SaslAuthenticateResponse } from './apis/sasl-authenticate.js'
export type { SaslHandshakeRequest, SaslHandshakeResponse } from './apis/sasl-handshake.js'
export type { SyncGroupRequest, SyncGroupResponse } from './apis/sync-group.js'
export type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from './apis/add-partitions-to-txn.js'
export type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from './apis/add-offsets-to-txn.js'
export type { EndTxnRequest, EndTxnResponse } from './apis/end-txn.js'
export type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from './apis/write-txn-markers.js'
export type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from './apis/txn-offset-commit.js'
export type { DescribeTransactionsRequest, DescribeTransactionsResponse } from './apis/describe-transactions.js'
export type { ListTransactionsRequest, ListTransactionsResponse } from './apis/list-transactions.js'
export type { DeleteGroupsRequest, DeleteGroupsResponse } from './apis/delete-groups.js'
export type { OffsetDeleteRequest, OffsetDeleteResponse } from './apis/offset-delete.js'

// Record batches and message sets, and their compression codecs. The records' BatchInfo is renamed here: the
// streaming layer's BatchInfo (a completed streaming batch) has the name at the top level.
export {
  encodeRecordBatch, encodeMessageSet, scanBatches, iterateRecords,
  type KafkaRecord, type RecordHeader, type RecordInput, type BatchOptions, type TimestampType, type BatchInfo as RecordBatchInfo
} from './records/index.js'
export { compress, decompress, type CompressionCodec, type CodecOptions } from './compression/codec.js'
export type { DecompressOptions } from './compression/limits.js'

// The embedded consumer protocol inside JoinGroup/SyncGroup (what the group members tell each other).
export {
  ConsumerProtocolSubscription, ConsumerProtocolAssignment,
  encodeSubscription, decodeSubscription, encodeAssignment, decodeAssignment,
  type Subscription, type SubscriptionInput, type Assignment, type AssignmentInput
} from './group/consumer-protocol.js'
