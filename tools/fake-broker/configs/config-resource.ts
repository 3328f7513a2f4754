import { ErrorCode } from '../../../protocol/error-codes.js'
import { ClusterState } from '../cluster-state.js'
import type { ConfigResult } from './config-store.js'
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
    if (ClusterState.topicNameError(resourceName) !== 0) return error(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name "${resourceName}" is illegal`)
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
