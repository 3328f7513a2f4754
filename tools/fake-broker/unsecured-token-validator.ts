// The fake broker's OAUTHBEARER token check: Kafka's default, OAuthBearerUnsecuredValidatorCallbackHandler with
// OAuthBearerUnsecuredJws, in the same order with the same outcomes. A token is "header.claims." with both parts
// base64url JSON (java.util.Base64.getUrlDecoder: "=" padding optional, "+" and "/" refused), header alg "none",
// an empty signature; claims: `sub` a non-blank string (the principal), `exp` a number of seconds (decimals
// allowed) after now minus the allowed clock skew, `iat` if present a number not after now plus the skew and before
// `exp`, and every required scope in the `scope` claim (a string is one scope item, a list is several). Any failure
// is `invalid_token`, except a missing scope: `insufficient_scope` naming the required scope as Java prints a
// list ("[a, b]"). Kafka's default allowable clock skew is 0 ms (unsecuredValidatorAllowableClockSkewMs).

export interface UnsecuredValidatorOptions {
  /** unsecuredValidatorRequiredScope: scope items every token must carry. Default none. */
  requiredScope?: readonly string[]
  /** unsecuredValidatorAllowableClockSkewMs; default 0, as Kafka's. */
  allowableClockSkewMs?: number
}

export interface ValidToken {
  principal: string
  /** The `exp` claim in epoch ms (Kafka rounds seconds * 1000): the credential's expiry, which caps the session. */
  expiresAtMs: number
}

export interface InvalidToken {
  /** RFC 7628 / RFC 6750 error code: invalid_token or insufficient_scope. */
  status: 'invalid_token' | 'insufficient_scope'
  /** For insufficient_scope: the required scope, as Kafka writes it. */
  scope?: string
  /** Why, in Kafka's words (its debug log; the client only learns the status). */
  reason: string
  /**
   * Kafka's validator fails with an unchecked exception here rather than a validation result: the broker closes
   * the connection without answering (seen on Kafka 4.4 for a header without "alg").
   */
  unanswered?: true
}

type Claim = string | number | string[]

/** Validates `token` at `nowMs`; never throws. */
export function validateUnsecuredToken (token: string, nowMs: number, opts: UnsecuredValidatorOptions = {}): ValidToken | InvalidToken {
  const skew = opts.allowableClockSkewMs ?? 0
  const invalid = (reason: string): InvalidToken => ({ status: 'invalid_token', reason })
  if (token.includes('..')) return invalid("Malformed compact serialization contains '..'")
  const parts = token.split('.')
  // Java's String.split drops trailing empty strings and OAuthBearerUnsecuredJws adds one back for a final ".".
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  if (token.endsWith('.')) parts.push('')
  if (parts.length !== 3) return invalid('Unsecured JWS compact serializations must have 3 dot-separated Base64URL-encoded values')
  const header = decodePart(parts[0])
  if (typeof header === 'string') return invalid(header)
  const claims = decodePart(parts[1])
  if (typeof claims === 'string') return invalid(claims)
  // Objects.requireNonNull in OAuthBearerUnsecuredJws: a NullPointerException, which no one catches.
  if (header.get('alg') === undefined) return { ...invalid('JWS header must have an Algorithm value'), unanswered: true }
  if (header.get('alg') !== 'none') return invalid("Unsecured JWS must have 'none' for an algorithm")
  if (parts[2] !== '') return invalid('Unsecured JWS must not contain a digital signature')
  const scope = scopeOf(claims.get('scope'))
  if (scope === undefined) return invalid("The 'scope' claim was not of type List")
  const exp = claims.get('exp')
  if (exp === undefined) return invalid('No expiration time in JWT')
  if (typeof exp !== 'number') return invalid(`The 'exp' claim was not of type Number: ${typeName(exp)}`)
  const sub = claims.get('sub')
  if (sub !== undefined && typeof sub !== 'string') return invalid(`The 'sub' claim was not of type String: ${typeName(sub)}`)
  if (sub === undefined || sub.trim() === '') return invalid('No principal name in JWT claim: sub')
  const iat = claims.get('iat')
  if (iat !== undefined && typeof iat !== 'number') return invalid(`The 'iat' claim was not of type Number: ${typeName(iat)}`)
  if (iat !== undefined && 1000 * iat > nowMs + skew) return invalid(`The Issued At value (${iat} seconds) was after the indicated time (${nowMs} ms) plus allowable clock skew (${skew} ms)`)
  if (nowMs - skew >= 1000 * exp) return invalid(`The indicated time (${nowMs} ms) minus allowable clock skew (${skew} ms) was on or after the Expiration Time value (${exp} seconds)`)
  if (iat !== undefined && exp <= iat) return invalid(`The Expiration Time time (${exp} seconds) was not after the Issued At time (${iat} seconds)`)
  for (const required of opts.requiredScope ?? []) {
    if (!scope.includes(required)) {
      return { status: 'insufficient_scope', scope: `[${(opts.requiredScope ?? []).join(', ')}]`, reason: `The provided scope (${scope.join(', ')}) was missing a required scope (${required})` }
    }
  }
  // Java's Math.round saturates at Long.MAX_VALUE for an absurd exp (1e20, or 1e309 which parses as Infinity); we
  // saturate at the largest integer a number holds exactly, so the lifetime still encodes as an int64.
  return { principal: sub, expiresAtMs: Math.min(Math.round(exp * 1000), Number.MAX_SAFE_INTEGER) }
}

/** A part's JSON object as Kafka reads it (OAuthBearerUnsecuredJws.toMap), or why it cannot be read. */
function decodePart (part: string): Map<string, Claim> | string {
  // getUrlDecoder accepts the base64url alphabet with optional padding, and nothing else.
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(part) || part.replace(/=+$/, '').length % 4 === 1) return 'malformed Base64 URL encoded value'
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
  } catch {
    return 'malformed JSON'
  }
  const out = new Map<string, Claim>()
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return out
  for (const [k, v] of Object.entries(json)) out.set(k, convert(v))
  return out
}

/** Jackson's view, as Kafka converts it: arrays become lists of their elements' text, numbers stay, the rest is text. */
function convert (v: unknown): Claim {
  if (Array.isArray(v)) return v.map(asText)
  if (typeof v === 'number') return v
  return asText(v)
}

/** JsonNode.asText(): strings as they are, numbers and booleans printed, null "null", objects and arrays "". */
function asText (v: unknown): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (v === null) return 'null'
  return ''
}

/** The token's scope items: a string claim is one item, a list claim several; blank ones dropped. */
function scopeOf (claim: Claim | undefined): string[] | undefined {
  if (claim === undefined) return []
  if (typeof claim === 'string') return claim.trim() === '' ? [] : [claim.trim()]
  if (typeof claim === 'number') return undefined
  return [...new Set(claim.filter(s => s.trim() !== '').map(s => s.trim()))]
}

function typeName (c: Claim): string {
  return typeof c === 'number' ? 'Number' : typeof c === 'string' ? 'String' : 'ArrayList'
}
