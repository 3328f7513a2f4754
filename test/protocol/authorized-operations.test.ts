import t from 'tap'
import { AUTHORIZED_OPERATIONS_OMITTED, decodeAuthorizedOperations, encodeAuthorizedOperations } from '../../protocol/authorized-operations.js'
import { AclOperation } from '../../protocol/acl-codes.js'

// Bit n for AclOperation code n (Kafka's Utils.to32BitField); the values are worked out by hand from the codes.

t.test('encodes operation codes as bits', async t => {
  t.equal(encodeAuthorizedOperations([]), 0)
  t.equal(encodeAuthorizedOperations([AclOperation.READ, AclOperation.DESCRIBE]), 8 + 256)
  t.equal(encodeAuthorizedOperations([AclOperation.DESCRIBE, AclOperation.DESCRIBE]), 256, 'a code twice is one bit')
  t.equal(encodeAuthorizedOperations([30]), 1073741824)
  t.throws(() => encodeAuthorizedOperations([32]), RangeError)
  t.throws(() => encodeAuthorizedOperations([-1]), /out of range 0-31: -1/)
  t.throws(() => encodeAuthorizedOperations([1.5]), RangeError)
})

t.test('decodes bits as operation names, as the Java AdminClient does', async t => {
  t.equal(decodeAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED), null, 'INT32_MIN: not asked')
  t.same(decodeAuthorizedOperations(0), new Set())
  t.same([...decodeAuthorizedOperations(3576)!], ['READ', 'WRITE', 'CREATE', 'DELETE', 'ALTER', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS'], 'a topic without authorizer')
  t.same([...decodeAuthorizedOperations(8096)!], ['CREATE', 'ALTER', 'DESCRIBE', 'CLUSTER_ACTION', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE'], 'the cluster without authorizer')
  t.same([...decodeAuthorizedOperations(1 + 2 + 4 + 8 + (1 << 15) + (1 << 30))!], ['READ'], 'UNKNOWN, ANY, ALL and undefined codes are dropped')
  t.same([...decodeAuthorizedOperations((1 << 13) + (1 << 14))!], ['CREATE_TOKENS', 'DESCRIBE_TOKENS'])
})
