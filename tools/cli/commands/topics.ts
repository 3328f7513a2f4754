import { Admin } from '../../../consumer/admin/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { UsageError } from '../usage-error.js'

// `kafka-direct topics`: Kafka's kafka-topics.sh over the Admin client, with its flags and output, so that
// instructions written for Kafka's tool work here:
//   kafka-direct topics --bootstrap-server HOST:PORT --create --topic T --partitions N --replication-factor R --config k=v
//   kafka-direct topics --bootstrap-server HOST:PORT --list | --describe [--topic T] | --alter --topic T --partitions N | --delete --topic T

const USAGE = 'usage: kafka-direct topics --bootstrap-server BROKERS (--list | --describe [--topic T] | --create --topic T ' +
  '[--partitions N] [--replication-factor R] [--config K=V ...] | --alter --topic T --partitions N | --delete --topic T)\n'

export interface Io { stdout: { write: (s: string) => unknown }, stderr: { write: (s: string) => unknown } }

interface TopicsArgs {
  bootstrap: string
  action: 'list' | 'describe' | 'create' | 'alter' | 'delete'
  topic?: string
  partitions?: number
  replicationFactor?: number
  configs: Record<string, string>
}

export function parseTopicsArgs (argv: readonly string[]): TopicsArgs {
  const a: Partial<TopicsArgs> & { configs: Record<string, string> } = { configs: {} }
  const actions: Array<TopicsArgs['action']> = []
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`)
      return v
    }
    const int = (): number => {
      const v = value()
      if (!/^-?\d+$/.test(v)) throw new UsageError(`${flag} must be an integer, got ${v}`)
      return Number(v)
    }
    switch (flag) {
      case '--bootstrap-server': case '-b': a.bootstrap = value(); break
      case '--list': case '--describe': case '--create': case '--alter': case '--delete': actions.push(flag.slice(2) as TopicsArgs['action']); break
      case '--topic': case '-t': a.topic = value(); break
      case '--partitions': a.partitions = int(); break
      case '--replication-factor': a.replicationFactor = int(); break
      case '--config': {
        const kv = value()
        const eq = kv.indexOf('=')
        if (eq <= 0) throw new UsageError(`--config takes KEY=VALUE, got ${kv}`)
        a.configs[kv.slice(0, eq)] = kv.slice(eq + 1)
        break
      }
      default: throw new UsageError(`unknown option ${flag}\n${USAGE}`)
    }
  }
  if (a.bootstrap === undefined) throw new UsageError(`--bootstrap-server is required\n${USAGE}`)
  // kafka-topics.sh: "Command must include exactly one action: --list, --describe, --create, --alter or --delete".
  if (actions.length !== 1) throw new UsageError(`Command must include exactly one action: --list, --describe, --create, --alter or --delete\n${USAGE}`)
  a.action = actions[0]
  if (a.action !== 'list' && a.action !== 'describe' && a.topic === undefined) throw new UsageError(`--${a.action} needs --topic\n${USAGE}`)
  if (a.action === 'alter' && a.partitions === undefined) throw new UsageError('--alter needs --partitions')
  return a as TopicsArgs
}

export async function run (argv: string[], io: Io = process): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) { io.stdout.write(USAGE); return 0 }
  const args = parseTopicsArgs(argv)
  const admin = await Admin.connect({ 'bootstrap.servers': args.bootstrap, 'client.id': 'kafka-direct-topics' })
  // kafka-topics.sh's words for a failed call, then exit 1.
  const failed = (message: string): number => { io.stderr.write(`Error while executing topic command : ${message}\n`); return 1 }
  try {
    switch (args.action) {
      case 'list':
        for (const name of await admin.listTopics()) io.stdout.write(`${name}\n`)
        return 0
      case 'create': {
        const [r] = await admin.createTopics([{ name: args.topic!, partitions: args.partitions, replicationFactor: args.replicationFactor, configs: args.configs }])
        if (r.error !== null) return failed(r.error.message)
        io.stdout.write(`Created topic ${args.topic!}.\n`)
        return 0
      }
      case 'alter': {
        const [r] = await admin.createPartitions({ [args.topic!]: args.partitions! })
        return r.error === null ? 0 : failed(r.error.message)
      }
      case 'delete': {
        const [r] = await admin.deleteTopics([args.topic!])
        return r.error === null ? 0 : failed(r.error.message)
      }
      case 'describe': return await describe(admin, args.topic, io, failed)
    }
  } finally {
    await admin.close()
  }
}

/** kafka-topics.sh --describe: a topic line (with its overridden configs), then a line per partition. */
async function describe (admin: Admin, topic: string | undefined, io: Io, failed: (m: string) => number): Promise<number> {
  const names = topic === undefined ? await admin.listTopics() : [topic]
  if (names.length === 0) return 0
  const topics = await admin.describeTopics(names)
  const missing = topics.find(t => t.errorCode !== ErrorCode.NONE)
  if (missing !== undefined) return failed(`Topic '${missing.name}' does not exist as expected`)
  const configs = await admin.describeConfigs(names.map(name => ({ type: 'topic' as const, name })))
  for (const [i, t] of topics.entries()) {
    const overrides = configs[i].entries.filter(e => e.source === 'DYNAMIC_TOPIC_CONFIG').map(e => `${e.name}=${e.value ?? ''}`).join(',')
    io.stdout.write(`Topic: ${t.name}\tTopicId: ${t.topicId}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${t.partitions[0]?.replicas.length ?? 0}\tConfigs: ${overrides}\n`)
    for (const p of t.partitions) {
      const offline = p.offlineReplicas.length > 0 ? `\tOffline: ${p.offlineReplicas.join(',')}` : ''
      io.stdout.write(`\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader < 0 ? 'none' : p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}${offline}\n`)
    }
  }
  return 0
}
