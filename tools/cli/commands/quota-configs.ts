import { Admin, type QuotaEntity, type QuotaEntityType, type QuotaFilterComponent } from '../../../consumer/admin/index.js'
import { UsageError } from '../usage-error.js'
import type { Io } from './topics.js'

// `kafka-direct configs` for client quotas, as kafka-configs.sh (ConfigCommand) handles users, clients and ips:
//   kafka-direct configs -b B --entity-type users --entity-name alice --alter --add-config producer_byte_rate=1024
//   kafka-direct configs -b B --entity-type users --entity-name alice --entity-type clients --entity-default --describe
//   kafka-direct configs -b B --user alice --client app --alter --delete-config consumer_byte_rate
// --entity-default, --user-defaults, --client-defaults and --ip-defaults name the default entity; describing a type
// without a name lists every entity of that type. Output lines and messages are kafka-configs.sh's.

const USAGE = 'usage: kafka-direct configs --bootstrap-server BROKERS (--entity-type users|clients|ips (--entity-name NAME | --entity-default)]... | ' +
  '--user U | --user-defaults | --client C | --client-defaults | --ip IP | --ip-defaults) (--describe | --alter [--add-config K=V,...] [--delete-config K,...])\n'

const CONFIG_TYPES: Record<string, QuotaEntityType> = { users: 'user', clients: 'client-id', ips: 'ip' }
const SHORTCUTS: Record<string, [string, boolean]> = {
  '--user': ['users', true], '--client': ['clients', true], '--ip': ['ips', true],
  '--user-defaults': ['users', false], '--client-defaults': ['clients', false], '--ip-defaults': ['ips', false]
}
const QUOTA_KEYS: Record<string, readonly string[]> = {
  users: ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate'],
  clients: ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate'],
  ips: ['connection_creation_rate']
}

export interface QuotaConfigsArgs {
  bootstrap: string
  /** Entity types (kafka-configs names: users, clients, ips) with their names; '' the default, undefined any. */
  entities: Array<{ type: string, name: string | undefined }>
  action: 'describe' | 'alter'
  add: Record<string, number>
  remove: string[]
}

/** Whether the command line is about quota entities (users, clients, ips) rather than topics or brokers. */
export function isQuotaCommand (argv: readonly string[]): boolean {
  return argv.some((a, i) => a in SHORTCUTS || (a === '--entity-type' && (argv[i + 1] ?? '') in CONFIG_TYPES))
}

export function parseQuotaConfigsArgs (argv: readonly string[], parseAddConfig: (text: string) => Record<string, string>): QuotaConfigsArgs {
  let bootstrap: string | undefined
  const types: string[] = []
  const names: Array<string | undefined> = []
  let generic = false
  let shortcut = false
  const actions: string[] = []
  const added: Record<string, string> = {}
  const remove: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`)
      return v
    }
    if (flag in SHORTCUTS) {
      const [type, named] = SHORTCUTS[flag]
      types.push(type)
      names.push(named ? value() : '')
      shortcut = true
      continue
    }
    switch (flag) {
      case '--bootstrap-server': case '-b': bootstrap = value(); break
      case '--entity-type': types.push(value()); generic = true; break
      case '--entity-name': names.push(value()); generic = true; break
      case '--entity-default': names.push(''); generic = true; break
      case '--describe': case '--alter': actions.push(flag.slice(2)); break
      case '--add-config': Object.assign(added, parseAddConfig(value())); break
      case '--delete-config': remove.push(...value().split(',').filter(s => s !== '')); break
      default: throw new UsageError(`unknown option ${flag}\n${USAGE}`)
    }
  }
  if (bootstrap === undefined) throw new UsageError(`--bootstrap-server is required\n${USAGE}`)
  if (actions.length !== 1) throw new UsageError(`Command must include exactly one action: --describe, --alter\n${USAGE}`)
  if (generic && shortcut) throw new UsageError('--entity-{type,name,default} should not be used in conjunction with specific entity flags')
  const duplicates = types.filter((t, i) => types.indexOf(t) !== i)
  if (duplicates.length > 0) throw new UsageError(`Duplicate entity type(s) specified: ${duplicates.join(',')}`)
  for (const t of types) if (!(t in CONFIG_TYPES)) throw new UsageError(`Invalid entity type ${t}: quotas are set on users, clients and ips (topics and brokers go alone)`)
  if (types.length > 1 && !(types.length === 2 && types.includes('users') && types.includes('clients'))) throw new UsageError('Only \'users\' and \'clients\' entity types may be specified together')
  if (names.length > types.length) throw new UsageError('More entity names specified than entity types')
  const action = actions[0] as 'describe' | 'alter'
  if (action === 'alter') {
    if (names.length !== types.length) throw new UsageError('Exactly one entity name must be specified for every entity type')
    if (Object.keys(added).length === 0 && remove.length === 0) throw new UsageError('--alter needs --add-config or --delete-config')
    const allowed = QUOTA_KEYS[types[0]]
    const unexpected = [...Object.keys(added), ...remove].filter(k => !allowed.includes(k))
    if (unexpected.length > 0) throw new UsageError(`Only quota configs can be changed for '${types[0]}' here. Unexpected config names: ${unexpected.join(',')}`)
  }
  const add: Record<string, number> = {}
  for (const [key, text] of Object.entries(added)) {
    const n = Number(text)
    if (text.trim() === '' || Number.isNaN(n)) throw new UsageError(`Cannot parse quota configuration value for ${key}: ${text}`)
    add[key] = n
  }
  return { bootstrap, entities: types.map((type, i) => ({ type, name: names[i] })), action, add, remove }
}

/** A double as Java's Double.toString prints it (1024.0, 1.5E7), as kafka-configs.sh shows quota values. */
export function javaDouble (v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'
  const abs = Math.abs(v)
  if (v === 0 || (abs >= 1e-3 && abs < 1e7)) return Number.isInteger(v) ? `${v}.0` : String(v)
  const [mantissa, exponent] = v.toExponential().split('e')
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`
}

function describeEntity (entity: QuotaEntity): string {
  const part = (type: QuotaEntityType, label: string): string[] => {
    const name = entity[type]
    return name === undefined ? [] : [name === null ? `the default ${label}` : `${label} '${name}'`]
  }
  return [...part('user', 'user-principal'), ...part('client-id', 'client-id'), ...part('ip', 'ip')].join(', ')
}

export async function runQuotaConfigs (argv: string[], io: Io, parseAddConfig: (text: string) => Record<string, string>): Promise<number> {
  const args = parseQuotaConfigsArgs(argv, parseAddConfig)
  const admin = await Admin.connect({ 'bootstrap.servers': args.bootstrap, 'client.id': 'kafka-direct-configs' })
  const components: QuotaFilterComponent[] = args.entities.map(e => ({
    entityType: CONFIG_TYPES[e.type],
    ...(e.name === undefined ? {} : { name: e.name === '' ? null : e.name })
  }))
  const fail = (message: string): number => { io.stderr.write(`Error while executing config command with args '${argv.join(' ')}'\n${message}\n`); return 1 }
  try {
    // kafka-configs.sh asks with ClientQuotaFilter.containsOnly: exactly these entity types.
    const described = await admin.describeClientQuotas({ components, strict: true })
    if (args.action === 'describe') {
      for (const q of described) {
        io.stdout.write(`Quota configs for ${describeEntity(q.entity)} are ${Object.entries(q.values).map(([k, v]) => `${k}=${javaDouble(v)}`).join(', ')}\n`)
      }
      return 0
    }
    // Deleting a key that is not set is refused before anything is sent, as kafka-configs.sh does.
    const current = described[0]?.values ?? {}
    const unset = args.remove.filter(k => !(k in current))
    if (unset.length > 0) return fail(`Invalid config(s): ${unset.join(',')}`)
    const entity: QuotaEntity = {}
    for (const c of components) entity[c.entityType] = c.name ?? null
    const ops: Record<string, number | null> = { ...args.add }
    for (const k of args.remove) ops[k] = null
    const [r] = await admin.alterClientQuotas([{ entity, ops }])
    if (r.error !== null) return fail(r.error.message)
    const head = args.entities[0]
    io.stdout.write(head.name !== ''
      ? `Completed updating config for ${head.type.slice(0, -1)} ${head.name ?? ''}.\n`
      : `Completed updating default config for ${head.type} in the cluster.\n`)
    return 0
  } finally {
    await admin.close()
  }
}
