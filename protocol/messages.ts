import { Reader } from './reader.js'
import { Writer } from './writer.js'
import { ProtocolError, UnsupportedVersionError } from './errors.js'
import { ErrorCode } from './error-codes.js'
import type { ApiSchema } from './schema/define.js'
import { inRange } from './schema/versions.js'
import { compileMessage } from './schema/compile.js'
import { apiByKey } from './apis/index.js'
import {
  type RequestHeader, readRequestHeaderRest, readRequestHeaderStart, readResponseHeader, requestHeaderVersion,
  responseHeaderVersion, writeRequestHeader, writeResponseHeader
} from './headers.js'

// Whole frames: a 4-byte size, a header, a body. Both sides use these: the client encodes requests and decodes
// responses, the fake broker the other way round, from the same schemas.

const API_VERSIONS_KEY = 18

function checkVersion (api: ApiSchema, version: number): void {
  if (!inRange(api.versions, version)) {
    throw new UnsupportedVersionError(api.name, `version ${version} is outside the supported range ${api.versions.text}`)
  }
}

/** A size-prefixed request frame. */
export function encodeRequest (api: ApiSchema, version: number, header: Omit<RequestHeader, 'apiKey' | 'apiVersion'>, body: unknown): Buffer {
  const chunks = encodeRequestChunks(api, version, header, body)
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
}

/** A size-prefixed request frame as chunks: large record batches (Produce) are kept by reference, not copied. */
export function encodeRequestChunks (api: ApiSchema, version: number, header: Omit<RequestHeader, 'apiKey' | 'apiVersion'>, body: unknown): Buffer[] {
  checkVersion(api, version)
  const w = new Writer(128).sizePrefix()
  writeRequestHeader(w, { apiKey: api.key, apiVersion: version, ...header }, requestHeaderVersion(api, version))
  compileMessage(api, version, 'request').write(w, body)
  return w.finishChunks()
}

/** A size-prefixed response frame as chunks (large record payloads are not copied). */
export function encodeResponseChunks (api: ApiSchema, version: number, correlationId: number, body: unknown): Buffer[] {
  checkVersion(api, version)
  const w = new Writer(256).sizePrefix()
  writeResponseHeader(w, correlationId, responseHeaderVersion(api, version))
  compileMessage(api, version, 'response').write(w, body)
  return w.finishChunks()
}

export function encodeResponse (api: ApiSchema, version: number, correlationId: number, body: unknown): Buffer {
  const chunks = encodeResponseChunks(api, version, correlationId, body)
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
}

// any: a request's API is known only once its header is read, so its body's type cannot be named statically;
// callers that know the API give T (the fake broker's handlers do, per API).
export interface DecodedRequest<T = any> {
  api: ApiSchema
  header: RequestHeader
  body: T
  /** Bytes after the body's last field, when the caller chose to ignore them (`ignoreTrailingBytes`); else 0. */
  trailingBytes: number
}

/**
 * Decodes a request frame (without its size prefix). An unknown API key or version throws
 * UnsupportedVersionError, carrying the header so that a broker can still answer with an error response.
 */
export interface DecodeRequestOptions {
  /**
   * Accept bytes after the body's last field, as a Kafka broker does: its generated request classes read the
   * fields they know and nobody checks that the buffer was used up (AbstractRequest.parseRequest,
   * RequestChannel.Request). librdkafka 2.6 sends Metadata v12 with 3 such bytes. Default false: the codec's
   * own users (decode command, golden tests) want to hear when the schema and the bytes disagree.
   */
  ignoreTrailingBytes?: boolean
}

export function decodeRequest (frame: Buffer, trace?: Reader['trace'], opts: DecodeRequestOptions = {}): DecodedRequest {
  const r = new Reader(frame)
  r.api = 'RequestHeader'
  r.direction = 'request'
  r.trace = trace
  const start = readRequestHeaderStart(r)
  const api = apiByKey(start.apiKey)
  if (api === undefined) {
    throw Object.assign(new UnsupportedVersionError(`ApiKey ${start.apiKey}`, 'unknown API key'), { header: { ...start, clientId: null } })
  }
  r.api = api.name
  r.version = start.apiVersion
  if (!inRange(api.versions, start.apiVersion)) {
    // Read the client id if we can, for the broker's log; the body's shape is unknown.
    let clientId: string | null = null
    try { clientId = readRequestHeaderRest(r, 1).clientId } catch {}
    throw Object.assign(new UnsupportedVersionError(api.name, `version ${start.apiVersion} is outside the supported range ${api.versions.text}`), { header: { ...start, clientId } })
  }
  const { clientId } = readRequestHeaderRest(r, requestHeaderVersion(api, start.apiVersion))
  const body = compileMessage(api, start.apiVersion, 'request').read(r)
  // Counted, not refused, only when the caller asks (see DecodeRequestOptions): the fake broker logs them.
  const trailingBytes = opts.ignoreTrailingBytes === true ? r.end - r.offset : 0
  if (trailingBytes === 0) expectEnd(r)
  return { api, header: { ...start, clientId }, body, trailingBytes }
}

// any: the default for callers that decode a response of an API chosen at run time (the decode command); callers
// that know the API give T, e.g. DecodedResponse<MetadataResponse>.
export interface DecodedResponse<T = any> {
  correlationId: number
  /** The version the body was decoded with: differs from the request's for the ApiVersions fallback. */
  version: number
  body: T
}

/** Decodes a response frame (without its size prefix) for the API and version that were requested. */
export function decodeResponse (api: ApiSchema, version: number, frame: Buffer, trace?: Reader['trace']): DecodedResponse {
  checkVersion(api, version)
  const r = new Reader(frame)
  r.api = api.name
  r.version = version
  r.direction = 'response'
  r.trace = trace
  const correlationId = readResponseHeader(r, responseHeaderVersion(api, version))
  let bodyVersion = version
  // A broker that does not know the requested ApiVersions version answers with a v0 body holding
  // UNSUPPORTED_VERSION and the versions it does know (KIP-511): the error code is the first field in every
  // version, so peek at it and decode the rest as v0.
  if (api.key === API_VERSIONS_KEY && version > 0 && r.remaining >= 2 && frame.readInt16BE(r.offset) === ErrorCode.UNSUPPORTED_VERSION) {
    bodyVersion = 0
    r.version = 0
  }
  const body = compileMessage(api, bodyVersion, 'response').read(r)
  expectEnd(r)
  return { correlationId, version: bodyVersion, body }
}

/** A decoded frame must be consumed exactly: leftover bytes mean the schema and the bytes disagree. */
function expectEnd (r: Reader): void {
  if (r.offset !== r.end) {
    throw new ProtocolError({ api: r.api, version: r.version, field: '(end)', offset: r.offset - r.base, direction: r.direction },
      `${r.end - r.offset} bytes left over after the last field`)
  }
}
