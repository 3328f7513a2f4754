import { ListTransactions } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorized } from '../access-check.js'

// ListTransactions (key 66), v0-2: the transactional ids this broker coordinates, filtered by state and producer id
// (KIP-664); v1 adds a minimum running time (KIP-994), v2 a regular expression on the id (KIP-1152), which must
// compile (else INVALID_REGULAR_EXPRESSION) and match the whole id (Kafka 4.4 uses RE2J's Matcher.matches()). Unknown state names are echoed back in unknownStateFilters. Only the
// ids the caller may DESCRIBE are listed (KafkaApis.handleListTransactionsRequest), without an error.

type Req = Infer<typeof ListTransactions.request>
type Res = InferInput<typeof ListTransactions.response>

export const listTransactionsHandler = serve<Req>(ListTransactions, '0-2', (ctx): Res => {
  const { body, cluster } = ctx
  // An injected fault (COORDINATOR_LOAD_IN_PROGRESS while __transaction_state loads, say) answers for the broker.
  const injected = ctx.injectedError()
  if (injected !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: injected, unknownStateFilters: [], transactionStates: [] }
  let pattern: RegExp | null = null
  if (body.transactionalIdPattern !== null && body.transactionalIdPattern !== '') {
    try {
      pattern = new RegExp(`^(?:${body.transactionalIdPattern})$`)
    } catch {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION, unknownStateFilters: [], transactionStates: [] }
    }
  }
  const { unknownStateFilters, transactions } = cluster.transactions.list(body.stateFilters, body.producerIdFilters, body.durationFilter, pattern)
  // Each broker lists the transactional ids it coordinates (Kafka: the partitions of __transaction_state it leads).
  const mine = transactions.filter(t => cluster.coordinatorFor(t.transactionalId)?.id === ctx.broker.id &&
    authorized(ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, t.transactionalId))
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates: mine }
})
