import type { Test } from 'tap'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { GroupConsumer, type GroupConsumerOptions } from '../../../consumer/group/index.js'
import type { ConfigInput } from '../../../consumer/config.js'
import { KafkaClient } from '../../../consumer/cluster.js'
import { GroupOffsets } from '../../../consumer/coordinator/index.js'

// Shared by the group consumer's tests: a fake cluster with one topic, and members that close in teardown.

export async function cluster (t: Test, partitions = 4, records = 0, opts: Parameters<typeof FakeCluster.start>[0] = {}): Promise<FakeCluster> {
  const c = await FakeCluster.start({ topics: [{ name: 't', partitions }], groupMinSessionTimeoutMs: 100, ...opts })
  for (let i = 0; i < records; i++) c.produce('t', i % partitions, [{ key: `k${i}`, value: `v${i}` }])
  t.teardown(async () => { await c.stop() })
  return c
}

export function member (t: Test, c: FakeCluster, config: ConfigInput = {}, options: GroupConsumerOptions = {}): GroupConsumer {
  const m = new GroupConsumer({
    bootstrapServers: c.bootstrap,
    'group.id': 'g',
    'auto.offset.reset': 'earliest',
    'heartbeat.interval.ms': 50,
    'session.timeout.ms': 3000,
    'fetch.wait.max.ms': 50,
    retryBackoffMs: 5,
    retryBackoffMaxMs: 50,
    ...config
  }, options)
  t.teardown(async () => { await m.close() })
  return m
}

/** Group g's committed offsets for a topic's partitions 0..partitions-1 (-99 where there is none). */
export async function committed (c: FakeCluster, partitions: number, topic = 't'): Promise<bigint[]> {
  const client = new KafkaClient({ bootstrapServers: c.bootstrap })
  try {
    const got = await new GroupOffsets(client).fetch('g', Array.from({ length: partitions }, (_, partition) => ({ topic, partition })))
    return Array.from({ length: partitions }, (_, p) => got.get(`${topic}:${p}`)?.offset ?? -99n)
  } finally { await client.close() }
}

/** Reads with the iterator until `until` says stop; returns "partition:offset" of every record seen. */
export async function drain (m: GroupConsumer, until: (seen: string[]) => boolean): Promise<string[]> {
  const seen: string[] = []
  if (until(seen)) return seen
  for await (const r of m) {
    seen.push(`${r.partition}:${r.offset}`)
    if (until(seen)) break
  }
  return seen
}

/** Resolves when `cond` holds, checking every few ms; rejects after `ms` (the test's own bound, not a timing claim). */
export async function eventually (cond: () => boolean, ms = 20_000, what = 'condition'): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

/** Virtual timers for a member's background work: nothing fires until advance(). */
export class ManualTimers {
  private t = 0
  private readonly due: Array<{ at: number, fn: () => void }> = []
  now = (): number => this.t
  setTimeout = (fn: () => void, ms: number): unknown => { const e = { at: this.t + ms, fn }; this.due.push(e); return e }
  clearTimeout = (handle: unknown): void => { const i = this.due.indexOf(handle as { at: number, fn: () => void }); if (i >= 0) this.due.splice(i, 1) }
  advance (ms: number): void {
    this.t += ms
    for (;;) {
      const next = this.due.filter(e => e.at <= this.t).sort((a, b) => a.at - b.at)[0]
      if (next === undefined) return
      this.due.splice(this.due.indexOf(next), 1)
      next.fn()
    }
  }
}
