import { SaslHandshake } from '../../../protocol/apis/index.js'
import type { Infer } from '../../../protocol/schema/define.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { serve } from '../handler.js'

// SaslHandshake (key 17), v0-1, served only by a cluster started with `sasl` (see ../sasl.ts): names the mechanism
// and answers with the enabled ones. After v1 the exchange continues in SaslAuthenticate requests; after v0, as raw
// tokens, which the connection reads itself. On an authenticated connection whose session has a lifetime it begins
// a re-authentication (KIP-368); otherwise it is ILLEGAL_SASL_STATE, as KafkaApis answers.
export const saslHandshakeHandler = serve<Infer<typeof SaslHandshake.request>>(SaslHandshake, '0-1', ctx => {
  if (ctx.sasl === undefined) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] }
  return ctx.sasl.handshake(ctx.body.mechanism, ctx.version)
})
