import { FakeCluster } from '../fake-broker/index.js'
import { VALUE_BYTES, consumePeerScript, runConsumeBench, standardPeers } from './consume-run.js'

// Consume benchmark (issue 5): one topic of N 100-byte records (4 partitions) in our fake broker, read from the
// beginning to the end by five consumers, each a separate child process timed whole — start-up, metadata, group
// joins and end-of-log waits included, as someone running the tool would see it. Every peer uses the same
// fetch.wait.max.ms, so the wait at the end of the log costs each of them the same. The runner is consume-run.ts;
// real-kafka-consume.bench.ts runs the same consumers against Apache Kafka.
//
//   KD_BENCH_RECORDS (default 1,000,000)  KD_BENCH_RUNS (default 3)
//
// The broker runs in this process; the peer runs in its child. On a 2-core machine the two share the cores with
// nothing else of ours.

const TOPIC = 'bench'
const PARTITIONS = 4
const BATCH = 1000
const RECORDS = Number(process.env.KD_BENCH_RECORDS ?? 1_000_000)
const RUNS = Number(process.env.KD_BENCH_RUNS ?? 3)

function seed (cluster: FakeCluster): void {
  const value = Buffer.alloc(VALUE_BYTES)
  for (let i = 0; i < VALUE_BYTES; i++) value[i] = 0x61 + (i % 26)
  const batch = Array.from({ length: BATCH }, () => ({ key: null, value }))
  for (let done = 0, p = 0; done < RECORDS; done += BATCH, p = (p + 1) % PARTITIONS) {
    const n = Math.min(BATCH, RECORDS - done)
    cluster.produce(TOPIC, p, n === BATCH ? batch : batch.slice(0, n), { baseTimestamp: BigInt(Date.now()) })
  }
}

const cluster = await FakeCluster.start({ topics: [{ name: TOPIC, partitions: PARTITIONS }] })
try {
  seed(cluster)
  const peers = standardPeers(TOPIC)
  await runConsumeBench({
    file: 'consume',
    intro: 'Consume benchmark (issue 5): `npm run bench -- consume` (tools/bench/consume.bench.ts).',
    bootstrap: cluster.bootstrap,
    records: RECORDS,
    runs: RUNS,
    peers,
    setup: `${RECORDS.toLocaleString('en')} records of ${VALUE_BYTES} bytes (no key, no compression) in ${PARTITIONS} partitions, ` +
      `${BATCH}-record batches, in one fake broker (tools/fake-broker) in the benchmark process.`,
    // One untimed read first, so no consumer meets the broker's code before the JIT has compiled it.
    warmUp: { name: 'warm-up', cmd: process.execPath, args: b => [consumePeerScript('simple-consume.js'), b, TOPIC, '100'], count: () => 0 }
  })
} finally {
  await cluster.stop()
}
