import t from 'tap'
import { SyncGroup } from '../../../protocol/apis/sync-group.js'
import { decodeResponse } from '../../../protocol/messages.js'
import { hex } from './hex.js'

// SyncGroup v3 responses written by hand from Kafka's SyncGroupResponse.json (throttleTimeMs int32, errorCode int16,
// assignment bytes: int32 length, then the bytes). The second is what librdkafka 2.0's mock cluster writes when it
// answers REBALANCE_IN_PROGRESS: a null assignment (length -1), which Kafka's definition does not allow. It decodes,
// so the member sees the error and rejoins (test-interop/group/librdkafka-mock-group.test.ts runs it against the mock).

const withAssignment = hex(
  '00 00 00 05', // correlationId: 5
  '00 00 00 00', // throttleTimeMs: 0
  '00 00', // errorCode: 0
  '00 00 00 03 01 02 03' // assignment: 3 bytes
)

const mockRebalancing = hex(
  '00 00 00 06', // correlationId: 6
  '00 00 00 00', // throttleTimeMs: 0
  '00 1b', // errorCode: 27 (REBALANCE_IN_PROGRESS)
  'ff ff ff ff' // assignment: length -1 (null)
)

t.test('a SyncGroup v3 response carries the member\'s assignment bytes', async t => {
  const res = decodeResponse(SyncGroup, 3, withAssignment)
  t.equal(res.correlationId, 5)
  t.same(res.body.assignment, Buffer.from([1, 2, 3]))
})

t.test('a null assignment, as librdkafka\'s mock writes with an error, decodes as null with its error code', async t => {
  const res = decodeResponse(SyncGroup, 3, mockRebalancing)
  t.equal(res.body.errorCode, 27)
  t.equal(res.body.assignment, null)
})
