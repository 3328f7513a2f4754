// Coordinator requests shared by consumer groups and (later) transactions.
export { CoordinatorCache, CoordinatorType, coordinatorMoved, findCoordinator, type CoordinatorTypeValue } from './find-coordinator.js'
export { GroupOffsets, SIMPLE_COMMIT, type CommitIdentity, type CommittedOffset, type FetchingMember, type OffsetToCommit } from './offsets.js'
