import { execFile } from 'node:child_process'
import { PeerUnavailable } from '../../test-interop/peers/cache.js'
import { javaClient } from '../../test-interop/peers/java-client.js'
import { KAFKA_VERSION, startRealKafka } from '../../test-interop/real-kafka/start-kafka.js'
import { VALUE_BYTES, WAIT_MS, consumePeerScript, fromJson, runConsumeBench, standardPeers, type Peer } from './consume-run.js'
import { haveCommand } from './timed-child.js'

// Consume benchmark against Apache Kafka (issue 12, section 5): the consumers of consume.bench.ts, plus the Java
// client (a plain poll loop, test-interop/java/PollLoop.java), each reading N 100-byte records in 4 partitions from a
// real Kafka 4.x node (test-interop/real-kafka), as a whole child process: start-up, metadata, group joins and the
// wait at the end of the log all count. The topic is written once by kcat -P, in 1000-record batches.
//
//   KD_BENCH_RECORDS (default 1,000,000)  KD_BENCH_RUNS (default 3)

const TOPIC = 'bench'
const PARTITIONS = 4
const BATCH = 1000
const RECORDS = Number(process.env.KD_BENCH_RECORDS ?? 1_000_000)
const RUNS = Number(process.env.KD_BENCH_RUNS ?? 3)

/** kcat -P of `count` 100-byte lines into one partition. */
function fill (bootstrap: string, partition: number, count: number): Promise<void> {
  const line = Buffer.alloc(VALUE_BYTES + 1)
  for (let i = 0; i < VALUE_BYTES; i++) line[i] = 0x61 + (i % 26)
  line[VALUE_BYTES] = 0x0a
  return new Promise((resolve, reject) => {
    const child = execFile('kcat', ['-b', bootstrap, '-P', '-t', TOPIC, '-p', String(partition), '-X', `batch.num.messages=${BATCH}`, '-X', 'linger.ms=20'],
      { maxBuffer: 1 << 24 }, (err, _stdout, stderr) => err === null ? resolve() : reject(new Error(`kcat -P: ${err.message} ${stderr}`)))
    child.stdin?.end(Buffer.concat(Array.from({ length: count }, () => line)))
  })
}

async function javaPeer (): Promise<Peer> {
  const name = `Java client ${KAFKA_VERSION} (poll loop)`
  try {
    const java = await javaClient()
    // The JVM's defaults (C2, G1, heap by ergonomics): what someone running a Java consumer gets.
    return { name, cmd: 'java', args: b => java.args('PollLoop', [b, TOPIC, String(PARTITIONS), String(RECORDS), String(WAIT_MS)]), count: fromJson }
  } catch (err) {
    if (!(err instanceof PeerUnavailable)) throw err
    return { name, missing: err.message, cmd: 'java', args: () => [], count: () => 0 }
  }
}

if (!haveCommand('kcat')) {
  process.stdout.write('real-kafka-consume: not run, kcat (which writes the topic) is not installed\n')
} else {
  let kafka
  try {
    kafka = await startRealKafka({ config: { 'num.partitions': PARTITIONS, 'auto.create.topics.enable': true } })
  } catch (err) {
    if (!(err instanceof PeerUnavailable)) throw err
    process.stdout.write(`real-kafka-consume: not run, ${err.message}\n`)
  }
  if (kafka !== undefined) {
    try {
      for (let p = 0; p < PARTITIONS; p++) await fill(kafka.bootstrap, p, Math.floor(RECORDS / PARTITIONS) + (p < RECORDS % PARTITIONS ? 1 : 0))
      const peers = standardPeers(TOPIC)
      peers.splice(3, 0, await javaPeer())
      await runConsumeBench({
        file: 'consume-real-kafka',
        intro: `Consume benchmark against Apache Kafka ${KAFKA_VERSION} (issue 12): \`npm run bench -- real-kafka-consume\` ` +
          '(tools/bench/real-kafka-consume.bench.ts). One run of this benchmark (the machine is shared with other work).',
        bootstrap: kafka.bootstrap,
        records: RECORDS,
        runs: RUNS,
        peers,
        setup: `${RECORDS.toLocaleString('en')} records of ${VALUE_BYTES} bytes (no key, no compression) in ${PARTITIONS} partitions, ` +
          `written by kcat -P in ${BATCH}-record batches to one Apache Kafka ${KAFKA_VERSION} node (KRaft, combined broker and ` +
          'controller, started by test-interop/real-kafka with its JVM flags: -Xmx512m, SerialGC, C1 only; the log on the local ' +
          'disk, served from the page cache). The Java client is test-interop/java/PollLoop.java (assign, seekToBeginning, ' +
          'poll until every record arrived) on the JVM\'s default flags.',
        // One untimed read first: the log into the page cache, the broker's code through its JIT.
        warmUp: { name: 'warm-up', cmd: process.execPath, args: b => [consumePeerScript('simple-consume.js'), b, TOPIC, String(WAIT_MS)], count: () => 0 }
      })
    } finally {
      await kafka.stop()
    }
  }
}
