import { AlterConfigs } from '../../protocol/apis/alter-configs.js'
import { DescribeConfigs, type DescribeConfigsResponse } from '../../protocol/apis/describe-configs.js'
import { IncrementalAlterConfigs } from '../../protocol/apis/incremental-alter-configs.js'
import type { KafkaError } from '../../protocol/errors.js'
import type { KafkaClient } from '../cluster.js'
import { resourceError } from './resource-error.js'

// Config administration: DescribeConfigs, AlterConfigs (replace the whole set) and IncrementalAlterConfigs
// (per-key SET/DELETE/APPEND/SUBTRACT, KIP-339). A broker answers DescribeConfigs for itself only, so a BROKER
// resource naming a broker id goes to that broker; topics and the cluster default ("") go to any broker, as the
// Java AdminClient does.

/** ConfigResource.Type on the wire. */
export const CONFIG_RESOURCE_TYPES = { topic: 2, broker: 4, brokerLogger: 8 } as const
export type ConfigResourceType = keyof typeof CONFIG_RESOURCE_TYPES

/** DescribeConfigsResponse.ConfigSource, by wire value. */
export const CONFIG_SOURCES = ['UNKNOWN', 'DYNAMIC_TOPIC_CONFIG', 'DYNAMIC_BROKER_CONFIG', 'DYNAMIC_DEFAULT_BROKER_CONFIG', 'STATIC_BROKER_CONFIG', 'DEFAULT_CONFIG', 'DYNAMIC_BROKER_LOGGER_CONFIG', 'CLIENT_METRICS_CONFIG', 'GROUP_CONFIG'] as const
/** DescribeConfigsResponse.ConfigType, by wire value. */
export const CONFIG_TYPES = ['UNKNOWN', 'BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD'] as const

export interface ConfigResource {
  type: ConfigResourceType
  /** A topic name, or a broker id ("" for the cluster-wide default). */
  name: string
}

export interface ConfigEntry {
  name: string
  /** Null for sensitive values and for keys without a value. */
  value: string | null
  source: typeof CONFIG_SOURCES[number]
  readOnly: boolean
  sensitive: boolean
  /** Where else the key is set, most specific first (when asked with `synonyms`). */
  synonyms: Array<{ name: string, value: string | null, source: typeof CONFIG_SOURCES[number] }>
  /** UNKNOWN before DescribeConfigs v3. */
  type: typeof CONFIG_TYPES[number]
  documentation: string | null
}

export interface DescribedConfigs extends ConfigResource {
  error: KafkaError | null
  entries: ConfigEntry[]
}

export interface ConfigResourceResult extends ConfigResource { error: KafkaError | null }

/** One IncrementalAlterConfigs change. `value` is ignored by delete. */
export interface ConfigOp { name: string, op: 'set' | 'delete' | 'append' | 'subtract', value?: string }
const OPS = { set: 0, delete: 1, append: 2, subtract: 3 } as const

export interface DescribeConfigsOptions {
  /** Only these keys (default all). */
  keys?: string[]
  synonyms?: boolean
  documentation?: boolean
}

/** The node a resource must be sent to: the named broker for a broker id, else `anyNode`. */
function nodeFor (r: ConfigResource, anyNode: number): number {
  return r.type !== 'topic' && r.name !== '' ? Number(r.name) : anyNode
}

/** Sends resources grouped by the node they belong to, and returns the answers in the order asked. */
async function byNode<R, A> (resources: readonly R[], node: (r: R) => number, send: (node: number, group: R[]) => Promise<A[]>): Promise<A[]> {
  const groups = new Map<number, number[]>()
  resources.forEach((r, i) => { const n = node(r); groups.set(n, [...(groups.get(n) ?? []), i]) })
  const out = new Array<A>(resources.length)
  await Promise.all([...groups].map(async ([n, idx]) => {
    const answers = await send(n, idx.map(i => resources[i]))
    idx.forEach((i, k) => { out[i] = answers[k] })
  }))
  return out
}

/**
 * v0 answers only isDefault; Kafka's client reads it as DEFAULT_CONFIG, or else as the resource's own kind of
 * setting (DescribeConfigsResponse's v0 constructor): a topic override, a broker's static config.
 */
function v0Source (isDefault: boolean, type: ConfigResourceType): typeof CONFIG_SOURCES[number] {
  if (isDefault) return 'DEFAULT_CONFIG'
  return type === 'topic' ? 'DYNAMIC_TOPIC_CONFIG' : type === 'broker' ? 'STATIC_BROKER_CONFIG' : 'UNKNOWN'
}

export async function describeConfigs (client: KafkaClient, anyNode: number, resources: readonly ConfigResource[], opts: DescribeConfigsOptions = {}): Promise<DescribedConfigs[]> {
  return await byNode(resources, r => nodeFor(r, anyNode), async (node, group) => {
    const res = await client.request(node, DescribeConfigs, {
      resources: group.map(r => ({ resourceType: CONFIG_RESOURCE_TYPES[r.type], resourceName: r.name, configurationKeys: opts.keys ?? null })),
      includeSynonyms: opts.synonyms ?? false,
      includeDocumentation: opts.documentation ?? false
    })
    return group.map((r, i) => {
      const result = res.body.results[i]
      return {
        ...r,
        error: resourceError(result.errorCode, `DescribeConfigs ${r.type} ${r.name}`, result.errorMessage),
        entries: result.configs.map(c => ({
          name: c.name,
          value: c.value,
          source: res.version === 0 ? v0Source(c.isDefault, r.type) : CONFIG_SOURCES[c.configSource] ?? 'UNKNOWN',
          readOnly: c.readOnly,
          sensitive: c.isSensitive,
          synonyms: c.synonyms.map(s => ({ name: s.name, value: s.value, source: CONFIG_SOURCES[s.source] ?? 'UNKNOWN' })),
          type: CONFIG_TYPES[c.configType] ?? 'UNKNOWN',
          documentation: c.documentation
        }))
      }
    })
  })
}

/** AlterConfigs: each resource's given configs become its whole set of dynamic configs. */
export async function alterConfigs (client: KafkaClient, anyNode: number, changes: ReadonlyArray<ConfigResource & { configs: Record<string, string> }>, validateOnly = false): Promise<ConfigResourceResult[]> {
  return await byNode(changes, r => nodeFor(r, anyNode), async (node, group) => {
    const res = await client.request(node, AlterConfigs, {
      resources: group.map(r => ({ resourceType: CONFIG_RESOURCE_TYPES[r.type], resourceName: r.name, configs: Object.entries(r.configs).map(([name, value]) => ({ name, value })) })),
      validateOnly
    })
    return group.map((r, i) => ({ type: r.type, name: r.name, error: resourceError(res.body.responses[i].errorCode, `AlterConfigs ${r.type} ${r.name}`, res.body.responses[i].errorMessage) }))
  })
}

/** IncrementalAlterConfigs: per-key changes, the others left as they are. */
export async function incrementalAlterConfigs (client: KafkaClient, anyNode: number, changes: ReadonlyArray<ConfigResource & { ops: ConfigOp[] }>, validateOnly = false): Promise<ConfigResourceResult[]> {
  return await byNode(changes, r => nodeFor(r, anyNode), async (node, group) => {
    const res = await client.request(node, IncrementalAlterConfigs, {
      resources: group.map(r => ({
        resourceType: CONFIG_RESOURCE_TYPES[r.type],
        resourceName: r.name,
        configs: r.ops.map(o => ({ name: o.name, configOperation: OPS[o.op], value: o.op === 'delete' ? null : o.value ?? null }))
      })),
      validateOnly
    })
    return group.map((r, i) => ({ type: r.type, name: r.name, error: resourceError(res.body.responses[i].errorCode, `IncrementalAlterConfigs ${r.type} ${r.name}`, res.body.responses[i].errorMessage) }))
  })
}
