import t from 'tap'
import { BrokerConnection } from '../../consumer/connection.js'
import { VersionTable, negotiateVersions, ourRange } from '../../consumer/versions.js'
import { ApiVersions } from '../../protocol/apis/api-versions.js'
import { Metadata } from '../../protocol/apis/metadata.js'
import { UnsupportedVersionError } from '../../protocol/errors.js'
import { apiVersionsBody, startRawBroker } from './raw-broker.js'

// ApiVersions negotiation (KIP-35, KIP-511): highest common version per API, pins, the UNSUPPORTED_VERSION
// fallback, v0 for old brokers, and a clear error when an API has no common version.

t.test('each API uses the highest version both sides speak', async t => {
  const table = new VersionTable(new Map([[3, { min: 0, max: 8 }], [18, { min: 0, max: 9 }]]))
  t.equal(table.pick(Metadata), 8, 'broker max below ours')
  t.equal(table.pick(ApiVersions), 5, 'our max below the broker\'s')
})

t.test('a maxVersions pin caps the version, by API name or key', async t => {
  const ranges = new Map([[3, { min: 0, max: 12 }]])
  t.equal(new VersionTable(ranges, { Metadata: 7 }).pick(Metadata), 7)
  t.equal(new VersionTable(ranges, { metadata: 5 }).pick(Metadata), 5)
  t.equal(new VersionTable(ranges, { 3: 4 }).pick(Metadata), 4)
  t.same(ourRange(Metadata, { Metadata: 2 }), { min: 0, max: 2 })
})

t.test('an API with no common version fails with an UnsupportedVersionError naming it', async t => {
  const table = new VersionTable(new Map([[3, { min: 14, max: 20 }]]), undefined, 'broker b:1')
  const err = (() => { try { table.pick(Metadata); return null } catch (e) { return e } })()
  t.type(err, UnsupportedVersionError)
  t.match((err as Error).message, /^Metadata: no common version: broker b:1 speaks v14-20, this client v0-13/)
  t.throws(() => new VersionTable(new Map()).pick(Metadata), /Metadata: .*does not support this API/)
})

t.test('without a handshake each API uses our lowest version', async t => {
  t.equal(new VersionTable(null).pick(Metadata), 0)
})

t.test('UNSUPPORTED_VERSION with the broker\'s range makes the client retry with the highest shared version', async t => {
  const sent: number[] = []
  const table = await negotiateVersions(async (version) => {
    sent.push(version)
    const body = version > 2
      ? apiVersionsBody([[18, 0, 2]], 35)
      : apiVersionsBody([[18, 0, 2], [3, 0, 9]])
    return { correlationId: 1, version, body: { throttleTimeMs: 0, ...body } as any }
  })
  t.same(sent, [4, 2])
  t.equal(table.pick(Metadata), 9)
})

t.test('an old broker answering UNSUPPORTED_VERSION with no range gets ApiVersions v0', async t => {
  const sent: number[] = []
  await negotiateVersions(async (version) => {
    sent.push(version)
    const body = version > 0 ? apiVersionsBody([], 35) : apiVersionsBody([[18, 0, 0], [3, 0, 1]])
    return { correlationId: 1, version, body: body as any }
  })
  t.same(sent, [4, 0])
})

t.test('a broker that rejects every ApiVersions version fails with an UnsupportedVersionError', async t => {
  await t.rejects(negotiateVersions(async (version) => ({ correlationId: 1, version, body: apiVersionsBody([], 35) as any })), UnsupportedVersionError)
})

t.test('the fallback works over a real connection: the v0 error body is decoded and v2 is retried', async t => {
  const broker = await startRawBroker(req => {
    if (req.api.key !== 18) return
    // A broker that speaks ApiVersions v0-2 answers a v4 request with a v0 body (KIP-511).
    if (req.header.apiVersion > 2) req.reply(apiVersionsBody([[18, 0, 2]], 35), 0)
    else req.reply(apiVersionsBody([[18, 0, 2], [3, 1, 7]]))
  })
  t.teardown(async () => await broker.close())
  const conn = await BrokerConnection.open({ host: '127.0.0.1', port: broker.port })
  t.teardown(async () => await conn.close())
  t.same(broker.requests.map(r => r.header.apiVersion), [4, 2])
  t.equal(conn.versionFor(Metadata), 7)
})

t.test('api.version.request=false sends no ApiVersions and uses the lowest versions', async t => {
  const broker = await startRawBroker(req => req.reply({ brokers: [], topics: [] }))
  t.teardown(async () => await broker.close())
  const conn = await BrokerConnection.open({ host: '127.0.0.1', port: broker.port, apiVersionRequest: false })
  t.teardown(async () => await conn.close())
  const res = await conn.request(Metadata, undefined, { topics: [] })
  t.equal(res.version, 0)
  t.same(broker.requests.map(r => r.api.name), ['Metadata'])
})

t.test('a connection whose broker shares no Metadata version is refused on use, naming the API', async t => {
  const broker = await startRawBroker(req => req.reply(apiVersionsBody([[18, 0, 4], [3, 20, 21]])))
  t.teardown(async () => await broker.close())
  const conn = await BrokerConnection.open({ host: '127.0.0.1', port: broker.port })
  t.teardown(async () => await conn.close())
  await t.rejects(conn.request(Metadata, undefined, { topics: [] }), { name: 'UnsupportedVersionError', api: 'Metadata' })
})

t.test('the handshake sends ApiVersions v4 though v5 is known (KIP-1242 adds nothing it uses), v5 when configured', async t => {
  const sent: number[] = []
  const answer = async (version: number): Promise<any> => { sent.push(version); return { correlationId: 1, version, body: apiVersionsBody([[18, 0, 5], [3, 0, 12]]) } }
  await negotiateVersions(answer)
  await negotiateVersions(answer, { maxVersions: { apiversions: 5 } })
  await negotiateVersions(answer, { maxVersions: { 18: 3 } })
  t.same(sent, [4, 5, 3])
})
