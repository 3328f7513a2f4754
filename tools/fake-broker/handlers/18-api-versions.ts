import { ApiVersions } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve, type Handler } from '../handler.js'

// ApiVersions (key 18), v0-5: the first request of every client. The reply lists, per API, exactly the version
// range a handler serves here. Clients asking with a version above 5 are answered by the connection with a v0
// body holding UNSUPPORTED_VERSION and ApiVersions' own range from this list (KIP-511), which is how librdkafka's
// v3-then-fallback and newer clients find a version both sides speak.
// v5 (KIP-1242), as Kafka 4.4's KafkaApis.handleApiVersionsRequest: a client names the cluster id and node id it
// expects, both or neither (one alone: INVALID_REQUEST, ApiVersionsRequest.isValid); a cluster id that is not this
// cluster's, or a node id that is not this broker's, answers REBOOTSTRAP_REQUIRED, so a client whose bootstrap
// address now reaches another broker starts over. Error answers carry no API list (getErrorResponse).
//
// Features (KIP-584, v3+ tagged fields): the one feature the fake has levels of is transaction.version, supported
// 0-2 and finalized at the cluster's level (transactionVersion, 2 by default as in Kafka 4.x); clients use
// transaction protocol v2 only when it is finalized at 2. As Kafka does, a finalized level 0 is not listed, and a
// supported range starting at 0 is left out below v4, whose clients failed to read it (KAFKA-17492).

/** The apiKeys list: every served API with its range, in key order. */
export function advertisedApis (handlers: ReadonlyMap<number, Handler>): Array<{ apiKey: number, minVersion: number, maxVersion: number }> {
  return [...handlers.values()]
    .map(h => ({ apiKey: h.api.key, minVersion: h.versions.min, maxVersion: h.versions.max }))
    .sort((a, b) => a.apiKey - b.apiKey)
}

export const TRANSACTION_VERSION_FEATURE = 'transaction.version'
/** The highest transaction.version level the fake serves (transaction protocol v2). */
export const MAX_TRANSACTION_VERSION = 2
/** The epoch of the finalized features: they never change while the cluster runs. */
const FINALIZED_FEATURES_EPOCH = 1n
/** The first ApiVersions version that may list a supported feature whose range starts at 0 (KAFKA-17011). */
const FEATURE_MIN_ZERO_VERSION = 4

export const apiVersionsHandler = serve<Infer<typeof ApiVersions.request>>(ApiVersions, '0-5', (ctx): InferInput<typeof ApiVersions.response> => {
  const { clusterId, nodeId } = ctx.body
  const error = ctx.version < 5
    ? ErrorCode.NONE
    : (clusterId === null) !== (nodeId === -1)
        ? ErrorCode.INVALID_REQUEST
        : clusterId !== null && (clusterId !== ctx.cluster.clusterId || nodeId !== ctx.broker.id) ? ErrorCode.REBOOTSTRAP_REQUIRED : ErrorCode.NONE
  if (error !== ErrorCode.NONE) return { errorCode: error, apiKeys: [], throttleTimeMs: 0 }
  const level = ctx.cluster.options.transactionVersion
  return {
    errorCode: ctx.injectedError(),
    apiKeys: advertisedApis(ctx.handlers),
    throttleTimeMs: 0,
    supportedFeatures: ctx.version >= FEATURE_MIN_ZERO_VERSION ? [{ name: TRANSACTION_VERSION_FEATURE, minVersion: 0, maxVersion: MAX_TRANSACTION_VERSION }] : [],
    finalizedFeaturesEpoch: FINALIZED_FEATURES_EPOCH,
    finalizedFeatures: level === 0 ? [] : [{ name: TRANSACTION_VERSION_FEATURE, minVersionLevel: level, maxVersionLevel: level }]
  }
})
