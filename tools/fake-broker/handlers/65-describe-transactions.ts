import { DescribeTransactions } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorized } from '../access-check.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { coordinatorError } from './coordinator-check.js'

// DescribeTransactions (key 65), v0: the coordinator's view of each transactional id asked about: its state,
// timeout, start time, producer id and epoch, and the partitions of the open transaction (KIP-664). An unknown id
// gets TRANSACTIONAL_ID_NOT_FOUND; an id another broker coordinates gets NOT_COORDINATOR. Authorization as
// KafkaApis.handleDescribeTransactionsRequest: an id the caller may not DESCRIBE answers
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED (every other field at its default), before the coordinator is asked, and
// the partitions of topics the caller may not DESCRIBE are left out of the transaction.

type Req = Infer<typeof DescribeTransactions.request>
type Res = InferInput<typeof DescribeTransactions.response>

export const describeTransactionsHandler = serve<Req>(DescribeTransactions, '0', (ctx): Res => ({
  throttleTimeMs: 0,
  transactionStates: ctx.body.transactionalIds.map(id => {
    if (!authorized(ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, id)) {
      return { errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: 0n, producerId: 0n, producerEpoch: 0, topics: [] }
    }
    const notHere = coordinatorError(ctx, id)
    if (notHere !== ErrorCode.NONE) return { errorCode: notHere, transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] }
    const state = ctx.cluster.transactions.describe(id)
    return { ...state, topics: state.topics.filter(t => authorized(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, t.topic)) }
  })
}))
