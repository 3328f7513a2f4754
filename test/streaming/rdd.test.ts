import t from 'tap'
import fc from 'fast-check'
import { createDirectStream } from '../../streaming/direct-stream.js'
import { MemoryOffsetSource } from '../../streaming/memory-source.js'
import { valueString } from '../../streaming/message-handlers.js'
import { KafkaRDD, RDD } from '../../streaming/rdd.js'
import { PARAMS, runBatches, virtualContext } from './helpers.js'

// The dataset's narrow transformations are lazy (rdd.ts): these pin down what that may and may not change.

/** A transformation and its reference meaning on plain arrays. */
type Op =
  | { kind: 'map', k: number }
  | { kind: 'filter', m: number }
  | { kind: 'flatMap', n: number }
  | { kind: 'mapPartitions' }
  | { kind: 'union', extra: number[][] }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('map' as const), k: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ kind: fc.constant('filter' as const), m: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('flatMap' as const), n: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('mapPartitions' as const) }),
  fc.record({ kind: fc.constant('union' as const), extra: fc.array(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 5 }), { maxLength: 3 }) })
)

function applyLazy (rdd: RDD<number>, op: Op): RDD<number> {
  switch (op.kind) {
    case 'map': return rdd.map(v => v * 2 + op.k)
    case 'filter': return rdd.filter(v => Math.abs(v) % op.m === 0)
    case 'flatMap': return rdd.flatMap(v => Array.from({ length: op.n }, (_, i) => v + i))
    case 'mapPartitions': return rdd.mapPartitions((vs, i) => vs.map(v => v + i))
    case 'union': return rdd.union(new RDD(op.extra))
  }
}

function applyEager (parts: number[][], op: Op): number[][] {
  switch (op.kind) {
    case 'map': return parts.map(p => p.map(v => v * 2 + op.k))
    case 'filter': return parts.map(p => p.filter(v => Math.abs(v) % op.m === 0))
    case 'flatMap': return parts.map(p => p.flatMap(v => Array.from({ length: op.n }, (_, i) => v + i)))
    case 'mapPartitions': return parts.map((p, i) => p.map(v => v + i))
    case 'union': return [...parts, ...op.extra]
  }
}

t.test('a lazy chain of transformations gives what eager array operations give, for every action', async t => {
  fc.assert(fc.property(
    fc.array(fc.array(fc.integer({ min: -100, max: 100 }), { maxLength: 8 }), { maxLength: 4 }),
    fc.array(opArb, { maxLength: 5 }),
    fc.nat({ max: 12 }),
    (input, ops, n) => {
      let lazy = new RDD(input)
      let eager = input
      for (const op of ops) { lazy = applyLazy(lazy, op); eager = applyEager(eager, op) }
      const flat = eager.flat()
      const seen: number[] = []
      lazy.foreach(v => { seen.push(v) })
      t.same(seen, flat)
      t.equal(lazy.count(), flat.length)
      t.same(lazy.take(n), flat.slice(0, n))
      t.equal(lazy.isEmpty(), flat.length === 0)
      t.equal(lazy.numPartitions, eager.length)
      t.same(lazy.partitions, eager)
      t.same(lazy.collect(), flat)
    }
  ), { numRuns: 200 })
})

t.test('count pulls each value through the chain once and keeps nothing; partitions computes once and is kept', async t => {
  let calls = 0
  const rdd = new KafkaRDD([[1, 2, 3], [4]], []).map(v => { calls++; return v * 10 }).filter(v => v > 10)
  t.equal(calls, 0, 'transformations alone run nothing')
  t.equal(rdd.count(), 3)
  t.equal(calls, 4)
  t.equal(rdd.count(), 3)
  t.equal(calls, 8, 'an action on a chain that is not materialized runs it again, as in Spark')
  const first = rdd.partitions
  t.same(first, [[20, 30], [40]])
  t.equal(calls, 12)
  t.equal(rdd.partitions, first, 'the materialized partitions are kept')
  t.same(rdd.collect(), [20, 30, 40])
  t.equal(rdd.count(), 3)
  t.equal(calls, 12, 'actions after materialization read the kept values')
})

t.test('take stops pulling once it has enough', async t => {
  let calls = 0
  const rdd = new RDD([[1, 2, 3], [4, 5]]).map(v => { calls++; return v })
  t.same(rdd.take(2), [1, 2])
  t.equal(calls, 2)
  t.same(rdd.flatMap(v => [v, v]).take(3), [1, 1, 2])
  t.same(rdd.take(0), [])
})

t.test('an error thrown by a transformation surfaces at the action that runs it', async t => {
  const rdd = new RDD([[1, 2]]).map(v => { if (v === 2) throw new RangeError('bad value'); return v })
  t.throws(() => rdd.count(), RangeError)
  t.throws(() => rdd.collect(), RangeError)
})

t.test('mapPartitions sees each whole partition with its index', async t => {
  const seen: Array<[readonly number[], number]> = []
  const rdd = new RDD([[1, 2], [], [3]]).map(v => v + 1).mapPartitions((vs, i) => { seen.push([vs, i]); return [vs.length] })
  t.same(rdd.collect(), [2, 0, 1])
  t.same(seen, [[[2, 3], 0], [[], 1], [[4], 2]])
})

t.test('a batch covered by several windows runs the transformations before the window once', async t => {
  const src = new MemoryOffsetSource().createTopic('t', 1)
  const { ctx } = virtualContext()
  const lines = createDirectStream(ctx, PARAMS, ['t'], { source: src, messageHandler: r => valueString(r) ?? '' })
  let n = 0
  lines.foreachRDD(() => { n++; src.append('t', 0, [`line${n}`]) })
  let calls = 0
  const windows: string[][] = []
  lines.map(l => { calls++; return l.toUpperCase() }).window(3000, 1000).foreachRDD(rdd => { windows.push(rdd.collect()) })
  await runBatches(ctx, 5)
  t.same(windows, [[], ['LINE1'], ['LINE1', 'LINE2'], ['LINE1', 'LINE2', 'LINE3'], ['LINE2', 'LINE3', 'LINE4']])
  t.equal(calls, 4, 'each line mapped once, though up to three windows hold it')
})
