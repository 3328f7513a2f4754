import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { RACK_AWARE_REPLICA_SELECTOR } from '../../tools/fake-broker/replica-selector.js'
import { javaClientOrSkip } from '../peers/java-client.js'
import { produceDataset, runProcess } from './helpers.js'

// Fetching from the closest replica (KIP-392) with the Java consumer, the reference client, against the fake
// broker: brokers 1, 2, 3 in racks a, b, c with Kafka's RackAwareReplicaSelector, and the consumer given
// `client.rack=b`. Every partition's leader sends it to broker 2 (the leader's answer: preferredReadReplica, no
// records), the Java Fetcher follows, and broker 2 serves partitions it does not lead; the fake's request log (an
// interceptor over every request) shows which broker each Fetch reached. Every record must arrive exactly once.

t.setTimeout(600_000)
const { java, skip } = await javaClientOrSkip()

interface SeenFetch { broker: number, rackId: string, partitions: number[] }

t.test('the Java consumer with client.rack=b fetches every partition from the rack-b follower', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 3, racks: ['a', 'b', 'c'], brokerConfigs: { 'replica.selector.class': RACK_AWARE_REPLICA_SELECTOR } })
  t.teardown(() => cluster.stop())
  const expected = produceDataset(cluster, 'near', 3, 120)
  const leaders = [0, 1, 2].map(p => cluster.state.partition('near', p)!.leaderId)
  t.same(leaders, [1, 2, 3], 'one partition led by each broker')
  const seen: SeenFetch[] = []
  cluster.faults.intercept(req => {
    if (req.apiName !== 'Fetch') return undefined
    const body = req.body as { rackId?: string, topics: Array<{ partitions: Array<{ partition: number }> }> }
    seen.push({ broker: req.brokerId, rackId: body.rackId ?? '', partitions: body.topics.flatMap(x => x.partitions.map(p => p.partition)) })
    return undefined
  })
  const dir = mkdtempSync(join(tmpdir(), 'kd-java-config-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'client.properties')
  writeFileSync(file, 'client.rack=b\n')
  const r = await runProcess('java', java!.args('AssignConsume', [cluster.bootstrap, 'near', '3', '0', '0'], [`-Dkd.client.config=${file}`]), { timeoutMs: 120_000 })
  t.equal(r.code, 0, 'AssignConsume exits 0', { stderr: r.stderr.slice(-3000) })
  const lines = r.stdout.toString().split('\n')
  const got: string[][] = [[], [], []]
  for (const line of lines.filter(l => l.startsWith('record '))) got[Number(line.split(' ')[1])].push(line.split(' ')[4])
  t.same(got, expected, 'every record exactly once, in order')
  t.ok(seen.length > 0 && seen.every(f => f.rackId === 'b'), 'every Fetch names rack b')
  // Partitions 0 and 2 are led by brokers 1 and 3; after their leaders' redirect only broker 2 is asked for them.
  for (const p of [0, 2]) {
    const to = seen.filter(f => f.partitions.includes(p)).map(f => f.broker)
    t.ok(to.includes(2), `partition ${p} was fetched from broker 2`)
    const first2 = to.indexOf(2)
    t.ok(first2 >= 0 && to.slice(first2).every(b => b === 2), `partition ${p}: once at broker 2, always there (${to.join(',')})`)
  }
})
