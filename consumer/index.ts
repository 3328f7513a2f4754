// The consumer layer: connections, version negotiation, cluster metadata, the simple consumer and a small producer.
export { FrameParser, type FrameParserOptions } from './frame-parser.js'
export { BufferPool } from './buffer-pool.js'
export { BrokerConnection, type ConnectionOptions, type RequestOptions } from './connection.js'
export { VersionTable, negotiateVersions, ourRange } from './versions.js'
export { parseConsumerConfig, parseHostPort, CONSUMER_DEFAULTS, type ClientConfig, type ConsumerConfig, type ConfigInput, type IsolationLevel } from './config.js'
export type { BrokerInfo, ClusterMetadata, PartitionInfo, TopicInfo } from './cluster-metadata.js'
export { KafkaClient } from './cluster.js'
export { SimpleConsumer, tpKey, type TopicPartition, type OffsetRange, type FetchedPartition, type FetchPosition, type FetchOptions } from './simple-consumer.js'
export { produce, type ProduceOptions } from './producer.js'
export { OffsetOutOfRangeError } from './errors.js'
export { isRetriable, backoffMs } from './retry.js'
export {
  Admin, type ClusterDescription, type NewTopic, type CreatedTopic, type TopicResult, type AdminCallOptions,
  type ConfigResource, type ConfigResourceType, type ConfigEntry, type DescribedConfigs,
  type ConfigResourceResult, type ConfigOp, type DescribeConfigsOptions, type PartitionOffset, type PartitionOffsetResult, type OffsetSpec,
  type ScramUser, type ScramChange
} from './admin/index.js'
