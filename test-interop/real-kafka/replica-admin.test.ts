import t from 'tap'
import { Admin } from '../../consumer/admin/index.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { realKafkaFor, realKafkaSkip } from './start-kafka.js'

// Our Admin's replica calls (describeLogDirs, electLeaders, alterPartitionReassignments,
// listPartitionReassignments, describeQuorum) against a 3-node real Kafka 4.x, and the same script against a
// 3-broker fake cluster: error codes, messages, replica lists and leaders after each move must be the same.
// Differences kept on purpose (docs/fake-broker.md): the quorum (real: three combined nodes, all voters; the fake:
// one voter, the controller, and the other brokers observing) and the log directories' paths and sizes.

t.setTimeout(900_000)
const skip = await realKafkaSkip()

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** The same script on any 3-broker cluster; returns what the test compares. */
async function script (bootstrap: string): Promise<Record<string, unknown>> {
  const admin = await Admin.connect({ 'bootstrap.servers': bootstrap })
  try {
    const [b0, b1, b2] = (await admin.describeCluster()).brokers.map(b => b.nodeId).sort((a, b) => a - b)
    // Node ids become their rank, so the two clusters' ids compare.
    const rank = (id: number): string => id < 0 ? String(id) : `b${[b0, b1, b2].indexOf(id)}`
    const ranks = (ids: readonly number[]): string[] => ids.map(rank)
    const out: Record<string, unknown> = {}
    const created = await admin.createTopics([{ name: 'ra', assignments: { 0: [b0, b1], 1: [b1, b2] } }])
    out.created = created.map(c => c.error?.errorName ?? null)
    // `target`: replica lists a reassignment asked for. The broker that answers Metadata may apply the controller's
    // change a moment after the reassignment is listed as done, so wait (bounded) until it shows them (and `leaders`).
    const layout = async (target: Record<number, number[]> = {}, leaders: Record<number, number> = {}): Promise<unknown> => {
      for (let i = 0; ; i++) {
        const [topic] = await admin.describeTopics(['ra'])
        const ready = topic.partitions.length === 2 && topic.partitions.every(p => p.leader >= 0 && p.isr.length === p.replicas.length &&
          (target[p.partition] === undefined || target[p.partition].join() === p.replicas.join()) &&
          (leaders[p.partition] === undefined || leaders[p.partition] === p.leader))
        if (ready || i === 100) return topic.partitions.map(p => ({ partition: p.partition, leader: rank(p.leader), replicas: ranks(p.replicas), isr: ranks([...p.isr].sort((a, b) => a - b)) }))
        await sleep(100)
      }
    }
    const settled = async (target: Record<number, number[]> = {}, leaders: Record<number, number> = {}): Promise<unknown> => {
      // A reassignment completes when the new replicas have caught up: bounded wait until none is listed.
      for (let i = 0; i < 200 && (await admin.listPartitionReassignments()).length > 0; i++) await sleep(100)
      return await layout(target, leaders)
    }
    out.initial = await layout()
    const errors = (rs: Array<{ topic: string, partition: number, error: { errorName: string, message: string } | null }>): unknown =>
      rs.map(r => [r.topic, r.partition, r.error?.errorName ?? null])
    const messages = (rs: Array<{ error: { message: string } | null }>): unknown => rs.map(r => r.error?.message ?? null)

    const refused = await admin.alterPartitionReassignments([
      { topic: 'ra', partition: 0, replicas: [] },
      { topic: 'ra', partition: 0, replicas: [b0, 99] },
      { topic: 'ra', partition: 0, replicas: [b1, b1] },
      { topic: 'ra', partition: 1, replicas: null },
      { topic: 'ra', partition: 9, replicas: [b0] },
      { topic: 'ghost', partition: 0, replicas: [b0] }
    ])
    out.refused = errors(refused)
    out.refusedMessages = messages(refused)
    const rf = await admin.alterPartitionReassignments([{ topic: 'ra', partition: 0, replicas: [b0, b1, b2] }], { allowReplicationFactorChange: false })
    out.replicationFactorForbidden = errors(rf)
    out.replicationFactorMessage = messages(rf)

    // p0 [b0,b1] -> [b1,b0]: a reorder; the leader stays b0, no longer the preferred one.
    out.reorder = errors(await admin.alterPartitionReassignments([{ topic: 'ra', partition: 0, replicas: [b1, b0] }]))
    out.afterReorder = await settled({ 0: [b1, b0] })
    const elected = await admin.electLeaders('preferred', [{ topic: 'ra', partition: 0 }, { topic: 'ra', partition: 1 }, { topic: 'ra', partition: 9 }, { topic: 'ghost', partition: 0 }])
    out.preferred = errors(elected)
    out.afterPreferred = await settled({ 0: [b1, b0] }, { 0: b1 })
    out.unclean = errors(await admin.electLeaders('unclean', [{ topic: 'ra', partition: 0 }]))

    // p1 [b1,b2] -> [b0,b2]: b1 (the leader) is removed, b0 added.
    out.move = errors(await admin.alterPartitionReassignments([{ topic: 'ra', partition: 1, replicas: [b0, b2] }]))
    out.afterMove = await settled({ 0: [b1, b0], 1: [b0, b2] }, { 0: b1, 1: b0 })
    out.nothingInProgress = await admin.listPartitionReassignments()

    // Log directories: which broker holds which partition (paths and sizes are each cluster's own).
    // A removed replica's log goes when that broker applies the metadata change, which can trail the controller's
    // "reassignment done": wait (bounded) until each broker holds exactly what the settled layout says.
    const afterMoveReplicas = (await admin.describeTopics(['ra']))[0].partitions.sort((x, y) => x.partition - y.partition).map(p => p.replicas)
    const holders = (b: number): string[] => ['ra-0', 'ra-1'].filter((_, i) => (afterMoveReplicas[i] ?? []).includes(b))
    let dirs = await admin.describeLogDirs(undefined, [{ topic: 'ra', partition: 0 }, { topic: 'ra', partition: 1 }])
    const held = (): string[][] => [b0, b1, b2].map(b => dirs.filter(d => d.broker === b).flatMap(d => d.partitions.map(p => `${p.topic}-${p.partition}`)).sort())
    for (let i = 0; i < 100 && JSON.stringify(held()) !== JSON.stringify([b0, b1, b2].map(holders)); i++) {
      await sleep(100)
      dirs = await admin.describeLogDirs(undefined, [{ topic: 'ra', partition: 0 }, { topic: 'ra', partition: 1 }])
    }
    out.logDirs = held()
    out.logDirShape = dirs.map(d => [d.error, d.logDir.startsWith('/'), d.totalBytes > 0n, d.usableBytes >= 0n, d.isCordoned])

    const quorum = await admin.describeQuorum()
    out.quorumLeaderIsAVoter = quorum.voters.some(v => v.replicaId === quorum.leaderId)
    out.quorumReplicas = quorum.voters.length + quorum.observers.length
    out.quorumCaughtUp = quorum.voters.every(v => v.logEndOffset <= quorum.highWatermark + 1000n) && quorum.highWatermark > 0n
    out.quorumNodesAreVoters = quorum.nodes.map(n => n.nodeId).sort().join() === quorum.voters.map(v => v.replicaId).sort().join()
    return out
  } finally {
    await admin.close()
  }
}

t.test('the replica admin calls work against real Kafka 4.x (3 nodes), and the fake broker answers the same', { skip }, async t => {
  const kafka = await realKafkaFor(t, { brokers: 3 })
  const real = await script(kafka.bootstrap)
  t.same(real.afterMove, [
    { partition: 0, leader: 'b1', replicas: ['b1', 'b0'], isr: ['b0', 'b1'] },
    { partition: 1, leader: 'b0', replicas: ['b0', 'b2'], isr: ['b0', 'b2'] }
  ], 'real Kafka moved the replicas and the leaders')
  const fake = await FakeCluster.start({ brokers: 3, autoCreateTopics: false })
  t.teardown(() => fake.stop())
  const ours = await script(fake.bootstrap)
  for (const key of Object.keys(real)) t.same(ours[key], real[key], `fake broker vs real Kafka: ${key}`)
})
