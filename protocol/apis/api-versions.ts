import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// ApiVersions (key 18): which versions of each API the broker speaks; the first request a client sends.
// v1 adds throttleTimeMs. v2 is the same as v1. v3 is the first flexible version (KIP-482) and adds the client's
// software name and version (KIP-511) and feature flags as tagged fields (KIP-584). v4 lets a feature's
// minVersion be 0 (KAFKA-17011), body unchanged. v5 lets a client name the cluster id and node id it means to reach
// (KIP-1242): a broker of another cluster, or another node at that address, answers REBOOTSTRAP_REQUIRED, and naming
// only one of the two is INVALID_REQUEST.
// Irregularities, handled in ../messages.ts: the response header is always v0, even for flexible versions, and a
// broker that does not know the requested version answers with a v0 body carrying UNSUPPORTED_VERSION (35) and
// its own range, so the client can retry with a version it has.
export const ApiVersions = defineApi({
  key: 18,
  name: 'ApiVersions',
  versions: '0-5',
  flexible: '3+',
  request: [
    field('clientSoftwareName', 'string', { versions: '3+', about: 'The name of the client.' }),
    field('clientSoftwareVersion', 'string', { versions: '3+', about: 'The version of the client.' }),
    field('clusterId', 'string', { versions: '5+', nullable: '5+', default: null, about: 'The cluster ID the client intends to connect to. Provide both ClusterId and NodeId, if known.' }),
    field('nodeId', 'int32', { versions: '5+', default: -1, about: 'The node ID the client intends to connect to. Provide both ClusterId and NodeId, if known.' })
  ],
  response: [
    field('errorCode', 'int16', { about: 'The top-level error code.' }),
    field('apiKeys', array([
      field('apiKey', 'int16', { about: 'The API index.' }),
      field('minVersion', 'int16', { about: 'The minimum supported version, inclusive.' }),
      field('maxVersion', 'int16', { about: 'The maximum supported version, inclusive.' })
    ], 'ApiVersion'), { about: 'The APIs supported by the broker.' }),
    field('throttleTimeMs', 'int32', { versions: '1+', about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('supportedFeatures', array([
      field('name', 'string', { about: 'The name of the feature.' }),
      field('minVersion', 'int16', { about: 'The minimum supported version for the feature.' }),
      field('maxVersion', 'int16', { about: 'The maximum supported version for the feature.' })
    ], 'SupportedFeatureKey'), { tag: 0, tagged: '3+', about: 'Features supported by the broker.' }),
    field('finalizedFeaturesEpoch', 'int64', { tag: 1, tagged: '3+', default: -1n, about: 'Epoch of the finalized features, or -1.' }),
    field('finalizedFeatures', array([
      field('name', 'string', { about: 'The name of the feature.' }),
      field('maxVersionLevel', 'int16', { about: 'The cluster-wide finalized max version level.' }),
      field('minVersionLevel', 'int16', { about: 'The cluster-wide finalized min version level.' })
    ], 'FinalizedFeatureKey'), { tag: 2, tagged: '3+', about: 'Cluster-wide finalized features.' }),
    field('zkMigrationReady', 'bool', { tag: 3, tagged: '3+', default: false, about: 'Set by a KRaft controller ready for ZK migration.' })
  ]
})
export type ApiVersionsRequest = InferInput<typeof ApiVersions.request>
export type ApiVersionsResponse = Infer<typeof ApiVersions.response>
