// The exactly-once proof over the fake broker (the scenario is in crash-run.ts; test-interop/real-kafka runs it
// against real Kafka): the word count, SIGKILLed at random moments and restarted, counts every produced word
// exactly once. Once with the direct stream, once with the receiver-based stream and its write-ahead log (killed
// mid-append too).
import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { killAndRecover } from './crash-run.js'

const KILLS = 12
const PARTITIONS = 3

for (const mode of ['direct', 'receiver with write-ahead log'] as const) t.test(`${mode}: SIGKILLed at random moments and restarted, the word count counts every record exactly once`, async t => {
  const cluster = await FakeCluster.start({ brokers: 1, topics: [{ name: 'text', partitions: PARTITIONS }] })
  t.teardown(async () => { await cluster.stop() })
  await killAndRecover(t, {
    bootstrap: cluster.bootstrap,
    partitions: PARTITIONS,
    produce: (partition, value) => { cluster.produce('text', partition, [{ value }]) },
    highWatermarks: async () => Array.from({ length: PARTITIONS }, (_, p) => cluster.highWatermark('text', p)),
  }, {
    kills: KILLS,
    args: mode === 'direct' ? [] : ['--receiver', '--wal', '--group', 'wc'],
    beforeFinalRun: mode === 'direct'
      ? undefined
      : async () => {
        // The receiver committed to its group only what its log had stored. Kafka now deletes all of that: whatever
        // the batches have not processed yet must come back from the write-ahead log.
        for (let p = 0; p < PARTITIONS; p++) {
          const committed = cluster.state.groups.committed('wc', 'text', p)?.offset ?? 0n
          if (committed > 0n) cluster.faults.deleteRecordsBefore('text', p, committed)
        }
        t.ok(cluster.logStartOffset('text', 0) > 0n || cluster.logStartOffset('text', 1) > 0n || cluster.logStartOffset('text', 2) > 0n, 'Kafka deleted records the receiver had stored')
      },
  })
})
