// The admin client and its result types.
export { Admin, type ClusterDescription } from './admin.js'
export type { NewTopic, CreatedTopic, TopicResult, AdminCallOptions } from './topics.js'
export { type ConfigResource, type ConfigResourceType, type ConfigEntry, type DescribedConfigs, type ConfigResourceResult, type ConfigOp, type DescribeConfigsOptions } from './configs.js'
export type { ScramUser, ScramChange } from './scram-users.js'
export type { PartitionOffset, PartitionOffsetResult, OffsetSpec } from './records.js'
export { listGroups, describeGroups, deleteGroups, type ListedGroup, type ListGroupsOptions, type DescribedGroup, type DescribedMember } from './groups.js'
export { listGroupOffsets, describeGroup, type PartitionLag, type GroupDescription } from './group-lag.js'
export { alterGroupOffsets, deleteGroupOffsets, type GroupOffsetSpec, type AlterGroupOffsetsOptions, type GroupOffsetResult } from './group-offsets.js'
