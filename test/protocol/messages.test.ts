import t from 'tap'
import fc from 'fast-check'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../protocol/messages.js'
import { ALL_APIS, ApiVersions, Metadata } from '../../protocol/apis/index.js'
import { ProtocolError, UnsupportedVersionError } from '../../protocol/errors.js'

// Whole frames: headers chosen per API and version, exact consumption, and hostile bytes.

t.test('a request frame carries its size, header and body, and decodes back', async t => {
  const frame = encodeRequest(Metadata, 9, { correlationId: 7, clientId: 'kd' }, { topics: [{ name: 'a' }], allowAutoTopicCreation: false })
  t.equal(frame.readInt32BE(0), frame.length - 4)
  const { api, header, body } = decodeRequest(frame.subarray(4))
  t.equal(api, Metadata)
  t.same(header, { apiKey: 3, apiVersion: 9, correlationId: 7, clientId: 'kd' })
  t.equal(body.topics[0].name, 'a')
  t.equal(body.allowAutoTopicCreation, false)
})

t.test('the request header client id stays a classic string in flexible versions', async t => {
  const frame = encodeRequest(Metadata, 12, { correlationId: 1, clientId: 'ab' }, { topics: null })
  // size(4) apiKey(2) apiVersion(2) correlationId(4), then int16 length 2 and "ab", then an empty tag section
  t.same([...frame.subarray(12, 17)], [0x00, 0x02, 0x61, 0x62, 0x00])
})

t.test('ApiVersions responses use header v0 even in flexible versions', async t => {
  const frame = encodeResponse(ApiVersions, 3, 5, { errorCode: 0, apiKeys: [], throttleTimeMs: 0 })
  // size, correlation id, then straight into the body: error code 0, compact array of 0 (=1), throttle, tags
  t.same([...frame.subarray(4)], [0, 0, 0, 5, 0, 0, 0x01, 0, 0, 0, 0, 0x00])
  t.equal(decodeResponse(ApiVersions, 3, frame.subarray(4)).correlationId, 5)
})

t.test('leftover bytes after the last field are an error naming the API', async t => {
  const frame = encodeRequest(ApiVersions, 0, { correlationId: 1, clientId: null }, {})
  const longer = Buffer.concat([frame.subarray(4), Buffer.from([0])])
  t.throws(() => decodeRequest(longer), /ApiVersions v0 request: \(end\) at byte \d+: 1 bytes left over/)
  // A broker ignores them, as Kafka does: decoded, and counted.
  const decoded = decodeRequest(longer, undefined, { ignoreTrailingBytes: true })
  t.same([decoded.api, decoded.header.correlationId, decoded.trailingBytes], [ApiVersions, 1, 1])
  t.equal(decodeRequest(frame.subarray(4), undefined, { ignoreTrailingBytes: true }).trailingBytes, 0)
})

t.test('a broker may ignore bytes after the last field, as Kafka does', async t => {
  const frame = encodeRequest(Metadata, 12, { correlationId: 7, clientId: 'rdkafka' }, { topics: null, allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false })
  const longer = Buffer.concat([frame.subarray(4), Buffer.from([0, 0, 0])])
  const { header, body } = decodeRequest(longer, undefined, { ignoreTrailingBytes: true })
  t.equal(header.correlationId, 7)
  t.match(body, { topics: null, allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false })
  t.throws(() => decodeRequest(longer), /Metadata v12 request: \(end\) at byte \d+: 3 bytes left over/, 'strict by default')
})

t.test('unknown API keys and versions raise UnsupportedVersionError carrying the header', async t => {
  const unknownKey = Buffer.from([0x7f, 0x00, 0x00, 0x00, 0, 0, 0, 9, 0xff, 0xff])
  const e1 = t.throws(() => decodeRequest(unknownKey)) as any
  t.type(e1, UnsupportedVersionError)
  t.equal(e1.header.correlationId, 9)
  const tooNew = Buffer.from([0x00, 0x12, 0x00, 0x63, 0, 0, 0, 4, 0x00, 0x01, 0x61])
  const e2 = t.throws(() => decodeRequest(tooNew)) as any
  t.type(e2, UnsupportedVersionError)
  t.same(e2.header, { apiKey: 18, apiVersion: 99, correlationId: 4, clientId: 'a' })
})

t.test('random and mutated frames raise only ProtocolError or UnsupportedVersionError', async t => {
  const valid = ALL_APIS.flatMap(api => [api.versions.min, api.versions.max].map(v =>
    encodeRequest(api, v, { correlationId: 1, clientId: 'x' }, {}).subarray(4)))
  const check = (frame: Buffer): void => {
    try { decodeRequest(frame) } catch (e) {
      if (!(e instanceof ProtocolError) && !(e instanceof UnsupportedVersionError)) throw e
    }
    for (const api of ALL_APIS) {
      try { decodeResponse(api, api.versions.max, frame) } catch (e) { if (!(e instanceof ProtocolError)) throw e }
    }
  }
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), b => check(Buffer.from(b))), { numRuns: 300 })
  fc.assert(fc.property(fc.constantFrom(...valid), fc.nat(), fc.integer({ min: 0, max: 255 }), (f, pos, byte) => {
    const m = Buffer.from(f)
    if (m.length > 0) m[pos % m.length] = byte
    check(m)
  }), { numRuns: 300 })
  t.pass()
})
