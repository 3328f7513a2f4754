import { ConnectionError, ProtocolError, UnsupportedVersionError } from '../protocol/errors.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type { ApiSchema } from '../protocol/schema/define.js'
import type { DecodedResponse } from '../protocol/messages.js'
import { ApiVersions, type ApiVersionsResponse } from '../protocol/apis/api-versions.js'
import { CLIENT_SOFTWARE_VERSION } from './client-version.js'

// API version negotiation (KIP-35, KIP-511). A client opens every connection with ApiVersions; the broker lists,
// per API key, the range of versions it speaks. For each API the client then uses the highest version both sides
// speak: max(our range ∩ the broker's range). Kafka 4.0 removed many old versions (KIP-896), so an old broker and a
// new client, or the reverse, may share none: that is a clear error naming the API, not a garbled request.
//
// The ApiVersions request itself has a bootstrap problem: which version to send before knowing the broker's?
// KIP-511: send the highest version we know; a broker that does not know it answers with a v0-shaped body holding
// UNSUPPORTED_VERSION (35) and its own ApiVersions range, and the client retries with the highest version both
// speak. Brokers before KIP-511 (Kafka < 2.4) may answer with an empty list; v0 is then the safe retry.


/** The name and version this client reports in ApiVersions v3+ (KIP-511: [a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?). */
export const CLIENT_SOFTWARE_NAME = 'kafka-direct'
// The package's version, generated from package.json at build time (tools/build/write-version.mjs).
export { CLIENT_SOFTWARE_VERSION }

export interface VersionRangeNumbers { min: number, max: number }

/** Our supported range for an API, capped by a `maxVersions` pin (keys are API names, case-insensitive, or keys). */
export function ourRange (api: ApiSchema, maxVersions?: Partial<Record<string, number>>): VersionRangeNumbers {
  let max = api.versions.max
  const pin = pinFor(api, maxVersions)
  if (pin !== undefined) max = Math.min(max, pin)
  return { min: api.versions.min, max }
}

function pinFor (api: ApiSchema, maxVersions?: Partial<Record<string, number>>): number | undefined {
  if (maxVersions === undefined) return undefined
  for (const [k, v] of Object.entries(maxVersions)) {
    if (v === undefined) continue
    if (k.toLowerCase() === api.name.toLowerCase() || k === String(api.key)) return v
  }
  return undefined
}

/**
 * The versions one broker speaks, as its ApiVersions response listed them, and the choice per API. A table built
 * without a handshake (`api.version.request=false`) answers each API with our lowest version: the one most likely
 * to be understood by a broker we know nothing about.
 */
export class VersionTable {
  private readonly chosen = new Map<number, number>()
  /** Per API key, the lowest version whose response failed to decode: it and everything above are not used again. */
  private undecodable = new Map<number, number>()

  constructor (
    /** Broker ranges by API key; null when no handshake was made. */
    readonly broker: ReadonlyMap<number, VersionRangeNumbers> | null,
    private readonly maxVersions?: Partial<Record<string, number>>,
    readonly where = 'broker',
    /** The cluster's finalized feature levels by name (KIP-584), as ApiVersions v3+ lists them. */
    private readonly features: ReadonlyMap<string, number> = new Map()
  ) {}

  /**
   * The finalized level of a cluster feature (`transaction.version`), or 0 when the broker lists none: level 0 is
   * never listed, and brokers before the feature (or ApiVersions below v3) know nothing above it.
   */
  featureLevel (name: string): number {
    return this.features.get(name) ?? 0
  }

  /** Whether the broker listed the API at all (always true without a handshake). */
  has (api: ApiSchema): boolean {
    return this.broker === null || this.broker.has(api.key)
  }

  /** The broker's range for an API, if it listed it. */
  brokerRange (api: ApiSchema): VersionRangeNumbers | undefined {
    return this.broker?.get(api.key)
  }

  /** The highest version of `api` both sides speak; UnsupportedVersionError naming the API if there is none. */
  pick (api: ApiSchema): number {
    const cached = this.chosen.get(api.key)
    if (cached !== undefined) return cached
    const ours = ourRange(api, this.maxVersions)
    const broken = this.undecodable.get(api.key)
    if (broken !== undefined) ours.max = Math.min(ours.max, broken - 1)
    if (ours.max < ours.min) {
      if (broken !== undefined) throw new UnsupportedVersionError(api.name, `no version decodes: ${this.where}'s answers from v${broken} up did not decode, and this client speaks none below`)
      throw new UnsupportedVersionError(api.name, `maxVersions pins it to v${ours.max}, below the lowest version this client speaks (v${ours.min})`)
    }
    let v: number
    if (this.broker === null) {
      v = ours.min
    } else {
      const theirs = this.broker.get(api.key)
      if (theirs === undefined) {
        throw new UnsupportedVersionError(api.name, `${this.where} does not support this API (key ${api.key}) at all`)
      }
      const lo = Math.max(ours.min, theirs.min)
      const hi = Math.min(ours.max, theirs.max)
      if (hi < lo) {
        throw new UnsupportedVersionError(api.name,
          `no common version: ${this.where} speaks v${theirs.min}-${theirs.max}, this client v${ours.min}-${ours.max}`)
      }
      v = hi
    }
    this.chosen.set(api.key, v)
    return v
  }

  /** Shares a map of undecodable versions kept across this broker's connections (ConnectionOptions.undecodable). */
  remember (undecodable: Map<number, number>): void {
    for (const [key, v] of this.undecodable) if (!undecodable.has(key) || (undecodable.get(key) as number) > v) undecodable.set(key, v)
    this.undecodable = undecodable
    this.chosen.clear()
  }

  /**
   * Marks `version` of an API unusable with this broker, because its response did not decode (a broker that writes
   * a field wrongly, as librdkafka 2.0's mock writes ListOffsets v4+ leader epochs as 8 bytes). Returns the next
   * lower version both sides speak, or undefined when none is left.
   */
  markUndecodable (api: ApiSchema, version: number): number | undefined {
    const before = this.undecodable.get(api.key)
    if (before === undefined || version < before) this.undecodable.set(api.key, version)
    this.chosen.delete(api.key)
    try {
      return this.pick(api)
    } catch (err) {
      if (err instanceof UnsupportedVersionError) return undefined
      throw err
    }
  }
}

export function tableFromResponse (body: ApiVersionsResponse, maxVersions?: Partial<Record<string, number>>, where?: string): VersionTable {
  const ranges = new Map<number, VersionRangeNumbers>()
  for (const k of body.apiKeys) ranges.set(k.apiKey, { min: k.minVersion, max: k.maxVersion })
  const features = new Map<string, number>()
  for (const f of body.finalizedFeatures ?? []) features.set(f.name, f.maxVersionLevel)
  return new VersionTable(ranges, maxVersions, where, features)
}

/** The highest ApiVersions version the handshake sends unless configured otherwise (see negotiateVersions). */
const HANDSHAKE_MAX_VERSION = 4

/** Sends one ApiVersions request at the given version and returns the decoded response. */
export type SendApiVersions = (version: number, body: object) => Promise<DecodedResponse<ApiVersionsResponse>>

/**
 * The ApiVersions handshake with KIP-511's fallback. At most three round trips: our highest version, then the
 * highest both speak as the broker's error response says, then v0.
 */
export async function negotiateVersions (
  send: SendApiVersions,
  opts: { maxVersions?: Partial<Record<string, number>>, where?: string, log?: (line: string) => void } = {}
): Promise<VersionTable> {
  const where = opts.where ?? 'broker'
  // v5 (KIP-1242) adds only the cluster id and node id a client expects, for re-bootstrapping, which this client
  // does not do; v4 asks the same, and brokers that stop at v4 (Kafka 3.x, librdkafka's mock) answer it without a
  // KIP-511 retry. A `maxVersions` entry for ApiVersions still decides.
  const ours = ourRange(ApiVersions, { ApiVersions: pinFor(ApiVersions, opts.maxVersions) ?? HANDSHAKE_MAX_VERSION })
  const body = { clientSoftwareName: CLIENT_SOFTWARE_NAME, clientSoftwareVersion: CLIENT_SOFTWARE_VERSION }
  const tried = new Set<number>()
  let version = Math.max(ours.max, ours.min)
  for (;;) {
    tried.add(version)
    let res: DecodedResponse<ApiVersionsResponse>
    try {
      res = await send(version, body)
    } catch (err) {
      // librdkafka's mock broker (2.0) answers an ApiVersions version it does not know with UNSUPPORTED_VERSION and
      // a body that is neither v0 nor flexible (a one-byte array count followed by v0 entries), so the error
      // response itself does not decode. Only that case falls back to v0, which every broker understands: the
      // decoder read the error code, found UNSUPPORTED_VERSION and failed in the v0 body that follows it
      // (decodeResponse). A response to our version that fails to decode otherwise is a real error, ours or the
      // broker's, and is reported rather than quietly downgrading every connection.
      if (!(err instanceof ProtocolError) || !isUnsupportedVersionAnswer(err, version) || tried.has(0)) throw err
      opts.log?.(`% ${where}: its UNSUPPORTED_VERSION answer to ApiVersions v${version} did not decode (${err.message}); retrying with v0`)
      version = 0
      continue
    }
    const b = res.body
    if (b.errorCode === ErrorCode.NONE) return tableFromResponse(b, opts.maxVersions, where)
    if (b.errorCode !== ErrorCode.UNSUPPORTED_VERSION) {
      throw new ConnectionError(where, `ApiVersions v${version} failed with error code ${b.errorCode}`)
    }
    // The broker's own ApiVersions range, if it told us (KIP-511); otherwise v0, which every broker speaks.
    const theirs = b.apiKeys.find(k => k.apiKey === ApiVersions.key)
    let next = 0
    if (theirs !== undefined) {
      next = Math.min(ours.max, theirs.maxVersion)
      if (next < Math.max(ours.min, theirs.minVersion)) {
        throw new UnsupportedVersionError('ApiVersions', `no common version: ${where} speaks v${theirs.minVersion}-${theirs.maxVersion}, this client v${ours.min}-${ours.max}`)
      }
    }
    if (tried.has(next)) {
      if (tried.has(0)) throw new UnsupportedVersionError('ApiVersions', `${where} rejected every version tried (${[...tried].join(', ')})`)
      next = 0
    }
    version = next
  }
}

/**
 * Whether a decode failure is of an UNSUPPORTED_VERSION answer: decodeResponse reads such an answer to a version
 * above 0 as a v0 body (KIP-511), so the error names v0 while the request was for a higher version.
 */
function isUnsupportedVersionAnswer (err: ProtocolError, requested: number): boolean {
  return requested > 0 && err.where.api === ApiVersions.name && err.where.version === 0
}
