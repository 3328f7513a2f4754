import t from 'tap'
import { GroupConsumer } from '../../consumer/group/index.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { PeerUnavailable } from '../real-kafka/start-kafka.js'
import { javaMemberCommand, note, startMember, until, type Seen } from './member-processes.js'

// KIP-848 on the fake broker, checked by a client we did not write: two Java KafkaConsumers (kafka-clients 4.4,
// group.protocol=consumer, the AsyncKafkaConsumer) and our GroupConsumer in one group whose assignment the fake
// broker's coordinator computes (uniform, then range). While the group is stable each record goes to exactly one
// member; a Java member is killed with SIGKILL, its partitions move after the session timeout, and the survivors
// read every later record exactly once. The same scenario as real-kafka-kip848.test.ts, against the fake.

const PARTITIONS = 6

t.test('fake broker, KIP-848: Java consumers and ours with server-side assignment', async t => {
  let java: { cmd: string, classpath: string }
  try { java = await javaMemberCommand() } catch (err) {
    if (err instanceof PeerUnavailable) { t.skip(err.message); return }
    throw err
  }
  const cluster = await FakeCluster.start({ groupConsumerHeartbeatIntervalMs: 500, groupConsumerSessionTimeoutMs: 6000 })
  t.teardown(() => cluster.stop())

  for (const assignor of ['uniform', 'range']) {
    t.test(`${assignor}: two Java members and ours, through a SIGKILL`, async t => {
      const topic = `kip848-${assignor}`
      const group = `kip848-group-${assignor}`
      cluster.createTopic(topic, PARTITIONS)
      const seen: Seen = new Map()
      const javaArgs = ['-cp', java.classpath, 'GroupMember', cluster.bootstrap, topic, group, 'consumer', assignor]
      const j1 = startMember(t, 'java1', java.cmd, javaArgs, seen)
      const j2 = startMember(t, 'java2', java.cmd, javaArgs, seen)
      const m = new GroupConsumer({
        bootstrapServers: cluster.bootstrap, 'group.id': group, 'group.protocol': 'consumer', 'group.remote.assignor': assignor,
        'auto.offset.reset': 'earliest', 'fetch.wait.max.ms': 100, 'auto.commit.interval.ms': 200
      })
      t.teardown(() => m.close())
      m.subscribe([topic])
      const loop = (async () => { for await (const r of m) note(seen, 'ours', r.partition, r.offset) })()
      const split = (members: Array<{ owned: Set<number> }>): boolean => {
        const all = [...members.flatMap(x => [...x.owned]), ...m.assignment().map(tp => tp.partition)]
        return all.length === PARTITIONS && new Set(all).size === PARTITIONS && members.every(x => x.owned.size > 0) && m.assignment().length > 0
      }
      await until(() => split([j1, j2]), 'the six partitions split among three members')
      const d = cluster.state.consumerGroups.describe(group)!
      t.same([d.assignorName, d.members.length], [assignor, 3])
      t.equal(d.members.filter(x => x.clientId === 'java-member').length, 2, 'two members are Java clients')
      const send = (from: number, n: number): string[] => {
        const keys: string[] = []
        for (let i = from; i < from + n; i++) {
          const p = i % PARTITIONS
          keys.push(`${p}:${cluster.produce(topic, p, [{ key: `k${i}`, value: `v${i}` }])}`)
        }
        return keys
      }
      const phase1 = send(0, 120)
      await until(() => phase1.every(k => seen.has(k)), 'every record of phase 1')
      t.same([...new Set(phase1.flatMap(k => seen.get(k) ?? []))].sort(), ['java1', 'java2', 'ours'])
      t.same(phase1.filter(k => (seen.get(k) ?? []).length !== 1), [], 'no record read twice while stable')
      j2.child.kill('SIGKILL')
      j2.owned.clear()
      await until(() => split([j1]), 'the survivors to take the killed member\'s partitions')
      const phase2 = send(120, 120)
      await until(() => phase2.every(k => seen.has(k)), 'every record of phase 2')
      t.same(phase2.filter(k => (seen.get(k) ?? []).length !== 1), [], 'no record of phase 2 read twice')
      await m.close()
      await loop
    })
  }
})
