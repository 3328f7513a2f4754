import t from 'tap'
import { ApiVersions, Metadata } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { decodeResponse, encodeRequest } from '../../../protocol/messages.js'
import { Writer } from '../../../protocol/writer.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { HANDLERS } from '../../../tools/fake-broker/handlers/index.js'
import { RawClient } from './raw-client.js'

t.test('ApiVersions advertises exactly the handled APIs with their ranges, in every version', async t => {
  const cluster = await FakeCluster.start()
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  for (let v = 0; v <= 5; v++) {
    const res = await client.request(ApiVersions, v, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })
    t.equal(res.errorCode, 0)
    t.same(res.apiKeys.map((k: any) => k.apiKey), [...HANDLERS.keys()].sort((a, b) => a - b), `v${v} lists every handler`)
    const fetch = res.apiKeys.find((k: any) => k.apiKey === 1)
    t.same([fetch.minVersion, fetch.maxVersion], [0, 17])
    const produce = res.apiKeys.find((k: any) => k.apiKey === 0)
    t.same([produce.minVersion, produce.maxVersion], [0, 13], 'Produce from v0: librdkafka 2.0 enables compression only when v0 is offered')
  }
})

t.test('ApiVersions v5 (KIP-1242): the expected cluster and node are checked, both or neither', async t => {
  const cluster = await FakeCluster.start({ brokers: 2 })
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  const ask = async (clusterId: string | null, nodeId: number): Promise<any> => await client.request(ApiVersions, 5, { clientSoftwareName: 'test', clientSoftwareVersion: '1', clusterId, nodeId })
  const ok = await ask(cluster.state.clusterId, 1)
  t.same([ok.errorCode, ok.apiKeys.length], [ErrorCode.NONE, HANDLERS.size])
  t.equal((await ask(null, -1)).errorCode, ErrorCode.NONE, 'neither: no check')
  for (const [clusterId, nodeId, code] of [['other', 1, ErrorCode.REBOOTSTRAP_REQUIRED], [cluster.state.clusterId, 2, ErrorCode.REBOOTSTRAP_REQUIRED], [null, 1, ErrorCode.INVALID_REQUEST], [cluster.state.clusterId, -1, ErrorCode.INVALID_REQUEST]] as const) {
    const res = await ask(clusterId, nodeId)
    t.same([res.errorCode, res.apiKeys, res.throttleTimeMs], [code, [], 0], `${String(clusterId)}/${nodeId}`)
  }
})

t.test('an ApiVersions version above ours gets a v0 body with UNSUPPORTED_VERSION and our ApiVersions range (KIP-511)', async t => {
  const cluster = await FakeCluster.start()
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  // Header v2 for a flexible version 9: apiKey, apiVersion, correlationId, clientId, empty tag section; the body
  // of a future version is opaque to the broker.
  const w = new Writer().sizePrefix()
  w.int16(18).int16(9).int32(77).nullableString('future').uvarint(0)
  w.uvarint(5).raw(Buffer.from('name')).uvarint(2).raw(Buffer.from('1')).uvarint(0)
  client.send(w.finish())
  const frame = await client.nextFrame()
  t.ok(frame)
  // Decoded as the client would: it asked for v3 as far as our codec knows, the peek falls back to v0.
  const res = decodeResponse(ApiVersions, 3, frame!)
  t.equal(res.version, 0)
  t.equal(res.correlationId, 77)
  t.equal(res.body.errorCode, ErrorCode.UNSUPPORTED_VERSION)
  // Only ApiVersions' own range, as Kafka 4.4 answers (test-interop/differential/).
  t.same(res.body.apiKeys, [{ apiKey: 18, minVersion: 0, maxVersion: 5 }])
  // The connection stays usable.
  const md = await client.request(Metadata, 1, { topics: null })
  t.equal(md.brokers.length, 1)
})

t.test('ApiVersions v0 and Metadata v0 sent back to back are answered in order (kafka-python probe)', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'a', partitions: 2 }] })
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  client.send(Buffer.concat([
    encodeRequest(ApiVersions, 0, { correlationId: 1, clientId: 'kafka-python' }, {}),
    encodeRequest(Metadata, 0, { correlationId: 2, clientId: 'kafka-python' }, { topics: [] })
  ]))
  const first = decodeResponse(ApiVersions, 0, (await client.nextFrame())!)
  const second = decodeResponse(Metadata, 0, (await client.nextFrame())!)
  t.equal(first.correlationId, 1)
  t.equal(second.correlationId, 2)
  t.same(second.body.topics.map((x: any) => [x.name, x.partitions.length]), [['a', 2]])
})

t.test('a request for an API the broker does not serve (ControlledShutdown v1) closes that connection as Kafka 4.x does, logged once per key', async t => {
  const lines: string[] = []
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 1 }], log: line => lines.push(line) })
  t.teardown(() => cluster.stop())
  // ControlledShutdown (key 7) v1, header v1, written by hand: brokerId 1. A ZooKeeper-era inter-broker API that
  // Kafka 4.x no longer has (KIP-500); SocketServer closes the connection.
  const controlledShutdownV1 = (): Buffer => {
    const w = new Writer().sizePrefix()
    w.int16(7).int16(1).int32(5).nullableString('old-broker')
    w.int32(1)
    return w.finish()
  }
  for (let i = 0; i < 3; i++) {
    const client = await RawClient.connect(cluster.bootstrap)
    client.send(controlledShutdownV1())
    t.equal(await client.nextFrame(), undefined, 'no answer: the connection is closed, as Kafka closes it')
    client.close()
  }
  t.equal(lines.filter(l => l.includes('API key 7 v1 is not served')).length, 1, 'logged once for three requests')
  // The broker is unharmed: the next connection is served, and a served API at a version out of range is treated
  // the same way (Metadata v99: logged once, closed).
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  const md = await client.request(Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
  t.same(md.topics.map((x: any) => x.name), ['t'])
  const other = await RawClient.connect(cluster.bootstrap)
  const w = new Writer().sizePrefix()
  w.int16(3).int16(99).int32(6).nullableString('future').uvarint(0)
  other.send(w.finish())
  t.equal(await other.nextFrame(), undefined)
  other.close()
  t.equal(lines.filter(l => l.includes('API key 3 v99 is not served')).length, 1)
})
