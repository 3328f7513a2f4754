import { SaslAuthenticate } from '../../../protocol/apis/index.js'
import type { Infer } from '../../../protocol/schema/define.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { NO_RESPONSE, serve } from '../handler.js'

// SaslAuthenticate (key 36), v0-2 (KIP-152): one SASL message each way. A failure is answered with
// SASL_AUTHENTICATION_FAILED and its reason, and then the connection is closed, as Kafka does. The last step's
// v1+ answer carries the session lifetime, connections.max.reauth.ms (KIP-368; 0: the session does not expire);
// a re-authentication that names another mechanism fails unanswered (see ../sasl.ts).
export const saslAuthenticateHandler = serve<Infer<typeof SaslAuthenticate.request>>(SaslAuthenticate, '0-2', async ctx => {
  if (ctx.sasl === undefined || ctx.sasl.raw) {
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate without a SaslHandshake v1', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n }
  }
  const step = await ctx.sasl.step(ctx.body.authBytes)
  if (ctx.sasl.silentFailure) return NO_RESPONSE
  return { errorCode: step.errorCode, errorMessage: step.errorMessage, authBytes: step.authBytes, sessionLifetimeMs: BigInt(step.sessionLifetimeMs) }
})
