import t from 'tap'
import { ALL_APIS } from '../../protocol/apis/index.js'
import { defineApi, field } from '../../protocol/schema/define.js'
import { KAFKA_VERSION } from '../peers/maven.js'
import { loadDefinitionsOrSkip, stripLineComments, type KafkaMessage } from './kafka-definitions.js'
import { compareApi } from './schema-diff.js'
import { DELIBERATE_DIFFERENCES } from './deliberate-differences.js'

// Our schemas (protocol/apis/) against Kafka's own message definitions, read from the kafka-clients jar at test
// time. The round-trip tests compile encoder and decoder from the same schema, so a wrong type or version range
// cannot fail them; this can. Versions Kafka 4.x removed (KIP-896) that we keep are compared with Kafka 3.9's
// definitions. Every difference must be fixed or listed, with its reason, in deliberate-differences.ts.

t.test('every API we declare matches Kafka\'s message definitions', async t => {
  const defs = await loadDefinitionsOrSkip(t)
  if (defs === undefined) return
  t.ok(defs[0].messages.size > 100, `kafka-clients ${KAFKA_VERSION} holds ${defs[0].messages.size} message definitions`)
  const seen = new Set<string>()
  for (const api of ALL_APIS) {
    const diffs = compareApi(api, defs)
    for (const d of diffs) seen.add(d)
    const unexpected = diffs.filter(d => !DELIBERATE_DIFFERENCES.has(d))
    t.same(unexpected, [], `${api.name} (key ${api.key}): no difference that is not listed as deliberate`)
  }
  const stale = [...DELIBERATE_DIFFERENCES.keys()].filter(d => !seen.has(d))
  t.same(stale, [], 'every deliberate difference still exists (remove stale entries from deliberate-differences.ts)')
})

// The comparison itself, on a definition written here from Kafka's HeartbeatRequest/Response.json, so that it is
// shown to find each kind of difference it claims to (and runs without Java).
const HEARTBEAT: KafkaMessage[] = [`
  // A comment, and a URL that must survive: "https://kafka.apache.org/protocol"
  { "apiKey": 12, "type": "request", "name": "HeartbeatRequest", "validVersions": "0-4", "flexibleVersions": "4+",
    "fields": [
      { "name": "GroupId", "type": "string", "versions": "0+", "about": "See https://kafka.apache.org // not a comment" },
      { "name": "GenerationId", "type": "int32", "versions": "0+" },
      { "name": "MemberId", "type": "string", "versions": "0+" },
      { "name": "GroupInstanceId", "type": "string", "versions": "3+", "nullableVersions": "3+", "default": "null" }
    ] }`, `
  { "apiKey": 12, "type": "response", "name": "HeartbeatResponse", "validVersions": "0-4", "flexibleVersions": "4+",
    "fields": [
      { "name": "ThrottleTimeMs", "type": "int32", "versions": "1+" },
      { "name": "ErrorCode", "type": "int16", "versions": "0+" },
      { "name": "Hint", "type": "int64", "versions": "4+", "taggedVersions": "4+", "tag": 0, "default": "-1" }
    ] }`].map(text => JSON.parse(stripLineComments(text)) as KafkaMessage)
const HEARTBEAT_DEFS: KafkaDefinitions[] = [{ version: 'test', messages: new Map(HEARTBEAT.map(m => [m.name, m])) }]

t.test('the comparison passes a schema written like the definition', async t => {
  t.equal(HEARTBEAT[0].fields[0].about, 'See https://kafka.apache.org // not a comment', 'comments are stripped outside strings only')
  const right = defineApi({
    key: 12,
    name: 'Heartbeat',
    versions: '0-4',
    flexible: '4+',
    request: [
      field('groupId', 'string'),
      field('generationId', 'int32'),
      field('memberId', 'string'),
      field('groupInstanceId', 'string', { versions: '3+', nullable: '3+', default: null })
    ],
    response: [
      field('throttleTimeMs', 'int32', { versions: '1+' }),
      field('errorCode', 'int16'),
      field('hint', 'int64', { tag: 0, tagged: '4+', default: -1n })
    ]
  })
  t.same(compareApi(right, HEARTBEAT_DEFS), [])
})

t.test('the comparison reports each kind of difference', async t => {
  const wrong = defineApi({
    key: 13,
    name: 'Heartbeat',
    versions: '0-5',
    flexible: '3+',
    request: [
      field('groupId', 'string'),
      field('memberId', 'string', { nullable: '0+' }),
      field('generationId', 'int64'),
      field('groupInstanceId', 'string', { versions: '2+', nullable: '2+', default: null }),
      field('extra', 'bool', { versions: '4+' })
    ],
    response: [
      field('errorCode', 'int16'),
      field('hint', 'int64', { tag: 1, tagged: '4+', default: -1 })
    ]
  })
  t.same(compareApi(wrong, HEARTBEAT_DEFS).sort(), [
    'Heartbeat request: key ours 13, Kafka 12',
    'Heartbeat: ours has v5, which no Kafka definition (test) has',
    'Heartbeat request: flexible versions: ours 3-4, Kafka 4',
    'Heartbeat request: field order in 0-2: ours groupId, memberId, generationId; Kafka groupId, generationId, memberId',
    'Heartbeat request: field order in 3-4: ours groupId, memberId, generationId, groupInstanceId; Kafka groupId, generationId, memberId, groupInstanceId',
    'Heartbeat request memberId: nullable versions: ours 0-4, Kafka none',
    'Heartbeat request generationId: type: ours int64, Kafka int32',
    'Heartbeat request generationId: default: ours bigint 0, Kafka number 0',
    'Heartbeat request groupInstanceId: versions: ours 2-4, Kafka 3-4',
    'Heartbeat request groupInstanceId: nullable versions: ours 2-4, Kafka 3-4',
    'Heartbeat request extra: not in Kafka\'s definition (ours has it in 4)',
    'Heartbeat response: key ours 13, Kafka 12',
    'Heartbeat response: flexible versions: ours 3-4, Kafka 4',
    'Heartbeat response throttleTimeMs: missing in ours (Kafka has it in 1-4)',
    'Heartbeat response hint: tag: ours 1, Kafka 0',
    'Heartbeat response hint: default: ours number -1, Kafka bigint -1'
  ].sort())
})
