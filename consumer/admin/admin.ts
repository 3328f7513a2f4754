import type { KafkaError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { KafkaClient } from '../cluster.js'
import type { ClusterMetadata, TopicInfo } from '../cluster-metadata.js'
import type { ConfigInput, ConsumerConfig } from '../config.js'
import { alterConfigs, describeConfigs, incrementalAlterConfigs, type ConfigOp, type ConfigResource, type ConfigResourceResult, type DescribeConfigsOptions, type DescribedConfigs } from './configs.js'
import { createAcls, deleteAcls, describeAcls, type Acl, type AclCreateResult, type AclDeleteResult, type AclFilter } from './acls.js'
import { alterScramUsers, describeScramUsers, type ScramChange, type ScramUser } from './scram-users.js'
import { deleteRecords, listOffsets, type OffsetSpec, type PartitionOffset, type PartitionOffsetResult } from './records.js'
import { createPartitions, createTopics, deleteTopics, type AdminCallOptions, type CreatedTopic, type NewTopic, type TopicResult } from './topics.js'

// The admin client: topics, partitions, configs, records and offsets, over a KafkaClient's connections (its
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

  /** Brokers, cluster id and controller, from Metadata. */
  async describeCluster (): Promise<ClusterDescription> {
    const md = await this.client.metadata([])
    return { clusterId: md.clusterId, controllerId: md.controllerId, brokers: md.brokers }
  }

  /** Every topic's name, sorted. */
  async listTopics (): Promise<string[]> {
    return (await this.client.metadata()).topics.filter(t => t.errorCode === ErrorCode.NONE).map(t => t.name).sort()
  }

  /** Topics with their partitions, leaders, replicas and ISR (Metadata); a missing topic carries its errorCode. */
  async describeTopics (names?: string[]): Promise<TopicInfo[]> {
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
