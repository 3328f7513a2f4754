import type { ApiSchema } from '../schema/define.js'
import { ApiVersions } from './api-versions.js'
import { Metadata } from './metadata.js'
import { JoinGroup } from './join-group.js'
import { SyncGroup } from './sync-group.js'
import { Heartbeat } from './heartbeat.js'
import { LeaveGroup } from './leave-group.js'
import { DescribeGroups } from './describe-groups.js'
import { ListGroups } from './list-groups.js'
import { SaslHandshake } from './sasl-handshake.js'
import { SaslAuthenticate } from './sasl-authenticate.js'
import { DescribeCluster } from './describe-cluster.js'
import { ConsumerGroupHeartbeat } from './consumer-group-heartbeat.js'
import { ConsumerGroupDescribe } from './consumer-group-describe.js'
import { Produce } from './produce.js'
import { Fetch } from './fetch.js'
import { ListOffsets } from './list-offsets.js'
import { OffsetCommit } from './offset-commit.js'
import { OffsetFetch } from './offset-fetch.js'
import { FindCoordinator } from './find-coordinator.js'
import { CreateTopics } from './create-topics.js'
import { DeleteTopics } from './delete-topics.js'
import { DeleteRecords } from './delete-records.js'
import { InitProducerId } from './init-producer-id.js'
import { OffsetForLeaderEpoch } from './offset-for-leader-epoch.js'
import { DeleteGroups } from './delete-groups.js'
import { OffsetDelete } from './offset-delete.js'
import { AddPartitionsToTxn } from './add-partitions-to-txn.js'
import { AddOffsetsToTxn } from './add-offsets-to-txn.js'
import { EndTxn } from './end-txn.js'
import { WriteTxnMarkers } from './write-txn-markers.js'
import { TxnOffsetCommit } from './txn-offset-commit.js'
import { DescribeTransactions } from './describe-transactions.js'
import { ListTransactions } from './list-transactions.js'
import { DescribeConfigs } from './describe-configs.js'
import { AlterConfigs } from './alter-configs.js'
import { IncrementalAlterConfigs } from './incremental-alter-configs.js'
import { CreatePartitions } from './create-partitions.js'
import { DescribeTopicPartitions } from './describe-topic-partitions.js'
import { DescribeUserScramCredentials } from './describe-user-scram-credentials.js'
import { AlterUserScramCredentials } from './alter-user-scram-credentials.js'
import { DescribeClientQuotas } from './describe-client-quotas.js'
import { AlterClientQuotas } from './alter-client-quotas.js'
import { DescribeProducers } from './describe-producers.js'
import { DescribeLogDirs } from './describe-log-dirs.js'
import { ElectLeaders } from './elect-leaders.js'
import { AlterPartitionReassignments } from './alter-partition-reassignments.js'
import { ListPartitionReassignments } from './list-partition-reassignments.js'
import { DescribeQuorum } from './describe-quorum.js'
import { DescribeAcls } from './describe-acls.js'
import { CreateAcls } from './create-acls.js'
import { DeleteAcls } from './delete-acls.js'

export { ApiVersions } from './api-versions.js'
export { Metadata } from './metadata.js'
export { JoinGroup } from './join-group.js'
export { SyncGroup } from './sync-group.js'
export { Heartbeat } from './heartbeat.js'
export { LeaveGroup } from './leave-group.js'
export { DescribeGroups } from './describe-groups.js'
export { ListGroups } from './list-groups.js'
export { SaslHandshake } from './sasl-handshake.js'
export { SaslAuthenticate } from './sasl-authenticate.js'
export { DescribeCluster } from './describe-cluster.js'
export { ConsumerGroupHeartbeat } from './consumer-group-heartbeat.js'
export { ConsumerGroupDescribe } from './consumer-group-describe.js'
export { Produce } from './produce.js'
export { Fetch } from './fetch.js'
export { ListOffsets } from './list-offsets.js'
export { OffsetCommit } from './offset-commit.js'
export { OffsetFetch } from './offset-fetch.js'
export { FindCoordinator } from './find-coordinator.js'
export { CreateTopics } from './create-topics.js'
export { DeleteTopics } from './delete-topics.js'
export { DeleteRecords } from './delete-records.js'
export { InitProducerId } from './init-producer-id.js'
export { OffsetForLeaderEpoch } from './offset-for-leader-epoch.js'
export { DeleteGroups } from './delete-groups.js'
export { OffsetDelete } from './offset-delete.js'
export { AddPartitionsToTxn } from './add-partitions-to-txn.js'
export { AddOffsetsToTxn } from './add-offsets-to-txn.js'
export { EndTxn } from './end-txn.js'
export { WriteTxnMarkers } from './write-txn-markers.js'
export { TxnOffsetCommit } from './txn-offset-commit.js'
export { DescribeTransactions } from './describe-transactions.js'
export { ListTransactions } from './list-transactions.js'
export { DescribeConfigs } from './describe-configs.js'
export { AlterConfigs } from './alter-configs.js'
export { IncrementalAlterConfigs } from './incremental-alter-configs.js'
export { CreatePartitions } from './create-partitions.js'
export { DescribeTopicPartitions } from './describe-topic-partitions.js'
export { DescribeUserScramCredentials } from './describe-user-scram-credentials.js'
export { AlterUserScramCredentials } from './alter-user-scram-credentials.js'
export { DescribeClientQuotas } from './describe-client-quotas.js'
export { AlterClientQuotas } from './alter-client-quotas.js'
export { DescribeProducers } from './describe-producers.js'
export { DescribeLogDirs } from './describe-log-dirs.js'
export { ElectLeaders } from './elect-leaders.js'
export { AlterPartitionReassignments } from './alter-partition-reassignments.js'
export { ListPartitionReassignments } from './list-partition-reassignments.js'
export { DescribeQuorum } from './describe-quorum.js'
export { DescribeAcls } from './describe-acls.js'
export { CreateAcls } from './create-acls.js'
export { DeleteAcls } from './delete-acls.js'

/** Every API this library speaks, indexed by API key. */
export const ALL_APIS: readonly ApiSchema[] = [
  ApiVersions, Metadata, Produce, Fetch, ListOffsets, OffsetCommit, OffsetFetch, FindCoordinator, CreateTopics,
  DeleteTopics, DeleteRecords, InitProducerId, OffsetForLeaderEpoch, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn,
  WriteTxnMarkers, TxnOffsetCommit, DescribeTransactions, ListTransactions, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, DescribeGroups,
  ListGroups, SaslHandshake, SaslAuthenticate, DescribeCluster, ConsumerGroupHeartbeat, ConsumerGroupDescribe, DeleteGroups, OffsetDelete,
  DescribeConfigs, AlterConfigs, IncrementalAlterConfigs, CreatePartitions, DescribeTopicPartitions,
  DescribeUserScramCredentials, AlterUserScramCredentials,
  DescribeClientQuotas, AlterClientQuotas, DescribeProducers,
  DescribeLogDirs, ElectLeaders, AlterPartitionReassignments, ListPartitionReassignments, DescribeQuorum,
  DescribeAcls, CreateAcls, DeleteAcls
]

const byKey = new Map<number, ApiSchema>(ALL_APIS.map(a => [a.key, a]))
const byName = new Map<string, ApiSchema>(ALL_APIS.map(a => [a.name.toLowerCase(), a]))

export function apiByKey (key: number): ApiSchema | undefined {
  return byKey.get(key)
}

/** Looks an API up by its name (case-insensitive) or by its key given as a decimal string. */
export function apiByNameOrKey (nameOrKey: string): ApiSchema | undefined {
  return /^\d+$/.test(nameOrKey) ? byKey.get(Number(nameOrKey)) : byName.get(nameOrKey.toLowerCase())
}
