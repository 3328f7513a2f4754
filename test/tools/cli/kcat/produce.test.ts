import t from 'tap'
import { runKcat } from '../run-kcat.js'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'
import { scanBatches, iterateRecords } from '../../../../protocol/records/index.js'
import { crc32 } from '../../../../protocol/records/crc32.js'
import fc from 'fast-check'
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { Producer } from '../../../../consumer/producer/producer.js'
import { runProduce } from '../../../../tools/cli/kcat/produce.js'
import { fileChunks, inputChunks } from '../../../../tools/cli/kcat/file-chunks.js'

// kafka-direct -P through the producer: -X producer properties, kcat's partitioner, long lines, delivery
// failures, and -X transactional.id making the run one transaction.

async function setup (t: any, partitions = 1): Promise<FakeCluster> {
  const cluster = await FakeCluster.start({ topics: [{ name: 'p', partitions }] })
  t.teardown(async () => await cluster.stop())
  return cluster
}

function batches (cluster: FakeCluster, partition = 0): ReturnType<typeof scanBatches>['batches'] {
  return scanBatches(cluster.partitionState('p', partition).log.read(0, 1 << 30, true)).batches
}

t.test('-X producer properties are honoured: batch.num.messages, compression, acks and idempotence', async t => {
  const cluster = await setup(t)
  const input = Array.from({ length: 250 }, (_, i) => `line ${i}`).join('\n') + '\n'
  const r = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'p', '-X', 'batch.num.messages=100', '-X', 'linger.ms=1000', '-z', 'gzip'], input)
  t.equal(r.code, 0, r.stderr)
  const b = batches(cluster)
  t.same(b.map(x => x.recordCount), [100, 100, 50])
  t.ok(b.every(x => x.compression === 'gzip' && x.producerId >= 0n), 'gzip, idempotent by default')
  const plain = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'p', '-X', 'acks=1'], 'x\n')
  t.equal(plain.code, 0)
  t.equal(batches(cluster).at(-1)?.producerId, -1n, 'acks=1 turns idempotence off')
  const bad = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'p', '-X', 'linger.ms=soon'], 'x\n')
  t.equal(bad.code, 1)
  t.match(bad.stderr, /% ERROR: .*linger\.ms/)
})

t.test('keys go where kcat puts them (CRC-32), lines longer than a chunk arrive whole', async t => {
  const cluster = await setup(t, 3)
  const long = 'y'.repeat(300_000)
  const r = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'p', '-K', ':'], `alpha:1\nbeta:2\nlong:${long}\n`)
  t.equal(r.code, 0, r.stderr)
  for (const [key, value] of [['alpha', '1'], ['beta', '2'], ['long', long]]) {
    const partition = (crc32(Buffer.from(key)) >>> 0) % 3
    const values = [...iterateRecords(cluster.partitionState('p', partition).log.read(0, 1 << 30, true))].map(x => String(x.value))
    t.ok(values.includes(value), `${key} is in partition ${partition}`)
  }
})

t.test('delivery failures are reported and make the exit code 1', async t => {
  const cluster = await setup(t)
  cluster.faults.failNext('Produce', 1, 29 /* TOPIC_AUTHORIZATION_FAILED */)
  const r = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'p'], 'a\nb\n')
  t.equal(r.code, 1)
  t.match(r.stderr, /% Delivery failed for message: .*TOPIC_AUTHORIZATION_FAILED/)
  t.match(r.stderr, /2 of 2 messages failed/)
})

t.test('-X transactional.id: the run is one transaction, committed at the end of the input', async t => {
  const cluster = await setup(t)
  const r = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'p', '-X', 'transactional.id=cli', '-X', 'batch.num.messages=10'], Array.from({ length: 35 }, (_, i) => `${i}`).join('\n'))
  t.equal(r.code, 0, r.stderr)
  const b = batches(cluster)
  t.same(b.map(x => [x.isTransactional, x.isControl]), [[true, false], [true, false], [true, false], [true, false], [true, true]], 'four data batches and one commit marker')
  const read = await runKcat(['-b', cluster.bootstrap, '-C', '-t', 'p', '-e', '-q', '-X', 'isolation.level=read_committed'])
  t.equal(read.stdout.split('\n').filter(Boolean).length, 35, 'a read_committed reader sees every line')
  cluster.faults.failNext('Produce', 1, 29)
  const failed = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'p', '-X', 'transactional.id=cli'], 'doomed\n')
  t.equal(failed.code, 1)
  t.match(failed.stderr, /Transaction aborted|TOPIC_AUTHORIZATION_FAILED/)
  const after = batches(cluster)
  // Transaction protocol v2 (the fake finalizes transaction.version 2): the refused batch never added its partition,
  // so the abort writes no marker (it only bumps the epoch, as Kafka 4.4 does).
  t.same(after.slice(5), [], 'its only batch was refused; nothing was added to the transaction, so no marker either')
  const again = await runKcat(['-b', cluster.bootstrap, '-C', '-t', 'p', '-e', '-q', '-X', 'isolation.level=read_committed'])
  t.equal(again.stdout.split('\n').filter(Boolean).length, 35)
})

t.test('lines are cut right from chunks their source reuses, whatever the cut points and delimiters', async t => {
  const cluster = await setup(t)
  let run = 0
  await fc.assert(fc.asyncProperty(
    fc.array(fc.stringMatching(/^[a-z|]{1,40}$/), { minLength: 1, maxLength: 30 }),
    fc.constantFrom('\n', '||', '<=>'),
    fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 8 }),
    async (lines, delim, cuts) => {
      const kept = lines.filter(l => !l.includes(delim) && !l.includes(delim[0]))
      if (kept.length === 0) return
      const input = Buffer.from(kept.join(delim) + (run % 2 === 0 ? delim : ''))
      // One buffer, overwritten for every chunk: what the splitter keeps of a chunk it must copy.
      const shared = Buffer.alloc(16)
      async function * chunks (): AsyncGenerator<Buffer> {
        let at = 0
        for (let i = 0; at < input.length; i++) {
          const n = Math.min(cuts[i % cuts.length], input.length - at)
          input.copy(shared, 0, at, at + n)
          yield shared.subarray(0, n)
          shared.fill(0x21)
          at += n
        }
      }
      const topic = `lines-${run++}`
      cluster.createTopic(topic, 1)
      const producer = new Producer({ bootstrapServers: cluster.bootstrap })
      try {
        const code = await runProduce(producer, { topic, partition: 0, keyDelimiter: undefined, messageDelimiter: delim, fixedKey: undefined, headers: [], nullString: false, count: undefined, stdin: chunks(), messageMaxBytes: 1_000_000, stderr: process.stderr })
        t.equal(code, 0)
      } finally {
        await producer.close()
      }
      const got = [...iterateRecords(cluster.partitionState(topic, 0).log.read(0, 1 << 30, true))].map(r => String(r.value))
      t.same(got, kept)
    }), { numRuns: 40 })
})

t.test('fileChunks reads a file in chunks of one reused buffer', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'kd-chunks-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'in')
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n'))
  writeFileSync(path, data)
  const fd = openSync(path, 'r')
  t.teardown(() => closeSync(fd))
  const seen: Buffer[] = []
  const backing = new Set<ArrayBufferLike>()
  for await (const chunk of fileChunks(fd, 1000)) {
    t.ok(chunk.length <= 1000)
    seen.push(Buffer.from(chunk))
    backing.add(chunk.buffer)
  }
  t.same(Buffer.concat(seen), data)
  t.equal(seen.length, Math.ceil(data.length / 1000))
  t.equal(backing.size, 1, 'one buffer for every chunk')
  t.equal(inputChunks(Readable.from([])) instanceof Readable, true, 'a stream other than stdin is read as it is')
})
