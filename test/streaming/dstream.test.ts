import t from 'tap'
import { createDirectStream } from '../../streaming/direct-stream.js'
import { MemoryOffsetSource } from '../../streaming/memory-source.js'
import { valueString } from '../../streaming/message-handlers.js'
import { RDD } from '../../streaming/rdd.js'
import type { DStream } from '../../streaming/dstream.js'
import { PARAMS, runBatches, virtualContext } from './helpers.js'

// Batch i (1-based) receives the lines in BATCHES[i-1], appended by the previous batch's output.
const BATCHES = [['a b', 'b c'], ['c c'], ['a'], [], ['d a']]

function setup (): { ctx: ReturnType<typeof virtualContext>['ctx']; lines: DStream<string>; printed: string[] } {
  const src = new MemoryOffsetSource().createTopic('t', 2)
  src.append('t', 0, BATCHES[0] as string[])
  const { ctx, printed } = virtualContext()
  const lines = createDirectStream(ctx, PARAMS, ['t'], { source: src, messageHandler: r => valueString(r) ?? '' })
  let n = 0
  // Registered first, so it runs first in each batch: feeds the next batch's records.
  lines.foreachRDD(() => { n++; if (n < BATCHES.length) src.append('t', n % 2, BATCHES[n] as string[]) })
  return { ctx, lines, printed }
}

function collect<T> (stream: DStream<T>): Array<[number, T[]]> {
  const out: Array<[number, T[]]> = []
  stream.foreachRDD((rdd, time) => { out.push([time, rdd.collect()]) })
  return out
}

const sorted = <T>(xs: Array<[number, T[]]>): T[][] => xs.map(([, v]) => [...v].sort())

t.test('map, flatMap, filter and mapPartitions transform each batch', async t => {
  const { ctx, lines } = setup()
  const upper = collect(lines.map(l => l.toUpperCase()))
  const words = collect(lines.flatMap(l => l.split(' ')))
  const noA = collect(lines.flatMap(l => l.split(' ')).filter(w => w !== 'a'))
  const sizes = collect(lines.mapPartitions((p, i) => [`${i}:${p.length}`]))
  await runBatches(ctx, 5)
  t.same(sorted(upper), [['A B', 'B C'], ['C C'], ['A'], [], ['D A']])
  t.same(sorted(words), [['a', 'b', 'b', 'c'], ['c', 'c'], ['a'], [], ['a', 'd']])
  t.same(sorted(noA), [['b', 'b', 'c'], ['c', 'c'], [], [], ['d']])
  t.same(sizes.map(([, v]) => v), [['0:2', '1:0'], ['0:0', '1:1'], ['0:1', '1:0'], ['0:0', '1:0'], ['0:1', '1:0']])
})

t.test('reduceByKey, countByValue and count aggregate each batch', async t => {
  const { ctx, lines } = setup()
  const words = lines.flatMap(l => l.split(' '))
  const reduced = collect(words.map(w => [w, 1] as [string, number]).reduceByKey((a, b) => a + b))
  const counted = collect(words.countByValue())
  const counts = collect(words.count())
  await runBatches(ctx, 5)
  t.same(sorted(reduced), [[['a', 1], ['b', 2], ['c', 1]], [['c', 2]], [['a', 1]], [], [['a', 1], ['d', 1]]])
  t.same(sorted(counted), sorted(reduced))
  t.same(counts.map(([, v]) => v), [[4], [2], [1], [0], [2]])
})

t.test('transform sees each batch and its time; union concatenates streams', async t => {
  const { ctx, lines } = setup()
  const tagged = collect(lines.transform((rdd, time) => new RDD([[`${time}:${rdd.count()}`]])))
  const both = collect(lines.union(lines.map(l => l.length.toString())))
  await runBatches(ctx, 2)
  t.same(tagged.map(([time, v]) => v[0]?.replace(String(time), 'T')), ['T:2', 'T:1'])
  t.same(sorted(both), [['3', '3', 'a b', 'b c'], ['3', 'c c']])
})

t.test('window unions the last windowMs of batches every slideMs', async t => {
  const { ctx, lines } = setup()
  const win = collect(lines.window(3000, 2000))
  await runBatches(ctx, 5)
  // zero time 0 (the clock starts at 1,000,000, so batch times are 1,001,000 ...); slide 2 s: windows at even seconds
  t.same(win.map(([time]) => time % 2000), [0, 0])
  t.same(sorted(win), [['a b', 'b c', 'c c'], ['a', 'c c']])
})

t.test('reduceByKeyAndWindow gives the same counts with and without the inverse function', async t => {
  const { ctx, lines } = setup()
  const pairs = lines.flatMap(l => l.split(' ')).map(w => [w, 1] as [string, number])
  const full = collect(pairs.reduceByKeyAndWindow((a, b) => a + b, 2000))
  const incremental = collect(pairs.reduceByKeyAndWindow((a, b) => a + b, 2000, { inverse: (a, b) => a - b, filter: ([, n]) => n > 0 }))
  await runBatches(ctx, 5)
  const expected = [
    [['a', 1], ['b', 2], ['c', 1]],
    [['a', 1], ['b', 2], ['c', 3]],
    [['a', 1], ['c', 2]],
    [['a', 1]],
    [['a', 1], ['d', 1]]
  ]
  t.same(sorted(full), expected)
  t.same(sorted(incremental), expected)
})

t.test('windows must be multiples of the batch interval', async t => {
  const { lines } = setup()
  t.throws(() => lines.window(1500), { name: 'ConfigError', key: 'windowMs' })
  t.throws(() => lines.window(2000, 500), { name: 'ConfigError', key: 'slideMs' })
})

t.test('print writes the first elements of each batch in Spark\'s format', async t => {
  const { ctx, lines, printed } = setup()
  lines.flatMap(l => l.split(' ')).map(w => [w, 1]).print(3)
  await runBatches(ctx, 1)
  t.match(printed[0], /^-{43}\nTime: \d+ ms\n-{43}\n\(a,1\)\n\(b,1\)\n\(b,1\)\n\.\.\.\n\n$/)
})

t.test('the dataset operations work on their own too', async t => {
  const rdd = new RDD([[1, 2], [3]])
  t.same(rdd.take(2), [1, 2])
  t.equal(rdd.isEmpty(), false)
  t.equal(RDD.empty().isEmpty(), true)
  t.same(rdd.union(new RDD([[4]])).collect(), [1, 2, 3, 4])
  t.same(new RDD([[['k', 1] as [string, number]], [['k', 2] as [string, number]]]).reduceByKey((a: number, b: number) => a + b).collect(), [['k', 3]])
})
