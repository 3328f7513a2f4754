// The vocabulary of Kafka's configuration model as DescribeConfigs reports it: a config's type, where its value
// came from, and how a value is checked. The numbers are the wire values of DescribeConfigsResponse.ConfigType,
// ConfigSource (org.apache.kafka.common.requests.DescribeConfigsResponse) and ConfigResource.Type.

/** DescribeConfigsResponse.ConfigSource: where the effective value of a config comes from, most specific first. */
export const ConfigSource = {
  UNKNOWN: 0,
  /** A topic override (CreateTopics configs, AlterConfigs on a TOPIC resource). */
  DYNAMIC_TOPIC_CONFIG: 1,
  /** Set on one broker at run time (AlterConfigs on BROKER "0"). */
  DYNAMIC_BROKER_CONFIG: 2,
  /** Set for all brokers at run time (AlterConfigs on BROKER ""). */
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  /** From the broker's startup configuration (server.properties; here FakeCluster's `brokerConfigs`). */
  STATIC_BROKER_CONFIG: 4,
  /** Kafka's built-in default. */
  DEFAULT_CONFIG: 5
} as const
export type ConfigSourceCode = typeof ConfigSource[keyof typeof ConfigSource]

/** DescribeConfigsResponse.ConfigType (KIP-336): the value's data type, reported from DescribeConfigs v3. */
export const ConfigType = { UNKNOWN: 0, BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9 } as const
export type ConfigTypeName = Exclude<keyof typeof ConfigType, 'UNKNOWN'>

/** ConfigResource.Type: what a DescribeConfigs/AlterConfigs resource names. */
export const ResourceType = { UNKNOWN: 0, TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, CLIENT_METRICS: 16, GROUP: 32 } as const

/** One configuration key: its type, its default as Kafka prints it (null: none), and how values are checked. */
export interface ConfigDef {
  readonly name: string
  readonly type: ConfigTypeName
  readonly defaultValue: string | null
  /** Inclusive numeric bounds (ConfigDef.Range); either may be absent. */
  readonly min?: number
  readonly max?: number
  /** The values a STRING may take, or each element of a LIST (ConfigDef.ValidString / ValidList). */
  readonly oneOf?: readonly string[]
  /** A further rule that Range cannot say ("[1,...,9] or -1"); returns the reason a value is refused. */
  readonly check?: (value: number) => string | undefined
  readonly doc: string
}

const INT_MIN = -(2 ** 31)
const INT_MAX = 2 ** 31 - 1
const LONG_MIN = -(2n ** 63n)
const LONG_MAX = 2n ** 63n - 1n

/**
 * Why `value` is not a valid setting of `def`, in the words of Kafka's ConfigException ("Invalid value abc for
 * configuration retention.ms: Not a number of type LONG"), or undefined when it is valid. Kafka trims values
 * before parsing them (ConfigDef.parseType), so we do too.
 */
export function validateValue (def: ConfigDef, raw: string): string | undefined {
  const value = raw.trim()
  const invalid = (why: string): string => `Invalid value ${raw} for configuration ${def.name}: ${why}`
  switch (def.type) {
    case 'BOOLEAN':
      return /^(true|false)$/i.test(value) ? undefined : invalid('Expected value to be either true or false')
    case 'INT':
    case 'SHORT':
    case 'LONG': {
      if (!/^[+-]?\d+$/.test(value)) return invalid(`Not a number of type ${def.type}`)
      const n = BigInt(value)
      const [lo, hi] = def.type === 'LONG' ? [LONG_MIN, LONG_MAX] : def.type === 'INT' ? [BigInt(INT_MIN), BigInt(INT_MAX)] : [-32768n, 32767n]
      if (n < lo || n > hi) return invalid(`Not a number of type ${def.type}`)
      return rangeError(def, Number(n), invalid)
    }
    case 'DOUBLE': {
      const n = Number(value)
      if (value === '' || Number.isNaN(n)) return invalid('Not a number of type DOUBLE')
      return rangeError(def, n, invalid)
    }
    case 'LIST': {
      if (def.oneOf === undefined) return undefined
      const items = value === '' ? [] : value.split(',').map(s => s.trim())
      const bad = items.find(i => !def.oneOf!.includes(i))
      return bad === undefined ? undefined : invalid(`String must be one of: ${def.oneOf.join(', ')}`)
    }
    default:
      if (def.oneOf !== undefined && !def.oneOf.includes(value)) return invalid(`String must be one of: ${def.oneOf.join(', ')}`)
      return undefined
  }
}

function rangeError (def: ConfigDef, n: number, invalid: (why: string) => string): string | undefined {
  if (def.check !== undefined) {
    const why = def.check(n)
    return why === undefined ? undefined : invalid(why)
  }
  if (def.min !== undefined && n < def.min) return invalid(`Value must be at least ${def.min}`)
  if (def.max !== undefined && n > def.max) return invalid(`Value must be no more than ${def.max}`)
  return undefined
}
