import { statfsSync } from 'node:fs'
import { freemem, totalmem } from 'node:os'
import { resolve } from 'node:path'
import { DescribeLogDirs } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import type { ClusterState, PartitionState } from '../cluster-state.js'
import { serve } from '../handler.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { clusterAuthError } from '../access-check.js'

// DescribeLogDirs (key 35), v1-5 (Kafka 4.0 removed v0): the log directory of the broker asked, with every
// partition it holds a replica of (ReplicaManager.describeLogDirs). A broker of the fake has one log directory:
// the data directory when the cluster keeps one (`--data`), else a fixed path, /var/lib/kafka-direct/broker-N,
// that names where the logs would be (they are in memory). partitionSize is the bytes the partition's log holds.
// offsetLag is Kafka's max(HW - LEO, 0) of the current log, 0 here as every replica shares the leader's log, and
// there are no future logs (AlterReplicaLogDirs is not served). totalBytes/usableBytes (v4+) are the volume's
// (statfs) for a data directory, and the process's memory for in-memory logs, where the logs actually live.
// No directory is cordoned (v5, KIP-1066). Needs DESCRIBE on the cluster: otherwise the answer is
// CLUSTER_AUTHORIZATION_FAILED at the top level with no log directories (KafkaApis.handleDescribeLogDirsRequest);
// v1-2 have no top-level error code, so their clients see only an empty list.

type Req = Infer<typeof DescribeLogDirs.request>
type Res = InferInput<typeof DescribeLogDirs.response>

/** The log directory a broker reports. */
export function logDirOf (cluster: ClusterState, brokerId: number): string {
  const dataDir = cluster.options.dataDir
  return dataDir === undefined ? `/var/lib/kafka-direct/broker-${brokerId}` : resolve(dataDir)
}

export const describeLogDirsHandler = serve<Req>(DescribeLogDirs, '1-5', (ctx): Res => {
  const { body, cluster, broker } = ctx
  const refused = clusterAuthError(ctx, AclOperation.DESCRIBE)
  if (refused !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: refused, results: [] }
  const held = (p: PartitionState): boolean => p.replicas.includes(broker.id)
  const wanted = body.topics === null
    ? [...cluster.topics.values()].map(t => ({ name: t.name, partitions: t.partitions.filter(held) }))
    : mergeByTopic(body.topics).map(([name, indexes]) => ({
      name,
      partitions: indexes.flatMap(i => cluster.partition(name, i) ?? []).filter(held)
    }))
  const { totalBytes, usableBytes } = volume(cluster)
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    results: [{
      errorCode: ErrorCode.NONE,
      logDir: logDirOf(cluster, broker.id),
      topics: wanted.filter(t => t.partitions.length > 0).map(t => ({
        name: t.name,
        partitions: t.partitions.map(p => ({
          partitionIndex: p.index,
          partitionSize: BigInt(p.log.sizeBytes),
          offsetLag: 0n,
          isFutureKey: false
        }))
      })),
      totalBytes,
      usableBytes,
      isCordoned: false
    }]
  }
})

/** A topic named twice is described once, with the union of its partitions (Kafka collects them into a set). */
function mergeByTopic (topics: ReadonlyArray<{ topic: string, partitions: number[] }>): Array<[string, number[]]> {
  const byTopic = new Map<string, Set<number>>()
  for (const t of topics) {
    const set = byTopic.get(t.topic) ?? new Set<number>()
    for (const i of t.partitions) set.add(i)
    byTopic.set(t.topic, set)
  }
  return [...byTopic].map(([name, set]) => [name, [...set].sort((a, b) => a - b)])
}

function volume (cluster: ClusterState): { totalBytes: bigint, usableBytes: bigint } {
  const dataDir = cluster.options.dataDir
  if (dataDir === undefined) return { totalBytes: BigInt(totalmem()), usableBytes: BigInt(freemem()) }
  const fs = statfsSync(dataDir, { bigint: true })
  return { totalBytes: fs.blocks * fs.bsize, usableBytes: fs.bavail * fs.bsize }
}
