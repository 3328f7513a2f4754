import type { KafkaError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { KafkaClient } from '../cluster.js'
import type { ClusterMetadata, TopicInfo } from '../cluster-metadata.js'
import type { ConfigInput, ConsumerConfig } from '../config.js'
import { alterConfigs, describeConfigs, incrementalAlterConfigs, type ConfigOp, type ConfigResource, type ConfigResourceResult, type DescribeConfigsOptions, type DescribedConfigs } from './configs.js'
import { alterPartitionReassignments, describeLogDirs, describeQuorum, electLeaders, listPartitionReassignments, type ElectionType, type LogDirDescription, type OngoingReassignment, type PartitionResult, type QuorumInfo, type ReassignmentChange, type TopicPartitionRef } from './replicas.js'
import { createAcls, deleteAcls, describeAcls, type Acl, type AclCreateResult, type AclDeleteResult, type AclFilter } from './acls.js'
import { alterScramUsers, describeScramUsers, type ScramChange, type ScramUser } from './scram-users.js'
import { deleteRecords, listOffsets, type OffsetSpec, type PartitionOffset, type PartitionOffsetResult } from './records.js'
import { alterClientQuotas, describeClientQuotas, type DescribedQuota, type QuotaAlteration, type QuotaAlterResult, type QuotaFilter } from './quotas.js'
import { describeProducers, type DescribeProducersOptions, type PartitionProducers } from './producers.js'
import { abortTransaction, describeTransactions, fenceProducers, listTransactions, type AbortTransactionSpec, type FencedProducer, type FenceProducersOptions, type ListTransactionsOptions, type TransactionDescription, type TransactionListing } from './transactions.js'
import { createPartitions, createTopics, deleteTopics, type AdminCallOptions, type CreatedTopic, type NewTopic, type TopicResult } from './topics.js'
import { deleteGroups, describeGroups, listGroups, type DescribedGroup, type DescribeGroupsOptions, type ListedGroup, type ListGroupsOptions } from './groups.js'
import { describeClusterWithOperations, describeTopicsWithOperations, type DescribedTopic } from './authorized-operations.js'
import type { AclOperationName } from '../../protocol/acl-codes.js'
import { CoordinatorCache } from '../coordinator/find-coordinator.js'
import { listGroupOffsets, type PartitionLag } from './group-lag.js'
import { alterGroupOffsets, deleteGroupOffsets, type AlterGroupOffsetsOptions, type GroupOffsetResult, type GroupOffsetSpec } from './group-offsets.js'

// The admin client: topics, partitions, configs, records and offsets, groups and their offsets, over a KafkaClient's connections (its
// metadata cache, version negotiation and retries). Calls that name several resources answer per resource, each
// with an `error` (KafkaError or null), as the Java AdminClient's per-resource futures do; a call throws only
// when the request itself fails (no broker reachable, a connection lost).
//
//   const admin = await Admin.connect({ 'bootstrap.servers': 'localhost:9092' })
//   await admin.createTopics([{ name: 'orders', partitions: 3, configs: { 'cleanup.policy': 'compact' } }])
//   const [orders] = await admin.describeConfigs([{ type: 'topic', name: 'orders' }])

export interface ClusterDescription {
  clusterId: string | null
  controllerId: number
  brokers: ClusterMetadata['brokers']
  /** With includeAuthorizedOperations: what the caller may do to the cluster (empty without DESCRIBE on it). */
  authorizedOperations?: Set<AclOperationName>
}

/** Ask for the caller's authorized operations (KIP-430), as the Java Admin's options of the same name. */
export interface AuthorizedOperationsOption {
  includeAuthorizedOperations?: boolean
}

export class Admin {
  /** Whether close() also closes the client (true when Admin.connect made it). */
  private constructor (readonly client: KafkaClient, private readonly ownsClient: boolean) {}

  /** Connects a new client for admin calls. */
  static async connect (config: ConfigInput | ConsumerConfig): Promise<Admin> {
    const client = new KafkaClient(config)
    try {
      await client.connect()
    } catch (err) {
      await client.close()
      throw err
    }
    return new Admin(client, true)
  }

  /** Admin calls over an existing client's connections; close() leaves the client open. */
  static over (client: KafkaClient): Admin {
    return new Admin(client, false)
  }

  async close (): Promise<void> {
    if (this.ownsClient) await this.client.close()
  }

  /**
   * Brokers, cluster id and controller, from Metadata; with includeAuthorizedOperations, from DescribeCluster (or
   * Metadata v8-10 from a broker without it) together with what the caller may do to the cluster.
   */
  async describeCluster (opts: AuthorizedOperationsOption = {}): Promise<ClusterDescription> {
    if (opts.includeAuthorizedOperations === true) return await describeClusterWithOperations(this.client, await this.anyNode())
    const md = await this.client.metadata([])
    return { clusterId: md.clusterId, controllerId: md.controllerId, brokers: md.brokers }
  }

  /** Every topic's name, sorted. */
  async listTopics (): Promise<string[]> {
    return (await this.client.metadata()).topics.filter(t => t.errorCode === ErrorCode.NONE).map(t => t.name).sort()
  }

  /**
   * Topics with their partitions, leaders, replicas and ISR (Metadata); a missing topic carries its errorCode. With
   * includeAuthorizedOperations each topic the broker describes also says what the caller may do to it (Metadata v8+).
   */
  async describeTopics (names?: string[], opts: AuthorizedOperationsOption = {}): Promise<DescribedTopic[]> {
    if (opts.includeAuthorizedOperations === true) return await describeTopicsWithOperations(this.client, await this.anyNode(), names)
    return (await this.client.metadata(names)).topics
  }

  async createTopics (topics: readonly NewTopic[], opts?: AdminCallOptions): Promise<CreatedTopic[]> {
    const result = await createTopics(this.client, await this.anyNode(), topics, opts)
    for (const t of topics) this.client.invalidate(t.name)
    return result
  }

  async deleteTopics (names: readonly string[], opts?: AdminCallOptions): Promise<TopicResult[]> {
    const result = await deleteTopics(this.client, await this.anyNode(), names, opts)
    for (const n of names) this.client.invalidate(n)
    return result
  }

  /** Raises partition counts to the given totals: `{ orders: 6 }`. */
  async createPartitions (counts: Record<string, number | { count: number, assignments: number[][] }>, opts?: AdminCallOptions): Promise<TopicResult[]> {
    const result = await createPartitions(this.client, await this.anyNode(), counts, opts)
    for (const n of Object.keys(counts)) this.client.invalidate(n)
    return result
  }

  async describeConfigs (resources: readonly ConfigResource[], opts?: DescribeConfigsOptions): Promise<DescribedConfigs[]> {
    return await describeConfigs(this.client, await this.anyNode(), resources, opts)
  }

  /** Replaces each resource's dynamic configs with the given set (keys left out return to their defaults). */
  async alterConfigs (changes: ReadonlyArray<ConfigResource & { configs: Record<string, string> }>, validateOnly = false): Promise<ConfigResourceResult[]> {
    return await alterConfigs(this.client, await this.anyNode(), changes, validateOnly)
  }

  /** Per-key changes (set, delete, append, subtract); the other keys stay as they are. */
  async incrementalAlterConfigs (changes: ReadonlyArray<ConfigResource & { ops: ConfigOp[] }>, validateOnly = false): Promise<ConfigResourceResult[]> {
    return await incrementalAlterConfigs(this.client, await this.anyNode(), changes, validateOnly)
  }

  /** Deletes the records before each offset (-1n: the high watermark); answers the new low watermarks. */
  async deleteRecords (before: readonly PartitionOffset[], timeoutMs?: number): Promise<PartitionOffsetResult[]> {
    return await deleteRecords(this.client, before, timeoutMs)
  }

  async listOffsets (partitions: ReadonlyArray<{ topic: string, partition: number }>, spec: OffsetSpec): Promise<PartitionOffsetResult[]> {
    return await listOffsets(this.client, partitions, spec)
  }

  /** SCRAM users and their mechanisms; all users when `users` is omitted. */
  async describeScramUsers (users?: readonly string[]): Promise<ScramUser[]> {
    return await describeScramUsers(this.client, await this.anyNode(), users)
  }

  /** Adds or replaces (`password`) and deletes (`delete: true`) SCRAM credentials; one result per user. */
  async alterScramUsers (changes: readonly ScramChange[]): Promise<Array<{ user: string, error: KafkaError | null }>> {
    return await alterScramUsers(this.client, await this.anyNode(), changes)
  }

  /** Every group of the cluster (ListGroups at each broker), optionally only in some states or of some types; sorted. */
  async listGroups (opts?: ListGroupsOptions): Promise<ListedGroup[]> {
    return await listGroups(this.client, opts)
  }

  /**
   * Groups' state, assignor and members with their subscriptions and assignments; one result per group. With
   * includeAuthorizedOperations, also what the caller may do to each group.
   */
  async describeGroups (groupIds: readonly string[], opts: DescribeGroupsOptions = {}): Promise<DescribedGroup[]> {
    return await describeGroups(this.client, groupIds, new CoordinatorCache(this.client), opts)
  }

  /** Deletes empty groups with their committed offsets; NON_EMPTY_GROUP for a group with members. */
  async deleteGroups (groupIds: readonly string[]): Promise<Array<{ groupId: string, error: KafkaError | null }>> {
    return await deleteGroups(this.client, groupIds)
  }

  /** A group's committed offsets with each partition's log end and lag: of `partitions`, or all it committed to. */
  async listGroupOffsets (groupId: string, partitions?: ReadonlyArray<{ topic: string, partition: number }>): Promise<PartitionLag[]> {
    return await listGroupOffsets(this.client, groupId, partitions)
  }

  /** Moves an inactive group's committed offsets (kafka-consumer-groups.sh --reset-offsets); NON_EMPTY_GROUP while it has members. */
  async alterGroupOffsets (groupId: string, spec: GroupOffsetSpec, opts?: AlterGroupOffsetsOptions): Promise<GroupOffsetResult[]> {
    return await alterGroupOffsets(this.client, groupId, spec, opts)
  }

  /** Removes a group's committed offsets for some partitions (OffsetDelete); per-partition errors. */
  async deleteGroupOffsets (groupId: string, partitions: ReadonlyArray<{ topic: string, partition: number }>): Promise<Array<{ topic: string, partition: number, error: KafkaError | null }>> {
    return await deleteGroupOffsets(this.client, groupId, partitions)
  }

  /** Client quotas whose entities match the filter (every entity without one). */
  async describeClientQuotas (filter?: QuotaFilter): Promise<DescribedQuota[]> {
    return await describeClientQuotas(this.client, await this.anyNode(), filter)
  }

  /** Sets (a number) and removes (null) client quota values per entity; one result per entity. */
  async alterClientQuotas (alterations: readonly QuotaAlteration[], validateOnly = false): Promise<QuotaAlterResult[]> {
    return await alterClientQuotas(this.client, await this.anyNode(), alterations, validateOnly)
  }

  /** The active producers of each partition, from its leader (or opts.brokerId); one result per partition, in the order asked. */
  async describeProducers (partitions: ReadonlyArray<{ topic: string, partition: number }>, opts?: DescribeProducersOptions): Promise<PartitionProducers[]> {
    return await describeProducers(this.client, partitions, opts)
  }

  /** Transactions of the cluster (ListTransactions at every broker), optionally filtered; sorted by transactional id. */
  async listTransactions (opts?: ListTransactionsOptions): Promise<TransactionListing[]> {
    return await listTransactions(this.client, opts)
  }

  /** Transactional ids' state, producer and open partitions, from their coordinators; one result per id, in order. */
  async describeTransactions (transactionalIds: readonly string[]): Promise<TransactionDescription[]> {
    return await describeTransactions(this.client, transactionalIds)
  }

  /** Fences each transactional id's producer by bumping its epoch (aborting its open transaction); one result per id. */
  async fenceProducers (transactionalIds: readonly string[], opts?: FenceProducersOptions): Promise<FencedProducer[]> {
    return await fenceProducers(this.client, transactionalIds, opts)
  }

  /** Ends a producer's hanging transaction in one partition with an abort marker (needs CLUSTER_ACTION); throws its error. */
  async abortTransaction (spec: AbortTransactionSpec): Promise<void> {
    await abortTransaction(this.client, spec)
  }

  /** Each broker's log directories and the partitions in them (all known brokers when `brokers` is omitted). */
  async describeLogDirs (brokers?: readonly number[], partitions?: readonly TopicPartitionRef[]): Promise<LogDirDescription[]> {
    if (brokers === undefined) await this.anyNode()
    return await describeLogDirs(this.client, brokers ?? this.client.knownBrokers().map(b => b.nodeId), partitions)
  }

  /** Preferred or unclean leader elections; every partition needing one when `partitions` is omitted. */
  async electLeaders (type: ElectionType, partitions?: readonly TopicPartitionRef[], timeoutMs?: number): Promise<PartitionResult[]> {
    return await electLeaders(this.client, await this.anyNode(), type, partitions, timeoutMs)
  }

  /** Moves partitions to new replica lists, or cancels a move in progress (`replicas: null`). */
  async alterPartitionReassignments (changes: readonly ReassignmentChange[], opts?: { allowReplicationFactorChange?: boolean, timeoutMs?: number }): Promise<PartitionResult[]> {
    return await alterPartitionReassignments(this.client, await this.anyNode(), changes, opts)
  }

  /** Reassignments in progress, among `partitions` or all of them. */
  async listPartitionReassignments (partitions?: readonly TopicPartitionRef[], timeoutMs?: number): Promise<OngoingReassignment[]> {
    return await listPartitionReassignments(this.client, await this.anyNode(), partitions, timeoutMs)
  }

  /** The KRaft metadata quorum: leader, epoch, high watermark, voters and observers (Java's describeMetadataQuorum). */
  async describeQuorum (): Promise<QuorumInfo> {
    return await describeQuorum(this.client, await this.anyNode())
  }

  /** Creates ACLs (needs ALTER on the cluster); one result per ACL, in order. */
  async createAcls (acls: readonly Acl[]): Promise<AclCreateResult[]> {
    return await createAcls(this.client, await this.anyNode(), acls)
  }

  /** The ACLs a filter selects (every ACL with `{}`); needs DESCRIBE on the cluster. */
  async describeAcls (filter: AclFilter = {}): Promise<Acl[]> {
    return await describeAcls(this.client, await this.anyNode(), filter)
  }

  /** Deletes what each filter selects; per filter, its error and the ACLs it deleted. */
  async deleteAcls (filters: readonly AclFilter[]): Promise<AclDeleteResult[]> {
    return await deleteAcls(this.client, await this.anyNode(), filters)
  }

  /** A broker to send cluster-wide calls to: in KRaft any broker forwards them to the controller (KIP-590). */
  private async anyNode (): Promise<number> {
    let brokers = this.client.knownBrokers()
    if (brokers.length === 0) { await this.client.connect(); brokers = this.client.knownBrokers() }
    return brokers[0].nodeId
  }
}
