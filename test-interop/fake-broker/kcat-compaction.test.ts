import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { scanBatches } from '../../protocol/records/index.js'
import { runProcess, which } from './helpers.js'
import { peerMissing } from '../peers/cache.js'

// kcat (librdkafka 2.0) reading a compacted topic from the fake broker without real Kafka around: offset gaps, a
// tombstone, and the empty batches Kafka's cleaner leaves (an idempotent producer's last batch, the last batch
// before the active segment), which a consumer must step over by their last offset. The comparison with real
// Kafka is test-interop/real-kafka/compaction.test.ts.

const kcat = which('kcat')

t.test('kcat reads exactly the records compaction kept, with their offsets, over gaps and emptied batches', { skip: kcat === undefined ? peerMissing('kcat is not installed') : false }, async t => {
  const clock = { now: 1_800_000_000_000 }
  const cluster = await FakeCluster.start({ clock: () => clock.now, topics: [{ name: 'c' }] })
  t.teardown(() => cluster.stop())
  cluster.state.configs.setTopicConfigs('c', [{ name: 'cleanup.policy', value: 'compact' }, { name: 'segment.ms', value: '100' }, { name: 'min.cleanable.dirty.ratio', value: '0' }])
  let at = clock.now
  const produce = (pairs: Array<[string, string | null]>, opts = {}): void => {
    at += 1000
    clock.now = at
    cluster.produce('c', 0, pairs.map(([key, value]) => ({ key, value, timestamp: at })), opts)
  }
  produce([['k1', 'a'], ['k2', 'b']], { producerId: 5n, producerEpoch: 0, baseSequence: 0 }) // 0-1: emptied, kept
  produce([['k1', 'c'], ['k3', 'd']]) // 2-3
  produce([['k2', null], ['k3', 'e']]) // 4-5
  produce([['k3', 'f']]) // 6: the last batch before the active segment, emptied, kept
  produce([['k3', 'g']]) // 7: active
  t.equal(cluster.compact(), 1)
  produce([['k4', 'h']]) // 8: active now; 7 was rolled and is dirty
  t.equal(cluster.compact(), 1)
  const batches = [...cluster.partitionState('c', 0).log.batches()].map(b => scanBatches(b.view).batches[0])
  t.same(batches.map(b => [Number(b.baseOffset), Number(b.lastOffset), b.recordCount]), [[0, 1, 0], [2, 3, 1], [4, 5, 1], [7, 7, 1], [8, 8, 1]],
    'producer 5\'s batch stays empty; 6 went once it was no longer the cleaned range\'s last')
  const r = await runProcess(kcat!, ['-b', cluster.bootstrap, '-C', '-t', 'c', '-p', '0', '-o', 'beginning', '-e', '-q', '-Z', '-f', '%o %k=%s\\n'], { timeoutMs: 60_000 })
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stdout.toString(), '2 k1=c\n4 k2=NULL\n7 k3=g\n8 k4=h\n')
  const fromMiddle = await runProcess(kcat!, ['-b', cluster.bootstrap, '-C', '-t', 'c', '-p', '0', '-o', '5', '-e', '-q', '-f', '%o\\n'], { timeoutMs: 60_000 })
  t.equal(fromMiddle.stdout.toString(), '7\n8\n', 'from an offset compaction removed, kcat goes on at the next kept one')
})
