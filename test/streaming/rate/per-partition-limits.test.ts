import t from 'tap'
import { clampUntilOffsets, maxMessagesPerPartition } from '../../../streaming/rate/per-partition-limits.js'

const tps = [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }, { topic: 'b', partition: 0 }]
const current = new Map([['a:0', 0n], ['a:1', 0n], ['b:0', 0n]])
const latest = new Map([['a:0', 1000n], ['a:1', 3000n], ['b:0', 0n]])
const base = { batchIntervalMs: 2000, maxRatePerPartition: 0, minRatePerPartition: 1 }

// Rows: [options, expected records per partition a:0, a:1, b:0 (or undefined for "no limit")], worked out by hand
// from Spark's maxMessagesPerPartition: lag a:0 1000, a:1 3000, b:0 0 (total 4000); batch 2 s.
const table: Array<[string, Partial<typeof base> & { estimatedRate?: number }, number[] | undefined]> = [
  ['no limits at all', {}, undefined],
  ['maxRatePerPartition alone: floor(2 s × 100) each', { maxRatePerPartition: 100 }, [200, 200, 200]],
  ['backpressure splits 1000/s by lag: 250, 750, 0 → ×2 s, the idle partition gets the floor 1', { estimatedRate: 1000 }, [500, 1500, 1]],
  ['backpressure shares capped by maxRatePerPartition 300', { estimatedRate: 1000, maxRatePerPartition: 300 }, [500, 600, 1]],
  ['minRatePerPartition raises every partition', { estimatedRate: 1000, minRatePerPartition: 700 }, [700, 1500, 700]],
  ['an estimate of 0 falls back to maxRatePerPartition', { estimatedRate: 0, maxRatePerPartition: 50 }, [100, 100, 100]],
  ['fractions are floored: 1.5 s × 3/s = 4.5 → 4', { maxRatePerPartition: 3, batchIntervalMs: 1500 }, [4, 4, 4]]
]

for (const [name, opts, expected] of table) {
  t.test(`per-partition limit: ${name}`, async t => {
    const got = maxMessagesPerPartition(tps, current, latest, { ...base, ...opts })
    t.same(got === undefined ? undefined : [got.get('a:0'), got.get('a:1'), got.get('b:0')], expected)
  })
}

t.test('a lag split with fractions is floored per partition', async t => {
  // lags 100 and 3000 (total 3100) at 1000/s over 2 s: 64.516 → 64 and 1935.48 → 1935
  const cur = new Map([['a:0', 900n], ['a:1', 0n], ['b:0', 0n]])
  const got = maxMessagesPerPartition(tps, cur, latest, { ...base, estimatedRate: 1000 })
  t.same([got?.get('a:0'), got?.get('a:1'), got?.get('b:0')], [64, 1935, 1])
})

t.test('with no lag anywhere, backpressure imposes no limit', async t => {
  t.equal(maxMessagesPerPartition(tps, latest, latest, { ...base, estimatedRate: 1000 }), undefined)
})

t.test('clamp takes min(current + allowed, latest) per partition', async t => {
  const until = clampUntilOffsets(tps, current, latest, { ...base, estimatedRate: 1000 })
  t.same([...until], [['a:0', 500n], ['a:1', 1500n], ['b:0', 0n]])
  const unlimited = clampUntilOffsets(tps, current, latest, base)
  t.same([...unlimited], [['a:0', 1000n], ['a:1', 3000n], ['b:0', 0n]])
})
