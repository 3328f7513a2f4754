import { Admin } from '../../../consumer/admin/index.js'
import { UsageError } from '../usage-error.js'
import type { Io } from './topics.js'

// `kafka-direct log-dirs`: Kafka's kafka-log-dirs.sh --describe over the Admin client (DescribeLogDirs), with its
// flags and output: two progress lines, then one JSON document with each broker's directories and the partitions
// in them (size, offset lag, whether a future log).
//   kafka-direct log-dirs --bootstrap-server B --describe [--broker-list 1,2] [--topic-list a,b]

const USAGE = 'usage: kafka-direct log-dirs --bootstrap-server BROKERS --describe [--broker-list ID,...] [--topic-list TOPIC,...]\n'

interface LogDirsArgs { bootstrap: string, brokers: number[] | undefined, topics: string[] | undefined }

export function parseLogDirsArgs (argv: readonly string[]): LogDirsArgs {
  let bootstrap: string | undefined
  let describe = false
  let brokers: number[] | undefined
  let topics: string[] | undefined
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`)
      return v
    }
    switch (flag) {
      case '--bootstrap-server': case '-b': bootstrap = value(); break
      case '--describe': describe = true; break
      case '--broker-list': brokers = value().split(',').filter(s => s !== '').map(s => {
        if (!/^\d+$/.test(s)) throw new UsageError(`--broker-list takes broker ids, got ${s}`)
        return Number(s)
      }); break
      case '--topic-list': topics = value().split(',').filter(s => s !== ''); break
      default: throw new UsageError(`unknown option ${flag}\n${USAGE}`)
    }
  }
  if (bootstrap === undefined) throw new UsageError(`--bootstrap-server is required\n${USAGE}`)
  if (!describe) throw new UsageError(`--describe is required (the only action kafka-log-dirs has)\n${USAGE}`)
  return { bootstrap, brokers, topics }
}

export async function run (argv: string[], io: Io = process): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) { io.stdout.write(USAGE); return 0 }
  const args = parseLogDirsArgs(argv)
  const admin = await Admin.connect({ 'bootstrap.servers': args.bootstrap, 'client.id': 'kafka-direct-log-dirs' })
  try {
    io.stdout.write('Querying brokers for log directories information\n')
    const brokers = args.brokers ?? (await admin.describeCluster()).brokers.map(b => b.nodeId).sort((a, b) => a - b)
    const dirs = await admin.describeLogDirs(brokers)
    io.stdout.write(`Received log directory information from brokers ${brokers.join(',')}\n`)
    const wanted = args.topics === undefined ? undefined : new Set(args.topics)
    const doc = {
      brokers: brokers.map(broker => ({
        broker,
        logDirs: dirs.filter(d => d.broker === broker).map(d => ({
          partitions: d.partitions.filter(p => wanted === undefined || wanted.has(p.topic)).map(p => ({
            partition: `${p.topic}-${p.partition}`, size: Number(p.size), offsetLag: Number(p.offsetLag), isFuture: p.isFuture
          })),
          error: d.error?.errorName ?? null,
          logDir: d.logDir
        }))
      })),
      version: 1
    }
    io.stdout.write(`${JSON.stringify(doc)}\n`)
    return 0
  } finally {
    await admin.close()
  }
}
