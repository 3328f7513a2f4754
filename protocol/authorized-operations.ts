import { AclOperation, type AclOperationName } from './acl-codes.js'

// Authorized-operation bit sets (KIP-430): Metadata, DescribeGroups, DescribeCluster, ConsumerGroupDescribe and
// DescribeTopicPartitions can say which operations the caller may perform on a topic, group or the cluster, as an
// int32 whose bit n is set when the operation with AclOperation code n is allowed (Kafka's Utils.to32BitField).
// INT32_MIN, the schemas' default, means "not asked" (or not told): Kafka's AUTHORIZED_OPERATIONS_OMITTED.

/** The bit set's value when the request did not ask for it. */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648

/** The bit set for operations (AclOperation codes 0-31), as Kafka's Utils.to32BitField builds it. */
export function encodeAuthorizedOperations (operations: Iterable<number>): number {
  let bits = 0
  for (const op of operations) {
    if (!Number.isInteger(op) || op < 0 || op > 31) throw new RangeError(`authorized operation code out of range 0-31: ${op}`)
    bits |= 1 << op
  }
  return bits
}

const CONCRETE = Object.entries(AclOperation).filter(([name]) => name !== 'UNKNOWN' && name !== 'ANY' && name !== 'ALL') as Array<[AclOperationName, number]>

/**
 * The operations a bit set names, or null when it is AUTHORIZED_OPERATIONS_OMITTED. As the Java AdminClient reads it
 * (KafkaAdminClient.validAclOperations): bits of codes Kafka does not define, and UNKNOWN, ANY and ALL, are dropped.
 */
export function decodeAuthorizedOperations (bits: number): Set<AclOperationName> | null {
  if (bits === AUTHORIZED_OPERATIONS_OMITTED) return null
  const out = new Set<AclOperationName>()
  for (const [name, code] of CONCRETE) if ((bits & (1 << code)) !== 0) out.add(name)
  return out
}
