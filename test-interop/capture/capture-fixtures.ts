// Captures the wire frames of software we did not write, as fixtures for test/protocol/fixtures.test.ts.
// Run by hand (not in CI), from the repository root; it rewrites test/protocol/fixtures/<peer>/*.bin:
//
//   node --no-warnings --loader @isaacs/ts-node-temp-fork-for-pr-2009/esm test-interop/capture/capture-fixtures.ts [peer ...]
//
// (TS_NODE_TRANSPILE_ONLY=1 makes it start faster.) Peers: kcat, kafkajs, platformatic-kafka, kafka-python,
// librdkafka-mock (default: all). test/protocol/fixtures/README.md says what each set holds and how it was made.
//
// Client requests: each client talks to our fake broker (one broker, topic t with 2 partitions) through a
// CaptureProxy, and the broker advertises the proxy's port in Metadata and FindCoordinator, so every connection
// the client opens after bootstrap is recorded too. Broker responses: librdkafka 2.0.2's mock cluster (built from
// test-interop/consumer/mock-cluster.c) behind a CaptureProxy, sent kcat's captured requests again over one
// connection, plus requests our codec encodes at each version the mock serves.
//
// `npm run test:interop` runs every file under test-interop/, this one included: under tap (TAP is set in its
// environment) it does nothing, so that a test run never rewrites the committed fixtures.
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection, type Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { CaptureProxy, FrameSplitter, type CapturedFrame } from '../../tools/capture/capture-proxy.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { apiByKey, ApiVersions, Fetch, ListOffsets, Metadata } from '../../protocol/apis/index.js'
import { decodeResponse, encodeRequest } from '../../protocol/messages.js'
import type { ApiSchema } from '../../protocol/schema/define.js'
import { runProcess } from '../fake-broker/helpers.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const fixtures = join(root, 'test', 'protocol', 'fixtures')
const TOPIC = 't'

/** With CAPTURE_DEBUG set, every frame is printed as it passes. */
const debug = process.env.CAPTURE_DEBUG === undefined
  ? undefined
  : (f: CapturedFrame): void => console.error(`    #${f.seq} c${f.connection} ${f.direction} ${apiByKey(f.apiKey)?.name ?? f.apiKey} v${f.apiVersion} cid=${f.correlationId} ${f.frame.length}B`)

/** A peer session: its steps run in order, each labelled so that selection can keep one frame per step. */
interface Step { label: string, start: number, end: number }

function kebab (name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()
}

/**
 * Keeps one exchange (a request and its response, paired by connection and correlation id) per API and version:
 * the largest, so that a Fetch carrying records wins over empty long polls and a JoinGroup with a member id over
 * the first MEMBER_ID_REQUIRED round. Produce is kept per step, as each step produces with another compression.
 */
function select (frames: CapturedFrame[], steps: Step[]): CapturedFrame[] {
  const stepOf = (f: CapturedFrame): string => steps.find(s => f.seq >= s.start && f.seq < s.end)?.label ?? '?'
  // A connection may reuse a correlation id (after a reconnect librdkafka starts again): a request opens anew.
  const open = new Map<string, CapturedFrame[]>()
  const pairs: CapturedFrame[][] = []
  for (const f of frames) {
    if (f.apiKey < 0) continue
    const id = `${f.connection}/${f.correlationId}`
    if (f.direction === 'request') { const pair = [f]; open.set(id, pair); pairs.push(pair) } else {
      const pair = open.get(id)
      if (pair !== undefined) { pair.push(f); open.delete(id) } else pairs.push([f])
    }
  }
  const chosen = new Map<string, CapturedFrame[]>()
  const size = (pair: CapturedFrame[]): number => pair.reduce((n, f) => n + f.frame.length, 0)
  for (const pair of pairs) {
    const f = pair[0]
    const key = `${f.apiKey}/${f.apiVersion}${f.apiKey === 0 ? '/' + stepOf(f) : ''}`
    const had = chosen.get(key)
    if (had === undefined || size(pair) > size(had)) chosen.set(key, pair)
  }
  return [...chosen.values()].flat().sort((a, b) => a.seq - b.seq)
}

function write (peer: string, frames: CapturedFrame[]): string[] {
  const dir = join(fixtures, peer)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const names: string[] = []
  frames.forEach((f, i) => {
    const api = apiByKey(f.apiKey)
    const name = `${String(i + 1).padStart(2, '0')}-${kebab(api?.name ?? `api-${f.apiKey}`)}-v${f.apiVersion}-${f.direction}.bin`
    writeFileSync(join(dir, name), f.frame)
    names.push(`${name} (${f.frame.length} bytes)`)
  })
  return names
}

/** Runs `fn` with a proxy in front of the fake broker that the broker advertises as itself. */
async function throughProxy (cluster: FakeCluster, fn: (bootstrap: string, step: (label: string) => void) => Promise<void>): Promise<{ frames: CapturedFrame[], steps: Step[] }> {
  const broker = cluster.state.brokers[0]
  const realPort = broker.port
  const proxy = await CaptureProxy.start({ upstreamHost: '127.0.0.1', upstreamPort: realPort, onFrame: debug })
  // BrokerInfo.port is what Metadata and FindCoordinator answer with; the listener stays where it is.
  broker.port = proxy.port
  const steps: Step[] = []
  const step = (label: string): void => {
    const now = proxy.frames.length
    if (steps.length > 0) steps[steps.length - 1].end = now
    steps.push({ label, start: now, end: Infinity })
    console.error(`  step ${label}`)
  }
  try {
    await fn(proxy.address, step)
  } finally {
    broker.port = realPort
    await proxy.stop()
  }
  return { frames: proxy.frames, steps }
}

/** Two lines that compress well: librdkafka sends a batch uncompressed when compressing does not make it smaller. */
function repetitive (codec: string): string {
  return `${codec}-1 ${'abc'.repeat(40)}\n${codec}-2 ${'abc'.repeat(40)}\n`
}

/** Runs an extra that a peer may not manage against our fake broker; a failure is reported, not fatal. */
async function optional (what: string, fn: () => Promise<unknown>): Promise<void> {
  try { await fn() } catch (err) { console.error(`  (${what} failed: ${(err as Error).message})`) }
}

async function kcat (args: string[], input = ''): Promise<void> {
  const r = await runProcess('/usr/bin/kcat', args, { input, timeoutMs: 30_000 })
  if (r.code !== 0) throw new Error(`kcat ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
}

async function captureKcat (cluster: FakeCluster): Promise<CapturedFrame[]> {
  const { frames, steps } = await throughProxy(cluster, async (b, step) => {
    step('metadata'); await kcat(['-b', b, '-L'])
    step('produce-none'); await kcat(['-b', b, '-P', '-t', TOPIC, '-p', '0', '-K', ':', '-H', 'h=1'], 'k1:v1\nk2:v2\n')
    step('produce-gzip'); await kcat(['-b', b, '-P', '-t', TOPIC, '-p', '1', '-z', 'gzip'], repetitive('gzip'))
    step('produce-snappy'); await kcat(['-b', b, '-P', '-t', TOPIC, '-p', '1', '-z', 'snappy'], repetitive('snappy'))
    step('produce-lz4'); await kcat(['-b', b, '-P', '-t', TOPIC, '-p', '1', '-z', 'lz4'], repetitive('lz4'))
    step('produce-zstd'); await kcat(['-b', b, '-P', '-t', TOPIC, '-p', '1', '-z', 'zstd'], repetitive('zstd'))
    step('produce-idempotent'); await kcat(['-b', b, '-P', '-t', TOPIC, '-p', '0', '-X', 'enable.idempotence=true'], 'i1\ni2\n')
    step('consume'); await kcat(['-b', b, '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-q'])
    step('query'); await kcat(['-b', b, '-Q', '-t', `${TOPIC}:0:1700000000000`])
    step('group'); await kcat(['-b', b, '-G', 'kcat-group', '-X', 'auto.offset.reset=earliest', '-e', '-q', TOPIC])
  })
  return select(frames, steps)
}

async function captureKafkajs (cluster: FakeCluster): Promise<CapturedFrame[]> {
  const { Kafka, logLevel, CompressionTypes } = await import('kafkajs') as any
  const { frames, steps } = await throughProxy(cluster, async (b, step) => {
    const kafka = new Kafka({ clientId: 'kafkajs-capture', brokers: [b], logLevel: logLevel.NOTHING })
    step('admin')
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'kjs-created', numPartitions: 1 }] })
    await admin.fetchTopicOffsets(TOPIC)
    await admin.deleteTopics({ topics: ['kjs-created'] })
    await admin.disconnect()
    step('produce-none')
    const producer = kafka.producer({ idempotent: true })
    await producer.connect()
    await producer.send({ topic: TOPIC, messages: [{ partition: 0, key: 'kj1', value: 'v1', headers: { h: 'x' } }] })
    step('produce-gzip')
    await producer.send({ topic: TOPIC, compression: CompressionTypes.GZIP, messages: [{ partition: 1, key: 'kj2', value: 'v2' }, { partition: 1, key: 'kj3', value: 'v3' }] })
    await producer.disconnect()
    step('group')
    await consumeUntil(cluster, async onMessage => {
      const consumer = kafka.consumer({ groupId: 'kafkajs-group', heartbeatInterval: 100, maxWaitTimeInMs: 100 })
      await consumer.connect()
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true })
      await consumer.run({ autoCommitInterval: 50, eachMessage: async () => onMessage() })
      return async () => await consumer.disconnect()
    })
    step('admin-groups')
    const admin2 = kafka.admin()
    await admin2.connect()
    await optional('kafkajs listGroups', async () => await admin2.listGroups())
    await optional('kafkajs describeGroups', async () => await admin2.describeGroups(['kafkajs-group']))
    await optional('kafkajs fetchOffsets', async () => await admin2.fetchOffsets({ groupId: 'kafkajs-group', topics: [TOPIC] }))
    await optional('kafkajs deleteTopicRecords', async () => await admin2.deleteTopicRecords({ topic: TOPIC, partitions: [{ partition: 0, offset: '1' }] }))
    await admin2.disconnect()
  })
  return select(frames, steps)
}

async function capturePlatformatic (cluster: FakeCluster): Promise<CapturedFrame[]> {
  const plat = await import('@platformatic/kafka') as any
  const { frames, steps } = await throughProxy(cluster, async (b, step) => {
    step('admin')
    const admin = new plat.Admin({ clientId: 'platformatic-capture', bootstrapBrokers: [b] })
    await optional('platformatic createTopics', async () => await admin.createTopics({ topics: ['plat-created'], partitions: 1, replicas: 1 }))
    await optional('platformatic deleteTopics', async () => await admin.deleteTopics({ topics: ['plat-created'] }))
    step('produce-none')
    const producer = new plat.Producer({ clientId: 'platformatic-capture', bootstrapBrokers: [b], serializers: plat.stringSerializers, idempotent: true })
    await producer.send({ messages: [{ topic: TOPIC, key: 'pk1', value: 'pv1', partition: 0, headers: new Map([['h', 'y']]) }] })
    await producer.close()
    step('group')
    await consumeUntil(cluster, async onMessage => {
      const consumer = new plat.Consumer({ groupId: 'platformatic-group', clientId: 'platformatic-capture', bootstrapBrokers: [b], deserializers: plat.stringDeserializers, maxWaitTime: 100 })
      const stream = await consumer.consume({ topics: [TOPIC], mode: 'earliest', autocommit: 50, sessionTimeout: 10000, heartbeatInterval: 100 })
      stream.on('data', () => onMessage())
      return async () => await consumer.close(true)
    })
    step('admin-groups')
    await optional('platformatic listGroups', async () => await admin.listGroups())
    await optional('platformatic describeGroups', async () => await admin.describeGroups({ groups: ['platformatic-group'] }))
    await optional('platformatic listConsumerGroupOffsets', async () => await admin.listConsumerGroupOffsets({ groups: ['platformatic-group'] }))
    await admin.close()
  })
  return select(frames, steps)
}

// Run once per step: argv[2] is the step, so that selection keeps the plain and the gzip Produce request apart.
const PYTHON_SCRIPT = `
import sys
from kafka import KafkaProducer, KafkaConsumer
b, step = sys.argv[1], sys.argv[2]
if step == 'produce-none':
    p = KafkaProducer(bootstrap_servers=[b], client_id='kafka-python-capture')
    p.send('t', key=b'py1', value=b'pv1', partition=0, headers=[('h', b'z')]).get(10)
    p.close()
elif step == 'produce-gzip':
    p = KafkaProducer(bootstrap_servers=[b], client_id='kafka-python-capture', compression_type='gzip')
    p.send('t', key=b'py2', value=b'pv2', partition=1).get(10)
    p.close()
else:
    c = KafkaConsumer('t', bootstrap_servers=[b], client_id='kafka-python-capture', group_id='kafka-python-group',
                      auto_offset_reset='earliest', enable_auto_commit=False, consumer_timeout_ms=2000, fetch_max_wait_ms=100)
    n = sum(1 for _ in c)
    c.commit()
    c.close()
    print(n)
`

async function captureKafkaPython (cluster: FakeCluster): Promise<CapturedFrame[]> {
  const { frames, steps } = await throughProxy(cluster, async (b, step) => {
    for (const label of ['produce-none', 'produce-gzip', 'group']) {
      step(label)
      const r = await runProcess('/usr/bin/python3', ['-c', PYTHON_SCRIPT, b, label], { timeoutMs: 60_000 })
      if (r.code !== 0) throw new Error(`kafka-python ${label} exited ${r.code}: ${r.stderr}`)
      if (label === 'group') console.error(`  kafka-python read ${r.stdout.toString().trim()} records`)
    }
  })
  return select(frames, steps)
}

/** Starts a consumer, waits until it has seen every record now in topic t, then stops it. */
async function consumeUntil (cluster: FakeCluster, start: (onMessage: () => void) => Promise<() => Promise<void>>): Promise<void> {
  const want = Number(cluster.highWatermark(TOPIC, 0) + cluster.highWatermark(TOPIC, 1))
  let seen = 0
  let done: () => void = () => {}
  const all = new Promise<void>(resolve => { done = resolve })
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((resolve, reject) => { timer = setTimeout(() => reject(new Error(`consumer saw ${seen} of ${want} records in 60 s`)), 60_000) })
  const stop = await start(() => { if (++seen >= want) done() })
  try { await Promise.race([all, late]) } finally { clearTimeout(timer) }
  await stop()
}

// ---- librdkafka's mock cluster ----

async function buildMock (): Promise<string> {
  const out = join(here, '..', '.build')
  mkdirSync(out, { recursive: true })
  const bin = join(out, 'mock-cluster')
  await new Promise<void>((resolve, reject) => execFile('cc', ['-O1', '-o', bin, join(here, '..', 'consumer', 'mock-cluster.c'), '-lrdkafka'], err => err === null ? resolve() : reject(err)))
  return bin
}

async function startMock (bin: string): Promise<{ bootstrap: string, stop: () => Promise<void> }> {
  // One broker, topic t with 2 partitions, 4 records written by librdkafka's own producer.
  const child = spawn(bin, ['1', TOPIC, '2', '4'])
  child.stderr.resume()
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const bootstrap = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', line => { if (line.startsWith('BOOTSTRAP ')) resolve(line.slice(10)) })
    child.once('exit', code => reject(new Error(`mock-cluster exited ${code}`)))
  })
  return { bootstrap, stop: async () => { child.stdin.end('quit\n'); await exited } }
}

/** One connection that sends a request frame and waits for the response with its correlation id (or gives up). */
class Replayer {
  private socket: Socket | undefined
  private splitter = new FrameSplitter(64 << 20)
  private readonly waiting = new Map<number, (f: Buffer | undefined) => void>()

  constructor (private readonly port: number) {}

  private async open (): Promise<Socket> {
    this.splitter = new FrameSplitter(64 << 20)
    const socket = createConnection({ host: '127.0.0.1', port: this.port })
    socket.on('data', chunk => {
      for (const f of this.splitter.push(chunk)) {
        const id = f.readInt32BE(4)
        this.waiting.get(id)?.(f)
        this.waiting.delete(id)
      }
    })
    socket.on('close', () => { for (const w of this.waiting.values()) w(undefined); this.waiting.clear() })
    socket.on('error', () => {})
    await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
    this.socket = socket
    return socket
  }

  async send (frame: Buffer, ms = 10_000): Promise<Buffer | undefined> {
    const socket = this.socket === undefined || this.socket.destroyed ? await this.open() : this.socket
    const id = frame.readInt32BE(8)
    const answer = new Promise<Buffer | undefined>(resolve => {
      const timer = setTimeout(() => { this.waiting.delete(id); resolve(undefined) }, ms)
      this.waiting.set(id, f => { clearTimeout(timer); resolve(f) })
    })
    socket.write(frame)
    return await answer
  }

  close (): void { this.socket?.destroy() }
}

async function captureMock (): Promise<{ frames: CapturedFrame[], notes: string[] }> {
  const mock = await startMock(await buildMock())
  const notes: string[] = []
  const [host, port] = mock.bootstrap.split(',')[0].split(':')
  const proxy = await CaptureProxy.start({ upstreamHost: host, upstreamPort: Number(port), onFrame: debug })
  try {
    // kcat's own bootstrap connection: its ApiVersions and Metadata answered by the mock.
    await kcat(['-b', proxy.address, '-L'])
    const kcatFrames = proxy.frames.length
    const replay = new Replayer(proxy.port)
    let correlationId = 1000
    const send = async (frame: Buffer, what: string): Promise<Buffer | undefined> => {
      // Unique correlation ids on the one connection, so the proxy pairs each answer with its request.
      const copy = Buffer.from(frame)
      copy.writeInt32BE(correlationId++, 8)
      const answer = await replay.send(copy)
      notes.push(`${what}: ${answer === undefined ? 'no answer (connection closed or 10 s passed)' : `${answer.length} bytes`}`)
      return answer
    }
    // kcat's requests, as captured against our fake broker (topic t exists in the mock too).
    const dir = join(fixtures, 'kcat')
    for (const name of readdirSync(dir).filter(n => n.endsWith('-request.bin')).sort()) {
      await send(readFileSync(join(dir, name)), `kcat/${name}`)
    }
    // Requests our codec encodes, at the highest versions the mock advertises for them.
    const av = await send(encodeRequest(ApiVersions, 0, { correlationId: 0, clientId: 'kafka-direct-capture' }, {}), 'ours ApiVersions v0')
    const ranges = new Map<number, number>()
    if (av !== undefined) for (const k of decodeResponse(ApiVersions, 0, av.subarray(4)).body.apiKeys) ranges.set(k.apiKey, k.maxVersion)
    const ours = async (api: ApiSchema, body: unknown, from: number): Promise<void> => {
      const max = Math.min(ranges.get(api.key) ?? 0, Number(api.versions.max))
      for (let v = from; v <= max; v++) await send(encodeRequest(api, v, { correlationId: 0, clientId: 'kafka-direct-capture' }, body), `ours ${api.name} v${v}`)
    }
    await ours(ApiVersions, {}, 1)
    await ours(Metadata, { topics: [{ name: TOPIC, topicId: '00000000-0000-0000-0000-000000000000' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, 0)
    await ours(ListOffsets, { replicaId: -1, isolationLevel: 0, timeoutMs: 1000, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n }, { partitionIndex: 1, currentLeaderEpoch: -1, timestamp: -1n }] }] }, 1)
    await ours(Fetch, {
      replicaId: -1, maxWaitMs: 100, minBytes: 1, maxBytes: 65536, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: TOPIC, topicId: '00000000-0000-0000-0000-000000000000', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 65536 }] }],
      forgottenTopicsData: [], rackId: ''
    }, 4)
    replay.close()
    const responses = proxy.frames.filter(f => f.direction === 'response')
    notes.push(`kcat -L frames: ${kcatFrames}`)
    return { frames: selectResponses(responses), notes }
  } finally {
    await proxy.stop()
    await mock.stop()
  }
}

/** The mock's fixtures are its responses only: one per (API, version), the largest (Fetch with records). */
function selectResponses (frames: CapturedFrame[]): CapturedFrame[] {
  const chosen = new Map<string, CapturedFrame>()
  for (const f of frames) {
    if (f.apiKey < 0) continue
    const key = `${f.apiKey}/${f.apiVersion}`
    const had = chosen.get(key)
    if (had === undefined || f.frame.length > had.frame.length) chosen.set(key, f)
  }
  return [...chosen.values()].sort((a, b) => a.seq - b.seq)
}

async function main (): Promise<void> {
  const wanted = process.argv.slice(2)
  const want = (peer: string): boolean => wanted.length === 0 || wanted.includes(peer)
  const report: string[] = []
  const peers: Array<[string, (c: FakeCluster) => Promise<CapturedFrame[]>]> = [
    ['kcat', captureKcat], ['kafkajs', captureKafkajs], ['platformatic-kafka', capturePlatformatic], ['kafka-python', captureKafkaPython]
  ]
  for (const [peer, capture] of peers) {
    if (!want(peer)) continue
    console.error(`capturing ${peer}`)
    // A fresh cluster per peer: kafkajs cannot read the snappy, lz4 and zstd batches kcat writes.
    const cluster = await FakeCluster.start({ brokers: 1, topics: [{ name: TOPIC, partitions: 2 }] })
    try {
      // A little data to read back: an uncompressed batch with a header on partition 0, a gzip batch on partition 1.
      cluster.produce(TOPIC, 0, [{ key: 'a', value: 'alpha', headers: [{ key: 'h', value: 'v' }], timestamp: 1_700_000_000_000 }, { key: 'b', value: 'beta', timestamp: 1_700_000_000_001 }])
      cluster.produce(TOPIC, 1, [{ key: 'c', value: 'gamma', timestamp: 1_700_000_000_002 }], { compression: 'gzip' })
      report.push(`${peer}:`, ...write(peer, await capture(cluster)).map(n => `  ${n}`))
    } finally {
      await cluster.stop()
    }
  }
  if (want('librdkafka-mock')) {
    if (!existsSync('/usr/include/librdkafka/rdkafka_mock.h')) throw new Error('librdkafka-dev is not installed')
    console.error('capturing librdkafka-mock')
    const { frames, notes } = await captureMock()
    report.push('librdkafka-mock:', ...write('librdkafka-mock', frames).map(n => `  ${n}`), ...notes.map(n => `  # ${n}`))
  }
  console.log(report.join('\n'))
  console.log(`captured ${new Date().toISOString()}`)
}

if (process.env.TAP === undefined) await main()
