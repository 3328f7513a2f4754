import { SaslAuthenticate, SaslHandshake } from '../../protocol/apis/index.js'
import type { SaslAuthenticateResponse } from '../../protocol/apis/sasl-authenticate.js'
import type { SaslHandshakeResponse } from '../../protocol/apis/sasl-handshake.js'
import { ConfigError, KafkaError, TimeoutError, UnsupportedVersionError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { Authenticated, BrokerConnection } from '../connection.js'
import { OAuthBearerRefusedError } from '../errors.js'
import { KVSEP, oauthBearerInitialResponse, parseOAuthBearerServerError, type OAuthBearerProvider } from './oauthbearer.js'
import { plainToken } from './plain.js'
import { ScramClient, type ScramMechanism } from './scram.js'

// Authentication of a new connection (KIP-43, KIP-152): SaslHandshake v1 names the mechanism, then each SASL
// message travels in a SaslAuthenticate request and the broker's reply in its response. Kafka 4.0 no longer serves
// SaslHandshake v0 (raw tokens after the handshake, KIP-896), and neither does this client. Runs as the
// connection's `authenticate` step, after ApiVersions and before the connection is handed out. Its result is the
// session lifetime of SaslAuthenticate v1+ (KIP-368): the connection runs the same step again, on the same
// connection and without a new ApiVersions, before the session expires.

export type SaslMechanism = 'PLAIN' | ScramMechanism | 'OAUTHBEARER'
export const SASL_MECHANISMS: readonly SaslMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER']

/** PLAIN and SCRAM: a user name and password. */
export interface SaslPasswordOptions {
  mechanism: 'PLAIN' | ScramMechanism
  username: string
  password: string
}

/** OAUTHBEARER (KIP-255): a token provider, called for every authentication and re-authentication. */
export interface SaslOAuthBearerOptions {
  mechanism: 'OAUTHBEARER'
  provider: OAuthBearerProvider
  /** How long the provider may take before the authentication fails (default 30 s). */
  providerTimeoutMs?: number
  /** The configuration key the provider came from, named in errors about its tokens. */
  providerKey?: string
}

export type SaslOptions = SaslPasswordOptions | SaslOAuthBearerOptions

const DEFAULT_PROVIDER_TIMEOUT_MS = 30_000

export function parseMechanism (value: string, key = 'sasl.mechanism'): SaslMechanism {
  const m = value.trim().toUpperCase()
  if (!(SASL_MECHANISMS as readonly string[]).includes(m)) {
    throw new ConfigError(key, `"${value}" is not supported; expected one of ${SASL_MECHANISMS.join(', ')}`)
  }
  return m as SaslMechanism
}

/** The authenticate step for a connection: throws KafkaError (UNSUPPORTED_SASL_MECHANISM, SASL_AUTHENTICATION_FAILED ...). */
export function saslAuthenticator (opts: SaslOptions): (conn: BrokerConnection) => Promise<Authenticated> {
  return async conn => {
    const who = opts.mechanism === 'OAUTHBEARER' ? `SASL OAUTHBEARER at ${conn.broker}` : `SASL ${opts.mechanism} as "${opts.username}" at ${conn.broker}`
    // Without an ApiVersions handshake (api.version.request=false) nothing is known: v1, the version we speak.
    const known = conn.versions.brokerRange(SaslHandshake) !== undefined || !conn.versions.has(SaslHandshake)
    const handshakeVersion = known ? conn.versions.pick(SaslHandshake) : 1
    if (handshakeVersion < 1) throw new UnsupportedVersionError('SaslHandshake', `${conn.broker} only serves SaslHandshake v0 (raw SASL tokens), which Kafka 4.0 removed and we do not speak`)
    const hs = (await conn.request<SaslHandshakeResponse>(SaslHandshake, handshakeVersion, { mechanism: opts.mechanism })).body
    if (hs.errorCode !== ErrorCode.NONE) {
      throw new KafkaError(hs.errorCode, `${who}: the broker enables ${hs.mechanisms.length === 0 ? 'no mechanism' : hs.mechanisms.join(', ')}`)
    }
    const version = conn.versions.pick(SaslAuthenticate)
    // The last response's lifetime is the session's (v0 has none: 0, no expiry known, no re-authentication).
    let sessionLifetimeMs = 0
    const round = async (authBytes: Buffer): Promise<Buffer> => {
      const res = (await conn.request<SaslAuthenticateResponse>(SaslAuthenticate, version, { authBytes })).body
      if (res.errorCode !== ErrorCode.NONE) throw new KafkaError(res.errorCode, `${who}${res.errorMessage === null ? '' : `: ${res.errorMessage}`}`)
      sessionLifetimeMs = Number(res.sessionLifetimeMs)
      return res.authBytes
    }
    if (opts.mechanism === 'OAUTHBEARER') {
      const token = await provide(opts, who)
      const answer = await round(oauthBearerInitialResponse(token, opts.providerKey ?? 'saslOauthbearerProvider'))
      if (answer.length === 0) return { sessionLifetimeMs }
      // RFC 7628 section 3.2.3: the broker's answer is its error; the client ends the exchange with a kvsep, which
      // Kafka answers SASL_AUTHENTICATION_FAILED (its message is the same JSON). The JSON names the reason.
      const refusal = parseOAuthBearerServerError(answer)
      let cause: Error | undefined
      try { await round(Buffer.from(KVSEP)) } catch (err) { cause = err as Error }
      throw new OAuthBearerRefusedError(conn.broker, refusal, cause === undefined ? undefined : { cause })
    }
    if (opts.mechanism === 'PLAIN') {
      await round(plainToken(opts.username, opts.password))
      return { sessionLifetimeMs }
    }
    const scram = new ScramClient(opts.mechanism, opts.username, opts.password, undefined, who)
    const serverFirst = await round(scram.first())
    scram.verify(await round(await scram.final(serverFirst)))
    return { sessionLifetimeMs }
  }
}

/** The provider's token, within its time bound: a provider that never answers must not hold the connection. */
async function provide (opts: SaslOAuthBearerOptions, who: string): Promise<Awaited<ReturnType<OAuthBearerProvider>>> {
  const ms = opts.providerTimeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${who}: the token provider`, ms)), ms)
  })
  try {
    return await Promise.race([opts.provider(), late])
  } catch (err) {
    if (err instanceof TimeoutError) throw err
    throw new ConfigError(opts.providerKey ?? 'saslOauthbearerProvider', `${who}: the token provider failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  } finally {
    clearTimeout(timer)
  }
}
