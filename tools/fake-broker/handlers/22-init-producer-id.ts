import { InitProducerId } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'

// InitProducerId (key 22), v0-5: a producer id and epoch for an idempotent producer (KIP-98). From v3 a producer
// may pass its current id and epoch to have the epoch bumped instead of getting a new id (KIP-360). Transactional
// ids get a producer id too, but the fake has no transaction coordinator beyond that.

type Req = Infer<typeof InitProducerId.request>
type Res = InferInput<typeof InitProducerId.response>

const MAX_EPOCH = 0x7fff

export const initProducerIdHandler = serve<Req>(InitProducerId, '0-5', (ctx): Res => {
  const { body } = ctx
  const errorCode = ctx.injectedError()
  if (errorCode !== 0) return { throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 }
  if (body.producerId >= 0n && body.producerEpoch >= 0 && body.producerEpoch < MAX_EPOCH - 1) {
    return { throttleTimeMs: 0, errorCode: 0, producerId: body.producerId, producerEpoch: body.producerEpoch + 1 }
  }
  return { throttleTimeMs: 0, errorCode: 0, producerId: ctx.cluster.allocateProducerId(), producerEpoch: 0 }
})
