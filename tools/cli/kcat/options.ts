import { ConfigError } from '../../../protocol/errors.js'
import { UsageError } from '../usage-error.js'

// kcat's command line, parsed the way its getopt does: flags may be grouped (-Ce), an option's argument may be
// attached (-tfoo) or separate (-t foo), and options may repeat where kcat allows it (-t for -Q, -X, -H, -p).

export type Mode = 'list' | 'consume' | 'produce' | 'query' | 'balanced'

export interface KcatOptions {
  mode: Mode | undefined
  brokers: string | undefined
  topics: string[]
  partitions: number[]
  /** kcat -o: beginning | end | stored | N | -N | s@timestamp | e@timestamp */
  offset: string | undefined
  exitAtEnd: boolean
  count: number | undefined
  quiet: boolean
  json: boolean
  format: string | undefined
  keyDelimiter: string | undefined
  messageDelimiter: string
  fixedKey: string | undefined
  codec: string | undefined
  headers: Array<{ key: string, value: string | null }>
  nullString: boolean
  config: Record<string, string>
  unbuffered: boolean
  verbosity: number
  /** kcat -G: the group of the balanced consumer; its topics are the positional arguments. */
  group: string | undefined
  positional: string[]
}

/** Options that take an argument, as in kcat's optstring. */
const WITH_ARG = new Set(['b', 't', 'p', 'o', 'c', 'f', 'K', 'k', 'D', 'X', 'z', 'H', 'd', 's', 'r', 'm', 'G', 'F'])

export function parseOptions (argv: string[]): KcatOptions {
  const o: KcatOptions = {
    mode: undefined,
    brokers: undefined,
    topics: [],
    partitions: [],
    offset: undefined,
    exitAtEnd: false,
    count: undefined,
    quiet: false,
    json: false,
    format: undefined,
    keyDelimiter: undefined,
    messageDelimiter: '\n',
    fixedKey: undefined,
    codec: undefined,
    headers: [],
    nullString: false,
    config: {},
    unbuffered: false,
    verbosity: 1,
    group: undefined,
    positional: []
  }
  const setMode = (m: Mode): void => {
    if (o.mode === 'balanced') return // -G decides the mode, as in kcat
    if (o.mode !== undefined && o.mode !== m) throw new ConfigError(`-${m[0].toUpperCase()}`, 'only one of -C, -P, -L and -Q may be given')
    o.mode = m
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    // kcat has no long options; reading "--frobnicate" as the flags -, f, r ... would blame "-" for the typo.
    if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`)
    if (!a.startsWith('-') || a === '-') { o.positional.push(a); continue }
    for (let j = 1; j < a.length; j++) {
      const f = a[j]
      let arg: string | undefined
      if (WITH_ARG.has(f)) {
        if (j + 1 < a.length) arg = a.slice(j + 1)
        else if (i + 1 < argv.length) arg = argv[++i]
        else throw new UsageError(`option -${f} requires an argument`)
        j = a.length
      }
      switch (f) {
        case 'C': setMode('consume'); break
        case 'P': setMode('produce'); break
        case 'L': setMode('list'); break
        case 'Q': setMode('query'); break
        case 'b': o.brokers = arg; break
        case 't': o.topics.push(arg as string); break
        case 'p': o.partitions.push(parseInteger('-p', arg as string, 0)); break
        case 'o': o.offset = arg; break
        case 'e': o.exitAtEnd = true; break
        case 'c': o.count = parseInteger('-c', arg as string, 0); break
        case 'q': o.quiet = true; o.verbosity = 0; break
        case 'v': o.verbosity++; break
        case 'J': o.json = true; break
        case 'f': o.format = arg; break
        case 'K': o.keyDelimiter = arg; break
        case 'k': o.fixedKey = arg; break
        case 'D': o.messageDelimiter = arg as string; break
        case 'z': o.codec = arg; break
        case 'Z': o.nullString = true; break
        case 'u': o.unbuffered = true; break
        case 'E': break // kcat: do not exit on non-fatal errors; we retry them anyway
        case 'H': {
          const s = arg as string
          const eq = s.indexOf('=')
          o.headers.push(eq < 0 ? { key: s, value: null } : { key: s.slice(0, eq), value: s.slice(eq + 1) })
          break
        }
        case 'X': {
          const s = arg as string
          const eq = s.indexOf('=')
          if (eq <= 0) throw new ConfigError('-X', `expected key=value, got "${s}"`)
          o.config[s.slice(0, eq)] = s.slice(eq + 1)
          break
        }
        // kcat -m <seconds>: how long to wait for the first metadata (default 5): our bootstrap.timeout.ms.
        case 'm': o.config['bootstrap.timeout.ms'] = String(parseInteger('-m', arg as string, 1) * 1000); break
        // -G group: kcat's balanced consumer, whatever other mode flag is given (kcat: "-G <group-id> topic1 ...").
        case 'G': o.group = arg; o.mode = 'balanced'; break
        case 'd': case 's': case 'r': case 'F':
          throw new ConfigError(`-${f}`, 'not supported by kafka-direct')
        default:
          throw new UsageError(`unknown option -${f}`)
      }
    }
  }
  if (o.positional.length > 0 && o.group === undefined) {
    throw new ConfigError(o.positional[0], 'unexpected argument (topics as arguments only with -G; file arguments are not supported)')
  }
  return o
}

function parseInteger (key: string, s: string, min: number): number {
  if (!/^-?\d+$/.test(s) || Number(s) < min) throw new ConfigError(key, `expected an integer >= ${min}, got "${s}"`)
  return Number(s)
}
