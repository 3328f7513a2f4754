import t from 'tap'
import { Admin } from '../../consumer/admin/index.js'
import { SimpleConsumer } from '../../consumer/simple-consumer.js'
import { TransactionalProducer } from '../../consumer/producer/transactional-producer.js'
import { Fetch, Produce } from '../../protocol/apis/index.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { encodeRecordBatch, scanBatches, type RecordInput } from '../../protocol/records/index.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { RawClient } from '../../test/tools/fake-broker/raw-client.js'
import { runProcess, which } from '../fake-broker/helpers.js'
import { realKafkaFor, realKafkaSkip } from './start-kafka.js'

// Log compaction against real Kafka 4.x: the same produce sequence (keys, tombstones, timestamps) on a compacted
// topic must leave the same records readable from real Kafka and from the fake broker, and kcat must read them.
//
// Why an exact comparison is fair here: Kafka cleans whole segments below the active one, so what compaction
// keeps depends on where segments roll. Both brokers roll by the records' own timestamps here (segment.ms 100,
// batches one second apart, no jitter, segment.bytes far above what is written), so every batch is a segment on
// both and the layouts are identical; then the cleaner's result is determined, and Kafka's order of events (when
// its cleaner thread wakes) only decides when it appears, not what it is. With size-based rolling (at least 1 MiB
// in Kafka 4) or segment.jitter.ms the layouts could differ, and only what Kafka guarantees would be comparable:
// each key's newest value present, offsets unchanged.
//
// Real Kafka's cleaner runs on its own (log.cleaner.backoff.ms 200 here); the test waits, bounded, until its log
// shows the state the fake broker reached with `compact()`, then checks it stays so. Tombstones get their delete
// horizon at the first cleaning that keeps them and go at a later cleaning past it, which needs a new segment to
// make the log dirty: the second phase waits out delete.retention.ms and writes one more batch. The third phase
// writes transactions (one aborted, two committed) and compares what the cleaner keeps of data and markers.

t.setTimeout(600_000)
const skip = await realKafkaSkip()
const kcat = which('kcat')

const TOPIC = 'compacted'
const YOUNG = 'compacted-young'
const TXN = 'compacted-txn'
// Ten minutes ahead (Kafka accepts up to an hour): transaction markers, stamped with the brokers' clock, are older
// than every record, so they never roll a segment and each data batch (ten seconds after the previous) does.
const FUTURE = Date.now() + 600_000
const DELETE_RETENTION_MS = 3000
const CONFIGS = { 'cleanup.policy': 'compact', 'segment.ms': '100', 'min.cleanable.dirty.ratio': '0', 'delete.retention.ms': String(DELETE_RETENTION_MS) }
// An hour ago, so that min.compaction.lag.ms (0 here) never holds anything back, and within Kafka's timestamp limits.
const BASE = Date.now() - 3_600_000

/** The produce sequence: each batch one second after the previous one, so each rolls a segment on both brokers. */
const PHASE1: Array<Array<[string, string | null]>> = [
  [['k1', 'a1'], ['k2', 'b1'], ['k3', 'c1']],
  [['k1', 'a2']],
  [['k2', null], ['k4', 'd1']], // k2's tombstone
  [['k3', 'c2'], ['k1', 'a3']],
  [['k5', 'e1']],
  [['k4', 'd2']] // the active segment: never cleaned
]
const PHASE2: Array<Array<[string, string | null]>> = [[['k6', 'f1']]]

class Side {
  constructor (readonly name: string, readonly bootstrap: string, readonly client: RawClient) {}

  static async open (name: string, bootstrap: string): Promise<Side> {
    const admin = await Admin.connect({ 'bootstrap.servers': bootstrap })
    try {
      const created = await admin.createTopics([
        { name: TOPIC, partitions: 1, replicationFactor: 1, configs: CONFIGS },
        // Records written now, with min.compaction.lag.ms an hour: nothing may be cleaned.
        { name: YOUNG, partitions: 1, replicationFactor: 1, configs: { ...CONFIGS, 'min.compaction.lag.ms': '3600000' } },
        { name: TXN, partitions: 1, replicationFactor: 1, configs: CONFIGS }
      ])
      for (const c of created) if (c.error !== null) throw c.error
    } finally {
      await admin.close()
    }
    return new Side(name, bootstrap, await RawClient.connect(bootstrap))
  }

  /** One batch; asked again (bounded) while a just-created topic has no leader yet, as Kafka's is asynchronous. */
  async produce (topic: string, records: RecordInput[]): Promise<any> {
    const notReady: number[] = [ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.LEADER_NOT_AVAILABLE]
    for (let attempt = 0; ; attempt++) {
      const res = await this.client.request(Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: encodeRecordBatch(records) }] }] })
      const answer = res.responses[0].partitionResponses[0]
      if (!notReady.includes(answer.errorCode) || attempt >= 100) return answer
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }

  /** One batch after the other, the first stamped `first`, each next one a second later. */
  async produceBatches (topic: string, batches: Array<Array<[string, string | null]>>, first: number): Promise<void> {
    for (const [i, pairs] of batches.entries()) {
      const ts = first + 1000 * i
      const r = await this.produce(topic, pairs.map(([key, value]) => ({ key, value, timestamp: ts })))
      if (r.errorCode !== ErrorCode.NONE) throw new Error(`${this.name}: produce to ${topic} failed with ${r.errorCode}`)
    }
  }

  /** The readable records, "offset key=value" (NULL for a tombstone), read with our consumer. */
  async records (topic: string): Promise<string[]> {
    const consumer = new SimpleConsumer({ bootstrapServers: this.bootstrap })
    try {
      const end = (await consumer.latestOffsets([{ topic, partition: 0 }])).get(`${topic}:0`)!
      const out: string[] = []
      for await (const r of consumer.records(topic, 0, 0n, end)) out.push(`${r.offset} ${r.key?.toString() ?? ''}=${r.value?.toString() ?? 'NULL'}`)
      return out
    } finally {
      await consumer.close()
    }
  }

  /** Waits (bounded) until the partition's high watermark reaches `end`. */
  async waitForEnd (topic: string, end: bigint): Promise<void> {
    const consumer = new SimpleConsumer({ bootstrapServers: this.bootstrap })
    try {
      for (let i = 0; i < 200 && ((await consumer.latestOffsets([{ topic, partition: 0 }])).get(`${topic}:0`) ?? 0n) < end; i++) {
        await new Promise(resolve => setTimeout(resolve, 50))
      }
    } finally {
      await consumer.close()
    }
  }

  /** The stored batches as Fetch returns them: "base-last:count" (count 0 for a batch compaction emptied). */
  async batches (topic: string): Promise<string[]> {
    const out: string[] = []
    let offset = 0n
    for (let round = 0; round < 100; round++) {
      const res = await this.client.request(Fetch, 12, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' })
      const p = res.responses[0].partitions[0]
      const found = scanBatches(p.records ?? Buffer.alloc(0)).batches
      if (found.length === 0) break
      for (const b of found) out.push(`${b.baseOffset}-${b.lastOffset}:${b.recordCount}`)
      offset = found[found.length - 1].lastOffset + 1n
      if (offset >= p.highWatermark) break
    }
    return out
  }

  async kcat (topic: string): Promise<string> {
    const r = await runProcess(kcat!, ['-b', this.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-Z', '-f', '%o %k=%s\\n'], { timeoutMs: 60_000 })
    if (r.code !== 0) throw new Error(`kcat on ${this.name}: ${r.stderr}`)
    return r.stdout.toString()
  }
}

/** Reads until the records equal `expected` (bounded), then checks they stay so for a few cleaner periods. */
async function settle (side: Side, topic: string, expected: string[], timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs
  let got = await side.records(topic)
  while (JSON.stringify(got) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 250))
    got = await side.records(topic)
  }
  await new Promise(resolve => setTimeout(resolve, 1000))
  return await side.records(topic)
}

t.test('the same produce sequence on a compacted topic leaves the same records on real Kafka 4.x and the fake broker', { skip }, async t => {
  const kafka = await realKafkaFor(t, { brokers: 1, config: { 'log.cleaner.backoff.ms': 200 } })
  const cluster = await FakeCluster.start({ brokerConfigs: { 'log.segment.bytes': '16777216' }, logCleanerBackoffMs: 3_600_000 })
  t.teardown(() => cluster.stop())
  const real = await Side.open('real Kafka', kafka.bootstrap)
  const fake = await Side.open('fake broker', cluster.bootstrap)
  t.teardown(() => { real.client.close(); fake.client.close() })

  // Keyless records: refused alike, with the same message and record errors.
  const keyless = [{ key: 'k', value: 'x', timestamp: BASE }, { value: 'no key', timestamp: BASE }]
  const refusedReal = await real.produce(TOPIC, keyless)
  const refusedFake = await fake.produce(TOPIC, keyless)
  t.same([refusedFake.errorCode, refusedFake.errorMessage, refusedFake.recordErrors], [refusedReal.errorCode, refusedReal.errorMessage, refusedReal.recordErrors], 'keyless records on a compacted topic')
  t.equal(refusedReal.errorCode, ErrorCode.INVALID_RECORD)

  // Phase 1: overwritten keys and a tombstone; the fake broker's cleaner runs once, real Kafka's on its own.
  for (const side of [fake, real]) {
    await side.produceBatches(TOPIC, PHASE1, BASE)
    await side.produceBatches(YOUNG, PHASE1, Date.now())
  }
  t.equal(cluster.compact(), 1, 'the fake broker cleans the topic; the young one is not due')
  const expected1 = await fake.records(TOPIC)
  // Below the active segment (k4=d2) the newest record of each key stays, k2's tombstone with it (its first
  // cleaning); k4=d1 stays because k4's newer value is in the active segment.
  t.same(expected1, ['4 k2=NULL', '5 k4=d1', '6 k3=c2', '7 k1=a3', '8 k5=e1', '9 k4=d2'], 'the fake broker\'s result')
  const real1 = await settle(real, TOPIC, expected1)
  t.same(real1, expected1, 'real Kafka keeps the same records, with the same offsets')
  t.same(await real.batches(TOPIC), await fake.batches(TOPIC), 'and the same batches (emptied ones too)')
  t.same(await real.records(YOUNG), await fake.records(YOUNG), 'min.compaction.lag.ms held the young topic back on both')
  t.equal((await fake.records(YOUNG)).length, 10, 'nothing of it was cleaned')
  if (kcat !== undefined) {
    const fromFake = await fake.kcat(TOPIC)
    t.equal(fromFake, expected1.map(r => `${r}\n`).join(''), 'kcat reads the compacted topic from the fake broker')
    t.equal(await real.kcat(TOPIC), fromFake, 'and the same from real Kafka')
  }

  // Phase 2: past delete.retention.ms, one more segment makes the log dirty and the tombstone goes on both.
  await new Promise(resolve => setTimeout(resolve, DELETE_RETENTION_MS + 500))
  for (const side of [fake, real]) await side.produceBatches(TOPIC, PHASE2, BASE + 1000 * PHASE1.length)
  t.equal(cluster.compact(), 1)
  const expected2 = await fake.records(TOPIC)
  t.same(expected2, ['6 k3=c2', '7 k1=a3', '8 k5=e1', '9 k4=d2', '10 k6=f1'], 'the tombstone and k4=d1 are gone')
  t.same(await settle(real, TOPIC, expected2), expected2, 'real Kafka removed the same records')
  t.same(await real.batches(TOPIC), await fake.batches(TOPIC), 'and left the same batches')

  // Phase 3, transactions (our TransactionalProducer, protocol v1): an aborted transaction's data goes, markers stay
  // while their transaction's data is in the cleaned range.
  for (const side of [fake, real]) {
    const producer = new TransactionalProducer({ bootstrapServers: side.bootstrap, 'transactional.id': 'compaction', 'linger.ms': 0 })
    try {
      await producer.initTransactions()
      const inTransaction = async (key: string, value: string, timestamp: number, commit: boolean): Promise<void> => {
        producer.beginTransaction()
        const sent = await producer.send({ topic: TXN, partition: 0, key, value, timestamp })
        await (commit ? producer.commitTransaction() : producer.abortTransaction())
        // Kafka's coordinator writes the markers after EndTxn has answered: wait for this one (bounded), so that
        // the next write lands after it on both brokers.
        await side.waitForEnd(TXN, sent.offset + 2n)
      }
      await inTransaction('k1', 'aborted', FUTURE, false) // 0, abort marker 1
      await inTransaction('k1', 'committed', FUTURE + 10_000, true) // 2, commit marker 3
      await inTransaction('k2', 'x', FUTURE + 20_000, true) // 4, commit marker 5
    } finally {
      await producer.close()
    }
    await side.produceBatches(TXN, [[['k1', 'plain']]], FUTURE + 30_000) // 6
    await side.produceBatches(TXN, [[['k9', 'active']]], FUTURE + 40_000) // 7: the active segment
  }
  t.equal(cluster.compact(), 1)
  const expected3 = await fake.records(TXN)
  t.same(expected3, ['4 k2=x', '6 k1=plain', '7 k9=active'], 'aborted and superseded data went')
  t.same(await fake.batches(TXN), ['1-1:1', '3-3:1', '4-4:1', '5-5:1', '6-6:1', '7-7:1'], 'the markers stay: their transactions\' data was in the cleaned range')
  t.same(await settle(real, TXN, expected3), expected3, 'real Kafka keeps the same records')
  t.same(await real.batches(TXN), await fake.batches(TXN), 'and the same batches and markers')
})
