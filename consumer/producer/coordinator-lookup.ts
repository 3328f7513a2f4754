import { KafkaError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { FindCoordinator } from '../../protocol/apis/find-coordinator.js'
import type { ApiSchema } from '../../protocol/schema/define.js'
import type { KafkaClient } from '../cluster.js'
import { backoffMs, delay, isRetriable } from '../retry.js'

// Finding and talking to a coordinator: the broker that owns a transactional id (key type 1) or a consumer group
// (key type 0), found with FindCoordinator (KIP-98; batched form from v4, KIP-699). A coordinator can move; it says
// so with NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE, and the lookup is repeated. The transaction coordinator
// also answers CONCURRENT_TRANSACTIONS while it finishes a previous transaction; that too is retried, with backoff,
// a bounded number of times.

export const KEY_TYPE_GROUP = 0
export const KEY_TYPE_TRANSACTION = 1

const MOVED = new Set<number>([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE])

export class CoordinatorLookup {
  private nodeId: number | undefined

  constructor (private readonly client: KafkaClient, readonly keyType: number, readonly key: string) {}

  /** The coordinator's node id, asked for once and then remembered until it moves. */
  async node (): Promise<number> {
    if (this.nodeId !== undefined) return this.nodeId
    let any = this.client.knownBrokers()[0]
    if (any === undefined) { await this.client.connect(); any = this.client.knownBrokers()[0] }
    const res = await this.client.request(any.nodeId, FindCoordinator, (v: number) => v >= 4
      ? { keyType: this.keyType, coordinatorKeys: [this.key] }
      : { key: this.key, keyType: this.keyType })
    const c = res.version >= 4 ? res.body.coordinators[0] : res.body
    if (c === undefined) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `FindCoordinator ${this.key}: empty answer`)
    if (c.errorCode !== ErrorCode.NONE) throw new KafkaError(c.errorCode, `FindCoordinator ${this.key}`)
    // A coordinator the metadata does not list yet (a new broker): load the broker list again.
    if (!this.client.knownBrokers().some(b => b.nodeId === c.nodeId)) await this.client.metadata([])
    this.nodeId = c.nodeId
    return c.nodeId
  }

  /**
   * Sends a request to the coordinator, at most version `maxVersion`, and returns the response body. `errorOf`
   * picks the error code that decides a retry (coordinator moved, loading, concurrent transactions); any other
   * code is left for the caller to judge.
   */
  async request<T>(what: string, api: ApiSchema, maxVersion: number, body: (version: number) => object, errorOf: (res: T) => number): Promise<{ body: T, version: number }> {
    const retries = this.client.config.retries
    for (let attempt = 0; ; attempt++) {
      try {
        const node = await this.node()
        const conn = await this.client.connection(node)
        const version = Math.min(conn.versionFor(api), maxVersion)
        const res = await conn.request<T>(api, version, body(version))
        const code = errorOf(res.body)
        if (MOVED.has(code)) this.nodeId = undefined
        if (code !== 0 && isRetriable(new KafkaError(code))) throw new KafkaError(code, `${what} (${this.key})`)
        return { body: res.body, version }
      } catch (err) {
        if (!isRetriable(err) || attempt >= retries) throw err
        if (!(err instanceof KafkaError)) this.nodeId = undefined
        await delay(backoffMs(attempt, this.client.config.retryBackoffMs, this.client.config.retryBackoffMaxMs))
      }
    }
  }
}
