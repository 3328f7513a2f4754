import { Admin, type ConfigEntry, type ConfigResource } from '../../../consumer/admin/index.js'
import { UsageError } from '../usage-error.js'
import type { Io } from './topics.js'
import { isQuotaCommand, runQuotaConfigs } from './quota-configs.js'

// `kafka-direct configs`: Kafka's kafka-configs.sh for topics and brokers over the Admin client, with its flags
// and output:
//   kafka-direct configs --bootstrap-server B --entity-type topics --entity-name T --describe [--all]
//   kafka-direct configs --bootstrap-server B --entity-type brokers --entity-name 1 --alter --add-config k=v,k2=[a,b] --delete-config k3
// --topic T, --broker ID and --broker-defaults are the shortcuts kafka-configs.sh also accepts. --alter uses
// IncrementalAlterConfigs, as kafka-configs.sh does. Quotas (--entity-type users|clients|ips) are quota-configs.ts.

const USAGE = 'usage: kafka-direct configs --bootstrap-server BROKERS (--entity-type topics|brokers --entity-name NAME | ' +
  '--entity-default | --topic T | --broker ID | --broker-defaults) (--describe [--all] | --alter [--add-config K=V,...] [--delete-config K,...])\n'

interface ConfigsArgs {
  bootstrap: string
  resource: ConfigResource
  action: 'describe' | 'alter'
  all: boolean
  add: Record<string, string>
  remove: string[]
}

/** Splits "a=1,b=[x,y]" at commas outside brackets, as kafka-configs.sh reads --add-config; brackets group a list. */
export function parseAddConfig (text: string): Record<string, string> {
  const out: Record<string, string> = {}
  let depth = 0
  let start = 0
  const take = (part: string): void => {
    if (part === '') return
    const eq = part.indexOf('=')
    if (eq <= 0) throw new UsageError(`--add-config takes KEY=VALUE pairs, got ${part}`)
    const v = part.slice(eq + 1)
    out[part.slice(0, eq)] = v.startsWith('[') && v.endsWith(']') ? v.slice(1, -1) : v
  }
  for (let i = 0; i <= text.length; i++) {
    const c = text[i]
    if (c === '[') depth++
    else if (c === ']') depth--
    else if ((c === ',' && depth === 0) || i === text.length) { take(text.slice(start, i)); start = i + 1 }
  }
  return out
}

export function parseConfigsArgs (argv: readonly string[]): ConfigsArgs {
  let bootstrap: string | undefined
  let type: string | undefined
  let name: string | undefined
  const actions: string[] = []
  let all = false
  const add: Record<string, string> = {}
  const remove: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`)
      return v
    }
    switch (flag) {
      case '--bootstrap-server': case '-b': bootstrap = value(); break
      case '--entity-type': type = value(); break
      case '--entity-name': name = value(); break
      case '--entity-default': name = ''; break
      case '--topic': type = 'topics'; name = value(); break
      case '--broker': type = 'brokers'; name = value(); break
      case '--broker-defaults': type = 'brokers'; name = ''; break
      case '--describe': case '--alter': actions.push(flag.slice(2)); break
      case '--all': all = true; break
      case '--add-config': Object.assign(add, parseAddConfig(value())); break
      case '--delete-config': remove.push(...value().split(',').filter(s => s !== '')); break
      default: throw new UsageError(`unknown option ${flag}\n${USAGE}`)
    }
  }
  if (bootstrap === undefined) throw new UsageError(`--bootstrap-server is required\n${USAGE}`)
  if (actions.length !== 1) throw new UsageError(`Command must include exactly one action: --describe, --alter\n${USAGE}`)
  if (type !== 'topics' && type !== 'brokers') throw new UsageError(`--entity-type must be topics or brokers (the fake broker models those), got ${type ?? 'nothing'}\n${USAGE}`)
  if (name === undefined) throw new UsageError(`--entity-name or --entity-default is required\n${USAGE}`)
  if (type === 'topics' && name === '') throw new UsageError('topics have no --entity-default')
  if (actions[0] === 'alter' && Object.keys(add).length === 0 && remove.length === 0) throw new UsageError('--alter needs --add-config or --delete-config')
  return { bootstrap, resource: { type: type === 'topics' ? 'topic' : 'broker', name }, action: actions[0] as 'describe' | 'alter', all, add, remove }
}

export async function run (argv: string[], io: Io = process): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) { io.stdout.write(USAGE); return 0 }
  // Users, clients and ips carry client quotas, served by their own APIs (quota-configs.ts).
  if (isQuotaCommand(argv)) return await runQuotaConfigs(argv, io, parseAddConfig)
  const args = parseConfigsArgs(argv)
  const admin = await Admin.connect({ 'bootstrap.servers': args.bootstrap, 'client.id': 'kafka-direct-configs' })
  const what = args.resource.type === 'topic' ? `topic ${args.resource.name}` : args.resource.name === '' ? 'brokers in the cluster' : `broker ${args.resource.name}`
  try {
    if (args.action === 'alter') {
      const [r] = await admin.incrementalAlterConfigs([{
        ...args.resource,
        ops: [...Object.entries(args.add).map(([name, value]) => ({ name, op: 'set' as const, value })), ...args.remove.map(name => ({ name, op: 'delete' as const }))]
      }])
      if (r.error !== null) { io.stderr.write(`Error while executing config command with args '${argv.join(' ')}'\n${r.error.message}\n`); return 1 }
      io.stdout.write(`Completed updating ${args.resource.name === '' ? 'default config for brokers in the cluster' : `config for ${what}`}.\n`)
      return 0
    }
    const [d] = await admin.describeConfigs([args.resource], { synonyms: true })
    if (d.error !== null) { io.stderr.write(`${d.error.message}\n`); return 1 }
    // Without --all, kafka-configs.sh shows only what is set dynamically for this very resource.
    const dynamic: Array<ConfigEntry['source']> = args.resource.type === 'topic' ? ['DYNAMIC_TOPIC_CONFIG'] : args.resource.name === '' ? ['DYNAMIC_DEFAULT_BROKER_CONFIG'] : ['DYNAMIC_BROKER_CONFIG']
    const shown = args.all ? d.entries : d.entries.filter(e => dynamic.includes(e.source))
    const heading = args.resource.name === '' ? 'Default configs for brokers in the cluster are:' : `${args.all ? 'All' : 'Dynamic'} configs for ${what} are:`
    io.stdout.write(`${heading}\n`)
    for (const e of shown) {
      const synonyms = e.synonyms.map(s => `${s.source}:${s.name}=${s.value ?? 'null'}`).join(', ')
      io.stdout.write(`  ${e.name}=${e.sensitive ? 'null' : e.value ?? 'null'} sensitive=${String(e.sensitive)} synonyms={${synonyms}}\n`)
    }
    return 0
  } finally {
    await admin.close()
  }
}
