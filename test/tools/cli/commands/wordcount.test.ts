import t from 'tap'
import { parseWordCountArgs } from '../../../../tools/cli/commands/wordcount.js'
import { topWords } from '../../../../tools/examples/word-count-job.js'
import { ConfigError } from '../../../../protocol/errors.js'

t.test('wordcount flags parse into options with Spark-like defaults', async t => {
  t.same(parseWordCountArgs(['-b', 'h:9092', '-t', 'a,b']), {
    topics: ['a', 'b'], from: 'end', batchIntervalMs: 1000, maxRatePerPartition: 0, backpressure: false, quiet: false, receiver: false, wal: false, shareGroup: false, brokers: 'h:9092'
  })
  t.match(parseWordCountArgs(['-b', 'h:1', '-t', 'a', '--receiver', '--wal', '--group', 'g', '--checkpoint', '/c']), { receiver: true, wal: true, group: 'g' })
  const all = parseWordCountArgs(['-b', 'h:1', '-t', 'a', '--from', 'beginning', '--batch-interval', '200', '--max-rate-per-partition', '50',
    '--backpressure', '--checkpoint', '/c', '--out', '/o', '--commit-group', 'g', '--duration', '10', '--quiet'])
  t.match(all, { from: 'beginning', batchIntervalMs: 200, maxRatePerPartition: 50, backpressure: true, checkpoint: '/c', out: '/o', commitGroup: 'g', durationMs: 10, quiet: true })
})

t.test('bad wordcount flags are ConfigErrors naming the flag', async t => {
  t.throws(() => parseWordCountArgs(['-t', 'a']), { name: 'ConfigError', key: '-b' })
  t.throws(() => parseWordCountArgs(['-b', 'h:1']), { name: 'ConfigError', key: '-t' })
  t.throws(() => parseWordCountArgs(['-b', 'h:1', '-t', 'a', '--from', 'middle']), { name: 'ConfigError', key: '--from' })
  t.throws(() => parseWordCountArgs(['-b', 'h:1', '-t', 'a', '--batch-interval', '0']), { name: 'ConfigError', key: '--batch-interval' })
  t.throws(() => parseWordCountArgs(['-b', 'h:1', '-t', 'a', '--out']), ConfigError)
  t.throws(() => parseWordCountArgs(['-b', 'h:1', '-t', 'a', '--frobnicate']), { name: 'ConfigError', key: '--frobnicate' })
  t.throws(() => parseWordCountArgs(['-b', 'h:1', '-t', 'a', '--wal']), { name: 'ConfigError', key: '--wal' })
  t.throws(() => parseWordCountArgs(['-b', 'h:1', '-t', 'a', '--receiver', '--wal']), { name: 'ConfigError', key: '--wal', message: /--checkpoint/ })
  t.throws(() => parseWordCountArgs(['-b', 'h:1', '-t', 'a', '--receiver', '--commit-group', 'g']), { name: 'ConfigError', key: '--commit-group' })
})

t.test('top words are the most frequent, ties alphabetical', async t => {
  t.same(topWords(new Map([['b', 2], ['a', 2], ['c', 5], ['d', 1]]), 3), [['c', 5], ['a', 2], ['b', 2]])
})

t.test('wordcount runs against a fake cluster, writes one JSON file per batch with records and stops after --duration', async t => {
  const { FakeCluster } = await import('../../../../tools/fake-broker/index.js')
  const { run } = await import('../../../../tools/cli/commands/wordcount.js')
  const { JsonBatchFileSink } = await import('../../../../streaming/sinks/json-batch-file-sink.js')
  const cluster = await FakeCluster.start({ topics: [{ name: 'text', partitions: 2 }] })
  t.teardown(async () => { await cluster.stop() })
  cluster.produce('text', 0, [{ value: 'to be or' }, { value: 'not to be' }])
  cluster.produce('text', 1, [{ value: 'be quick' }])
  const out = t.testdir()
  const code = await run(['-b', cluster.bootstrap, '-t', 'text', '--from', 'beginning', '--batch-interval', '50', '--duration', '400', '--quiet', '--out', out, '--commit-group', 'wc'])
  t.equal(code, 0)
  const files = await new JsonBatchFileSink(out).readAll()
  const total = new Map<string, number>()
  for (const f of files) for (const [w, n] of Object.entries(f.counts as Record<string, number>)) total.set(w, (total.get(w) ?? 0) + n)
  t.same(Object.fromEntries(total), { to: 2, be: 3, or: 1, not: 1, quick: 1 })
  t.same(files[0]?.offsetRanges, [{ topic: 'text', partition: 0, fromOffset: 0, untilOffset: 2 }, { topic: 'text', partition: 1, fromOffset: 0, untilOffset: 1 }])
  // About 8 batches ran; only the first read anything. An idle job must not leave a file per interval (172,800 a
  // day at 500 ms): a batch whose ranges are all empty has nothing to record.
  t.equal(files.length, 1, 'no files for empty batches')
  t.equal(cluster.state.groups.committed('wc', 'text', 0)?.offset, 2n)
})
