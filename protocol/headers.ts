import type { Reader } from './reader.js'
import type { Writer } from './writer.js'
import type { ApiSchema } from './schema/define.js'
import { inRange } from './schema/versions.js'

// Request and response headers (protocol guide, "Headers"; RequestHeader.json / ResponseHeader.json).
//   request header v0: apiKey int16, apiVersion int16, correlationId int32
//   request header v1: + clientId nullable string
//   request header v2: + tagged fields (flexible request versions)
//   response header v0: correlationId int32
//   response header v1: + tagged fields (flexible response versions)
// Irregularities, cited where Kafka defines them:
// - The client id is never compact, even in header v2 (RequestHeader.json: "flexibleVersions": "none"), so old
//   brokers can always read who is talking to them.
// - ApiVersions responses always use header v0 (ApiVersionsResponse is parsed before the client knows whether
//   the broker speaks flexible versions; see KIP-511).
// - Header v0 for requests is only used by ControlledShutdown v0, which this library does not speak.

export interface RequestHeader {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
}

const API_VERSIONS_KEY = 18

export function requestHeaderVersion (api: ApiSchema, version: number): 1 | 2 {
  return inRange(api.flexible, version) ? 2 : 1
}

export function responseHeaderVersion (api: ApiSchema, version: number): 0 | 1 {
  if (api.key === API_VERSIONS_KEY) return 0
  return inRange(api.flexible, version) ? 1 : 0
}

export function writeRequestHeader (w: Writer, h: RequestHeader, headerVersion: 1 | 2): void {
  w.int16(h.apiKey).int16(h.apiVersion).int32(h.correlationId).nullableString(h.clientId)
  if (headerVersion === 2) w.uvarint(0)
}

/** Reads the fixed part of a request header: enough to find the API and hence the header version. */
export function readRequestHeaderStart (r: Reader): Pick<RequestHeader, 'apiKey' | 'apiVersion' | 'correlationId'> {
  return { apiKey: r.int16(), apiVersion: r.int16(), correlationId: r.int32() }
}

/** Reads the rest of a request header after `readRequestHeaderStart`. */
export function readRequestHeaderRest (r: Reader, headerVersion: 1 | 2): { clientId: string | null } {
  const clientId = r.nullableString()
  if (headerVersion === 2) r.skipTaggedFields()
  return { clientId }
}

export function writeResponseHeader (w: Writer, correlationId: number, headerVersion: 0 | 1): void {
  w.int32(correlationId)
  if (headerVersion === 1) w.uvarint(0)
}

export function readResponseHeader (r: Reader, headerVersion: 0 | 1): number {
  const correlationId = r.int32()
  if (headerVersion === 1) r.skipTaggedFields()
  return correlationId
}
