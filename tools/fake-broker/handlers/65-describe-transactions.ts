import { DescribeTransactions } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'

// DescribeTransactions (key 65), v0: the coordinator's view of each transactional id asked about: its state,
// timeout, start time, producer id and epoch, and the partitions of the open transaction (KIP-664). An unknown id
// gets TRANSACTIONAL_ID_NOT_FOUND; an id another broker coordinates gets NOT_COORDINATOR.

type Req = Infer<typeof DescribeTransactions.request>
type Res = InferInput<typeof DescribeTransactions.response>

export const describeTransactionsHandler = serve<Req>(DescribeTransactions, '0', (ctx): Res => ({
  throttleTimeMs: 0,
  transactionStates: ctx.body.transactionalIds.map(id => {
    const notHere = coordinatorError(ctx, id)
    if (notHere !== 0) return { errorCode: notHere, transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] }
    return ctx.cluster.transactions.describe(id)
  })
}))
