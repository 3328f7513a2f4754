import { ConfigError } from '../../protocol/errors.js'

// SASL OAUTHBEARER (RFC 7628) as Kafka uses it (KIP-255; SASL extensions KIP-342). The client sends one message,
// its "client initial response":
//
//   gs2-header kvsep *kvpair kvsep     with gs2-header "n,," (no channel binding, no authorization id),
//   kvpair = key "=" value kvsep       kvsep = %x01; the first pair is "auth=Bearer <token>"
//
// and extensions follow as more pairs. The broker answers an empty message on success. On failure it answers a
// JSON object naming the error ({"status":"invalid_token"}, RFC 7628 section 3.2.2) with error code NONE, because
// the exchange is not over: the client must answer a single kvsep, and only then does the broker fail it with
// SASL_AUTHENTICATION_FAILED (Kafka's OAuthBearerSaslServer.evaluateResponse). The parser for the broker's side
// (tools/fake-broker) is here too, beside the encoder it must accept, as plain.ts does.

/** What a token provider hands out: the token (a JWS compact serialization, usually) and optional SASL extensions. */
export interface OAuthBearerToken {
  token: string
  /** KIP-342 extensions sent with the token: names of letters only, `auth` reserved. */
  extensions?: Record<string, string>
}

/** Called for every authentication and re-authentication (KIP-368), so that a refreshed token is used. */
export type OAuthBearerProvider = () => Promise<OAuthBearerToken>

export const KVSEP = '\u0001'

// Kafka's OAuthBearerClientInitialResponse grammar: the token is an RFC 6750 b64token; an extension key is
// 1*ALPHA, a value 1*(VCHAR / SP / HTAB / CR / LF) (RFC 7628 allows an empty value, Kafka's broker does not).
const TOKEN = /^[-_~+/.a-zA-Z0-9]+=*$/
const KEY = /^[A-Za-z]+$/
const VALUE = /^[\x21-\x7E \t\r\n]+$/
const AUTH_KEY = 'auth'

/**
 * Checks a token and its extensions against the grammar Kafka's broker parses with; `key` names where they came
 * from (the configuration key or the provider) in the ConfigError.
 */
export function validateOAuthBearerToken (t: OAuthBearerToken, key: string): void {
  if (typeof t?.token !== 'string' || !TOKEN.test(t.token)) {
    throw new ConfigError(key, `the token ${typeof t?.token === 'string' ? `"${t.token.slice(0, 40)}"` : `(${typeof t?.token})`} is not an RFC 6750 b64token (letters, digits, "-._~+/", then "=" padding)`)
  }
  for (const [name, value] of Object.entries(t.extensions ?? {})) {
    if (name === AUTH_KEY) throw new ConfigError(key, `extension "${AUTH_KEY}" is reserved for the token (RFC 7628 section 3.1)`)
    if (!KEY.test(name)) throw new ConfigError(key, `extension name "${name}" is invalid: letters A-Z and a-z only (RFC 7628 section 3.1)`)
    if (typeof value !== 'string' || !VALUE.test(value)) {
      throw new ConfigError(key, `extension "${name}": the value must be one or more visible ASCII characters, spaces, tabs, CR or LF (RFC 7628 section 3.1)`)
    }
  }
}

/** The client initial response: "n,," kvsep "auth=Bearer " token kvsep, then "name=value" kvsep per extension, kvsep. */
export function oauthBearerInitialResponse (t: OAuthBearerToken, key = 'sasl.oauthbearer.token'): Buffer {
  validateOAuthBearerToken(t, key)
  const extensions = Object.entries(t.extensions ?? {}).map(([name, value]) => `${name}=${value}${KVSEP}`).join('')
  return Buffer.from(`n,,${KVSEP}auth=Bearer ${t.token}${KVSEP}${extensions}${KVSEP}`, 'utf8')
}

/** The broker's parse of a client initial response; a string is what is wrong with it. */
export interface ParsedInitialResponse {
  token: string
  /** The authorization id of the gs2 header ("a=..."), '' when absent. */
  authzid: string
  extensions: Record<string, string>
}

// gs2-header with an optional saslname authzid (RFC 5801: "=" and "," escaped as =3D and =2C), then the pairs.
const INITIAL_RESPONSE = /^n,(?:a=((?:[\x01-\x2b\x2d-\x3c\x3e-\x7f]|=2C|=3D)+))?,\x01((?:[A-Za-z]+=[\x21-\x7E \t\r\n]+\x01)*)\x01$/
const AUTH_VALUE = /^(\w+) +([-_~+/.a-zA-Z0-9]+=*)$/

/** Parses a client initial response as Kafka's broker does; the reason as a string when it is malformed. */
export function parseOAuthBearerInitialResponse (message: Buffer): ParsedInitialResponse | string {
  const m = INITIAL_RESPONSE.exec(message.toString('utf8'))
  if (m === null) return 'Invalid OAUTHBEARER client first message'
  const pairs: Record<string, string> = {}
  // Kafka keeps the last of a repeated key (Utils.parseMap into a HashMap).
  for (const pair of m[2].split(KVSEP).filter(p => p !== '')) {
    const eq = pair.indexOf('=')
    pairs[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  const auth = pairs[AUTH_KEY]
  if (auth === undefined) return "Invalid OAUTHBEARER client first message: 'auth' not specified"
  delete pairs[AUTH_KEY]
  const a = AUTH_VALUE.exec(auth)
  if (a === null) return "Invalid OAUTHBEARER client first message: invalid 'auth' format"
  if (a[1].toLowerCase() !== 'bearer') return `Invalid scheme in OAUTHBEARER client first message: ${a[1]}`
  return { token: a[2], authzid: m[1] ?? '', extensions: pairs }
}

/** The broker's error (RFC 7628 section 3.2.2): `status`, and `scope` and `openid-configuration` when it says so. */
export interface OAuthBearerServerError {
  status: string
  scope?: string
  openidConfiguration?: string
}

/** Reads the broker's JSON error; a message that is not such JSON is kept whole (cut at 200 characters) as status. */
export function parseOAuthBearerServerError (message: Buffer): OAuthBearerServerError {
  const text = message.toString('utf8')
  let json: unknown
  try { json = JSON.parse(text) } catch { json = undefined }
  if (json === null || typeof json !== 'object' || typeof (json as Record<string, unknown>).status !== 'string') {
    return { status: text.slice(0, 200) }
  }
  const o = json as Record<string, unknown>
  const out: OAuthBearerServerError = { status: o.status as string }
  if (typeof o.scope === 'string') out.scope = o.scope
  if (typeof o['openid-configuration'] === 'string') out.openidConfiguration = o['openid-configuration']
  return out
}

/** The broker's error JSON, written as Kafka's OAuthBearerSaslServer.jsonErrorResponse writes it (", " between fields). */
export function oauthBearerServerError (e: OAuthBearerServerError): Buffer {
  let json = `{"status":"${e.status}"`
  if (e.scope !== undefined) json += `, "scope":"${e.scope}"`
  if (e.openidConfiguration !== undefined) json += `, "openid-configuration":"${e.openidConfiguration}"`
  return Buffer.from(json + '}', 'utf8')
}
