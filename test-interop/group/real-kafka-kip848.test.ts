import t from 'tap'
import { KafkaClient } from '../../consumer/cluster.js'
import { produce } from '../../consumer/producer.js'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { GroupConsumer } from '../../consumer/group/index.js'
import { realKafkaFor, realKafkaSkip, PeerUnavailable } from '../real-kafka/start-kafka.js'
import { javaMemberCommand, note, startMember, until, type Seen } from './member-processes.js'
import { RequestCapture, checkSentFrom } from '../real-kafka/request-capture.js'

// KIP-848 (group.protocol=consumer) on real Apache Kafka 4.x: our GroupConsumer and two Java KafkaConsumers, all
// with the consumer protocol, in one group whose assignment the broker computes (group.remote.assignor uniform,
// then range). While the group is stable each record goes to exactly one member; a Java member is killed with
// SIGKILL and the survivors read every later record exactly once. The broker's heartbeat interval and session
// timeout are lowered so that the test runs in seconds. Last, every request the KIP-848 member can send
// (consumer-membership.ts) was sent at the version negotiated with Kafka.

const skip = await realKafkaSkip()
const PARTITIONS = 6

t.test('real Kafka, KIP-848: Java consumers and ours with server-side assignment', { skip }, async t => {
  let java: { cmd: string, classpath: string }
  try { java = await javaMemberCommand() } catch (err) {
    if (err instanceof PeerUnavailable) { t.skip(err.message); return }
    throw err
  }
  const kafka = await realKafkaFor(t, {
    config: {
      'group.initial.rebalance.delay.ms': 0,
      'group.consumer.heartbeat.interval.ms': 500,
      'group.consumer.min.heartbeat.interval.ms': 500,
      'group.consumer.session.timeout.ms': 6000,
      'group.consumer.min.session.timeout.ms': 6000
    }
  })
  const client = new KafkaClient({ bootstrapServers: kafka.bootstrap })
  t.teardown(() => client.close())
  const md = await client.metadata([])
  const capture = new RequestCapture()

  for (const assignor of ['uniform', 'range']) {
    t.test(`${assignor}: two Java members and ours, through a SIGKILL`, async t => {
      const topic = `kip848-${assignor}`
      const group = `kip848-group-${assignor}`
      const created = await client.request(md.brokers[0].nodeId, CreateTopics, { topics: [{ name: topic, numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false })
      t.equal(created.body.topics[0].errorCode, 0, 'topic created')
      const seen: Seen = new Map()
      const javaArgs = ['-cp', java.classpath, 'GroupMember', kafka.bootstrap, topic, group, 'consumer', assignor]
      const j1 = startMember(t, 'java1', java.cmd, javaArgs, seen)
      const j2 = startMember(t, 'java2', java.cmd, javaArgs, seen)
      const m = new GroupConsumer({
        bootstrapServers: kafka.bootstrap, 'group.id': group, 'group.protocol': 'consumer', 'group.remote.assignor': assignor,
        'auto.offset.reset': 'earliest', 'fetch.wait.max.ms': 100, 'auto.commit.interval.ms': 200,
        createSocket: capture.socketFactory()
      })
      t.teardown(() => m.close())
      m.subscribe([topic])
      const loop = (async () => { for await (const r of m) note(seen, 'ours', r.partition, r.offset) })()
      const split = (members: Array<{ owned: Set<number> }>): boolean => {
        const all = [...members.flatMap(x => [...x.owned]), ...m.assignment().map(tp => tp.partition)]
        return all.length === PARTITIONS && new Set(all).size === PARTITIONS && members.every(x => x.owned.size > 0) && m.assignment().length > 0
      }
      await until(() => split([j1, j2]), 'the six partitions split among three members')
      t.ok(m.generationId > 0, `member epoch ${m.generationId}`)
      const send = async (from: number, n: number): Promise<string[]> => {
        const keys: string[] = []
        for (let i = from; i < from + n; i++) {
          const p = i % PARTITIONS
          keys.push(`${p}:${await produce(client, topic, p, [{ key: `k${i}`, value: `v${i}` }])}`)
        }
        return keys
      }
      const phase1 = await send(0, 120)
      await until(() => phase1.every(k => seen.has(k)), 'every record of phase 1')
      t.same([...new Set(phase1.flatMap(k => seen.get(k) ?? []))].sort(), ['java1', 'java2', 'ours'])
      t.same(phase1.filter(k => (seen.get(k) ?? []).length !== 1), [], 'no record read twice while stable')
      j2.child.kill('SIGKILL')
      j2.owned.clear()
      await until(() => split([j1]), 'the survivors to take the killed member\'s partitions')
      const phase2 = await send(120, 120)
      await until(() => phase2.every(k => seen.has(k)), 'every record of phase 2')
      t.same(phase2.filter(k => (seen.get(k) ?? []).length !== 1), [], 'no record of phase 2 read twice')
      await m.close()
      await loop
    })
  }

  t.test('every request of the KIP-848 member was sent at the version negotiated with Kafka', async t => {
    const apis = await checkSentFrom(t, capture, kafka.brokers[0].port, 'consumer/group/consumer-membership.ts')
    t.ok(apis.has('ConsumerGroupHeartbeat'), 'ConsumerGroupHeartbeat among them')
  })
})
