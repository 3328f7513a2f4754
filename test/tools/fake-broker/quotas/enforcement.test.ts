import t from 'tap'
import { AlterClientQuotas, Fetch, Metadata, Produce } from '../../../../protocol/apis/index.js'
import { ErrorCode } from '../../../../protocol/error-codes.js'
import { decodeResponse, encodeRequest, encodeResponse } from '../../../../protocol/messages.js'
import { encodeRecordBatch } from '../../../../protocol/records/index.js'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'
import { RawClient } from '../raw-client.js'

// Byte-rate quotas enforced by a fake cluster on virtual time: the cluster's clock is a variable the test moves,
// and a throttled connection's wait is a promise the test resolves, so nothing here waits on real time. Expected
// throttle times are Kafka's formula over its windows (11 × 1000 ms): the first recording of B bytes is measured
// over 10 000 ms, B / 10 bytes per second, and over a bound b it is throttled round((B / 10 - b) / b × 10 000) ms.

interface Wait { ms: number, release: () => void }

async function setup (t: Tap.Test): Promise<{ cluster: FakeCluster, client: RawClient, waits: Wait[], clock: { now: number } }> {
  // Starts at the real time, so records stamped by the client (now) pass the timestamp checks.
  const clock = { now: Date.now() }
  const waits: Wait[] = []
  const cluster = await FakeCluster.start({
    topics: [{ name: 'orders', partitions: 1 }],
    clock: () => clock.now,
    throttleWait: ms => new Promise<void>(resolve => { waits.push({ ms, release: resolve }) })
  })
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  return { cluster, client, waits, clock }
}

async function setQuota (client: RawClient, entity: Array<[string, string | null]>, key: string, value: number): Promise<void> {
  const res = await client.request(AlterClientQuotas, 1, {
    entries: [{ entity: entity.map(([entityType, entityName]) => ({ entityType, entityName })), ops: [{ key, value, remove: false }] }],
    validateOnly: false
  })
  if (res.entries[0].errorCode !== ErrorCode.NONE) throw new Error(res.entries[0].errorMessage)
}

function produceBody (value: Buffer, acks = 1): unknown {
  return { transactionalId: null, acks, timeoutMs: 1000, topicData: [{ name: 'orders', partitionData: [{ index: 0, records: encodeRecordBatch([{ value }]) }] }] }
}

function fetchBody (fetchOffset: bigint): unknown {
  return {
    maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: 0,
    topics: [{ topic: 'orders', partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }] }],
    forgottenTopicsData: [], rackId: ''
  }
}

/** Resolves once the broker asked to wait (it mutes after writing the response, so this may lag the response). */
async function nextWait (waits: Wait[], index: number): Promise<Wait> {
  while (waits.length <= index) await new Promise(resolve => setImmediate(resolve))
  return waits[index]
}

/** The frame size of a request the client sends: what the broker charges a Produce (without the size prefix). */
function requestBytes (api: typeof Produce, version: number, body: unknown, correlationId: number): number {
  return encodeRequest(api, version, { correlationId, clientId: 'raw-client' }, body).length - 4
}

t.test('a Produce over producer_byte_rate is answered with Kafka\'s throttle time, and the connection is muted for it', async t => {
  const { client, waits } = await setup(t)
  await setQuota(client, [['client-id', null]], 'producer_byte_rate', 1000)
  const small = produceBody(Buffer.alloc(100))
  const first = await client.request(Produce, 9, small)
  t.equal(first.throttleTimeMs, 0, `${requestBytes(Produce, 9, small, 2)} bytes over 10 s is within 1000 B/s`)
  const big = produceBody(Buffer.alloc(20_000, 1))
  const total = requestBytes(Produce, 9, small, 2) + requestBytes(Produce, 9, big, 3)
  const expected = Math.round((total / 10 - 1000) / 1000 * 10_000)
  // Pipelined: the Produce, then a Metadata the broker must not read before the throttle has passed.
  client.sendRequest(Produce, 9, big)
  client.sendRequest(Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
  const produced = decodeResponse(Produce, 9, (await client.nextFrame())!).body
  t.equal(produced.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE, 'a throttled produce is still appended')
  t.equal(produced.throttleTimeMs, expected, 'throttle time as Kafka computes it')
  const wait = await nextWait(waits, 0)
  t.equal(wait.ms, expected, 'the connection is muted for that time')
  let metadataArrived = false
  const metadata = client.nextFrame().then(f => { metadataArrived = true; return f })
  for (let i = 0; i < 20; i++) await new Promise(resolve => setImmediate(resolve))
  t.equal(metadataArrived, false, 'the pipelined request is not answered while muted')
  wait.release()
  t.ok(await metadata, 'answered once the throttle time has passed')
  t.equal(waits.length, 1, 'a request within quota (Metadata is not charged) is not throttled')
})

t.test('an acks=0 Produce over quota gets no response but its connection is muted', async t => {
  const { client, waits } = await setup(t)
  await setQuota(client, [['user', 'ANONYMOUS']], 'producer_byte_rate', 100)
  client.sendRequest(Produce, 9, produceBody(Buffer.alloc(5000), 0))
  const wait = await nextWait(waits, 0)
  t.ok(wait.ms > 0)
  wait.release()
  const md = await client.request(Metadata, 1, { topics: null })
  t.equal(md.brokers.length, 1)
})

t.test('a Fetch over consumer_byte_rate is answered empty with the throttle time, costs nothing, and mutes', async t => {
  const { cluster, client, waits, clock } = await setup(t)
  cluster.produce('orders', 0, [{ value: Buffer.alloc(30_000, 2) }])
  await setQuota(client, [['user', null]], 'consumer_byte_rate', 4000)
  const served = await client.request(Fetch, 12, fetchBody(0n))
  t.equal(served.throttleTimeMs, 0, 'one answer of ~30 kB over 10 s is within 4000 B/s')
  t.ok(served.responses[0].partitions[0].records.length > 30_000, 'the record is served')
  // FetchResponse.sizeOf: the body plus 4, which is the frame less its size prefix and the 5-byte v1 header + 4.
  const size = encodeResponse(Fetch, 12, 0, served).length - 4 - 5 + 4
  const expected = Math.round((2 * size / 10 - 4000) / 4000 * 10_000)
  const throttled = await client.request(Fetch, 12, fetchBody(0n))
  t.equal(throttled.throttleTimeMs, expected, 'the second answer doubles the rate: throttled as Kafka computes it')
  t.same(throttled.responses, [], 'no data in a throttled answer')
  t.equal(throttled.sessionId, 0, 'no session is created by a throttled full fetch')
  t.equal(throttled.errorCode, ErrorCode.NONE)
  const wait = await nextWait(waits, 0)
  t.equal(wait.ms, expected, 'muted for the throttle time')
  wait.release()
  // Had the throttled answer been charged, the rate 5 s later would be 3 answers over 10 s; it is 2.
  clock.now += 5000
  const again = await client.request(Fetch, 12, fetchBody(0n))
  t.equal(again.throttleTimeMs, expected, 'a throttled answer costs nothing')
  const second = await nextWait(waits, 1)
  second.release()
  // Once every window has expired the answer is served again, and its session opens.
  clock.now += 30_000
  const later = await client.request(Fetch, 12, fetchBody(0n))
  t.equal(later.throttleTimeMs, 0)
  t.not(later.sessionId, 0)
})

t.test('without any quota nothing is measured or throttled', async t => {
  const { client, waits } = await setup(t)
  const res = await client.request(Produce, 9, produceBody(Buffer.alloc(200_000)))
  t.equal(res.throttleTimeMs, 0, JSON.stringify(res, (k, v) => typeof v === 'bigint' ? String(v) : (k === 'records' ? v?.length : v)))
  const f = await client.request(Fetch, 12, fetchBody(0n))
  t.equal(f.throttleTimeMs, 0)
  t.equal(waits.length, 0)
})

t.test('a quota caps one fetch at what the quota allows over the window', async t => {
  const { cluster, client } = await setup(t)
  // 10 batches of ~570 bytes; consumer_byte_rate 100 caps an answer's records at 100 × 10 s = 1000 bytes: one
  // batch (a second would pass the cap). That answer, ~640 bytes, is still over 100 B/s and throttled a few hundred
  // ms; the uncapped ~5.8 kB answer would be throttled ~48 s.
  for (let i = 0; i < 10; i++) cluster.produce('orders', 0, [{ value: Buffer.alloc(500, i) }])
  await setQuota(client, [['client-id', 'raw-client']], 'consumer_byte_rate', 100)
  const res = await client.request(Fetch, 12, fetchBody(0n))
  t.ok(res.throttleTimeMs < 1000, `the charged answer was capped (throttled ${res.throttleTimeMs} ms)`)
})
