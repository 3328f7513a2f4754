// `kafka-direct fake-broker`: runs a fake Kafka cluster (tools/fake-broker) until SIGINT or SIGTERM. The first
// line on stdout is the bootstrap list alone, so scripts can read it:
//   BOOTSTRAP=$(kafka-direct fake-broker --topic t:3 | head -1)
// With --verbose every request is logged on stderr (API, version, client id, topic-partitions, error codes).
import { parseArgs } from 'node:util'
import { createInterface } from 'node:readline'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, KafkaDirectError } from '../../../protocol/errors.js'
import { FakeCluster, type FakeClusterOptions } from '../../fake-broker/index.js'
import { CONTROL_HELP, runControlCommand } from '../../fake-broker/control-commands.js'
import { reclaimRequestBuffers } from '../../fake-broker/reclaim-buffers.js'
import { MIGRATION_POLICIES } from '../../fake-broker/group-migration.js'

/** Where the command writes and what stops it; tests pass their own. */
export interface FakeBrokerIo {
  stdout?: { write: (s: string) => unknown }
  stderr?: { write: (s: string) => unknown }
  /** Stops the cluster when aborted; by default SIGINT and SIGTERM do. */
  signal?: AbortSignal
  /** Called once the cluster is up (tests use it to reach the cluster). */
  onStart?: (cluster: FakeCluster) => void
  /** Where --control reads commands from (default process.stdin). */
  stdin?: NodeJS.ReadableStream
}

const USAGE = `Usage: kafka-direct fake-broker [--brokers N] [--topic NAME:PARTITIONS ...] [--port P] [--data DIR]
                                [--verbose] [--auto-create] [--default-partitions N]
                                [--sasl-user NAME:PASSWORD ...] [--sasl-mechanisms LIST]
                                [--oauthbearer-required-scope LIST]
                                [--listener PROTOCOL://:PORT ...] [--tls-cert PEM --tls-key PEM]
                                [--tls-ca-out FILE] [--first-broker-id N] [--advertised-host HOST]
                                [--cluster-id ID] [--authorizer] [--super-users 'User:a;User:b']
                                [--allow-everyone-if-no-acl-found]
                                [--group-consumer-migration-policy POLICY] [--override NAME=VALUE ...]
                                [--racks RACK,RACK,...]

Runs a fake Kafka cluster on 127.0.0.1 until SIGINT/SIGTERM; prints the bootstrap list as the first line.
  --brokers N              number of brokers (default 1), listening on P, P+1, ...
  --topic NAME:PARTITIONS  create a topic (repeatable); NAME alone means 1 partition;
                           NAME:PARTITIONS:logAppend uses LogAppendTime timestamps
  --port P                 first broker's port (default 0: any free port)
  --data DIR               keep topics, logs and committed offsets in DIR across restarts
  --verbose                log every request on stderr
  --auto-create            create unknown topics on Metadata and Produce
  --default-partitions N   partitions of auto-created topics (default 1)
  --rebalance-delay MS     group.initial.rebalance.delay.ms (default 0)
  --reassignment-delay MS a partition reassignment stays in progress at least MS (default 0)
  --max-partitions N       partitions the cluster may hold in all (default 100000)
  --control                read fault-injection commands from stdin (see below)
  --sasl-user NAME:PASSWORD  require SASL authentication (a SASL_PLAINTEXT listener); repeatable
  --sasl-mechanisms LIST   enabled mechanisms (default PLAIN,SCRAM-SHA-256,SCRAM-SHA-512); OAUTHBEARER
                           checks unsecured JWS tokens as Kafka's default validator (no --sasl-user needed)
  --oauthbearer-required-scope LIST  scope items every OAUTHBEARER token must carry (comma-separated)
  --listener PROTOCOL://:PORT  a listener on every broker (repeatable): PLAINTEXT, SSL, SASL_PLAINTEXT or
                           SASL_SSL; PORT is the first broker's (0: free ports), broker i takes
                           PORT + i * (number of listeners). Clients get the addresses of the listener they
                           use. The first line printed lists the first listener; stderr lists them all.
                           Without --listener: one PLAINTEXT (or SASL_PLAINTEXT) listener on --port
  --tls-cert FILE, --tls-key FILE  PEM certificate and key for SSL listeners; without them a self-signed
                           certificate is generated and written to --tls-ca-out (default a file in the
                           temporary directory, named on stderr) for clients to trust
  --first-broker-id N      id of the first broker (default 1)
  --advertised-host HOST   host name advertised in Metadata (default 127.0.0.1; brokers bind 127.0.0.1)
  --cluster-id ID          a fixed cluster id
  --authorizer             enforce ACLs as Kafka's StandardAuthorizer (SASL users are User:NAME, others
                           User:ANONYMOUS); manage them with \`kafka-direct acls\`
  --super-users LIST       super.users, separated by ';' (implies --authorizer)
  --allow-everyone-if-no-acl-found  allow what no ACL covers (implies --authorizer)
  --group-consumer-migration-policy POLICY  group.consumer.migration.policy: which way a group with members
                           may change protocol (KIP-848 <-> classic): bidirectional (default), upgrade,
                           downgrade or disabled
  --override NAME=VALUE    a static broker config, as in server.properties (repeatable), e.g.
                           log.retention.ms=60000 or producer.id.expiration.ms=10000; DescribeConfigs reports
                           it as STATIC_BROKER_CONFIG
  --racks LIST             broker.rack of each broker, comma-separated in broker order (KIP-392; with
                           --override replica.selector.class=org.apache.kafka.common.replica.RackAwareReplicaSelector
                           a consumer with client.rack reads from a replica in its rack)

${CONTROL_HELP}
`

export async function run (argv: string[], io: FakeBrokerIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout
  const stderr = io.stderr ?? process.stderr
  let opts: CliOptions
  try {
    opts = parseOptions(argv, line => { stderr.write(`${line}\n`) })
  } catch (err) {
    if (err instanceof HelpRequested) { stdout.write(USAGE); return 0 }
    stderr.write(`kafka-direct fake-broker: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`)
    return 2
  }
  let cluster: FakeCluster
  try {
    cluster = await FakeCluster.start(opts)
  } catch (err) {
    // A --data directory that cannot be used (under a regular file, on /proc, unreadable) is the user's to fix:
    // one line saying what and why, no stack trace.
    if (!(err instanceof KafkaDirectError)) throw err
    stderr.write(`kafka-direct fake-broker: ${err.message.split('\n')[0]}\n`)
    return 1
  }
  stdout.write(`${cluster.bootstrap}\n`)
  // As a process of its own only (a test that runs the command in its own process passes io.signal).
  const stopReclaiming = io.signal === undefined ? reclaimRequestBuffers() : undefined
  let caFile: string | undefined
  if (cluster.tlsCa !== undefined) {
    caFile = opts.tlsCaOut ?? join(tmpdir(), `kafka-direct-fake-broker-${process.pid}-ca.pem`)
    writeFileSync(caFile, cluster.tlsCa)
    stderr.write(`fake-broker: CA certificate of the SSL listeners: ${caFile}\n`)
  }
  if (cluster.listeners.length > 1 || opts.listeners !== undefined) {
    for (const l of cluster.listeners) stderr.write(`fake-broker: listener ${l.name} ${cluster.bootstrapFor(l.name)}\n`)
  }
  io.onStart?.(cluster)
  let lines: ReturnType<typeof createInterface> | undefined
  if (opts.control) {
    // Commands run one at a time, in order, so a script can wait for each answer before its next step.
    lines = createInterface({ input: io.stdin ?? process.stdin, terminal: false })
    let queue = Promise.resolve()
    lines.on('line', line => {
      if (line.trim() === '') return
      queue = queue.then(async () => {
        try {
          stdout.write(`${await runControlCommand(cluster, line)}\n`)
        } catch (err) {
          if (!(err instanceof KafkaDirectError)) throw err
          stdout.write(`error ${err.message.split('\n')[0]}\n`)
        }
      })
    })
  }
  await new Promise<void>(resolve => {
    if (io.signal !== undefined) {
      if (io.signal.aborted) resolve()
      else io.signal.addEventListener('abort', () => { resolve() }, { once: true })
      return
    }
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  // A signal stops the broker even while --control's stdin stays open: reading it would otherwise keep the
  // process alive after everything else has closed.
  lines?.close()
  if (opts.control && io.stdin === undefined) process.stdin.destroy()
  stopReclaiming?.()
  await cluster.stop()
  // A CA file we chose the name of is ours to remove; one the user named stays for them.
  if (caFile !== undefined && opts.tlsCaOut === undefined) rmSync(caFile, { force: true })
  if (opts.verbose === true) stderr.write('fake-broker: stopped\n')
  return 0
}

class HelpRequested extends Error {}

type CliOptions = FakeClusterOptions & { control: boolean, tlsCaOut?: string }

function parseOptions (argv: string[], log: (line: string) => void): CliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      brokers: { type: 'string', default: '1' },
      topic: { type: 'string', multiple: true, default: [] },
      port: { type: 'string', default: '0' },
      data: { type: 'string' },
      verbose: { type: 'boolean', short: 'v', default: false },
      'auto-create': { type: 'boolean', default: false },
      'default-partitions': { type: 'string', default: '1' },
      'rebalance-delay': { type: 'string', default: '0' },
      'reassignment-delay': { type: 'string', default: '0' },
      'max-partitions': { type: 'string', default: '100000' },
      control: { type: 'boolean', default: false },
      'sasl-user': { type: 'string', multiple: true, default: [] },
      'sasl-mechanisms': { type: 'string' },
      'oauthbearer-required-scope': { type: 'string' },
      listener: { type: 'string', multiple: true, default: [] },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-ca-out': { type: 'string' },
      'first-broker-id': { type: 'string', default: '1' },
      'advertised-host': { type: 'string' },
      'cluster-id': { type: 'string' },
      authorizer: { type: 'boolean', default: false },
      'super-users': { type: 'string' },
      'allow-everyone-if-no-acl-found': { type: 'boolean', default: false },
      'group-consumer-migration-policy': { type: 'string', default: 'bidirectional' },
      override: { type: 'string', multiple: true, default: [] },
      racks: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help === true) throw new HelpRequested()
  const topics = (values.topic ?? []).map(spec => {
    const [name, partitions = '1', ts] = spec.split(':')
    if (ts !== undefined && ts !== 'create' && ts !== 'logAppend') throw new ConfigError('--topic', `timestamp type must be create or logAppend, got ${ts}`)
    return { name, partitions: integer('--topic', partitions, 1), timestampType: (ts ?? 'create') as 'create' | 'logAppend' }
  })
  const users: Record<string, string> = {}
  for (const spec of values['sasl-user'] ?? []) {
    const at = spec.indexOf(':')
    if (at <= 0) throw new ConfigError('--sasl-user', `expected NAME:PASSWORD, got ${JSON.stringify(spec)}`)
    users[spec.slice(0, at)] = spec.slice(at + 1)
  }
  const mechanisms = values['sasl-mechanisms']?.split(',').map(m => m.trim()).filter(m => m !== '')
  // OAUTHBEARER needs no users (tokens name their principal); the other mechanisms check passwords.
  if (mechanisms !== undefined && Object.keys(users).length === 0 && mechanisms.some(m => m.toUpperCase() !== 'OAUTHBEARER')) {
    throw new ConfigError('--sasl-mechanisms', 'needs at least one --sasl-user')
  }
  const requiredScope = values['oauthbearer-required-scope']?.split(',').map(s => s.trim()).filter(s => s !== '')
  if (requiredScope !== undefined && !(mechanisms ?? []).some(m => m.toUpperCase() === 'OAUTHBEARER')) {
    throw new ConfigError('--oauthbearer-required-scope', 'needs --sasl-mechanisms with OAUTHBEARER')
  }
  const listeners = values.listener ?? []
  if (listeners.length > 0 && values.port !== '0') throw new ConfigError('--port', 'give the ports in --listener instead')
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new ConfigError('--tls-cert', '--tls-cert and --tls-key go together')
  const tls = values['tls-cert'] === undefined ? undefined : { cert: readPem('--tls-cert', values['tls-cert']), key: readPem('--tls-key', values['tls-key']!) }
  if (tls !== undefined && values['tls-ca-out'] !== undefined) throw new ConfigError('--tls-ca-out', 'only for a generated certificate (without --tls-cert)')
  const superUsers = values['super-users']?.split(';').map(u => u.trim()).filter(u => u !== '')
  const allowEveryone = values['allow-everyone-if-no-acl-found'] === true
  const authorizer = values.authorizer === true || superUsers !== undefined || allowEveryone
    ? { superUsers: superUsers ?? [], allowEveryoneIfNoAclFound: allowEveryone }
    : undefined
  const brokerConfigs: Record<string, string> = {}
  for (const spec of values.override ?? []) {
    const at = spec.indexOf('=')
    if (at <= 0) throw new ConfigError('--override', `expected NAME=VALUE, got ${JSON.stringify(spec)}`)
    brokerConfigs[spec.slice(0, at).trim()] = spec.slice(at + 1).trim()
  }
  const policy = MIGRATION_POLICIES.find(p => p === values['group-consumer-migration-policy']!.toLowerCase())
  if (policy === undefined) throw new ConfigError('--group-consumer-migration-policy', `expected one of ${MIGRATION_POLICIES.join(', ')}, got ${JSON.stringify(values['group-consumer-migration-policy'])}`)
  return {
    authorizer,
    brokers: integer('--brokers', values.brokers!, 1),
    listeners: listeners.length === 0 ? undefined : listeners,
    tls,
    tlsCaOut: values['tls-ca-out'],
    firstBrokerId: integer('--first-broker-id', values['first-broker-id']!, 0),
    advertisedHost: values['advertised-host'],
    clusterId: values['cluster-id'],
    sasl: Object.keys(users).length === 0 && mechanisms === undefined ? undefined : { users, mechanisms, oauthbearer: requiredScope === undefined ? undefined : { requiredScope } },
    topics,
    port: listeners.length > 0 ? undefined : integer('--port', values.port!, 0),
    dataDir: values.data,
    verbose: values.verbose,
    autoCreateTopics: values['auto-create'],
    defaultPartitions: integer('--default-partitions', values['default-partitions']!, 1),
    groupInitialRebalanceDelayMs: integer('--rebalance-delay', values['rebalance-delay']!, 0),
    reassignmentDelayMs: integer('--reassignment-delay', values['reassignment-delay']!, 0),
    maxPartitions: integer('--max-partitions', values['max-partitions']!, 1),
    groupConsumerMigrationPolicy: policy,
    brokerConfigs: Object.keys(brokerConfigs).length === 0 ? undefined : brokerConfigs,
    racks: values.racks?.split(',').map(r => r.trim()),
    log,
    control: values.control === true
  }
}

function integer (key: string, text: string, min: number): number {
  const n = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) throw new ConfigError(key, `expected an integer >= ${min}, got ${JSON.stringify(text)}`)
  return n
}

function readPem (key: string, file: string): Buffer {
  try {
    return readFileSync(file)
  } catch (err) {
    throw new ConfigError(key, `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}
