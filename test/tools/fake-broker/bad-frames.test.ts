import t from 'tap'
import { Metadata } from '../../../protocol/apis/index.js'
import { decodeResponse, encodeRequest } from '../../../protocol/messages.js'
import { Writer } from '../../../protocol/writer.js'
import { decodeResponse } from '../../../protocol/messages.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

async function setup (t: any): Promise<{ cluster: FakeCluster, logs: string[] }> {
  const logs: string[] = []
  const cluster = await FakeCluster.start({ topics: [{ name: 't' }], maxFrameBytes: 1024 * 1024, log: line => logs.push(line) })
  t.teardown(() => cluster.stop())
  return { cluster, logs }
}

/** Sends bytes on a new connection and expects the broker to close it, while another connection keeps working. */
async function expectClosed (t: any, cluster: FakeCluster, bytes: Buffer): Promise<void> {
  const bystander = await RawClient.connect(cluster.bootstrap)
  const victim = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { bystander.close(); victim.close() })
  victim.send(bytes)
  t.equal(await victim.nextFrame(), undefined, 'no answer, the connection closes')
  t.equal((await bystander.request(Metadata, 1, { topics: null })).topics.length, 1, 'other connections are unaffected')
}

t.test('a frame larger than the limit closes the connection before anything is allocated', async t => {
  const { cluster, logs } = await setup(t)
  // Only the 4-byte size is sent: the broker must not wait for (or allocate) the 2 GiB it claims.
  await expectClosed(t, cluster, Buffer.from([0x7f, 0xff, 0xff, 0xff]))
  t.match(logs.join('\n'), /frame size 2147483647 is outside/)
})

t.test('a negative frame size closes the connection', async t => {
  const { cluster } = await setup(t)
  await expectClosed(t, cluster, Buffer.from([0xff, 0xff, 0xff, 0xfe]))
})

t.test('a frame too short for a header closes the connection with a logged reason', async t => {
  const { cluster, logs } = await setup(t)
  await expectClosed(t, cluster, Buffer.from([0, 0, 0, 3, 0, 3, 0]))
  t.match(logs.join('\n'), /closing connection/)
})

t.test('an unknown API key closes the connection, as Kafka does', async t => {
  const { cluster } = await setup(t)
  const w = new Writer().sizePrefix().int16(999).int16(0).int32(1).nullableString('x')
  await expectClosed(t, cluster, w.finish())
})

t.test('a known API at a version we do not serve closes the connection', async t => {
  const { cluster } = await setup(t)
  // DescribeCluster v3 (key 60): the fake broker serves v0-2.
  const w = new Writer().sizePrefix().int16(60).int16(3).int32(1).nullableString('x').uvarint(0).bool(false).uvarint(0)
  await expectClosed(t, cluster, w.finish())
})

t.test('a body that claims more elements than it has bytes closes the connection', async t => {
  const { cluster } = await setup(t)
  // Metadata v1: topics array count 2^30 with no bytes after it.
  const w = new Writer().sizePrefix().int16(3).int16(1).int32(1).nullableString('x').int32(0x40000000)
  await expectClosed(t, cluster, w.finish())
})

t.test('frames split across writes and glued together are all answered', async t => {
  const { cluster } = await setup(t)
  const c = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { c.close() })
  const { encodeRequest } = await import('../../../protocol/messages.js')
  const frames = Buffer.concat([1, 2, 3].map(id => encodeRequest(Metadata, 1, { correlationId: id, clientId: 'split' }, { topics: null })))
  for (let i = 0; i < frames.length; i += 7) {
    c.send(frames.subarray(i, i + 7))
    await new Promise(resolve => setImmediate(resolve))
  }
  for (const id of [1, 2, 3]) t.equal((await c.nextFrame())!.readInt32BE(0), id)
})

t.test('a connection stops reading while queued.max.request.bytes of its requests wait', async t => {
  const { Produce } = await import('../../../protocol/apis/index.js')
  const { encodeRequest } = await import('../../../protocol/messages.js')
  const { encodeRecordBatch } = await import('../../../protocol/records/index.js')
  const LIMIT = 1 << 20
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 1 }], queuedMaxRequestBytes: LIMIT })
  t.teardown(() => cluster.stop())
  // Each Produce (acks 0, 256 KiB) is held 20 ms by a latency fault, so requests pile up behind one another.
  cluster.faults.addLatency(20, 'Produce')
  const batch = encodeRecordBatch([{ value: Buffer.alloc(256 * 1024, 1) }])
  const frame = encodeRequest(Produce, 9, { correlationId: 1, clientId: 'flood' }, { transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records: batch }] }] })
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  const N = 60
  for (let i = 0; i < N; i++) client.send(frame)
  let peak = 0
  while (cluster.highWatermark('t', 0) < BigInt(N)) {
    peak = Math.max(peak, cluster.queuedRequestBytes())
    await new Promise(resolve => setTimeout(resolve, 5))
  }
  t.comment(`peak queued request bytes ${peak} for ${N * frame.length} sent`)
  t.ok(peak <= LIMIT + 2 * frame.length, `the broker held at most the allowance and the frames being read (${peak} bytes)`)
  t.equal(cluster.highWatermark('t', 0), BigInt(N), 'and every request was served in the end')
})

t.test('bytes after a request\'s last field are ignored, as Kafka ignores them (librdkafka 2.x\'s Metadata v12 for all topics)', async t => {
  const { cluster, logs } = await setup(t)
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  // As confluent-kafka-python 2.6.1 (librdkafka 2.6.1) sends it, written out by hand:
  const w = new Writer().sizePrefix()
  w.int16(3).int16(12).int32(7).string('rdkafka').uvarint(0) // apiKey 3 (Metadata), v12, correlationId 7, clientId, header tags
  // librdkafka reserves 4 bytes for the topic count and writes a 1-byte compact null into them, leaving 3 zeros; then
  // allowAutoTopicCreation 1, includeTopicAuthorizedOperations 0, no tags. Read by the schema (as Kafka reads it):
  w.uvarint(0) //                                               topics: null (all topics)
  w.int8(0) //                                                  allowAutoTopicCreation: false (librdkafka's padding)
  w.int8(0) //                                                  includeTopicAuthorizedOperations: false (padding)
  w.uvarint(0) //                                               tagged fields: none (padding)
  w.int8(1).int8(0).uvarint(0) //                               3 bytes left over: librdkafka's own last three fields
  client.send(w.finish())
  const frame = await client.nextFrame()
  t.ok(frame !== undefined, 'answered')
  const res = decodeResponse(Metadata, 12, frame!)
  t.equal(res.correlationId, 7)
  t.same(res.body.topics.map((x: any) => x.name), ['t'])
  client.send(w.finish())
  t.ok(await client.nextFrame() !== undefined, 'and again on the same connection')
  t.equal(logs.filter(l => /Metadata v12 request from rdkafka has 3 bytes after its last field; ignored/.test(l)).length, 1, 'logged once')
})
