import t, { type Test } from 'tap'
import { KafkaClient } from '../../consumer/cluster.js'
import type { ClusterMetadata } from '../../consumer/cluster-metadata.js'
import { runKcat } from '../../test/tools/cli/run-kcat.js'
import { CONSUME_FORMATS, haveKcat, kcat, sorted } from '../consumer/kcat-parity.js'
import { realKafkaFor, realKafkaSkip } from './start-kafka.js'

// Our kcat-mode CLI against real Kafka 4.x, 3 nodes, with no version pins: for the same flags on the same cluster,
// -L, -C, -P and -Q print what kcat prints. The records are written by kcat's own producer (librdkafka). Then
// one node is killed and later started again: consuming across the failover loses and repeats nothing, and once
// the cluster has settled, the output again equals kcat's.
//
// One normalization: -L marks one broker "(controller)". A KRaft cluster has no broker that is the controller;
// Kafka answers each Metadata request with a random live broker as controllerId (KafkaApis / KIP-590), so two
// runs, ours or kcat's, rarely agree on it. The marker is checked (exactly one broker carries it) and removed.

// JVM brokers on a shared 2-core machine: more than tap's default 120 s per file (tap's parent is told).
t.setTimeout(600_000)
const skip = await realKafkaSkip() || (haveKcat ? false : 'kcat is not installed')
const TOPIC = 'cli'
const PARTITIONS = 3
const RECORDS = 600

const ours = runKcat

function withoutController (listing: string): { text: string, marks: number } {
  const lines = listing.split('\n')
  // The first line names the broker that answered, a random bootstrap broker for kcat: compared by shape only.
  const first = lines[0].replace(/\(from broker \d+: 127\.0\.0\.1:\d+\/\d+\)/, '(from broker N)')
  const rest = lines.slice(1)
  return { text: [first, ...rest.map(l => l.replace(/ \(controller\)$/, ''))].join('\n'), marks: rest.filter(l => l.endsWith(' (controller)')).length }
}

async function metadata (bootstrap: string): Promise<ClusterMetadata> {
  const client = new KafkaClient({ bootstrapServers: bootstrap, retries: 5 })
  try { return await client.metadata() } finally { await client.close() }
}

/** Every partition of every topic has a leader and `replicas` in-sync replicas, none of them `gone`. */
const settled = (replicas: number, gone?: number) => (md: ClusterMetadata): boolean =>
  md.topics.length > 0 && md.topics.every(t => t.partitions.every(p => p.leader >= 0 && p.leader !== gone && p.isr.length === replicas && (gone === undefined || !p.isr.includes(gone))))

/** Polls the cluster's metadata until `settled` holds (real Kafka has no events to wait on). */
async function waitForMetadata (bootstrap: string, what: string, settled: (md: ClusterMetadata) => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try { if (settled(await metadata(bootstrap))) return } catch {}
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise(resolve => setTimeout(resolve, 500))
  }
}

t.test(`our CLI prints what kcat prints, on a 3-node real Kafka`, { skip }, async t => {
  const kafka = await realKafkaFor(t, { brokers: 3, config: { 'num.partitions': PARTITIONS } })
  const b = kafka.bootstrap
  // kcat -P with keys (partitioned by the key's CRC-32, as ours would) and a header; the topic is auto-created.
  const input = Array.from({ length: RECORDS }, (_, i) => `k${i}:value-${i}${'x'.repeat(i % 5)}`).join('\n') + '\n'
  await kcat(['-b', b, '-P', '-t', TOPIC, '-K', ':', '-H', 'source=kcat'], input)
  const all = ['-C', '-t', TOPIC, '-e', '-q', '-f', '%p %o %k %s\\n']
  // Listings show ISRs: compare once every replica of the new topic has caught up.
  await waitForMetadata(b, 'the topic is fully replicated', settled(3))
  const baseline = await kcat(['-b', b, ...all])
  t.equal(sorted(baseline.stdout).length, RECORDS, 'kcat reads back every record')

  // While a node is down, both are given only the live nodes: kcat would otherwise log (on stderr) its failed
  // connections to the dead bootstrap address, when its random pick of a bootstrap broker lands there.
  const compareList = async (t: Test, args: string[], b = kafka.bootstrap): Promise<void> => {
    const theirs = withoutController((await kcat(['-b', b, ...args])).stdout)
    const mine = await ours(['-b', b, ...args])
    t.equal(mine.code, 0, mine.stderr)
    const m = withoutController(mine.stdout)
    t.equal(m.text, theirs.text, `-L ${args.slice(1).join(' ')}`)
    t.equal(m.marks, theirs.marks, 'as many "(controller)" marks as kcat prints')
  }
  const compareConsume = async (t: Test, b = kafka.bootstrap): Promise<void> => {
    for (const extra of CONSUME_FORMATS) {
      for (let p = 0; p < PARTITIONS; p++) {
        const args = ['-C', '-t', TOPIC, '-p', String(p), '-e', ...extra]
        const theirs = await kcat(['-b', b, ...args])
        const mine = await ours(['-b', b, ...args])
        t.equal(mine.stdout, theirs.stdout, `${args.join(' ')}: stdout`)
        t.equal(mine.stderr, theirs.stderr, `${args.join(' ')}: stderr`)
      }
    }
  }

  t.test('-L, for all topics and for one', async t => {
    await compareList(t, ['-L'])
    await compareList(t, ['-L', '-t', TOPIC])
  })

  t.test('-C with each format, partition by partition', async t => { await compareConsume(t) })

  t.test('-C of the whole topic: the same records and end-of-partition messages', async t => {
    const args = ['-C', '-t', TOPIC, '-e', '-f', '%p %o %k %s\\n']
    const theirs = await kcat(['-b', b, ...args])
    const mine = await ours(['-b', b, ...args])
    t.same(sorted(mine.stdout), sorted(theirs.stdout))
    const ends = (s: string): string[] => sorted(s.replace(/: exiting/g, ''))
    t.same(ends(mine.stderr), ends(theirs.stderr))
  })

  t.test('-Q with special and real timestamps, plain and -J', async t => {
    const first = await kcat(['-b', b, '-C', '-t', TOPIC, '-p', '1', '-o', '40', '-c', '1', '-f', '%T'])
    const ts = first.stdout.trim()
    for (const json of [[], ['-J']]) {
      const args = ['-Q', '-t', `${TOPIC}:0:-2`, '-t', `${TOPIC}:2:-1`, '-t', `${TOPIC}:1:${ts}`, '-t', `${TOPIC}:1:0`, '-t', `${TOPIC}:0:99999999999999`, ...json]
      const mine = await ours(['-b', b, ...args])
      t.equal(mine.stdout, (await kcat(['-b', b, ...args])).stdout, args.join(' '))
    }
  })

  t.test('-P: what our CLI produces reads back as what kcat produced from the same input', async t => {
    const lines = Array.from({ length: 90 }, (_, i) => `key${i % 17}:line ${i}`).join('\n') + '\n'
    await kcat(['-b', b, '-P', '-t', 'by-kcat', '-K', ':', '-H', 'h=1'], lines)
    const mine = await ours(['-b', b, '-P', '-t', 'by-ours', '-K', ':', '-H', 'h=1'], lines)
    t.equal(mine.code, 0, `our -P auto-creates the topic and writes (${mine.stderr})`)
    const read = async (topic: string): Promise<string> => (await kcat(['-b', b, '-C', '-t', topic, '-e', '-q', '-f', '%p %o %k %s %h\\n'])).stdout
    t.same(sorted(await read('by-ours')), sorted(await read('by-kcat')), 'same partitions, offsets, keys, values, headers')
    // And with an explicit partition and the gzip codec.
    const z = await ours(['-b', b, '-P', '-t', 'by-ours', '-p', '2', '-z', 'gzip'], 'a\nb\nc\n')
    t.equal(z.code, 0, z.stderr)
    t.equal((await kcat(['-b', b, '-C', '-t', 'by-ours', '-p', '2', '-o', '-3', '-e', '-q'])).stdout, 'a\nb\nc\n')
  })

  t.test('a node is killed and started again: no record lost or repeated, and the output equals kcat\'s', async t => {
    const victim = kafka.brokers[1]
    const others = kafka.brokers.filter(x => x !== victim).map(x => `127.0.0.1:${x.port}`).join(',')
    await waitForMetadata(b, 'every topic is fully replicated', settled(3))
    await kafka.stopBroker(1)
    // Consumed during the failover: the victim's partitions have no leader until the controller fences it, after
    // broker.session.timeout.ms (6 s here) plus the controller's own time, which on a loaded machine can outlast
    // our default retries (10, about 8 s of backoff). kcat waits for a leader without limit; ours is given more
    // retries for these two reads.
    const patient = ['-X', 'retries=100']
    const during = await ours(['-b', b, ...patient, ...all])
    t.equal(during.code, 0, during.stderr)
    t.same(sorted(during.stdout), sorted(baseline.stdout), 'read across the failover')
    await waitForMetadata(others, `node ${victim.nodeId} is fenced and leads nothing`, md =>
      !md.brokers.some(x => x.nodeId === victim.nodeId) && settled(2, victim.nodeId)(md))
    await compareList(t, ['-L', '-t', TOPIC], others)
    await compareConsume(t, others)

    await kafka.startBroker(1)
    const rejoining = await ours(['-b', b, ...patient, ...all])
    t.equal(rejoining.code, 0, rejoining.stderr)
    t.same(sorted(rejoining.stdout), sorted(baseline.stdout), 'read while the node rejoins')
    await waitForMetadata(b, `node ${victim.nodeId} is back in every ISR`, md => md.brokers.length === 3 && settled(3)(md))
    await compareList(t, ['-L', '-t', TOPIC])
    await compareList(t, ['-L'])
    await compareConsume(t)
  })
})
