import t from 'tap'
import { BrokerConnection } from '../../consumer/connection.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { ConnectionError } from '../../protocol/errors.js'
import { apiVersionsBody, startRawBroker, type RawRequest } from './raw-broker.js'

// KIP-219 on the client's side: a response that carries a throttle time (at a version from which brokers answer
// first and then mute the connection) holds back this connection's next requests for that long, in order, and
// their timeouts do not start until they are written. Virtual time: the test opens the gate.

const BROKER_APIS: Array<[number, number, number]> = [[18, 0, 4], [3, 0, 12]]

async function setup (t: any, throttleMs: (req: RawRequest) => number) {
  const arrived: RawRequest[] = []
  const broker = await startRawBroker(req => {
    if (req.api.key === 18) { req.reply(apiVersionsBody(BROKER_APIS)); return }
    arrived.push(req)
    req.reply({ throttleTimeMs: throttleMs(req), brokers: [], clusterId: req.body.topics?.[0]?.name ?? null, controllerId: 1, topics: [] })
  })
  const waits: Array<{ ms: number, release: () => void }> = []
  const conn = await BrokerConnection.open({
    host: '127.0.0.1',
    port: broker.port,
    requestTimeoutMs: 2000,
    throttleWait: async ms => await new Promise<void>(resolve => { waits.push({ ms, release: resolve }) })
  })
  t.teardown(async () => { await conn.close(); await broker.close() })
  return { arrived, waits, conn }
}

const turns = async (n = 10): Promise<void> => { for (let i = 0; i < n; i++) await new Promise(resolve => setImmediate(resolve)) }

t.test('a throttled response holds back the next requests until the throttle time is up, and they go in order', async t => {
  const { arrived, waits, conn } = await setup(t, req => req.body.topics?.[0]?.name === 'first' ? 700 : 0)
  const first = await conn.request(Metadata, 9, { topics: [{ name: 'first' }] })
  t.equal(first.body.throttleTimeMs, 700)
  t.same(waits.map(w => w.ms), [700], 'the connection waits the time the broker said')
  t.equal(conn.throttledMs, 700)
  const later = ['a', 'b', 'c'].map(async name => await conn.request(Metadata, 9, { topics: [{ name }] }))
  await turns()
  t.equal(arrived.length, 1, 'nothing more was written while throttled')
  t.equal(conn.inFlight, 0, 'and nothing counts as in flight (no timeout runs)')
  waits[0].release()
  const answers = await Promise.all(later)
  t.same(answers.map(a => a.body.clusterId), ['a', 'b', 'c'])
  t.same(arrived.map(r => r.body.topics[0].name), ['first', 'a', 'b', 'c'], 'written in the order they were made')
})

t.test('a version from before KIP-219 does not hold the connection back (the broker delayed its answer itself)', async t => {
  const { waits, conn } = await setup(t, () => 500)
  await conn.request(Metadata, 5, { topics: [{ name: 'x' }] })
  await conn.request(Metadata, 5, { topics: [{ name: 'y' }] })
  t.same(waits, [])
  t.equal(conn.throttledMs, 0)
})

t.test('a longer throttle extends the wait; a shorter one inside it does not add one', async t => {
  const times = [300, 100]
  const { waits, conn } = await setup(t, () => times.shift() ?? 0)
  const a = conn.request(Metadata, 9, { topics: [{ name: 'a' }] })
  const b = conn.request(Metadata, 9, { topics: [{ name: 'b' }] })
  await Promise.all([a, b])
  t.same(waits.map(w => w.ms), [300], 'the 100 ms throttle ends inside the 300 ms one')
  waits[0].release()
  await conn.request(Metadata, 9, { topics: [{ name: 'c' }] })
})

t.test('closing a throttled connection fails the waiting requests at once', async t => {
  const { waits, conn } = await setup(t, () => 60_000)
  await conn.request(Metadata, 9, { topics: [{ name: 'a' }] })
  t.equal(waits.length, 1)
  const failed = conn.request(Metadata, 9, { topics: [{ name: 'b' }] }).then(() => null, (err: unknown) => err)
  await turns()
  await conn.close()
  t.type(await failed, ConnectionError)
})
