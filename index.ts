// kafka-direct: the public entry point. Layers import downwards only: streaming -> consumer -> protocol.
// Exports are listed by name, so the public surface is a decision, not whatever a module happens to export; each
// layer's index.ts says what it offers, and this file offers all of it (test/exports.test.ts checks both).

// The codec: errors, schemas, frames, records, compression (protocol/index.ts).
export {
  KafkaDirectError, ProtocolError, CorruptRecordError, CompressionError, ConfigError, ConnectionError, TimeoutError,
  UnsupportedVersionError, EncodeError, KafkaError, type ProtocolLocation,
  ErrorCode, ERROR_CODES, errorInfo, type ErrorCodeInfo,
  Reader, type TraceEvent, Writer,
  defineApi, field, array, struct,
  type ApiSchema, type ApiDefinition, type Field, type FieldOptions, type AnyField, type Type, type Primitive,
  type ArrayType, type StructType, type Infer, type InferInput, type InferFields, type TypeOf, type UnknownTaggedField,
  parseVersions, inRange, type VersionRange, compileMessage, compileStruct, type Codec,
  requestHeaderVersion, responseHeaderVersion, type RequestHeader,
  encodeRequest, encodeResponse, decodeRequest, decodeResponse, type DecodedRequest, type DecodedResponse,
  ALL_APIS, apiByKey, apiByNameOrKey,
  ApiVersions, Metadata, Produce, Fetch, ListOffsets, OffsetCommit, OffsetFetch, FindCoordinator, JoinGroup, SyncGroup,
  Heartbeat, LeaveGroup, DescribeGroups, ListGroups, SaslHandshake, SaslAuthenticate, DescribeCluster,
  ConsumerGroupHeartbeat, ConsumerGroupDescribe, CreateTopics, DeleteTopics, DeleteRecords, InitProducerId, OffsetForLeaderEpoch,
  type ApiVersionsRequest, type ApiVersionsResponse, type ConsumerGroupHeartbeatRequest, type ConsumerGroupHeartbeatResponse,
  type ConsumerGroupDescribeRequest, type ConsumerGroupDescribeResponse,
  type CreateTopicsRequest, type CreateTopicsResponse, type DeleteRecordsRequest, type DeleteRecordsResponse,
  type DeleteTopicsRequest, type DeleteTopicsResponse, type DescribeClusterRequest, type DescribeClusterResponse,
  type DescribeGroupsRequest, type DescribeGroupsResponse, type FetchRequest, type FetchResponse,
  type FindCoordinatorRequest, type FindCoordinatorResponse, type HeartbeatRequest, type HeartbeatResponse,
  type InitProducerIdRequest, type InitProducerIdResponse, type JoinGroupRequest, type JoinGroupResponse,
  type LeaveGroupRequest, type LeaveGroupResponse, type ListGroupsRequest, type ListGroupsResponse,
  type ListOffsetsRequest, type ListOffsetsResponse, type MetadataRequest, type MetadataResponse,
  type OffsetCommitRequest, type OffsetCommitResponse, type OffsetFetchRequest, type OffsetFetchResponse,
  type OffsetForLeaderEpochRequest, type OffsetForLeaderEpochResponse, type ProduceRequest, type ProduceResponse,
  type SaslAuthenticateRequest, type SaslAuthenticateResponse, type SaslHandshakeRequest, type SaslHandshakeResponse,
  type SyncGroupRequest, type SyncGroupResponse,
  encodeRecordBatch, encodeMessageSet, scanBatches, iterateRecords,
  type KafkaRecord, type RecordHeader, type RecordInput, type BatchOptions, type TimestampType, type RecordBatchInfo,
  compress, decompress, type CompressionCodec, type CodecOptions, type DecompressOptions
} from './protocol/index.js'

// The client: connections, negotiation, metadata, the simple consumer, a small producer (consumer/index.ts).
export {
  FrameParser, type FrameParserOptions, BufferPool, BrokerConnection, type ConnectionOptions, type RequestOptions,
  VersionTable, negotiateVersions, ourRange,
  parseConsumerConfig, parseHostPort, CONSUMER_DEFAULTS, type ClientConfig, type ConsumerConfig, type ConfigInput, type IsolationLevel,
  type BrokerInfo, type ClusterMetadata, type PartitionInfo, type TopicInfo,
  KafkaClient,
  SimpleConsumer, tpKey, type TopicPartition, type OffsetRange, type FetchedPartition, type FetchPosition, type FetchOptions,
  produce, type ProduceOptions,
  OffsetOutOfRangeError, isRetriable, backoffMs
} from './consumer/index.js'

// The streams: Spark Streaming's direct and receiver-based Kafka input, batches, rates, checkpoints (streaming/index.ts).
export {
  StreamingContext, type StreamingContextOptions,
  createDirectStream, DirectKafkaInputDStream, type DirectStreamOptions, type FromOffsets,
  createReceiverStream, ReceiverInputDStream, type ReceiverStreamOptions,
  WriteAheadLog, type WalBlock,
  DStream, RDD, KafkaRDD, createRDD, type CreateRddOptions,
  offsetRangesOf, hasOffsetRanges, offsetRange, rangeCount, formatRange, type HasOffsetRanges,
  type OffsetSource, type SourceRecord, type SourceHeader,
  MemoryOffsetSource, MemoryOffsetOutOfRangeError,
  keyValueStrings, keyValueBuffers, valueString, wholeRecord, decodeWith, type KeyValue,
  type MessageHandler, runPartitionTask, type PartitionTaskResult,
  resolveKafkaParams, type KafkaParams, resolveStreamingConf, type StreamingConf,
  formatBatchLine, type BatchInfo, type InputInfo, type StreamingListener,
  Checkpoint, CheckpointError, DataLossError, StreamingStateError,
  ManualClock, systemClock, type Clock,
  PidRateEstimator, type PidRateEstimatorOptions, maxMessagesPerPartition, clampUntilOffsets,
  JsonBatchFileSink, writeFileAtomic
} from './streaming/index.js'
