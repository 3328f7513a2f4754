import { ErrorCode } from '../../../protocol/error-codes.js'
import type { RequestContext } from '../handler.js'

/**
 * The error a group request gets before any group logic: an injected fault, or NOT_COORDINATOR when it reached a
 * broker other than the group's coordinator (the client must ask FindCoordinator again).
 */
export function coordinatorError (ctx: RequestContext, groupId: string): number {
  const injected = ctx.injectedError()
  if (injected !== ErrorCode.NONE) return injected
  const coordinator = ctx.cluster.coordinatorFor(groupId)
  if (coordinator === undefined) return ErrorCode.COORDINATOR_NOT_AVAILABLE
  return coordinator.id === ctx.broker.id ? ErrorCode.NONE : ErrorCode.NOT_COORDINATOR
}
