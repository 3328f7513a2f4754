import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { GroupConsumer, roundRobinAssignor } from '../../consumer/group/index.js'
import { runProcess } from '../fake-broker/helpers.js'
import { decodeAssignment } from '../../protocol/group/consumer-protocol.js'

// Mixed consumer groups on our fake broker: kcat -G (librdkafka 2.0), kafka-python 2.0 and our GroupConsumer in
// one group, all offering range and roundrobin, so whoever leads, the others must read its assignment and it
// must read their subscriptions (ConsumerProtocolSubscription v0 from kafka-python, v1 from librdkafka, v3 from
// us). While the group is stable every record goes to exactly one member. Then kafka-python is killed with
// SIGKILL: its partitions move after session.timeout.ms and the survivors read every later record exactly once.
// kafkajs names its assignor differently (RoundRobinAssigner), so it shares a group with ours alone, ours
// offering the same assignor under kafkajs's name.

const PYTHON = '/usr/bin/python3'
const KCAT = '/usr/bin/kcat'
const TOPIC = 'mixed'
const PARTITIONS = 6
const GROUP = 'mixed-group'

async function missing (): Promise<string | false> {
  if (!existsSync(KCAT)) return 'kcat is not installed'
  if (!existsSync(PYTHON)) return `${PYTHON} is not installed`
  const r = await runProcess(PYTHON, ['-c', 'import kafka'], { timeoutMs: 20_000 })
  return r.code === 0 ? false : 'kafka-python (python3-kafka) is not installed'
}

const PY_MEMBER = `
import sys
from kafka import KafkaConsumer
c = KafkaConsumer(sys.argv[2], bootstrap_servers=sys.argv[1], group_id=sys.argv[3], auto_offset_reset='earliest',
                  session_timeout_ms=6000, heartbeat_interval_ms=500, fetch_max_wait_ms=100, auto_commit_interval_ms=200)
for m in c:
    print('%d %d' % (m.partition, m.offset), flush=True)
`

/** Who read which record: "partition:offset" -> member names. */
type Seen = Map<string, string[]>

function note (seen: Seen, who: string, partition: number, offset: number | bigint): void {
  const k = `${partition}:${offset}`
  const list = seen.get(k) ?? []
  list.push(who)
  seen.set(k, list)
}

/** A peer process whose stdout lines are "partition offset". */
function peer (t: Tap.Test, name: string, cmd: string, args: string[], seen: Seen): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stderr?.resume()
  createInterface({ input: child.stdout! }).on('line', line => {
    const m = /^(\d+) (\d+)$/.exec(line.trim())
    if (m !== null) note(seen, name, Number(m[1]), Number(m[2]))
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  return child
}

async function until (cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

function produce (cluster: FakeCluster, from: number, n: number): string[] {
  const keys: string[] = []
  for (let i = from; i < from + n; i++) {
    const p = i % PARTITIONS
    const offset = cluster.produce(TOPIC, p, [{ key: `k${i}`, value: `v${i}` }])
    keys.push(`${p}:${offset}`)
  }
  return keys
}

for (const oursFirst of [false, true]) {
t.test(`kcat -G, kafka-python and ours in one group, ${oursFirst ? 'ours' : 'kcat'} leading: each record to exactly one member, through a SIGKILL`, async t => {
  const why = await missing()
  if (why !== false) { t.skip(why); return }
  const cluster = await FakeCluster.start({ topics: [{ name: TOPIC, partitions: PARTITIONS }], groupMinSessionTimeoutMs: 1000 })
  t.teardown(() => cluster.stop())
  const seen: Seen = new Map()
  const b = cluster.bootstrap
  const ours = new GroupConsumer({
    bootstrapServers: b, 'group.id': GROUP, 'auto.offset.reset': 'earliest', 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500,
    'fetch.wait.max.ms': 100, 'partition.assignment.strategy': 'range,roundrobin', 'auto.commit.interval.ms': 200
  })
  t.teardown(() => ours.close())
  ours.subscribe([TOPIC])
  let loop: Promise<void> | undefined
  const startOurs = (): void => { loop = (async () => { for await (const r of ours) note(seen, 'ours', r.partition, r.offset) })() }
  // The first member to join leads the group's first generation and assigns for everyone.
  if (oursFirst) {
    startOurs()
    await until(() => ours.assignment().length === PARTITIONS, 'ours leading alone')
  }
  peer(t, 'kcat', KCAT, ['-b', b, '-G', GROUP, TOPIC, '-q', '-u', '-f', '%p %o\\n', '-X', 'auto.offset.reset=earliest',
    '-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=500', '-X', 'fetch.wait.max.ms=100', '-X', 'partition.assignment.strategy=range,roundrobin'], seen)
  const python = peer(t, 'python', PYTHON, ['-c', PY_MEMBER, b, TOPIC, GROUP], seen)
  if (!oursFirst) startOurs()

  const describe = (): ReturnType<typeof cluster.state.groups.describe> => cluster.state.groups.describe(GROUP)
  // Whether our member owns exactly what the coordinator's current generation assigned to it: the group turns Stable
  // when the leader's SyncGroup arrives, and the other members apply their share a moment later.
  const oursApplied = (): boolean => {
    const me = describe().members.find(m => m.memberId === ours.memberId)
    if (me === undefined || me.memberAssignment.length === 0) return false
    const given = decodeAssignment(me.memberAssignment).assignedPartitions.flatMap(tp => tp.partitions.map(p => `${tp.topic}:${p}`)).sort()
    const owned = ours.assignment().map(tp => `${tp.topic}:${tp.partition}`).sort()
    return given.join() === owned.join()
  }
  await until(() => describe().groupState === 'Stable' && describe().members.length === 3 && oursApplied(), 'a stable group of three')
  t.equal(describe().protocolData, 'range')
  t.equal(ours.assignment().length, 2, 'range gives each of three members two of six partitions')

  const phase1 = produce(cluster, 0, 300)
  await until(() => phase1.every(k => seen.has(k)), 'every record of phase 1')
  const owners = (keys: string[]): Set<string> => new Set(keys.flatMap(k => seen.get(k) ?? []))
  t.same([...owners(phase1)].sort(), ['kcat', 'ours', 'python'], 'all three members read')
  t.same(phase1.filter(k => (seen.get(k) ?? []).length !== 1), [], 'no record read twice while stable')

  python.kill('SIGKILL')
  await until(() => describe().groupState === 'Stable' && describe().members.length === 2 && oursApplied(), 'the group to drop the killed member', 60_000)
  t.equal(ours.assignment().length, 3, 'the survivors split the six partitions')
  const phase2 = produce(cluster, 300, 300)
  await until(() => phase2.every(k => seen.has(k)), 'every record of phase 2')
  t.same([...owners(phase2)].sort(), ['kcat', 'ours'])
  t.same(phase2.filter(k => (seen.get(k) ?? []).length !== 1), [], 'no record of phase 2 read twice')
  await ours.close()
  await loop
})
}

let kafkajs: any
try { kafkajs = await import('kafkajs') } catch {}

t.test('kafkajs and ours in one group: the roundrobin assignor under kafkajs\'s name, each record once', { skip: kafkajs === undefined ? 'kafkajs is not installed' : false }, async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: TOPIC, partitions: PARTITIONS }], groupMinSessionTimeoutMs: 1000 })
  t.teardown(() => cluster.stop())
  const seen: Seen = new Map()
  // Ours first, so that ours leads the first generation and assigns for kafkajs.
  const ours = new GroupConsumer({
    bootstrapServers: cluster.bootstrap, 'group.id': GROUP, 'auto.offset.reset': 'earliest', 'session.timeout.ms': 6000,
    'heartbeat.interval.ms': 200, 'fetch.wait.max.ms': 100, 'partition.assignment.strategy': 'RoundRobinAssigner', 'auto.commit.interval.ms': 200
  }, { assignors: [{ ...roundRobinAssignor, name: 'RoundRobinAssigner' }] })
  t.teardown(() => ours.close())
  ours.subscribe([TOPIC])
  const loop = (async () => { for await (const r of ours) note(seen, 'ours', r.partition, r.offset) })()
  await until(() => ours.assignment().length === PARTITIONS, 'ours alone')

  const { Kafka, logLevel } = kafkajs
  const kafka = new Kafka({ clientId: 'kjs', brokers: [cluster.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 50 } })
  const consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 6000, heartbeatInterval: 200, rebalanceTimeout: 10000, maxWaitTimeInMs: 100 })
  await consumer.connect()
  t.teardown(() => consumer.disconnect())
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true })
  await consumer.run({ eachMessage: async ({ partition, message }: any) => { note(seen, 'kafkajs', partition, message.offset) } })
  const describe = (): ReturnType<typeof cluster.state.groups.describe> => cluster.state.groups.describe(GROUP)
  await until(() => describe().groupState === 'Stable' && describe().members.length === 2 && ours.assignment().length === PARTITIONS / 2, 'a stable group of two')
  const keys = produce(cluster, 0, 300)
  await until(() => keys.every(k => seen.has(k)), 'every record')
  t.same([...new Set(keys.flatMap(k => seen.get(k) ?? []))].sort(), ['kafkajs', 'ours'])
  t.same(keys.filter(k => (seen.get(k) ?? []).length !== 1), [], 'no record read twice while stable')
  await consumer.disconnect()
  await until(() => ours.assignment().length === PARTITIONS, 'ours takes every partition back when kafkajs leaves')
  await ours.close()
  await loop
})
