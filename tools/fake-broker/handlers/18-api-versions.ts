import { ApiVersions } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve, type Handler } from '../handler.js'

// ApiVersions (key 18), v0-4: the first request of every client. The reply lists, per API, exactly the version
// range a handler serves here. Clients asking with a version above 4 are answered by the connection with a v0
// body holding UNSUPPORTED_VERSION and ApiVersions' own range from this list (KIP-511), which is how librdkafka's
// v3-then-fallback and newer clients find a version both sides speak.

/** The apiKeys list: every served API with its range, in key order. */
export function advertisedApis (handlers: ReadonlyMap<number, Handler>): Array<{ apiKey: number, minVersion: number, maxVersion: number }> {
  return [...handlers.values()]
    .map(h => ({ apiKey: h.api.key, minVersion: h.versions.min, maxVersion: h.versions.max }))
    .sort((a, b) => a.apiKey - b.apiKey)
}

export const apiVersionsHandler = serve<Infer<typeof ApiVersions.request>>(ApiVersions, '0-4', (ctx): InferInput<typeof ApiVersions.response> => ({
  errorCode: ctx.injectedError(),
  apiKeys: advertisedApis(ctx.handlers),
  throttleTimeMs: 0
}))
