import t from 'tap'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../../../tools/cli/commands/decode.js'
import { encodeRequest, encodeResponse } from '../../../protocol/messages.js'
import { Metadata } from '../../../protocol/apis/metadata.js'
import { ApiVersions } from '../../../protocol/apis/api-versions.js'
import { SaslAuthenticate } from '../../../protocol/apis/sasl-authenticate.js'

// The decode command runs in-process with its input and output captured.

async function decode (argv: string[], stdin: Buffer | string = Buffer.alloc(0)): Promise<{ code: number, out: string, err: string }> {
  let out = ''
  let err = ''
  const code = await run(argv, { stdin, stdout: { write: s => { out += s } }, stderr: { write: s => { err += s } } })
  return { code, out, err }
}

const metadataRequest = encodeRequest(Metadata, 12, { correlationId: 3, clientId: 'kd' }, { topics: [{ name: 'events' }], allowAutoTopicCreation: false })
const apiVersionsRequest = encodeRequest(ApiVersions, 3, { correlationId: 4, clientId: null }, { clientSoftwareName: 'kafka-direct', clientSoftwareVersion: '0.1.0' })

t.test('the annotated dump shows the size, the header and every body field with offsets and raw bytes', async t => {
  const { code, out, err } = await decode([], metadataRequest)
  t.equal(code, 0)
  t.equal(err, '')
  const lines = out.trimEnd().split('\n')
  t.match(lines[0], /^frame 1 at byte 0: Metadata \(key 3\) v12 request, 45 bytes; request header v2$/)
  t.match(lines[1], /^\s+0 {2}00 00 00 29\s+size {2}int32 = 41$/)
  t.match(lines[2], /^\s+4 {2}00 03\s+header\.apiKey {2}int16 = 3 \(Metadata\)$/)
  t.match(out, /\n\s+12 {2}00 02 6b 64\s+header\.clientId {2}nullable string = "kd"\n/)
  t.match(out, /\n\s+17 {2}02\s+topics {2}compact nullable array of MetadataRequestTopic = 1 element\n/)
  // Long values are truncated in the raw column; nesting is indented under the array element.
  t.match(out, /\n\s+18 {2}00 00 00 00 00 00 00 00 … \+8\s{4,}topics\[0\]\.topicId {2}uuid = "0{8}-0{4}-0{4}-0{4}-0{12}"\n/)
  t.match(out, /\n\s+34 {2}07 65 76 65 6e 74 73\s+topics\[0\]\.name {2}compact nullable string = "events"\n/)
  t.match(lines[lines.length - 1], /^\s+44 {2}00\s+_taggedFields {2}tagged fields$/)
})

t.test('several frames in one input are dumped one after the other, offsets counting from the input start', async t => {
  const { code, out } = await decode(['-'], Buffer.concat([metadataRequest, apiVersionsRequest]))
  t.equal(code, 0)
  t.match(out, /\nframe 2 at byte 45: ApiVersions \(key 18\) v3 request/)
  t.match(out, /\n\s+57 {2}ff ff\s+header\.clientId {2}nullable string = null\n/)
})

t.test('--hex reads hex text, ignoring whitespace and comments', async t => {
  const text = metadataRequest.toString('hex').replace(/(........)/g, '$1 // eight digits\n')
  const { code, out } = await decode(['--hex', '--json'], text)
  t.equal(code, 0)
  t.same(JSON.parse(out), {
    apiKey: 3,
    apiVersion: 12,
    correlationId: 3,
    clientId: 'kd',
    body: { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: 'events' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false, includeClusterAuthorizedOperations: false }
  })
})

t.test('--json prints one object per frame per line', async t => {
  const { code, out } = await decode(['--json'], Buffer.concat([metadataRequest, apiVersionsRequest]))
  t.equal(code, 0)
  const lines = out.trimEnd().split('\n').map(l => JSON.parse(l))
  t.equal(lines.length, 2)
  // Fields a version lacks read as their defaults, as Kafka's generated classes give them (v5's clusterId, nodeId).
  t.same(lines[1], { apiKey: 18, apiVersion: 3, correlationId: 4, clientId: null, body: { clientSoftwareName: 'kafka-direct', clientSoftwareVersion: '0.1.0', clusterId: null, nodeId: -1 } })
})

t.test('responses decode with --response --api --api-version; int64 and bytes become JSON numbers, strings and hex', async t => {
  const small = encodeResponse(SaslAuthenticate, 1, 9, { errorCode: 0, errorMessage: null, authBytes: Buffer.from([0xca, 0xfe]), sessionLifetimeMs: 3600000n })
  const big = encodeResponse(SaslAuthenticate, 1, 10, { errorCode: 58, errorMessage: 'bad', authBytes: Buffer.alloc(0), sessionLifetimeMs: 2n ** 60n })
  const { code, out } = await decode(['--response', '--api', 'SaslAuthenticate', '--api-version', '1', '--json'], Buffer.concat([small, big]))
  t.equal(code, 0)
  const [a, b] = out.trimEnd().split('\n').map(l => JSON.parse(l))
  t.same(a, { apiKey: 36, apiVersion: 1, correlationId: 9, body: { errorCode: 0, errorMessage: null, authBytes: 'cafe', sessionLifetimeMs: 3600000 } })
  t.equal(b.body.sessionLifetimeMs, (2n ** 60n).toString(), 'beyond 2^53: a decimal string')
  const dumped = await decode(['--response', '--api', '36', '--api-version', '1'], big)
  t.match(dumped.out, /errorCode {2}int16 = 58 \(SASL_AUTHENTICATION_FAILED\)/)
  t.match(dumped.out, /sessionLifetimeMs {2}int64 = 1152921504606846976/)
})

t.test('the ApiVersions fallback to a v0 body is decoded and noted', async t => {
  const frame = encodeResponse(ApiVersions, 0, 8, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 2 }] })
  const { code, out } = await decode(['--response', '--api', 'ApiVersions', '--api-version', '3'], frame)
  t.equal(code, 0)
  t.match(out, /v0 response.*v3 was requested, the broker answered with a v0 body/)
  t.match(out, /errorCode {2}int16 = 35 \(UNSUPPORTED_VERSION\)/)
})

t.test('tagged fields, known and unknown, appear with their tag and size bytes', async t => {
  const frame = encodeResponse(ApiVersions, 3, 8, { apiKeys: [], finalizedFeaturesEpoch: 5n, _unknownTaggedFields: [{ tag: 7, data: Buffer.from('abc') }] })
  const { out } = await decode(['--response', '--api', 'ApiVersions', '--api-version', '3'], frame)
  // The section's own bytes are its count and the first field's tag and size; later tags get a line each.
  t.match(out, /\n\s+15 {2}02 01 08\s+_taggedFields {2}tagged fields\n\s+18 {2}00 00 00 00 00 00 00 05\s+_taggedFields\.finalizedFeaturesEpoch {2}int64 = 5\n/)
  t.match(out, /07 03\s+\(tag, size\)\n\s+\d+ {2}61 62 63\s+_taggedFields\._tag7 {2}unknown tagged field 7 = 3 bytes/)
})

t.test('a file argument is read instead of stdin', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'kd-decode-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'frames.bin')
  writeFileSync(file, apiVersionsRequest)
  const { code, out } = await decode(['--json', file])
  t.equal(code, 0)
  t.equal(JSON.parse(out).apiKey, 18)
  const missing = await decode([join(dir, 'nope.bin')])
  t.equal(missing.code, 1)
  t.match(missing.err, /ENOENT/)
})

t.test('malformed frames exit 1 with a one-line ProtocolError message', async t => {
  const cases: Array<[string, Buffer | string, string[]]> = [
    ['a truncated size', Buffer.from([0, 0, 0]), []],
    ['a size beyond the input', Buffer.from([0, 0, 0, 9, 0, 3]), []],
    ['a negative size', Buffer.from([0xff, 0xff, 0xff, 0xfe]), []],
    ['a truncated header', Buffer.from([0, 0, 0, 4, 0, 3, 0, 12]), []],
    ['a body cut short', Buffer.concat([Buffer.from([0, 0, 0, 40]), metadataRequest.subarray(4, 44)]), []],
    ['leftover bytes', Buffer.concat([Buffer.from([0, 0, 0, 42]), metadataRequest.subarray(4), Buffer.from([0])]), []],
    ['text that is not hex', 'zz', ['--hex']],
    ['an odd number of hex digits', '000', ['--hex']]
  ]
  for (const [what, input, args] of cases) {
    const { code, out, err } = await decode(args, input)
    t.equal(code, 1, `${what}: exit 1`)
    t.equal(out, '', `${what}: nothing on stdout`)
    t.match(err, /^kafka-direct decode: .*ProtocolError: [^\n]+\n$/, `${what}: one line`)
    t.notMatch(err, /\n\s+at /, `${what}: no stack trace`)
  }
})

t.test('an unknown API key exits 1 naming it', async t => {
  const frame = Buffer.from('0000000a00630000000000010000', 'hex').subarray(0, 14)
  const { code, err } = await decode([], frame)
  t.equal(code, 1)
  t.match(err, /UnsupportedVersionError: ApiKey 99: unknown API key/)
})

t.test('bad usage exits 2 with the usage text', async t => {
  for (const argv of [['--response'], ['--response', '--api', 'Nope', '--api-version', '1'], ['--api', '3', '--api-version', '1'],
    ['--response', '--api', '3', '--api-version', '99'], ['--api-version', 'x'], ['--bogus'], ['a', 'b'], ['--api']]) {
    const { code, err } = await decode(argv)
    t.equal(code, 2, argv.join(' '))
    t.match(err, /Usage: kafka-direct decode/)
  }
  const help = await decode(['--help'])
  t.equal(help.code, 0)
})

t.test('empty input decodes to nothing', async t => {
  const { code, out } = await decode([], Buffer.alloc(0))
  t.equal(code, 0)
  t.equal(out, '')
})

t.test('a response file decodes without --response when its name says what it is; otherwise the error says how', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'kd-decode-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const reply = encodeResponse(Metadata, 4, 7, { brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }], clusterId: 'c', controllerId: 1, topics: [] })
  const named = join(dir, '04-metadata-v4-response.bin')
  writeFileSync(named, reply)
  const inferred = await decode([named])
  t.equal(inferred.code, 0, inferred.err)
  t.match(inferred.out, /^frame 1 at byte 0: Metadata \(key 3\) v4 response/)
  const anonymous = join(dir, 'reply.bin')
  writeFileSync(anonymous, reply)
  const failed = await decode([anonymous])
  t.equal(failed.code, 1)
  t.match(failed.err, /if this is a response, pass --response --api NAME --api-version N/)
})
