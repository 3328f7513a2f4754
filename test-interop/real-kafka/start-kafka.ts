import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KafkaClient } from '../../consumer/cluster.js'
import { OPENSSL, selfSignedCert, type SelfSignedCert } from '../../test/consumer/tls-cert.js'
import { PeerUnavailable, exec } from '../peers/cache.js'
import { KAFKA_3_VERSION, KAFKA_VERSION, kafkaServerCoordinates, resolveJars } from '../peers/maven.js'
import { SASL_MECHANISMS, log4jProperties, serverProperties, type ListenerName, type NodeLayout } from './server-properties.js'

export { KAFKA_3_VERSION, KAFKA_VERSION, SASL_MECHANISMS, type ListenerName }

// Real Apache Kafka for the interop tests: the broker's jars from Maven Central (peers/maven.ts), KRaft storage
// formatted in a temporary directory, and one JVM per node, each a combined broker and controller on free loopback
// ports. A 3-node cluster is three such nodes forming a 3-voter quorum, so any one of them can be stopped and
// started again while the other two keep the quorum. startRealKafka returns once every broker answers Metadata (asked
// with our own client) and lists every broker; stop() kills what it started, by PID. A watchdog per JVM kills it if
// the test process dies without stopping it (a SIGKILLed tap job would otherwise leave brokers running).

export interface RealKafkaOptions {
  brokers?: 1 | 3
  /** Listeners besides PLAINTEXT, which is always there (brokers talk to each other over it). */
  listeners?: ListenerName[]
  /** Extra server.properties, applied last: `{ 'auto.create.topics.enable': false }`. */
  config?: Record<string, string | number | boolean>
  /** Extra server.properties of one node (ids 1..brokers), applied after `config`: `id => ({ 'broker.rack': \`r${id}\` })`. */
  nodeConfig?: (nodeId: number) => Record<string, string | number | boolean>
  /** SASL users (PLAIN and SCRAM-SHA-256/512), name to password. */
  users?: Record<string, string>
  /**
   * Enforce ACLs with KRaft's StandardAuthorizer (authorizer.class.name). The brokers and controllers talk over
   * PLAINTEXT as User:ANONYMOUS, which is therefore always a super user: test ACLs with SASL users.
   */
  authorizer?: { superUsers?: string[], allowEveryoneIfNoAclFound?: boolean }
  /** Kafka version from Maven Central; KAFKA_VERSION (4.x) by default, KAFKA_3_VERSION for the 3.x line. */
  version?: string
  /** How long to wait for the cluster to answer, default 180 s (three JVMs on a busy 2-core machine are slow). */
  startTimeoutMs?: number
}

export interface RealBroker {
  nodeId: number
  /** The running JVM's PID, undefined while stopped. */
  pid: number | undefined
  /** The PLAINTEXT port. */
  port: number
  ports: Partial<Record<ListenerName, number>>
  dir: string
  /** The broker's log4j log: read it when a test fails. */
  logFile: string
}

export interface RealKafka {
  version: string
  clusterId: string
  /** PLAINTEXT bootstrap list, "127.0.0.1:port,...". */
  bootstrap: string
  /** Bootstrap list per listener asked for. */
  listeners: Partial<Record<ListenerName, string>>
  brokers: RealBroker[]
  users: Record<string, string>
  /** For SSL/SASL_SSL: the self-signed certificate the brokers present (trust certFile as the CA). */
  tls?: SelfSignedCert
  /** Kills broker i (SIGKILL unless `graceful`) and waits until it is gone. */
  stopBroker: (i: number, opts?: { graceful?: boolean }) => Promise<void>
  /** Starts broker i again and waits until the cluster lists it and it answers Metadata. */
  startBroker: (i: number) => Promise<void>
  /**
   * Creates a topic with Kafka's own tool (kafka-topics --create, one JVM start), for tests that need a topic with
   * auto-creation off or a chosen layout. Replication factor defaults to the number of nodes.
   */
  createTopic: (name: string, opts?: { partitions?: number, replicationFactor?: number, config?: Record<string, string | number> }) => Promise<void>
  /** The last lines of each broker's log, for failure messages. */
  logTail: (lines?: number) => string
  stop: () => Promise<void>
}

/** Default SASL users. */
export const REAL_KAFKA_USERS: Record<string, string> = { alice: 'alice-secret' }

// -Xmx512m and the serial collector: brokers under test hold little, and the machine has 2 cores. C1 only
// (TieredStopAtLevel=1) starts faster and costs less CPU; the tests are not about broker throughput.
const JVM_OPTS = ['-Xms128m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true']

/** Every JVM this process started and has not stopped yet: killed on exit, whatever the test did. */
const running = new Set<ChildProcess>()
let exitHookInstalled = false
function installExitHook (): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => { for (const c of running) if (c.pid !== undefined) try { process.kill(c.pid, 'SIGKILL') } catch {} })
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const c of running) if (c.pid !== undefined) try { process.kill(c.pid, 'SIGKILL') } catch {}
      process.kill(process.pid, sig)
    })
  }
}

/**
 * `n` distinct free loopback ports: all bound to port 0 at once, then released, so the kernel cannot hand the
 * same one out twice (the broker binds them a moment later; another process taking one meanwhile is unlikely).
 */
export async function freePorts (n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, async () => await new Promise<Server>((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => resolve(s))
  })))
  const ports = servers.map(s => (s.address() as AddressInfo).port)
  await Promise.all(servers.map(async s => await new Promise(resolve => s.close(resolve))))
  return ports
}

/** The jars of `version` (resolved once into the peer cache), or PeerUnavailable saying what is missing. */
export async function kafkaJars (version = KAFKA_VERSION): Promise<string[]> {
  return await resolveJars('kafka-server', kafkaServerCoordinates(version))
}

export async function startRealKafka (opts: RealKafkaOptions = {}): Promise<RealKafka> {
  const version = opts.version ?? KAFKA_VERSION
  const jars = await kafkaJars(version)
  const classpath = jars.join(':')
  const listeners: ListenerName[] = ['PLAINTEXT', ...(opts.listeners ?? []).filter(l => l !== 'PLAINTEXT')]
  const users = opts.users ?? REAL_KAFKA_USERS
  const count = opts.brokers ?? 1
  const timeoutMs = opts.startTimeoutMs ?? 180_000
  installExitHook()

  const root = await mkdtemp(join(tmpdir(), 'kafka-direct-real-kafka-'))
  let tls: SelfSignedCert | undefined
  let pemKeystore: string | undefined
  if (listeners.includes('SSL') || listeners.includes('SASL_SSL')) {
    if (OPENSSL === undefined) throw new PeerUnavailable('openssl is not installed (needed for the SSL listener\'s certificate)')
    const made = await selfSignedCert()
    // Copied next to the brokers' data, so that stop() removes everything with one rm.
    const certFile = join(root, 'ca.pem')
    const keyFile = join(root, 'key.pem')
    writeFileSync(certFile, made.cert.cert)
    writeFileSync(keyFile, made.cert.key)
    await made.cleanup()
    pemKeystore = join(root, 'keystore.pem')
    writeFileSync(pemKeystore, Buffer.concat([made.cert.key, made.cert.cert]))
    tls = { ...made.cert, certFile, keyFile }
  }

  const free = await freePorts(count * (listeners.length + 1))
  const layouts: NodeLayout[] = []
  for (let i = 0; i < count; i++) {
    const ports: Record<ListenerName, number | undefined> = { PLAINTEXT: undefined, SASL_PLAINTEXT: undefined, SSL: undefined, SASL_SSL: undefined }
    for (const l of listeners) ports[l] = free.pop()
    layouts.push({ nodeId: i + 1, dataDir: join(root, `node-${i + 1}`, 'data'), controllerPort: free.pop()!, ports })
  }

  // One cluster id for every node; SCRAM users go into the bootstrap metadata at format time (KIP-900), so they
  // exist before the first client connects.
  // A base64url UUID, as `kafka-storage random-uuid` prints; never starting with '-', which the tool's argument
  // parser would take for an option (Kafka's Uuid.randomUuid avoids it for the same reason).
  let clusterId: string
  do clusterId = randomBytes(16).toString('base64url').slice(0, 22); while (clusterId.startsWith('-'))
  const scram = listeners.some(l => l.startsWith('SASL_'))
    ? Object.entries(users).flatMap(([u, p]) => ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap(m => ['--add-scram', `${m}=[name=${u},password=${p}]`]))
    : []
  const brokers: RealBroker[] = []
  const children: Array<ChildProcess | undefined> = []
  // Each node's storage is formatted by its own JVM, all at once.
  const formatted = await Promise.all(layouts.map(async node => {
    const dir = join(root, `node-${node.nodeId}`)
    const propsFile = join(dir, 'server.properties')
    const logFile = join(dir, 'server.log')
    mkdirSync(node.dataDir, { recursive: true })
    writeFileSync(propsFile, serverProperties({ node, nodes: layouts, listeners, users, pemKeystore, extra: { ...authorizerProperties(opts.authorizer), ...opts.config, ...opts.nodeConfig?.(node.nodeId) } }))
    const log4j = log4jProperties(logFile)
    writeFileSync(join(dir, 'log4j.properties'), log4j.log4j1)
    writeFileSync(join(dir, 'log4j2.properties'), log4j.log4j2)
    const format = await exec('java', [...JVM_OPTS, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile, ...scram], { timeoutMs: 120_000 })
    const ports: Partial<Record<ListenerName, number>> = {}
    for (const l of listeners) ports[l] = node.ports[l]
    const broker: RealBroker = { nodeId: node.nodeId, pid: undefined, port: node.ports.PLAINTEXT!, ports, dir, logFile }
    return { broker, failure: format.code === 0 ? undefined : `kafka-storage format failed for node ${node.nodeId}:\n${format.stdout}${format.stderr}` }
  }))
  const failure = formatted.find(f => f.failure !== undefined)?.failure
  if (failure !== undefined) {
    await rm(root, { recursive: true, force: true })
    throw new Error(failure)
  }
  for (const f of formatted) {
    brokers.push(f.broker)
    children.push(undefined)
  }

  const logTail = (lines = 30): string => brokers.map(b => {
    const text = existsSync(b.logFile) ? readFileSync(b.logFile, 'utf8') : '(no log)'
    const out = existsSync(join(b.dir, 'stdout.log')) ? readFileSync(join(b.dir, 'stdout.log'), 'utf8') : ''
    return `--- node ${b.nodeId} (${b.logFile}) ---\n${(out + text).split('\n').slice(-lines).join('\n')}`
  }).join('\n')

  const launch = (i: number): ChildProcess => {
    const b = brokers[i]
    const out = openSync(join(b.dir, 'stdout.log'), 'a')
    const child = spawn('java', [
      ...JVM_OPTS,
      `-Dlog4j.configuration=file:${join(b.dir, 'log4j.properties')}`,
      `-Dlog4j2.configurationFile=${join(b.dir, 'log4j2.properties')}`,
      `-Dkafka.logs.dir=${b.dir}`,
      '-cp', classpath, 'kafka.Kafka', join(b.dir, 'server.properties'),
    ], { stdio: ['ignore', out, out] })
    closeSync(out)
    running.add(child)
    child.once('exit', () => { running.delete(child); if (children[i] === child) { children[i] = undefined; b.pid = undefined } })
    children[i] = child
    b.pid = child.pid
    // The watchdog: a shell loop that exits when the JVM does, and kills it if this process is gone first.
    const watchdog = spawn('sh', ['-c', 'while kill -0 "$1" 2>/dev/null; do if ! kill -0 "$2" 2>/dev/null; then kill -9 "$1"; exit 0; fi; sleep 1; done', 'watchdog', String(child.pid), String(process.pid)], { stdio: 'ignore', detached: true })
    watchdog.unref()
    return child
  }

  const exited = (i: number): Promise<void> => {
    const c = children[i]
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return Promise.resolve()
    return new Promise(resolve => c.once('exit', () => resolve()))
  }

  /** Waits until broker i answers Metadata on its own PLAINTEXT port and lists `expected` brokers. */
  const waitReady = async (i: number, expected: number[]): Promise<void> => {
    const deadline = Date.now() + timeoutMs
    const b = brokers[i]
    let last = ''
    for (;;) {
      const child = children[i]
      if (child === undefined || child.exitCode !== null) throw new Error(`Kafka node ${b.nodeId} exited during start-up\n${logTail()}`)
      const client = new KafkaClient({ bootstrapServers: [`127.0.0.1:${b.port}`], retries: 0, connectTimeoutMs: 2000, requestTimeoutMs: 5000 })
      try {
        const md = await client.metadata([])
        const ids = md.brokers.map(x => x.nodeId)
        if (expected.every(id => ids.includes(id)) && md.controllerId >= 0) return
        last = `lists brokers [${ids.join(',')}], controller ${md.controllerId}`
      } catch (err) {
        last = String(err)
      } finally {
        await client.close()
      }
      if (Date.now() > deadline) throw new Error(`Kafka node ${b.nodeId} not ready after ${timeoutMs} ms (${last})\n${logTail()}`)
      await new Promise(resolve => setTimeout(resolve, 500))
    }
  }

  const stopBroker = async (i: number, o: { graceful?: boolean } = {}): Promise<void> => {
    const c = children[i]
    if (c?.pid === undefined) return
    const done = exited(i)
    try { process.kill(c.pid, o.graceful === true ? 'SIGTERM' : 'SIGKILL') } catch {}
    if (o.graceful === true) {
      const timer = setTimeout(() => { try { process.kill(c.pid!, 'SIGKILL') } catch {} }, 30_000)
      await done
      clearTimeout(timer)
    } else {
      await done
    }
  }

  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    await Promise.all(brokers.map(async (_b, i) => await stopBroker(i)))
    await rm(root, { recursive: true, force: true })
  }

  const ids = brokers.map(b => b.nodeId)
  try {
    for (let i = 0; i < count; i++) launch(i)
    for (let i = 0; i < count; i++) await waitReady(i, ids)
  } catch (err) {
    await stop()
    throw err
  }

  const bootstrapFor = (l: ListenerName): string => brokers.map(b => `127.0.0.1:${b.ports[l]!}`).join(',')
  const byListener: Partial<Record<ListenerName, string>> = {}
  for (const l of listeners) byListener[l] = bootstrapFor(l)
  return {
    version,
    clusterId,
    bootstrap: bootstrapFor('PLAINTEXT'),
    listeners: byListener,
    brokers,
    users,
    tls,
    stopBroker,
    startBroker: async (i: number) => {
      if (children[i] !== undefined) return
      launch(i)
      await waitReady(i, ids)
    },
    createTopic: async (name, o = {}) => {
      const args = ['--bootstrap-server', bootstrapFor('PLAINTEXT'), '--create', '--topic', name,
        '--partitions', String(o.partitions ?? 1), '--replication-factor', String(o.replicationFactor ?? count)]
      for (const [k, v] of Object.entries(o.config ?? {})) args.push('--config', `${k}=${v}`)
      const r = await exec('java', [...JVM_OPTS, `-Dlog4j.configuration=file:${join(brokers[0].dir, 'log4j.properties')}`, '-cp', classpath, 'org.apache.kafka.tools.TopicCommand', ...args], { timeoutMs: 120_000 })
      if (r.code !== 0) throw new Error(`kafka-topics --create ${name} failed:\n${r.stdout}${r.stderr}`)
    },
    logTail,
    stop,
  }
}

export { PeerUnavailable }

/** The server.properties of RealKafkaOptions.authorizer. */
function authorizerProperties (a: RealKafkaOptions['authorizer']): Record<string, string | boolean> {
  if (a === undefined) return {}
  return {
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': ['User:ANONYMOUS', ...(a.superUsers ?? [])].join(';'),
    'allow.everyone.if.no.acl.found': a.allowEveryoneIfNoAclFound ?? false
  }
}

/**
 * For `t.test(..., { skip })`: false when real Kafka can run here, else why not (resolving the jars if needed).
 * With KAFKA_DIRECT_REQUIRE_REAL_KAFKA=1 (set by CI, which installs Java and Maven) a missing peer is an error
 * instead of a skip, so that CI cannot pass by skipping these tests.
 */
export async function realKafkaSkip (version = KAFKA_VERSION): Promise<string | false> {
  try {
    await kafkaJars(version)
    return false
  } catch (err) {
    if (!(err instanceof PeerUnavailable)) throw err
    const why = `real Kafka ${version} unavailable: ${err.message}`
    if (process.env.KAFKA_DIRECT_REQUIRE_REAL_KAFKA === '1') throw new Error(`${why} (KAFKA_DIRECT_REQUIRE_REAL_KAFKA=1)`, { cause: err })
    return why
  }
}

/**
 * startRealKafka for a tap test: stopped in t.teardown, and when the test failed, the end of each broker's log is
 * printed as a comment first. Throws PeerUnavailable like startRealKafka.
 */
/** The part of a tap test realKafkaFor uses. */
export interface TestLike {
  teardown: (fn: () => Promise<void> | void) => void
  passing: () => boolean
  comment: (...args: unknown[]) => void
}

export async function realKafkaFor (t: TestLike, opts: RealKafkaOptions = {}): Promise<RealKafka> {
  const kafka = await startRealKafka(opts)
  t.teardown(async () => {
    if (!t.passing()) t.comment(kafka.logTail(40))
    await kafka.stop()
  })
  return kafka
}
