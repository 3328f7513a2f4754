import { ErrorCode } from '../../../protocol/error-codes.js'
import { ClusterState } from '../cluster-state.js'
import type { ConfigChange, ConfigResult } from './config-store.js'
import { ResourceType } from './config-def.js'

// Which thing a DescribeConfigs/AlterConfigs resource names, with the errors Kafka answers for a resource it
// cannot serve (ConfigHelper and ConfigAdminManager in Kafka 4.x): an unknown topic, a broker id that is not a
// number, a resource type the fake broker does not model.

export type ConfigTarget =
  | { kind: 'topic', topic: string }
  | { kind: 'broker', brokerId: string }
  | { kind: 'error', result: ConfigResult }

const error = (errorCode: number, errorMessage: string): ConfigTarget => ({ kind: 'error', result: { errorCode, errorMessage } })

/** Resolves a resource; `describingBroker` is set for DescribeConfigs, which a broker answers for itself only. */
export function configTarget (cluster: ClusterState, resourceType: number, resourceName: string, describingBroker?: number): ConfigTarget {
  if (resourceType === ResourceType.TOPIC) {
    if (ClusterState.topicNameError(resourceName) !== ErrorCode.NONE) return error(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name "${resourceName}" is illegal`)
    if (!cluster.topics.has(resourceName)) return error(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${resourceName}' does not exist.`)
    return { kind: 'topic', topic: resourceName }
  }
  if (resourceType === ResourceType.BROKER) {
    if (resourceName === '') return { kind: 'broker', brokerId: '' }
    if (!/^-?\d+$/.test(resourceName)) return error(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${resourceName}`)
    if (describingBroker !== undefined && Number(resourceName) !== describingBroker) {
      return error(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${describingBroker} or empty string, but received ${resourceName}`)
    }
    return { kind: 'broker', brokerId: String(Number(resourceName)) }
  }
  return error(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resourceType} (the fake broker models TOPIC and BROKER configs)`)
}

/** Positions of resources named twice in one request: Kafka refuses each copy with INVALID_REQUEST. */
export function duplicateResources (resources: ReadonlyArray<{ resourceType: number, resourceName: string }>): Set<number> {
  const seen = new Map<string, number>()
  for (const r of resources) { const k = `${r.resourceType}:${r.resourceName}`; seen.set(k, (seen.get(k) ?? 0) + 1) }
  const out = new Set<number>()
  resources.forEach((r, i) => { if (seen.get(`${r.resourceType}:${r.resourceName}`)! > 1) out.add(i) })
  return out
}

/**
 * AlterConfigs and IncrementalAlterConfigs alike: each resource checked and applied on its own (an injected fault, a
 * duplicate, a resource that cannot be served each fail only that resource). `replace`: the given configs become the
 * whole set of dynamic configs (AlterConfigs) rather than changes to it (IncrementalAlterConfigs).
 */
export function alterResources<R extends { resourceType: number, resourceName: string }> (
  cluster: ClusterState, injectedError: (topic?: string) => number, resources: readonly R[],
  changesOf: (r: R) => ConfigChange[], replace: boolean, validateOnly: boolean,
  /** The authorization error for a resource (ALTER_CONFIGS), or 0: see access-check.ts configAuthError. */
  authError: (resourceType: number, resourceName: string) => number = () => ErrorCode.NONE
): Array<ConfigResult & { resourceType: number, resourceName: string }> {
  const duplicates = duplicateResources(resources)
  return resources.map((r, i) => {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName }
    const injected = injectedError(r.resourceType === ResourceType.TOPIC ? r.resourceName : undefined)
    if (injected !== ErrorCode.NONE) return { ...base, errorCode: injected, errorMessage: 'injected fault' }
    if (duplicates.has(i)) return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate resource in request' }
    const refused = authError(r.resourceType, r.resourceName)
    if (refused !== ErrorCode.NONE) return { ...base, errorCode: refused, errorMessage: null }
    const target = configTarget(cluster, r.resourceType, r.resourceName)
    if (target.kind === 'error') return { ...base, ...target.result }
    const result = target.kind === 'topic'
      ? cluster.configs.alterTopic(target.topic, changesOf(r), replace, validateOnly)
      : cluster.configs.alterBroker(target.brokerId, changesOf(r), replace, validateOnly)
    return { ...base, ...result }
  })
}
