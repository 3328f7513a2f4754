import { ConfigError, KafkaError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { FindCoordinator } from '../../protocol/apis/find-coordinator.js'
import type { KafkaClient } from '../cluster.js'

// Which broker coordinates a group (or a transactional id): FindCoordinator, asked of any broker. The answer is
// cached per key, and forgotten when a coordinator answers NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE or
// COORDINATOR_LOAD_IN_PROGRESS: the group's partition of __consumer_offsets moved or is still loading, so the
// next request asks again (the Java client's AbstractCoordinator.markCoordinatorUnknown). Shared by the group
// consumer, the streaming sources' commits and, later, transactions.

/** FindCoordinator's keyType (KIP-98, KIP-932). */
export const CoordinatorType = { GROUP: 0, TRANSACTION: 1, SHARE: 2 } as const
export type CoordinatorTypeValue = typeof CoordinatorType[keyof typeof CoordinatorType]

/** Broker errors after which the cached coordinator is wrong or not ready: find it again, then retry. */
const COORDINATOR_MOVED = new Set<number>([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
])

/** Whether an error means "the coordinator is elsewhere or not ready": forget it and find it again. */
export function coordinatorMoved (err: unknown): boolean {
  return err instanceof KafkaError && COORDINATOR_MOVED.has(err.errorCode)
}

/** Asks any broker which node coordinates `key`; KafkaError on the key's error code. */
export async function findCoordinator (client: KafkaClient, key: string, keyType: CoordinatorTypeValue = CoordinatorType.GROUP): Promise<number> {
  const md = client.cachedMetadata ?? await client.metadata([])
  const any = md.answeredBy.nodeId >= 0 ? md.answeredBy.nodeId : md.brokers[0]?.nodeId
  if (any === undefined) throw new ConfigError('bootstrap.servers', 'the cluster reported no brokers')
  // v4 asks for many keys at once (KIP-699) and answers per key; before, one key and top-level fields.
  const res = await client.request(any, FindCoordinator, (v: number) => v >= 4
    ? { keyType, coordinatorKeys: [key] }
    : { key, keyType })
  const c = res.version >= 4 ? res.body.coordinators[0] : res.body
  if (c === undefined) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `FindCoordinator ${key}: empty answer`)
  if (c.errorCode !== ErrorCode.NONE) throw new KafkaError(c.errorCode, `FindCoordinator ${key}`)
  // The coordinator may be a broker the cached metadata does not list yet (a cluster that just grew).
  if (!client.knownBrokers().some(b => b.nodeId === c.nodeId)) await client.metadata([])
  return c.nodeId
}

/** The coordinators of a client's keys, found once and cached until a coordinator error says otherwise. */
export class CoordinatorCache {
  private readonly known = new Map<string, Promise<number>>()

  constructor (private readonly client: KafkaClient, private readonly keyType: CoordinatorTypeValue = CoordinatorType.GROUP) {}

  /** The coordinator's node id (concurrent lookups of one key share one FindCoordinator). */
  async get (key: string): Promise<number> {
    let p = this.known.get(key)
    if (p === undefined) {
      p = findCoordinator(this.client, key, this.keyType)
      this.known.set(key, p)
      p.catch(() => { if (this.known.get(key) === p) this.known.delete(key) })
    }
    return await p
  }

  /** Forgets the key's coordinator, so the next get() asks again. */
  forget (key: string): void { this.known.delete(key) }

  /**
   * Runs a request against the key's coordinator under the client's retry policy; a coordinator error forgets the
   * cached coordinator before the retry, so the retry goes to the new one.
   */
  async withCoordinator<T>(key: string, what: string, attempt: (nodeId: number) => Promise<T>): Promise<T> {
    return await this.client.withRetries(what, async () => {
      const nodeId = await this.get(key)
      try {
        return await attempt(nodeId)
      } catch (err) {
        if (coordinatorMoved(err) || !(err instanceof KafkaError)) this.forget(key)
        throw err
      }
    })
  }
}
