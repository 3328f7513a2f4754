import { ConfigError } from '../../../protocol/errors.js'
import { UsageError } from '../usage-error.js'
import { defaultConfig, readConfigFile, type ConfigFileEntry } from './config-file.js'
import { parsePackFormat, type PackToken } from './pack-format.js'
import { parseDelimiter } from './delimiter.js'

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
  /** Where a -F / $KCAT_CONFIG / ~/.config/kcat.conf property came from ("path:line"); -X ones are not listed. */
  configOrigin: Record<string, string>
  /** kcat's "% ..." information lines from reading the options (configuration files read), for stderr. */
  notices: string[]
  /** -s key=<pack-str> and -s value=<pack-str> (or -s <pack-str> for both): see pack-format.ts. */
  keyPack: PackToken[] | undefined
  valuePack: PackToken[] | undefined
  /** Whether any -s was given (kcat refuses it outside -C and -G). */
  serdes: boolean
  /** Not -E: the first record that cannot be formatted ends the run. */
  exitOnError: boolean
  /** -P -l: the one file argument is read as stdin is, a message per delimiter. */
  lineMode: boolean
  /** -P -T: each produced message's input is also written to stdout. */
  tee: boolean
  unbuffered: boolean
  verbosity: number
  /** kcat -G: the group of the balanced consumer; its topics are the positional arguments. */
  group: string | undefined
  positional: string[]
}

/** Options that take an argument, as in kcat's optstring. */
const WITH_ARG = new Set(['b', 't', 'p', 'o', 'c', 'f', 'K', 'k', 'D', 'X', 'z', 'H', 'd', 's', 'r', 'm', 'G', 'F'])

/** `env` holds KCAT_CONFIG, KAFKACAT_CONFIG and HOME, read when no -F names a configuration file. */
export function parseOptions (argv: string[], env: NodeJS.ProcessEnv = process.env): KcatOptions {
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
    configOrigin: {},
    notices: [],
    keyPack: undefined,
    valuePack: undefined,
    serdes: false,
    exitOnError: true,
    lineMode: false,
    tee: false,
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
  // kcat applies a configuration file's lines where -F stands among the -X options: the later setting wins.
  const info = (level: number, line: string): void => { if (o.verbosity >= level) o.notices.push(`% ${line}`) }
  const apply = (entries: ConfigFileEntry[]): void => {
    for (const e of entries) { o.config[e.key] = e.value; o.configOrigin[e.key] = e.origin }
  }
  let filesRead = 0
  let searchHome = true
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
        // Delimiters are checked here and read where they are used (delimiter.ts).
        case 'K': parseDelimiter('-K', arg as string); o.keyDelimiter = arg; break
        case 'k': o.fixedKey = arg; break
        case 'D': parseDelimiter('-D', arg as string); o.messageDelimiter = arg as string; break
        case 'z': o.codec = arg; break
        case 'Z': o.nullString = true; break
        case 'u': o.unbuffered = true; break
        // kcat -E: do not exit on non-fatal errors. Broker errors are retried anyway; what is left is -s's records
        // that do not fit their pack-str, which are then reported and skipped.
        case 'E': o.exitOnError = false; break
        case 's': {
          const s = arg as string
          const field = s.startsWith('key=') ? 'key' : s.startsWith('value=') ? 'value' : undefined
          const fmt = field === undefined ? s : s.slice(field.length + 1)
          if (fmt === 'avro') throw new ConfigError('-s', 'avro needs a schema registry (-r), which kafka-direct does not support: use a pack-str (see -s usage)')
          if (field !== 'value') o.keyPack = parsePackFormat('key', fmt)
          if (field !== 'key') o.valuePack = parsePackFormat('value', fmt)
          o.serdes = true
          break
        }
        case 'r': throw new ConfigError('-r', 'schema registry (Avro, -s avro) is not supported by kafka-direct')
        // -d contexts are librdkafka's debug property, checked with the other properties (debug-contexts.ts).
        case 'd': o.config.debug = arg as string; delete o.configOrigin.debug; break
        case 'F': {
          searchHome = false
          if (arg === '-' || arg === 'none') break // kcat: no file, and no search of $HOME either
          info(1, `Reading configuration from file ${arg as string}`)
          apply(readConfigFile(arg as string))
          filesRead++
          break
        }
        case 'l': o.lineMode = true; break
        case 'T': o.tee = true; break
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
          delete o.configOrigin[s.slice(0, eq)]
          break
        }
        // kcat -m <seconds>: how long to wait for the first metadata (default 5): our bootstrap.timeout.ms.
        case 'm':
          o.config['bootstrap.timeout.ms'] = String(parseInteger('-m', arg as string, 1) * 1000)
          delete o.configOrigin['bootstrap.timeout.ms']
          break
        // -G group: kcat's balanced consumer, whatever other mode flag is given (kcat: "-G <group-id> topic1 ...").
        case 'G': o.group = arg; o.mode = 'balanced'; break
        default:
          throw new UsageError(`unknown option -${f}`)
      }
    }
  }
  // Without -F, kcat reads its default configuration after all the options, so that it overrides -X.
  if (filesRead === 0) {
    const found = defaultConfig(env, searchHome)
    if (found.kind === 'env') {
      if (found.variable === 'KAFKACAT_CONFIG') {
        info(1, 'KAFKA_CONFIG is deprecated!')
        info(1, 'Rename KAFKA_CONFIG to KCAT_CONFIG')
      }
      info(1, `Reading configuration from file ${found.path}`)
      apply(readConfigFile(found.path))
    } else if (found.kind === 'home') {
      const [path, old] = found.paths
      const entries = readConfigFile(path, true)
      if (entries !== undefined) {
        info(3, `Reading configuration from file ${path}`)
        apply(entries)
      } else {
        const oldEntries = readConfigFile(old, true)
        if (oldEntries !== undefined) {
          info(3, `Reading configuration from file ${old}`)
          apply(oldEntries)
          info(1, 'Configuration filename kafkacat.conf is deprecated!')
          info(1, `Rename ${old} to ${path}`)
        }
      }
    }
  }
  return o
}

function parseInteger (key: string, s: string, min: number): number {
  if (!/^-?\d+$/.test(s) || Number(s) < min) throw new ConfigError(key, `expected an integer >= ${min}, got "${s}"`)
  return Number(s)
}
