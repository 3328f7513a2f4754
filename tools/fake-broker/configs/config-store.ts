import { ErrorCode } from '../../../protocol/error-codes.js'
import { ConfigError } from '../../../protocol/errors.js'
import { BROKER_CONFIG_BY_NAME, BROKER_CONFIGS, type BrokerConfigDef } from './broker-configs.js'
import { ConfigSource, ConfigType, validateValue, type ConfigDef, type ConfigSourceCode } from './config-def.js'
import { TOPIC_CONFIG_BY_NAME, TOPIC_CONFIGS, type TopicConfigDef } from './topic-configs.js'

// Where configs live: topic overrides per topic, dynamic broker configs per broker id ("" is the cluster-wide
// default, as in `kafka-configs --entity-default`), and the static broker configs the cluster was started with.
// A topic's effective value is its override, else the first broker synonym set anywhere (per broker, cluster
// default, static, in that order), else Kafka's default: the precedence DescribeConfigs reports as the synonym list.

/** One row of a DescribeConfigs answer. */
export interface DescribedConfig {
  name: string
  value: string | null
  readOnly: boolean
  configSource: ConfigSourceCode
  isSensitive: boolean
  synonyms: Array<{ name: string, value: string | null, source: ConfigSourceCode }>
  configType: number
  documentation: string | null
}

/** A change to one key: IncrementalAlterConfigs' operations (KIP-339), numbered as on the wire. */
export const ConfigOperation = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const
export interface ConfigChange { name: string, op: number, value: string | null }

/** The outcome of validating or applying configs: 0, or an error code with Kafka's message. */
export interface ConfigResult { errorCode: number, errorMessage: string | null }
const OK: ConfigResult = { errorCode: ErrorCode.NONE, errorMessage: null }
const fail = (errorCode: number, errorMessage: string): ConfigResult => ({ errorCode, errorMessage })

export class ConfigStore {
  private readonly topicOverrides = new Map<string, Map<string, string>>()
  /** By broker id as a string; "" holds the cluster-wide dynamic defaults. */
  private readonly brokerDynamic = new Map<string, Map<string, string>>()

  /** Throws ConfigError for a static broker config with a value Kafka would refuse at startup. */
  constructor (private readonly staticBroker: ReadonlyMap<string, string>, private readonly onChange: () => void = () => {}) {
    for (const [name, value] of staticBroker) {
      const def = BROKER_CONFIG_BY_NAME.get(name)
      const why = def === undefined ? undefined : validateValue(def, value)
      if (why !== undefined) throw new ConfigError('brokerConfigs', why)
    }
  }

  /** The overrides of one topic (what CreateTopics set and AlterConfigs changed). */
  topicOverridesOf (topic: string): ReadonlyMap<string, string> {
    return this.topicOverrides.get(topic) ?? new Map()
  }

  /** The dynamic configs of a broker id, or of the cluster default with "". */
  brokerOverridesOf (brokerId: string): ReadonlyMap<string, string> {
    return this.brokerDynamic.get(brokerId) ?? new Map()
  }

  /** The value a topic runs with, as a string; the key must be a topic config name. */
  topicValue (topic: string, name: string, brokerId: number): string | null {
    return this.describeTopicConfig(TOPIC_CONFIG_BY_NAME.get(name)!, topic, String(brokerId), false, false).value
  }

  /** Checks CreateTopics configs as Kafka does: known names, non-null values, valid values. */
  validateTopicConfigs (configs: ReadonlyArray<{ name: string, value: string | null }>): ConfigResult {
    for (const c of configs) {
      const def = TOPIC_CONFIG_BY_NAME.get(c.name)
      if (def === undefined) return fail(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${c.name}`)
      if (c.value === null) return fail(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${c.name}`)
      const why = validateValue(def, c.value)
      if (why !== undefined) return fail(ErrorCode.INVALID_CONFIG, why)
    }
    return OK
  }

  /** Replaces a topic's overrides (after validateTopicConfigs). */
  setTopicConfigs (topic: string, configs: ReadonlyArray<{ name: string, value: string | null }>): void {
    const m = new Map<string, string>()
    for (const c of configs) if (c.value !== null) m.set(c.name, c.value.trim())
    if (m.size === 0) this.topicOverrides.delete(topic)
    else this.topicOverrides.set(topic, m)
    this.onChange()
  }

  forgetTopic (topic: string): void {
    if (this.topicOverrides.delete(topic)) this.onChange()
  }

  /** Restores saved state (cluster.json). */
  restore (topics: Record<string, Record<string, string>>, brokers: Record<string, Record<string, string>>): void {
    for (const [t, c] of Object.entries(topics)) this.topicOverrides.set(t, new Map(Object.entries(c)))
    for (const [b, c] of Object.entries(brokers)) this.brokerDynamic.set(b, new Map(Object.entries(c)))
  }

  snapshot (): { topics: Record<string, Record<string, string>>, brokers: Record<string, Record<string, string>> } {
    const obj = (m: Map<string, Map<string, string>>): Record<string, Record<string, string>> =>
      Object.fromEntries([...m].map(([k, v]) => [k, Object.fromEntries(v)]))
    return { topics: obj(this.topicOverrides), brokers: obj(this.brokerDynamic) }
  }

  /** DescribeConfigs for a topic: every topic config, or only `keys` (unknown keys are left out, as Kafka does). */
  describeTopic (topic: string, brokerId: number, keys: readonly string[] | null, synonyms: boolean, docs: boolean): DescribedConfig[] {
    // Named keys come back in the order asked, as real Kafka 4.4 answers them.
    const defs = keys === null ? TOPIC_CONFIGS : keys.flatMap(k => TOPIC_CONFIG_BY_NAME.get(k) ?? [])
    return defs.map(d => this.describeTopicConfig(d, topic, String(brokerId), synonyms, docs))
  }

  /** A broker config's value as the broker uses it: its own dynamic value, the cluster default, static, built-in. */
  brokerValue (brokerId: string, name: string): string | null {
    const def = BROKER_CONFIG_BY_NAME.get(name)
    return def === undefined ? null : this.brokerChain(def, brokerId, 1)[0]?.value ?? null
  }

  /**
   * DescribeConfigs for a broker: `brokerId` is the broker's own id (every config, whatever its source) or "" for
   * the cluster default resource (only the configs set there, as Kafka lists them).
   */
  describeBroker (brokerId: string, keys: readonly string[] | null, synonyms: boolean, docs: boolean): DescribedConfig[] {
    if (brokerId === '') {
      const set = this.brokerOverridesOf('')
      return [...set].filter(([k]) => keys === null || keys.includes(k)).map(([name, value]) => {
        const def = BROKER_CONFIG_BY_NAME.get(name)
        return row(def ?? custom(name), value, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, def?.dynamic !== true, synonyms ? [{ name, value, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG }] : [], docs)
      })
    }
    const customNames = [...new Set([...this.brokerOverridesOf(brokerId).keys(), ...this.brokerOverridesOf('').keys()])].filter(n => !BROKER_CONFIG_BY_NAME.has(n))
    const defs: ConfigDef[] = [...BROKER_CONFIGS, ...customNames.map(custom)]
    const wanted = keys === null ? defs : defs.filter(d => keys.includes(d.name))
    return wanted.map(d => {
      const chain = d.name === 'broker.id'
        ? [{ name: d.name, value: brokerId, source: ConfigSource.STATIC_BROKER_CONFIG }]
        : this.brokerChain(d, brokerId, 1)
      const first = chain[0] ?? { value: null, source: ConfigSource.DEFAULT_CONFIG }
      return row(d, first.value, first.source, (d as Partial<BrokerConfigDef>).dynamic !== true, synonyms ? chain : [], docs)
    })
  }

  /**
   * Checks, and unless `validateOnly` applies, changes to a topic's configs. `replace` is AlterConfigs' meaning
   * (the given set becomes the whole set of overrides); otherwise each change is an IncrementalAlterConfigs op.
   */
  alterTopic (topic: string, changes: readonly ConfigChange[], replace: boolean, validateOnly: boolean): ConfigResult {
    const next = new Map(replace ? [] : this.topicOverridesOf(topic))
    const checked = this.applyChanges(changes, next, name => TOPIC_CONFIG_BY_NAME.get(name), name => `Unknown topic config name: ${name}`)
    if (checked.errorCode !== ErrorCode.NONE) return checked
    if (!validateOnly) this.setTopicConfigs(topic, [...next].map(([name, value]) => ({ name, value })))
    return OK
  }

  /** As alterTopic, for a broker id ("" for the cluster default). Startup-only configs are refused. */
  alterBroker (brokerId: string, changes: readonly ConfigChange[], replace: boolean, validateOnly: boolean): ConfigResult {
    const readOnly = changes.filter(c => BROKER_CONFIG_BY_NAME.get(c.name)?.dynamic === false).map(c => c.name)
    // Kafka's words (DynamicBrokerConfig.validateConfigs), a Scala Set printed as such.
    if (readOnly.length > 0) return fail(ErrorCode.INVALID_REQUEST, `Cannot update these configs dynamically: Set(${readOnly.join(', ')})`)
    const next = new Map(replace ? [] : this.brokerOverridesOf(brokerId))
    // Kafka keeps broker keys it does not know (plugins and listener-prefixed settings use them), so they pass.
    const checked = this.applyChanges(changes, next, name => BROKER_CONFIG_BY_NAME.get(name) ?? custom(name), () => '')
    if (checked.errorCode !== ErrorCode.NONE) return checked
    if (!validateOnly) {
      if (next.size === 0) this.brokerDynamic.delete(brokerId)
      else this.brokerDynamic.set(brokerId, next)
      this.onChange()
    }
    return OK
  }

  private applyChanges (changes: readonly ConfigChange[], into: Map<string, string>, lookup: (name: string) => ConfigDef | undefined, unknown: (name: string) => string): ConfigResult {
    const seen = new Set<string>()
    for (const c of changes) {
      if (seen.has(c.name)) return fail(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys')
      seen.add(c.name)
      const def = lookup(c.name)
      if (def === undefined) return fail(ErrorCode.INVALID_CONFIG, unknown(c.name))
      if (c.op === ConfigOperation.DELETE) { into.delete(c.name); continue }
      if (c.op < 0 || c.op > ConfigOperation.SUBTRACT) return fail(ErrorCode.INVALID_REQUEST, `Unknown config operation ${c.op} for ${c.name}`)
      if (c.value === null) return fail(ErrorCode.INVALID_CONFIG, `Null value not supported for : ${c.name}`)
      let value = c.value
      if (c.op === ConfigOperation.APPEND || c.op === ConfigOperation.SUBTRACT) {
        // KIP-339: append and subtract work on list configs only, starting from the current (or default) list.
        if (def.type !== 'LIST') return fail(ErrorCode.INVALID_CONFIG, `Config value ${c.op === ConfigOperation.APPEND ? 'append' : 'subtract'} is not allowed for config key: ${c.name}`)
        const current = (into.get(c.name) ?? def.defaultValue ?? '').split(',').map(s => s.trim()).filter(s => s !== '')
        const items = value.split(',').map(s => s.trim()).filter(s => s !== '')
        value = (c.op === ConfigOperation.APPEND ? [...current, ...items.filter(i => !current.includes(i))] : current.filter(i => !items.includes(i))).join(',')
      }
      const why = validateValue(def, value)
      if (why !== undefined) return fail(ErrorCode.INVALID_CONFIG, why)
      into.set(c.name, value.trim())
    }
    return OK
  }

  private describeTopicConfig (def: TopicConfigDef, topic: string, brokerId: string, synonyms: boolean, docs: boolean): DescribedConfig {
    const chain: DescribedConfig['synonyms'] = []
    const override = this.topicOverrides.get(topic)?.get(def.name)
    if (override !== undefined) chain.push({ name: def.name, value: override, source: ConfigSource.DYNAMIC_TOPIC_CONFIG })
    // Kafka lists a DEFAULT_CONFIG synonym for the primary broker synonym only: a topic's retention.ms shows
    // log.retention.hours when it is set somewhere, not its built-in 168 (checked against Kafka 4.4).
    def.synonyms.forEach((s, i) => {
      const b = BROKER_CONFIG_BY_NAME.get(s.name)
      if (b !== undefined) chain.push(...this.brokerChain(b, brokerId, s.scale ?? 1, i === 0))
    })
    const first = chain[0]
    // With no synonym set anywhere (remote.storage.enable has none), the topic's own default is the value.
    const value = first === undefined ? def.defaultValue : scaled(first)
    return row(def, value, first?.source ?? ConfigSource.DEFAULT_CONFIG, false, synonyms ? chain : [], docs)
  }

  /** The places a broker config is set, most specific first; values stay in the broker's unit. */
  private brokerChain (def: ConfigDef, brokerId: string, scale: number, withDefault = true): Array<{ name: string, value: string | null, source: ConfigSourceCode, scale: number }> {
    const out: Array<{ name: string, value: string | null, source: ConfigSourceCode, scale: number }> = []
    const add = (value: string | null | undefined, source: ConfigSourceCode): void => {
      if (value !== undefined && value !== null) out.push({ name: def.name, value, source, scale })
    }
    add(this.brokerDynamic.get(brokerId)?.get(def.name), ConfigSource.DYNAMIC_BROKER_CONFIG)
    add(this.brokerDynamic.get('')?.get(def.name), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)
    add(this.staticBroker.get(def.name), ConfigSource.STATIC_BROKER_CONFIG)
    if (withDefault) add(def.defaultValue, ConfigSource.DEFAULT_CONFIG)
    return out
  }
}

/** A broker synonym's value in the topic's unit: log.retention.hours=168 is retention.ms=604800000. */
function scaled (s: { value: string | null, scale?: number, source: number }): string | null {
  if (s.value === null || s.scale === undefined || s.scale === 1 || s.source === ConfigSource.DYNAMIC_TOPIC_CONFIG) return s.value
  return String(BigInt(s.value) * BigInt(s.scale))
}

function custom (name: string): ConfigDef {
  return { name, type: 'STRING', defaultValue: null, doc: '' }
}

function row (def: ConfigDef, value: string | null, source: ConfigSourceCode, readOnly: boolean, chain: Array<{ name: string, value: string | null, source: ConfigSourceCode }>, docs: boolean): DescribedConfig {
  return {
    name: def.name,
    value,
    readOnly,
    configSource: source,
    isSensitive: false,
    synonyms: chain.map(({ name, value, source }) => ({ name, value, source })),
    configType: ConfigType[def.type],
    documentation: docs && def.doc !== '' ? def.doc : null
  }
}
