// Consumer groups: the group consumer, its assignors and the membership protocol beneath it.
export { GroupConsumer, type GroupBatch, type GroupConsumerOptions, type CommitOptions } from './group-consumer.js'
export { GroupRecord } from './group-record.js'
export type { RebalanceListener } from './rebalance-listener.js'
export { parseGroupConfig, GROUP_DEFAULTS, type GroupConfig, type AutoOffsetReset } from './group-config.js'
export { CommitFailedError, FencedInstanceIdError, NoOffsetForPartitionError } from './errors.js'
export { systemTimers, type Timers } from './clock.js'
export * from './assignors/index.js'
