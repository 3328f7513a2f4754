import { ConnectionError } from '../../protocol/errors.js'
import type { ApiSchema } from '../../protocol/schema/define.js'
import type { DecodedResponse } from '../../protocol/messages.js'
import type { BrokerConnection, RequestOptions } from '../connection.js'
import type { KafkaClient } from '../cluster.js'
import type { CoordinatorCache } from '../coordinator/find-coordinator.js'

// A group member's own connections to its coordinator: one for membership and commits (JoinGroup may be held by
// the coordinator for the whole rebalance), one for heartbeats, so a heartbeat never waits behind a JoinGroup,
// an OffsetCommit or a long-poll Fetch on a shared connection (a broker answers one connection's requests in
// order). The coordinator is found through the shared CoordinatorCache; losing a connection, or a coordinator
// error reported with markUnknown(), forgets the coordinator so the next request finds it again.

export type Channel = 'group' | 'heartbeat'

export class CoordinatorLink {
  private readonly conns = new Map<Channel, { nodeId: number, conn: Promise<BrokerConnection> }>()
  private closed = false

  constructor (private readonly client: KafkaClient, private readonly groupId: string, private readonly coordinators: CoordinatorCache) {}

  /** The coordinator's node id (FindCoordinator when unknown). */
  async nodeId (): Promise<number> { return await this.coordinators.get(this.groupId) }

  async request<T>(channel: Channel, api: ApiSchema, body: object | ((version: number) => object), opts?: RequestOptions): Promise<DecodedResponse<T>> {
    const conn = await this.connection(channel)
    try {
      return await conn.request<T>(api, undefined, body, opts)
    } catch (err) {
      // A dead connection may mean a dead coordinator: find it again rather than reconnect to the same node.
      if (conn.closed) this.markUnknown()
      throw err
    }
  }

  /** Forgets the coordinator and closes the connections to it (NOT_COORDINATOR and friends, a lost connection). */
  markUnknown (): void {
    this.coordinators.forget(this.groupId)
    this.dropConnections()
  }

  async close (): Promise<void> {
    this.closed = true
    await Promise.all([...this.conns.values()].map(async e => { try { await (await e.conn).close() } catch {} }))
    this.conns.clear()
  }

  private dropConnections (): void {
    for (const e of this.conns.values()) e.conn.then(async c => { await c.close() }, () => {})
    this.conns.clear()
  }

  private async connection (channel: Channel): Promise<BrokerConnection> {
    const nodeId = await this.nodeId()
    let e = this.conns.get(channel)
    if (e !== undefined && e.nodeId !== nodeId) {
      this.dropConnections()
      e = undefined
    }
    if (e !== undefined) {
      const c = await e.conn.catch(() => undefined)
      if (c !== undefined && !c.closed) return c
      if (this.conns.get(channel) === e) this.conns.delete(channel)
    }
    if (this.closed) throw new ConnectionError(`coordinator of ${this.groupId}`, 'the group member is closed')
    const fresh = { nodeId, conn: this.client.openConnection(nodeId) }
    this.conns.set(channel, fresh)
    try {
      return await fresh.conn
    } catch (err) {
      if (this.conns.get(channel) === fresh) this.conns.delete(channel)
      this.coordinators.forget(this.groupId)
      throw err
    }
  }
}
