import { AlterPartitionReassignments, ApiVersions, DescribeLogDirs, DescribeQuorum, ElectLeaders, ListPartitionReassignments } from '../../protocol/apis/index.js'
import type { Case } from './corpus.js'
import { FIRST_BATCH, batch, createTopic, metadata, produce } from './requests.js'
import type { Session } from './session.js'

// Differential cases for the replica APIs and ApiVersions v5 (KIP-1242), on one node of each side: the fake's
// answers must be Kafka 4.4's, field by field, except the differences deliberate.ts lists (a log directory's path
// and volume, the controller listener's name). The 3-node behaviour (moves, elections that change leaders) is
// compared in test-interop/real-kafka/replica-admin.test.ts.

/** The node's id and the cluster id, from Metadata. */
async function identity (s: Session): Promise<{ node: number, clusterId: string }> {
  const md = await metadata(s, 'nothing-here', false)
  return { node: md.brokers[0].nodeId, clusterId: md.clusterId }
}

export const REPLICA_CORPUS: Case[] = [
  {
    name: 'DescribeLogDirs v1-5 for named partitions, after a produce',
    run: async s => {
      await createTopic(s, 'ld', 2)
      await produce(s, 'ld', 0, batch(FIRST_BATCH))
      const out: Record<string, unknown> = {}
      for (let v = 1; v <= 5; v++) {
        const res = await s.request(DescribeLogDirs, v, { topics: [{ topic: 'ld', partitions: [0, 1, 5] }, { topic: 'ld-missing', partitions: [0] }] })
        // Kafka lists a directory's partitions in its own hash-map order; clients key them by index.
        for (const dir of res.results ?? []) for (const topic of dir.topics) topic.partitions.sort((a: any, b: any) => a.partitionIndex - b.partitionIndex)
        out[`v${v}`] = res
      }
      return out
    }
  },
  {
    name: 'ElectLeaders v0-2 on a single-replica partition, a missing partition and a missing topic',
    run: async s => {
      await createTopic(s, 'el', 1)
      const topicPartitions = [{ topic: 'el', partitions: [0, 4] }, { topic: 'el-missing', partitions: [0] }]
      return {
        v0: await s.request(ElectLeaders, 0, { topicPartitions, timeoutMs: 30_000 }),
        v1Preferred: await s.request(ElectLeaders, 1, { electionType: 0, topicPartitions, timeoutMs: 30_000 }),
        v2Unclean: await s.request(ElectLeaders, 2, { electionType: 1, topicPartitions, timeoutMs: 30_000 })
      }
    }
  },
  {
    name: 'AlterPartitionReassignments v0-1 and ListPartitionReassignments on one node',
    run: async s => {
      await createTopic(s, 'ar', 1)
      const { node } = await identity(s)
      const partitions = [
        { partitionIndex: 0, replicas: [node] },
        { partitionIndex: 0, replicas: [] },
        { partitionIndex: 0, replicas: [node, 99] },
        { partitionIndex: 0, replicas: [node, node] },
        { partitionIndex: 0, replicas: null },
        { partitionIndex: 3, replicas: [node] }
      ]
      const topics = [{ name: 'ar', partitions }, { name: 'ar-missing', partitions: [{ partitionIndex: 0, replicas: [node] }] }]
      return {
        v0: await s.request(AlterPartitionReassignments, 0, { timeoutMs: 30_000, topics }),
        v1: await s.request(AlterPartitionReassignments, 1, { timeoutMs: 30_000, allowReplicationFactorChange: true, topics }),
        v1Forbidden: await s.request(AlterPartitionReassignments, 1, { timeoutMs: 30_000, allowReplicationFactorChange: false, topics: [{ name: 'ar', partitions: [{ partitionIndex: 0, replicas: [node] }] }] }),
        listAll: await s.request(ListPartitionReassignments, 0, { timeoutMs: 30_000, topics: null }),
        listNamed: await s.request(ListPartitionReassignments, 0, { timeoutMs: 30_000, topics: [{ name: 'ar', partitionIndexes: [0, 3] }, { name: 'ar-missing', partitionIndexes: [0] }] })
      }
    }
  },
  {
    name: 'DescribeQuorum v0-2: one voter leading, and a request for another partition',
    run: async s => {
      const out: Record<string, unknown> = {}
      for (let v = 0; v <= 2; v++) {
        const res = await s.request(DescribeQuorum, v, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] })
        const p = res.topics[0].partitions[0]
        // The quorum's offsets, times and ids are each cluster's own: compared as the relations that must hold.
        const replica = (r: any): unknown => ({
          isLeader: r.replicaId === p.leaderId,
          caughtUp: r.logEndOffset === p.highWatermark,
          lastFetchTimestamp: r.lastFetchTimestamp === -1n ? -1 : 'a time',
          lastCaughtUpTimestamp: r.lastCaughtUpTimestamp === -1n ? -1 : 'a time',
          hasDirectoryId: v >= 2 ? r.replicaDirectoryId !== '00000000-0000-0000-0000-000000000000' : undefined
        })
        out[`v${v}`] = {
          errorCode: res.errorCode,
          errorMessage: res.errorMessage,
          topicName: res.topics[0].topicName,
          partition: { partitionIndex: p.partitionIndex, errorCode: p.errorCode, errorMessage: p.errorMessage, leaderId: p.leaderId, highWatermarkPositive: p.highWatermark > 0n, currentVoters: p.currentVoters.map(replica), observers: p.observers.map(replica) },
          nodes: res.nodes.map((n: any) => ({ nodeId: n.nodeId, listeners: n.listeners }))
        }
      }
      out.otherPartition = await s.request(DescribeQuorum, 2, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 1 }] }] })
      out.otherTopic = await s.request(DescribeQuorum, 2, { topics: [{ topicName: 'ld', partitions: [{ partitionIndex: 0 }] }] })
      return out
    }
  },
  {
    name: 'ApiVersions v5 (KIP-1242): the expected cluster and node, wrong ones, and only one of them',
    run: async s => {
      const { node, clusterId } = await identity(s)
      const ask = async (cluster: string | null, nodeId: number): Promise<unknown> => {
        const res = await s.request(ApiVersions, 5, { clientSoftwareName: 'kd', clientSoftwareVersion: '1', clusterId: cluster, nodeId })
        // Which APIs each side serves differs by design (README's table); the error and whether a list came back do not.
        return { errorCode: res.errorCode, listsApis: res.apiKeys.length > 0, apiVersionsRange: res.apiKeys.find((k: any) => k.apiKey === 18) ?? null, throttleTimeMs: res.throttleTimeMs }
      }
      return {
        matching: await ask(clusterId, node),
        neither: await ask(null, -1),
        otherCluster: await ask('AAAAAAAAAAAAAAAAAAAAAA', node),
        otherNode: await ask(clusterId, node + 1),
        clusterOnly: await ask(clusterId, -1),
        nodeOnly: await ask(null, node)
      }
    }
  }
]
