import { UsageError } from '../usage-error.js'

// The command line of `kafka-direct groups`, in kafka-consumer-groups.sh's words: one action (--list,
// --describe, --delete, --reset-offsets, --delete-offsets), the groups (--group, repeatable), the partitions
// (--topic T or T:0,1, repeatable, or --all-topics), and for a reset one scenario and --dry-run or --execute.

export const USAGE = 'usage: kafka-direct groups --bootstrap-server BROKERS\n' +
  '  --list [--state [S,...]] [--type [T,...]]\n' +
  '  --describe --group G\n' +
  '  --delete --group G [--group G ...]\n' +
  '  --reset-offsets --group G (--topic T[:P,P...] ... | --all-topics)\n' +
  '      (--to-earliest | --to-latest | --to-datetime YYYY-MM-DDTHH:mm:SS.sss[Z|+hh:mm] | --to-offset N | --shift-by N)\n' +
  '      [--dry-run | --execute]\n' +
  '  --delete-offsets --group G --topic T[:P,P...] [--topic ...]\n' +
  '  [-X key=value ...] client configuration\n'

export type GroupsAction = 'list' | 'describe' | 'delete' | 'reset-offsets' | 'delete-offsets'

export type ResetScenario = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'datetime', timestampMs: bigint } | { kind: 'offset', offset: bigint } | { kind: 'shift', by: bigint }

export interface GroupsArgs {
  bootstrap: string
  action: GroupsAction
  groups: string[]
  /** --topic values: a topic, or a topic and some of its partitions. */
  topics: Array<{ topic: string, partitions: number[] | null }>
  allTopics: boolean
  /** --state / --type: null when not given, [] when given without a value (show the column, filter nothing). */
  states: string[] | null
  types: string[] | null
  reset: ResetScenario | null
  execute: boolean
  dryRun: boolean
  config: Record<string, string>
}

const ACTIONS: readonly GroupsAction[] = ['list', 'describe', 'delete', 'reset-offsets', 'delete-offsets']

export function parseGroupsArgs (argv: readonly string[]): GroupsArgs {
  let bootstrap: string | undefined
  const actions: GroupsAction[] = []
  const a: Omit<GroupsArgs, 'bootstrap' | 'action'> = { groups: [], topics: [], allTopics: false, states: null, types: null, reset: null, execute: false, dryRun: false, config: {} }
  const scenarios: ResetScenario[] = []
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`)
      return v
    }
    // --state and --type take an optional list (kafka-consumer-groups.sh: "--list --state" shows the column).
    const optionalList = (): string[] => argv[i + 1] !== undefined && !argv[i + 1].startsWith('-') ? value().split(',').map(s => s.trim()).filter(s => s !== '') : []
    const long = (): bigint => {
      const v = value()
      if (!/^-?\d+$/.test(v)) throw new UsageError(`${flag} takes a whole number, got ${v}`)
      return BigInt(v)
    }
    switch (flag) {
      case '--bootstrap-server': case '-b': bootstrap = value(); break
      case '--list': actions.push('list'); break
      case '--delete': actions.push('delete'); break
      case '--reset-offsets': actions.push('reset-offsets'); break
      case '--delete-offsets': actions.push('delete-offsets'); break
      case '--describe':
        actions.push('describe')
        // The older `--describe GROUP` form, kept for scripts written for it.
        if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('-')) a.groups.push(value())
        break
      case '--group': a.groups.push(value()); break
      case '--topic': a.topics.push(parseTopic(value())); break
      case '--all-topics': a.allTopics = true; break
      case '--state': a.states = optionalList(); break
      case '--type': a.types = optionalList(); break
      case '--to-earliest': scenarios.push({ kind: 'earliest' }); break
      case '--to-latest': scenarios.push({ kind: 'latest' }); break
      case '--to-datetime': scenarios.push({ kind: 'datetime', timestampMs: parseDateTime(value()) }); break
      case '--to-offset': scenarios.push({ kind: 'offset', offset: long() }); break
      case '--shift-by': scenarios.push({ kind: 'shift', by: long() }); break
      case '--execute': a.execute = true; break
      case '--dry-run': a.dryRun = true; break
      case '-X': {
        const kv = value()
        const eq = kv.indexOf('=')
        if (eq <= 0) throw new UsageError(`-X takes key=value, got "${kv}"`)
        a.config[kv.slice(0, eq)] = kv.slice(eq + 1)
        break
      }
      default: throw new UsageError(`unknown option ${flag}\n${USAGE}`)
    }
  }
  if (bootstrap === undefined) throw new UsageError(`--bootstrap-server is required\n${USAGE}`)
  // Without an action: the list, as this command did before it took Kafka's flags.
  if (actions.length === 0) actions.push('list')
  if (actions.length !== 1) throw new UsageError(`Command must include exactly one action: ${ACTIONS.map(x => `--${x}`).join(', ')}\n${USAGE}`)
  const action = actions[0]
  if (action !== 'list' && a.groups.length === 0) throw new UsageError(`--${action} needs --group\n${USAGE}`)
  if ((action === 'describe' || action === 'reset-offsets' || action === 'delete-offsets') && a.groups.length > 1) throw new UsageError(`--${action} takes one --group`)
  if (action === 'reset-offsets') {
    if (scenarios.length !== 1) throw new UsageError('--reset-offsets needs exactly one of --to-earliest, --to-latest, --to-datetime, --to-offset, --shift-by')
    if ((a.topics.length > 0) === a.allTopics) throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.')
    if (a.execute && a.dryRun) throw new UsageError('--dry-run and --execute exclude each other')
    a.reset = scenarios[0]
  } else if (scenarios.length > 0 || a.execute || a.dryRun || a.allTopics) {
    throw new UsageError('--to-*, --shift-by, --all-topics, --dry-run and --execute go with --reset-offsets')
  }
  if (action === 'delete-offsets' && a.topics.length === 0) throw new UsageError('--delete-offsets needs --topic')
  return { bootstrap, action, ...a }
}

/** "orders" or "orders:0,2" (kafka-consumer-groups.sh's --topic). */
function parseTopic (v: string): { topic: string, partitions: number[] | null } {
  const colon = v.indexOf(':')
  if (colon < 0) return { topic: v, partitions: null }
  const partitions = v.slice(colon + 1).split(',').map(p => {
    if (!/^\d+$/.test(p)) throw new UsageError(`--topic ${v}: partition "${p}" is not a partition number`)
    return Number(p)
  })
  return { topic: v.slice(0, colon), partitions }
}

/**
 * --to-datetime as Kafka's tool reads it (Utils.getDateTime): yyyy-MM-ddTHH:mm:ss.SSS with an optional zone
 * (Z, +hh, +hhmm, +hh:mm); without one, UTC.
 */
export function parseDateTime (v: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(v)
  if (m === null) throw new UsageError(`--to-datetime ${v}: expected YYYY-MM-DDTHH:mm:SS.sss, optionally with a zone (Z, +01:00)`)
  const zone = m[2] === undefined || m[2] === 'Z' ? 'Z' : m[2].length === 3 ? `${m[2]}:00` : m[2].length === 5 ? `${m[2].slice(0, 3)}:${m[2].slice(3)}` : m[2]
  const ms = Date.parse(`${m[1]}${zone}`)
  // Date.parse rolls 2026-02-30 over to March; Kafka's strict parser refuses it: compare the fields back.
  if (Number.isNaN(ms) || new Date(Date.parse(`${m[1]}Z`)).toISOString().slice(0, 23) !== m[1]) throw new UsageError(`--to-datetime ${v}: not a valid date and time`)
  return BigInt(ms)
}
