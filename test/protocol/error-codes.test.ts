import t from 'tap'
import { ERROR_CODES, ErrorCode, errorInfo } from '../../protocol/error-codes.js'
import { KafkaDirectError, KafkaError } from '../../protocol/errors.js'

// Spot checks against the protocol guide's "Error Codes" table (https://kafka.apache.org/protocol#protocol_error_codes).

t.test('the table runs contiguously from -1 to REBOOTSTRAP_REQUIRED (129, Kafka 4.0) with unique names', async t => {
  t.equal(ERROR_CODES[0].code, -1)
  ERROR_CODES.forEach((row, i) => t.equal(row.code, i - 1, `row ${i} holds code ${i - 1}`))
  t.equal(ERROR_CODES[ERROR_CODES.length - 1].name, 'REBOOTSTRAP_REQUIRED')
  t.equal(new Set(ERROR_CODES.map(r => r.name)).size, ERROR_CODES.length)
  for (const row of ERROR_CODES) t.match(row.name, /^[A-Z][A-Z0-9_]*$/)
})

t.test('well-known codes carry the names and retriability of the spec', async t => {
  const expect: Array<[number, string, boolean]> = [
    [-1, 'UNKNOWN_SERVER_ERROR', false],
    [0, 'NONE', false],
    [1, 'OFFSET_OUT_OF_RANGE', false],
    [2, 'CORRUPT_MESSAGE', true],
    [3, 'UNKNOWN_TOPIC_OR_PARTITION', true],
    [5, 'LEADER_NOT_AVAILABLE', true],
    [6, 'NOT_LEADER_OR_FOLLOWER', true],
    [7, 'REQUEST_TIMED_OUT', true],
    [13, 'NETWORK_EXCEPTION', true],
    [14, 'COORDINATOR_LOAD_IN_PROGRESS', true],
    [15, 'COORDINATOR_NOT_AVAILABLE', true],
    [16, 'NOT_COORDINATOR', true],
    [22, 'ILLEGAL_GENERATION', false],
    [25, 'UNKNOWN_MEMBER_ID', false],
    [27, 'REBALANCE_IN_PROGRESS', false],
    [29, 'TOPIC_AUTHORIZATION_FAILED', false],
    [35, 'UNSUPPORTED_VERSION', false],
    [36, 'TOPIC_ALREADY_EXISTS', false],
    [58, 'SASL_AUTHENTICATION_FAILED', false],
    [74, 'FENCED_LEADER_EPOCH', true],
    [75, 'UNKNOWN_LEADER_EPOCH', true],
    [78, 'OFFSET_NOT_AVAILABLE', true],
    [99, 'POSITION_OUT_OF_RANGE', false],
    [100, 'UNKNOWN_TOPIC_ID', true],
    [110, 'FENCED_MEMBER_EPOCH', false],
    [129, 'REBOOTSTRAP_REQUIRED', false]
  ]
  for (const [code, name, retriable] of expect) {
    const info = errorInfo(code)
    t.equal(info.code, code)
    t.equal(info.name, name, `code ${code} is ${name}`)
    t.equal(info.retriable, retriable, `${name} retriable: ${retriable}`)
    t.ok(info.message.length > 0)
  }
})

t.test('ErrorCode maps every name to its code', async t => {
  t.equal(ErrorCode.NONE, 0)
  t.equal(ErrorCode.OFFSET_OUT_OF_RANGE, 1)
  t.equal(ErrorCode.NOT_LEADER_OR_FOLLOWER, 6)
  t.equal(ErrorCode.UNSUPPORTED_VERSION, 35)
  for (const row of ERROR_CODES) t.equal((ErrorCode as Record<string, number>)[row.name], row.code)
})

t.test('a code the table does not know reads as a non-retriable unknown server error with its number', async t => {
  for (const code of [130, 999, -2, 1.5]) {
    const info = errorInfo(code)
    t.equal(info.name, 'UNKNOWN_SERVER_ERROR')
    t.equal(info.code, code)
    t.equal(info.retriable, false)
    t.match(info.message, String(code))
  }
})

t.test('KafkaError names the broker error, its code and where it happened', async t => {
  const e = new KafkaError(6, 'Fetch v13 events[2]')
  t.ok(e instanceof KafkaDirectError)
  t.equal(e.name, 'KafkaError')
  t.equal(e.code, 'ERR_KAFKA_NOT_LEADER_OR_FOLLOWER')
  t.equal(e.errorCode, 6)
  t.equal(e.errorName, 'NOT_LEADER_OR_FOLLOWER')
  t.equal(e.retriable, true)
  t.match(e.message, /^Fetch v13 events\[2\]: NOT_LEADER_OR_FOLLOWER \(6\): /)
  const cause = new Error('x')
  const f = new KafkaError(1, undefined, { cause })
  t.equal(f.retriable, false)
  t.equal(f.cause, cause)
  t.match(f.message, /^OFFSET_OUT_OF_RANGE \(1\)/)
  t.equal(new KafkaError(4242).code, 'ERR_KAFKA_UNKNOWN_SERVER_ERROR')
})
