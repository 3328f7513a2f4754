// The admin client and its result types.
export { Admin, type ClusterDescription } from './admin.js'
export type { NewTopic, CreatedTopic, TopicResult, AdminCallOptions } from './topics.js'
export { type ConfigResource, type ConfigResourceType, type ConfigEntry, type DescribedConfigs, type ConfigResourceResult, type ConfigOp, type DescribeConfigsOptions } from './configs.js'
export type { ScramUser, ScramChange } from './scram-users.js'
export type { PartitionOffset, PartitionOffsetResult, OffsetSpec } from './records.js'
export type { Acl, AclFilter, AclCreateResult, AclDeleteResult } from './acls.js'
