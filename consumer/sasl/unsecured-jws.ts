import { ConfigError } from '../../protocol/errors.js'
import type { OAuthBearerProvider, OAuthBearerToken } from './oauthbearer.js'
import { validateOAuthBearerToken } from './oauthbearer.js'

// Unsecured JWS tokens (RFC 7515 appendix A.5: header {"alg":"none"}, no signature) for development and tests, as
// librdkafka builds them from `sasl.oauthbearer.config` (its default token refresh callback) and Kafka's
// OAuthBearerUnsecuredLoginCallbackHandler does from JAAS options. A broker with Kafka's default OAUTHBEARER
// validator (OAuthBearerUnsecuredValidatorCallbackHandler) accepts them; a production broker does not.
//
// `sasl.oauthbearer.config` is librdkafka's syntax: space-separated name=value pairs, `principal=` (required),
// `principalClaimName=` (default sub), `scope=` (comma-separated), `scopeClaimName=` (default scope),
// `lifeSeconds=` (default 3600), `extension_NAME=value`. Names and values cannot hold spaces or '"'.

export interface UnsecuredJwsOptions {
  principal: string
  principalClaimName?: string
  scope?: string[]
  scopeClaimName?: string
  lifeSeconds?: number
  /** When the token is issued (epoch ms); default now. */
  nowMs?: number
}

const HEADER = { alg: 'none' }

function base64url (json: string): string {
  return Buffer.from(json, 'utf8').toString('base64url')
}

/** header.claims. with claims {sub, iat, exp[, scope]}; iat and exp in seconds with milliseconds, as librdkafka. */
export function unsecuredJws (o: UnsecuredJwsOptions): string {
  const iat = (o.nowMs ?? Date.now()) / 1000
  const claims: Record<string, unknown> = {
    [o.principalClaimName ?? 'sub']: o.principal,
    iat: Number(iat.toFixed(3)),
    exp: Number((iat + (o.lifeSeconds ?? 3600)).toFixed(3))
  }
  if (o.scope !== undefined && o.scope.length > 0) claims[o.scopeClaimName ?? 'scope'] = o.scope
  return `${base64url(JSON.stringify(HEADER))}.${base64url(JSON.stringify(claims))}.`
}

export interface UnsecuredTokenConfig extends Omit<UnsecuredJwsOptions, 'nowMs'> {
  extensions: Record<string, string>
}

const KEY = 'sasl.oauthbearer.config'
const NAMES = ['principalClaimName', 'principal', 'scopeClaimName', 'scope', 'lifeSeconds'] as const

/** Parses librdkafka's `sasl.oauthbearer.config`; a ConfigError names what is wrong, as librdkafka's messages do. */
export function parseUnsecuredTokenConfig (text: string): UnsecuredTokenConfig {
  const values: Partial<Record<typeof NAMES[number], string>> = {}
  const extensions: Record<string, string> = {}
  for (const item of text.split(' ').filter(x => x !== '')) {
    const eq = item.indexOf('=')
    const name = eq < 0 ? item : item.slice(0, eq)
    const value = eq < 0 ? '' : item.slice(eq + 1)
    if (name.startsWith('extension_')) {
      const ext = name.slice('extension_'.length)
      if (ext === '' || eq < 0) throw new ConfigError(KEY, `empty 'extension_' key or no value in "${item}"`)
      extensions[ext] = value
      continue
    }
    if (!(NAMES as readonly string[]).includes(name) || eq < 0) throw new ConfigError(KEY, `unrecognized sasl.oauthbearer.config beginning at: ${item}`)
    if (value === '') throw new ConfigError(KEY, `empty '${name}='`)
    // librdkafka writes the claims with printf: a quote would break its JSON, so it refuses one (we keep its rule).
    if (value.includes('"')) throw new ConfigError(KEY, `'"' cannot appear in ${name}: ${value}`)
    values[name as typeof NAMES[number]] = value
  }
  if (values.principal === undefined) throw new ConfigError(KEY, 'no principal=<value>')
  let lifeSeconds: number | undefined
  if (values.lifeSeconds !== undefined) {
    lifeSeconds = /^\d+$/.test(values.lifeSeconds) ? Number(values.lifeSeconds) : NaN
    if (!Number.isInteger(lifeSeconds) || lifeSeconds <= 0 || lifeSeconds > 0x7fffffff) {
      throw new ConfigError(KEY, `lifeSeconds must be a positive integer (at most 2147483647), got ${values.lifeSeconds}`)
    }
  }
  // librdkafka drops empty and repeated scope elements (",a,,a" is ["a"]).
  const scope = values.scope === undefined ? undefined : [...new Set(values.scope.split(',').filter(s => s !== ''))]
  const out: UnsecuredTokenConfig = { principal: values.principal, extensions }
  if (values.principalClaimName !== undefined) out.principalClaimName = values.principalClaimName
  if (values.scopeClaimName !== undefined) out.scopeClaimName = values.scopeClaimName
  if (scope !== undefined) out.scope = scope
  if (lifeSeconds !== undefined) out.lifeSeconds = lifeSeconds
  validateOAuthBearerToken({ token: 'x', extensions }, KEY)
  return out
}

/** A provider that issues a fresh unsecured token (a new iat and exp) at every call. */
export function unsecuredTokenProvider (cfg: UnsecuredTokenConfig, now: () => number = Date.now): OAuthBearerProvider {
  return async (): Promise<OAuthBearerToken> => {
    const { extensions, ...jws } = cfg
    return { token: unsecuredJws({ ...jws, nowMs: now() }), extensions }
  }
}

/**
 * The Java client's unsecured OAUTHBEARER login (OAuthBearerUnsecuredLoginCallbackHandler's JAAS options) as the
 * equivalent librdkafka sasl.oauthbearer.config, which the consumer turns into tokens: unsecuredLoginStringClaim_sub
 * (the principal), unsecuredLoginPrincipalClaimName, unsecuredLoginListClaim_scope (its first character separates
 * the items), unsecuredLoginLifetimeSeconds and unsecuredLoginExtension_<name>.
 */
const UNSECURED_LOGIN: Record<string, string> = {
  unsecuredLoginStringClaim_sub: 'principal',
  unsecuredLoginPrincipalClaimName: 'principalClaimName',
  unsecuredLoginLifetimeSeconds: 'lifeSeconds'
}

export function unsecuredLoginConfig (jaas: string, key = 'sasl.jaas.config'): string {
  const parts: string[] = []
  for (const [, name, value] of jaas.matchAll(/(\w+)="([^"]*)"/g)) {
    if (/\s/.test(value)) throw new ConfigError(key, `${name}: values with spaces are not understood`)
    if (UNSECURED_LOGIN[name] !== undefined) parts.push(`${UNSECURED_LOGIN[name]}=${value}`)
    else if (name === 'unsecuredLoginListClaim_scope') parts.push(`scope=${value.slice(1).split(value[0] ?? ',').join(',')}`)
    else if (name.startsWith('unsecuredLoginExtension_')) parts.push(`extension_${name.slice('unsecuredLoginExtension_'.length)}=${value}`)
    else throw new ConfigError(key, `OAuthBearerLoginModule option ${name} is not understood; unsecuredLoginStringClaim_sub, unsecuredLoginPrincipalClaimName, unsecuredLoginListClaim_scope, unsecuredLoginLifetimeSeconds and unsecuredLoginExtension_<name> are`)
  }
  return parts.join(' ')
}
