import t from 'tap'
import { BrokerConnection } from '../../consumer/connection.js'
import { ApiVersions } from '../../protocol/apis/api-versions.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { encodeResponse } from '../../protocol/messages.js'
import { ConnectionError, ProtocolError, TimeoutError } from '../../protocol/errors.js'
import { apiVersionsBody, startRawBroker, type RawRequest } from './raw-broker.js'

// One connection to one broker: pipelined requests matched by correlation id, responses cut and glued in any way,
// per-request timeouts, and a clean close that fails whatever is still in flight.

const BROKER_APIS: Array<[number, number, number]> = [[18, 0, 4], [3, 0, 12]]

function metadataBody (clusterId: string): object {
  return { brokers: [], clusterId, controllerId: 1, topics: [] }
}

async function setup (t: Tap.Test, onMetadata: (req: RawRequest) => void, opts: Partial<Parameters<typeof BrokerConnection.open>[0]> = {}) {
  const broker = await startRawBroker(req => {
    if (req.api.key === 18) req.reply(apiVersionsBody(BROKER_APIS))
    else onMetadata(req)
  })
  const conn = await BrokerConnection.open({ host: '127.0.0.1', port: broker.port, clientId: 'test-client', ...opts })
  t.teardown(async () => { await conn.close(); await broker.close() })
  return { broker, conn }
}

// eslint-disable-next-line @typescript-eslint/no-namespace
declare namespace Tap { type Test = any }

t.test('many requests are in flight at once and each gets its own response, even answered out of order', async t => {
  const held: RawRequest[] = []
  let release: () => void = () => {}
  const allArrived = new Promise<void>(resolve => { release = resolve })
  const { conn } = await setup(t, req => {
    held.push(req)
    if (held.length === 5) release()
  })
  const pending = [0, 1, 2, 3, 4].map(async i => await conn.request(Metadata, 9, { topics: [{ name: `topic-${i}` }] }))
  await allArrived
  t.equal(conn.inFlight, 5, 'all five requests were sent before any answer')
  for (const req of [...held].reverse()) req.reply(metadataBody(req.body.topics[0].name))
  const results = await Promise.all(pending)
  t.same(results.map(r => r.body.clusterId), ['topic-0', 'topic-1', 'topic-2', 'topic-3', 'topic-4'])
  t.same(new Set(results.map(r => r.correlationId)).size, 5, 'distinct correlation ids')
  t.equal(held[0].header.clientId, 'test-client')
})

t.test('responses cut into single bytes and glued together are decoded', async t => {
  const held: RawRequest[] = []
  let release: () => void = () => {}
  const allArrived = new Promise<void>(resolve => { release = resolve })
  const { conn } = await setup(t, req => { held.push(req); if (held.length === 3) release() })
  const pending = [0, 1, 2].map(async i => await conn.request(Metadata, 9, { topics: [{ name: `t${i}` }] }))
  await allArrived
  const frames = held.map(r => encodeResponse(Metadata, 9, r.header.correlationId, metadataBody(r.body.topics[0].name)))
  // The first response byte by byte, the second and third glued with the second split mid-body.
  const socket = held[0].socket
  for (const b of frames[0]) socket.write(Buffer.from([b]))
  const glued = Buffer.concat([frames[1], frames[2]])
  socket.write(glued.subarray(0, 7))
  socket.write(glued.subarray(7))
  const results = await Promise.all(pending)
  t.same(results.map(r => r.body.clusterId), ['t0', 't1', 't2'])
})

t.test('a request with no answer fails with a TimeoutError and the connection stays usable', async t => {
  let first = true
  const { conn } = await setup(t, req => {
    if (first) { first = false; return } // never answered
    req.reply(metadataBody('second'))
  })
  await t.rejects(conn.request(Metadata, 9, { topics: [] }, { timeoutMs: 20 }), TimeoutError)
  const res = await conn.request(Metadata, 9, { topics: [] })
  t.equal(res.body.clusterId, 'second')
})

t.test('a late response to a timed-out request is dropped', async t => {
  const held: RawRequest[] = []
  const { conn } = await setup(t, req => {
    held.push(req)
    if (held.length === 2) {
      // Answer the timed-out one first, then the live one.
      held[0].reply(metadataBody('late'))
      held[1].reply(metadataBody('live'))
    }
  })
  await t.rejects(conn.request(Metadata, 9, { topics: [] }, { timeoutMs: 10 }), TimeoutError)
  const res = await conn.request(Metadata, 9, { topics: [] })
  t.equal(res.body.clusterId, 'live')
  t.notOk(conn.closed)
})

t.test('closing the connection fails every request in flight with a ConnectionError', async t => {
  let arrived = 0
  let release: () => void = () => {}
  const both = new Promise<void>(resolve => { release = resolve })
  const { conn } = await setup(t, () => { if (++arrived === 2) release() })
  // Settled into values at once, so the rejections are never unhandled while we close.
  const a = conn.request(Metadata, 9, { topics: [] }).then(() => null, (e: unknown) => e)
  const b = conn.request(Metadata, 9, { topics: [] }).then(() => null, (e: unknown) => e)
  await both
  await conn.close()
  t.type(await a, ConnectionError)
  t.type(await b, ConnectionError)
  await t.rejects(conn.request(Metadata, 9, { topics: [] }), ConnectionError)
  t.ok(conn.closed)
})

t.test('the broker dropping the connection fails requests in flight with a ConnectionError', async t => {
  const { conn } = await setup(t, req => req.socket.destroy())
  await t.rejects(conn.request(Metadata, 9, { topics: [] }), ConnectionError)
  t.ok(conn.closed)
})

t.test('a response size prefix over the limit fails the connection without allocating', async t => {
  const { conn } = await setup(t, req => {
    const huge = Buffer.alloc(8)
    huge.writeInt32BE(0x7ffffff0, 0)
    huge.writeInt32BE(req.header.correlationId, 4)
    req.socket.write(huge)
  }, { maxResponseBytes: 1 << 20 })
  const err = await conn.request(Metadata, 9, { topics: [] }).then(() => null, (e: unknown) => e)
  t.ok(err instanceof ConnectionError || err instanceof ProtocolError, String(err))
  t.match(String((err as Error).message), /exceeds the limit/)
  t.ok(conn.closed)
})

t.test('a response that does not decode fails only its request', async t => {
  let n = 0
  const { conn } = await setup(t, req => {
    if (n++ === 0) {
      const bad = Buffer.alloc(9)
      bad.writeInt32BE(5, 0)
      bad.writeInt32BE(req.header.correlationId, 4)
      req.socket.write(bad)
    } else {
      req.reply(metadataBody('ok'))
    }
  })
  await t.rejects(conn.request(Metadata, 9, { topics: [] }), ProtocolError)
  t.equal((await conn.request(Metadata, 9, { topics: [] })).body.clusterId, 'ok')
})

t.test('connecting to a port with no listener fails with a ConnectionError', async t => {
  const broker = await startRawBroker(() => {})
  const port = broker.port
  await broker.close()
  await t.rejects(BrokerConnection.open({ host: '127.0.0.1', port }), ConnectionError)
})

t.test('the version of each request is picked from the negotiated table', async t => {
  const { conn, broker } = await setup(t, req => req.reply(metadataBody('x')))
  const res = await conn.request(Metadata, undefined, v => ({ topics: v === 0 ? [] : null }))
  t.equal(res.version, 12, 'min(our 13, broker 12)')
  t.equal(broker.requests[0].api, ApiVersions)
  t.equal(broker.requests[0].header.apiVersion, 4)
  t.equal(broker.requests[0].body.clientSoftwareName, 'kafka-direct')
})
