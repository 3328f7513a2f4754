import { KafkaDirectError, KafkaError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'

/**
 * A commit the coordinator refused because this member is no longer the partitions' owner: the group rebalanced
 * without it (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID) or is rebalancing (REBALANCE_IN_PROGRESS). The Java client's
 * CommitFailedException: the records since the last commit will be read again by whoever owns them now.
 */
export class CommitFailedError extends KafkaError {
  constructor (errorCode: number, context: string, options?: ErrorOptions) {
    super(errorCode, `${context}: the commit cannot complete, the group has rebalanced or is rebalancing; the partitions' new owner will read the uncommitted records again`, options)
  }
}

/**
 * Another consumer joined with this member's group.instance.id (KIP-345): this instance is fenced and stops, as
 * the Java client's FencedInstanceIdException does. Two processes with one instance id is a deployment error.
 */
export class FencedInstanceIdError extends KafkaError {
  constructor (readonly groupInstanceId: string, context: string) {
    super(ErrorCode.FENCED_INSTANCE_ID, `${context}: group.instance.id "${groupInstanceId}" is in use by another member`)
  }
}

/** Member errors that mean "this member's generation is over": commits fail, partitions are lost. */
export const MEMBER_FENCED = new Set<number>([ErrorCode.ILLEGAL_GENERATION, ErrorCode.UNKNOWN_MEMBER_ID])

/** auto.offset.reset=none and a partition without a committed offset: the Java client's NoOffsetForPartitionException. */
export class NoOffsetForPartitionError extends KafkaDirectError {
  constructor (readonly topic: string, readonly partition: number, groupId: string) {
    super('ERR_NO_OFFSET', `${topic}[${partition}]: group "${groupId}" has no committed offset and auto.offset.reset is none`)
  }
}
