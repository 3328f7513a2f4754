import { ASSIGNMENT_VERSIONS } from '../../protocol/group/consumer-protocol.js'
import type { GroupProtocol } from './group-coordinator.js'

// What moves between the two group coordinators when a group changes protocol (KIP-848's online migration,
// Kafka 4's GroupMetadataManager.convertToConsumerGroup / convertToClassicGroup). Only groups of the embedded
// consumer protocol (protocol type "consumer") can move: their subscriptions and assignments can be read.
//
// - Upgrade: a ConsumerGroupHeartbeat joins a classic group that has members. The classic members become members
//   of a consumer group that still speak the classic protocol, keeping their last assignment and generation (as
//   member epoch); the joining member then bumps the group epoch and the server-side assignor takes over.
// - Downgrade: the last member speaking the consumer protocol leaves (or is fenced) while classic members remain.
//   They become a classic group at the consumer group's epoch, with their target assignment, and a rebalance
//   starts so that they join and sync again under the classic protocol.
//
// group.consumer.migration.policy says which ways are allowed (Kafka 4's default: bidirectional).

export type MigrationPolicy = 'bidirectional' | 'upgrade' | 'downgrade' | 'disabled'
export const MIGRATION_POLICIES: readonly MigrationPolicy[] = ['bidirectional', 'upgrade', 'downgrade', 'disabled']

export function upgradeEnabled (p: MigrationPolicy): boolean { return p === 'bidirectional' || p === 'upgrade' }
export function downgradeEnabled (p: MigrationPolicy): boolean { return p === 'bidirectional' || p === 'downgrade' }

export interface MigratingMember {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  /** The member's JoinGroup protocols (each one's metadata a ConsumerProtocolSubscription). */
  protocols: GroupProtocol[]
}

/** A classic group handed to the consumer coordinator: each member's last SyncGroup assignment, as bytes. */
export interface UpgradingGroup {
  groupId: string
  generationId: number
  protocolName: string
  members: Array<MigratingMember & { assignment: Buffer }>
}

/** A consumer group handed back to the classic coordinator: each member's target assignment, by topic name. */
export interface DowngradingGroup {
  groupId: string
  groupEpoch: number
  /** Whether the classic group starts with a rebalance (a member left, or the assignment is stale) or stable. */
  rebalance: boolean
  members: Array<MigratingMember & { assignment: Array<{ topic: string, partitions: number[] }> }>
}

/**
 * The version a member's assignment is written in: its subscription's (the metadata's first int16), capped at the
 * highest we write, as Kafka's coordinator does (ConsumerProtocol.deserializeVersion).
 */
export function assignmentVersionFor (subscription: Buffer): number {
  return subscription.length >= 2 ? Math.max(0, Math.min(subscription.readInt16BE(0), ASSIGNMENT_VERSIONS.max)) : 0
}

/** The two coordinators, as far as the upgrade needs them. */
interface Coordinators {
  groups: { releaseForUpgrade: (groupId: string, maxMembers: number, accept: (u: UpgradingGroup) => boolean) => boolean }
  consumerGroups: { adoptUpgraded: (u: UpgradingGroup) => boolean }
}

/**
 * A ConsumerGroupHeartbeat joins a classic group that has members: the group becomes a consumer group when the
 * policy allows it and the classic group can be read (GroupMetadataManager.validateOnlineUpgrade and
 * convertToConsumerGroup); false when it stays classic (the heartbeat then gets GROUP_ID_NOT_FOUND).
 */
export function upgradeClassicGroup (c: Coordinators, groupId: string, policy: MigrationPolicy, maxMembers: number): boolean {
  if (!upgradeEnabled(policy)) return false
  return c.groups.releaseForUpgrade(groupId, maxMembers, u => c.consumerGroups.adoptUpgraded(u))
}
