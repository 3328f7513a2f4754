import { SaslAuthenticate } from '../../../protocol/apis/index.js'
import type { Infer } from '../../../protocol/schema/define.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { serve } from '../handler.js'

// SaslAuthenticate (key 36), v0-2 (KIP-152): one SASL message each way. A failure is answered with
// SASL_AUTHENTICATION_FAILED and its reason, and then the connection is closed, as Kafka does. Sessions do not
// expire (sessionLifetimeMs 0: no KIP-368 re-authentication).
export const saslAuthenticateHandler = serve<Infer<typeof SaslAuthenticate.request>>(SaslAuthenticate, '0-2', async ctx => {
  if (ctx.sasl === undefined || ctx.sasl.raw) {
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate without a SaslHandshake v1', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n }
  }
  const step = await ctx.sasl.step(ctx.body.authBytes)
  return { errorCode: step.errorCode, errorMessage: step.errorMessage, authBytes: step.authBytes, sessionLifetimeMs: 0n }
})
