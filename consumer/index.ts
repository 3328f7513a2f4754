// The consumer layer: connections, version negotiation, cluster metadata, the simple consumer, the producer, the
// group consumer.
export { FrameParser, type FrameParserOptions } from './frame-parser.js'
export { BufferPool } from './buffer-pool.js'
export { BrokerConnection, type Authenticate, type Authenticated, type ConnectionOptions, type RequestOptions } from './connection.js'
export { VersionTable, negotiateVersions, ourRange } from './versions.js'
export { parseConsumerConfig, parseHostPort, CONSUMER_DEFAULTS, type ClientConfig, type ConsumerConfig, type ConfigInput, type IsolationLevel } from './config.js'
export type { BrokerInfo, ClusterMetadata, PartitionInfo, TopicInfo } from './cluster-metadata.js'
export { KafkaClient } from './cluster.js'
export { SimpleConsumer, tpKey, type TopicPartition, type OffsetRange, type FetchedPartition, type FetchPosition, type FetchOptions } from './simple-consumer.js'
export { produce, type ProduceOptions } from './producer.js'
export { Producer, type ProducerRecord } from './producer/producer.js'
export { TransactionalProducer, type GroupMetadata, type TransactionOffset } from './producer/transactional-producer.js'
export { parseProducerConfig, PRODUCER_DEFAULTS, type ProducerConfig, type Acks, type PartitionerName } from './producer/producer-config.js'
export type { RecordMetadata, DeliveryReport } from './producer/producer-batch.js'
export { RecordTooLargeError, ProducerClosedError, TransactionError, TransactionStateError } from './producer/producer-errors.js'
export { murmur2, partitionForKey } from './producer/murmur2.js'
export { OffsetOutOfRangeError, ReauthenticationError, ResponseCutShortError, OAuthBearerRefusedError } from './errors.js'
export { unsecuredJws, type UnsecuredJwsOptions } from './sasl/unsecured-jws.js'
export type { OAuthBearerToken, OAuthBearerProvider } from './sasl/oauthbearer.js'
export { isRetriable, backoffMs } from './retry.js'
// Coordinators and consumer groups.
export { findCoordinator, CoordinatorType, type CoordinatorTypeValue, GroupOffsets, type CommitIdentity, type CommittedOffset, type OffsetToCommit } from './coordinator/index.js'
export {
  GroupConsumer, type GroupBatch, type GroupConsumerOptions, type CommitOptions, GroupRecord, type RebalanceListener,
  parseGroupConfig, GROUP_DEFAULTS, type GroupConfig, type AutoOffsetReset,
  CommitFailedError, FencedInstanceIdError, NoOffsetForPartitionError, systemTimers, type Timers,
  rangeAssignor, roundRobinAssignor, cooperativeStickyAssignor, type Assignor, type MemberSubscription, type TopicPartitions, type RebalanceProtocol
} from './group/index.js'
export {
  Admin, type ClusterDescription, type AuthorizedOperationsOption, type DescribedTopic, type DescribeGroupsOptions, type NewTopic, type CreatedTopic, type TopicResult, type AdminCallOptions,
  type ConfigResource, type ConfigResourceType, type ConfigEntry, type DescribedConfigs,
  type ConfigResourceResult, type ConfigOp, type DescribeConfigsOptions, type PartitionOffset, type PartitionOffsetResult, type OffsetSpec,
  type ScramUser, type ScramChange,
  listGroups, describeGroup, type ListedGroup, type GroupDescription, type DescribedMember, type PartitionLag,
  describeGroups, deleteGroups, listGroupOffsets, alterGroupOffsets, deleteGroupOffsets, type ListGroupsOptions,
  type DescribedGroup, type GroupOffsetSpec, type AlterGroupOffsetsOptions, type GroupOffsetResult,
  type QuotaEntity, type QuotaEntityType, type QuotaFilter, type QuotaFilterComponent, type DescribedQuota,
  type QuotaAlteration, type QuotaAlterResult, type ActiveProducer, type PartitionProducers, type DescribeProducersOptions,
  type AbortTransactionSpec, type ListTransactionsOptions, type TransactionListing, type TransactionDescription, type FencedProducer, type FenceProducersOptions,
  type LogDirDescription, type LogDirPartition, type ElectionType, type PartitionResult, type ReassignmentChange,
  type OngoingReassignment, type QuorumInfo, type QuorumReplica, type TopicPartitionRef,
  type Acl, type AclFilter, type AclCreateResult, type AclDeleteResult
} from './admin/index.js'
