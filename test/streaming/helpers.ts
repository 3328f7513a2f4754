// Shared helpers for the streaming tests: a virtual-time context over an in-memory source, run for N batches.
import { StreamingContext, type StreamingContextOptions } from '../../streaming/context.js'
import { ManualClock } from '../../streaming/clock.js'
import type { BatchInfo } from '../../streaming/batch-stats.js'

export const PARAMS = { 'metadata.broker.list': 'memory:0', 'auto.offset.reset': 'smallest' }

export function virtualContext (opts: Partial<StreamingContextOptions> = {}): { ctx: StreamingContext; clock: ManualClock; logs: string[]; printed: string[] } {
  const clock = (opts.clock as ManualClock | undefined) ?? new ManualClock(1_000_000)
  const logs: string[] = []
  const printed: string[] = []
  const ctx = new StreamingContext({ batchIntervalMs: 1000, clock, log: l => logs.push(l), out: s => printed.push(s), ...opts })
  return { ctx, clock, logs, printed }
}

/** Starts the context, lets `batches` batches complete, stops gracefully; returns their stats. */
export async function runBatches (ctx: StreamingContext, batches: number): Promise<BatchInfo[]> {
  const infos: BatchInfo[] = []
  ctx.addListener({
    onBatchCompleted: info => {
      infos.push(info)
      if (infos.length === batches) void ctx.stop({ graceful: true })
    }
  })
  await ctx.start()
  await ctx.awaitTermination()
  return infos
}
