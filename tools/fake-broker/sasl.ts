import { createHash, randomBytes } from 'node:crypto'
import { ErrorCode } from '../../protocol/error-codes.js'
import { ConfigError } from '../../protocol/errors.js'
import { parseMechanism, type SaslMechanism } from '../../consumer/sasl/authenticate.js'
import { KVSEP, oauthBearerServerError, parseOAuthBearerInitialResponse } from '../../consumer/sasl/oauthbearer.js'
import { parsePlainToken } from '../../consumer/sasl/plain.js'
import { validateUnsecuredToken, type UnsecuredValidatorOptions } from './unsecured-token-validator.js'
import type { ScramCredentials } from './scram-credentials.js'
import { deriveKeys, hashOf, hmac, newNonce, parseAttributes, sameBytes, unescapeName, xor, MIN_ITERATIONS, type ScramKeys, type ScramMechanism } from '../../consumer/sasl/scram.js'

// SASL on the fake broker's listeners, as a Kafka broker with a SASL_PLAINTEXT (or SASL_SSL) listener does it
// (KIP-43, KIP-152, KIP-84): a connection must authenticate before any request other than ApiVersions,
// SaslHandshake and SaslAuthenticate. SaslHandshake names the mechanism; with v1 the SASL messages then travel in
// SaslAuthenticate requests, with v0 as raw size-prefixed tokens (the pre-KIP-152 way, which Kafka 4.0 removed but
// kafka-python 2.0 still uses). Mechanisms: PLAIN and SCRAM-SHA-256/512 (SCRAM credentials are derived from each
// user's password at start-up, with a random salt and 4096 iterations, as kafka-configs would store them), and
// OAUTHBEARER (KIP-255) with the checks of Kafka's default unsecured validator (unsecured-token-validator.ts): the
// principal is the token's `sub`, and the session lasts no longer than the token (below).
//
// Re-authentication (KIP-368): with connections.max.reauth.ms above 0, a successful SaslAuthenticate v1+ tells the
// client its session lifetime. After it, the connection may send nothing but a SaslHandshake that starts a new
// exchange (the broker closes it otherwise, as Kafka's SocketServer closes "expired" channels). A client may
// re-authenticate at any time, at most once a second (KafkaChannel.maybeBeginServerReauthentication), with the same
// mechanism and as the same user (SaslServerAuthenticator.ReauthInfo). Expiry is checked when a request arrives,
// by the cluster's clock: no timer per connection.

export interface SaslServerOptions {
  /** user name -> password (PLAIN and SCRAM; may be empty when only OAUTHBEARER is enabled). */
  users: Record<string, string>
  /** Enabled mechanisms (sasl.enabled.mechanisms). Default: PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512; OAUTHBEARER when listed. */
  mechanisms?: readonly string[]
  /** OAUTHBEARER token checks (Kafka's unsecuredValidator* JAAS options): required scope, allowed clock skew. */
  oauthbearer?: UnsecuredValidatorOptions
}

const DEFAULT_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']

/** Where sessions' lifetimes come from: the broker's clock and its connections.max.reauth.ms. */
export interface SaslSessionPolicy {
  now: () => number
  /** connections.max.reauth.ms; 0 or less: sessions do not expire. */
  maxReauthMs: () => number
}

/** Kafka's KafkaChannel.MIN_REAUTH_INTERVAL_ONE_SECOND_NANOS: re-authentications start at most once a second. */
export const MIN_REAUTH_INTERVAL_MS = 1000

const NO_EXPIRY: SaslSessionPolicy = { now: Date.now, maxReauthMs: () => 0 }

interface ScramCredential { salt: Buffer, iterations: number, storedKey: Buffer, serverKey: Buffer }

/** The broker-wide SASL setup: enabled mechanisms and each user's credentials. */
export class SaslServer {
  readonly mechanisms: readonly SaslMechanism[]
  private readonly scram = new Map<string, Promise<ScramCredential>>()

  /** `runtime`: credentials changed by AlterUserScramCredentials, consulted before the configured users. */
  constructor (private readonly opts: SaslServerOptions, private readonly runtime?: ScramCredentials, readonly policy: SaslSessionPolicy = NO_EXPIRY) {
    this.mechanisms = (opts.mechanisms ?? DEFAULT_MECHANISMS).map(m => parseMechanism(m, 'sasl.mechanisms'))
    if (this.mechanisms.length === 0) throw new ConfigError('sasl.mechanisms', 'at least one mechanism is needed')
    if (Object.keys(opts.users).length === 0 && this.mechanisms.some(m => m !== 'OAUTHBEARER')) {
      throw new ConfigError('sasl.users', `at least one user is needed for ${this.mechanisms.filter(m => m !== 'OAUTHBEARER').join(', ')}`)
    }
    const skew = opts.oauthbearer?.allowableClockSkewMs
    if (skew !== undefined && (!Number.isInteger(skew) || skew < 0)) throw new ConfigError('sasl.oauthbearer.allowableClockSkewMs', `must be a non-negative integer, got ${skew}`)
  }

  /** The scram mechanisms enabled, whose credentials are seeded for the users. */
  get scramMechanisms (): ScramMechanism[] {
    return this.mechanisms.filter((m): m is ScramMechanism => m.startsWith('SCRAM-'))
  }

  get oauthbearer (): UnsecuredValidatorOptions {
    return this.opts.oauthbearer ?? {}
  }

  password (user: string): string | undefined {
    return Object.hasOwn(this.opts.users, user) ? this.opts.users[user] : undefined
  }

  /** The stored SCRAM credential of a user for a mechanism, derived once. */
  credential (mechanism: ScramMechanism, user: string): Promise<ScramCredential> | undefined {
    const changed = this.runtime?.get(mechanism, user)
    if (changed !== undefined) return changed === null ? undefined : Promise.resolve(changed)
    const password = this.password(user)
    if (password === undefined) return undefined
    const k = `${mechanism}\u0000${user}`
    let c = this.scram.get(k)
    if (c === undefined) {
      const salt = randomBytes(16)
      c = deriveKeys(mechanism, password, salt, MIN_ITERATIONS).then((keys: ScramKeys) => ({ salt, iterations: MIN_ITERATIONS, storedKey: keys.storedKey, serverKey: keys.serverKey }))
      this.scram.set(k, c)
    }
    return c
  }
}

/** One step's outcome: the bytes to send back, and whether the exchange is over (successfully). */
export interface SaslStep {
  errorCode: number
  errorMessage: string | null
  authBytes: Buffer
  /** The exchange ended in success: the connection may now send any request. */
  authenticated: boolean
  /** On success, how long the session lasts (ms; 0: no expiry), answered in SaslAuthenticate v1+. */
  sessionLifetimeMs: number
}

const EMPTY = Buffer.alloc(0)
/** Kafka leaves a successful step's ErrorMessage at its default, the empty string, not null (seen on Kafka 4.4). */
const NO_MESSAGE = ''

/** One connection's SASL exchange. */
export class SaslSession {
  /** 'handshake': waiting for SaslHandshake; 'exchange': for the mechanism's messages; 'done': authenticated. */
  state: 'handshake' | 'exchange' | 'done' = 'handshake'
  /** SaslHandshake v0 was used: the messages come as raw frames, not SaslAuthenticate requests. */
  raw = false
  mechanism: SaslMechanism | undefined = undefined
  /** The authenticated user. */
  user: string | undefined = undefined
  /** The last step failed: the connection is closed once its answer is sent. */
  failed = false
  /**
   * The failure is not answered: the connection closes without a response, as Kafka's REAUTH_BAD_MECHANISM state
   * does for the SaslAuthenticate after a re-authentication handshake that named another mechanism.
   */
  silentFailure = false
  /** When the session expires (policy clock, ms); undefined: never. */
  expiresAt: number | undefined = undefined
  /** When the last re-authentication began, for the once-a-second limit. */
  private lastReauthStart: number | undefined = undefined
  /** While re-authenticating: the mechanism and user of the session being renewed. */
  private previous: { mechanism: SaslMechanism, user: string } | undefined = undefined
  private scramState: { user: string, clientFirstBare: string, serverFirst: string, nonce: string, credential: ScramCredential } | undefined
  /** OAUTHBEARER: the JSON error answered to the last message; a kvsep from the client then fails the exchange. */
  private oauthbearerError: string | undefined = undefined
  /** OAUTHBEARER: the SASL extensions (KIP-342) of the token that authenticated the session. */
  extensions: Record<string, string> = {}

  constructor (readonly server: SaslServer) {}

  get authenticated (): boolean { return this.state === 'done' }

  /** Whether the session has expired (Kafka: strictly after its expiration time). */
  expired (): boolean {
    return this.state === 'done' && this.expiresAt !== undefined && this.server.policy.now() > this.expiresAt
  }

  /**
   * Whether a SaslHandshake now would begin a re-authentication: the session has a lifetime (Kafka re-authenticates
   * only sessions that expire) and the last re-authentication began a second or more ago.
   */
  mayReauthenticate (): boolean {
    if (this.state !== 'done' || this.expiresAt === undefined) return false
    return this.lastReauthStart === undefined || this.server.policy.now() - this.lastReauthStart >= MIN_REAUTH_INTERVAL_MS
  }

  /**
   * SaslHandshake: UNSUPPORTED_SASL_MECHANISM for a mechanism not enabled (the connection closes after the answer, as
   * Kafka's), ILLEGAL_SASL_STATE out of turn. On an
   * authenticated connection it begins a re-authentication when mayReauthenticate(); otherwise ILLEGAL_SASL_STATE,
   * as KafkaApis answers a SaslHandshake after authentication.
   */
  handshake (mechanism: string, version: number): { errorCode: number, mechanisms: string[] } {
    const mechanisms = [...this.server.mechanisms]
    if (this.state === 'done' && this.user !== undefined && this.mechanism !== undefined && this.mayReauthenticate()) {
      this.previous = { mechanism: this.mechanism, user: this.user }
      this.lastReauthStart = this.server.policy.now()
      this.state = 'handshake'
    }
    if (this.state !== 'handshake') return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms }
    const m = this.server.mechanisms.find(x => x === mechanism)
    if (m === undefined) {
      // Kafka answers, then closes the connection (SaslServerAuthenticator throws UnsupportedSaslMechanismException
      // after sending the answer): the client learns the enabled mechanisms and must reconnect to try another.
      this.failed = true
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms }
    }
    this.mechanism = m
    this.raw = version === 0
    this.state = 'exchange'
    return { errorCode: ErrorCode.NONE, mechanisms }
  }

  /** One SASL message from the client. */
  async step (token: Buffer): Promise<SaslStep> {
    if (this.state !== 'exchange' || this.mechanism === undefined) return failure(ErrorCode.ILLEGAL_SASL_STATE, 'no SaslHandshake before SaslAuthenticate')
    if (this.previous !== undefined && this.previous.mechanism !== this.mechanism) {
      // Kafka accepts the handshake and fails at the first token, closing the connection without an answer.
      this.silentFailure = true
      return this.fail(`SASL mechanism '${this.mechanism}' requested by client is not supported for re-authentication of mechanism '${this.previous.mechanism}'`)
    }
    if (this.mechanism === 'PLAIN') return this.plain(token)
    if (this.mechanism === 'OAUTHBEARER') return this.oauthbearerStep(token)
    return await this.scramStep(this.mechanism, token)
  }

  /**
   * Kafka's OAuthBearerSaslServer.evaluateResponse: a kvsep after an error fails the exchange with that error's JSON
   * as the message; anything else is a client initial response, even after an error (Kafka lets the client try again).
   * A malformed message is a SaslException, which Kafka answers with its generic message. A token that fails
   * validation is answered with the JSON error and error code NONE: the exchange goes on until the client's kvsep.
   */
  private oauthbearerStep (message: Buffer): SaslStep {
    if (message.length === 1 && message[0] === KVSEP.charCodeAt(0) && this.oauthbearerError !== undefined) return this.fail(this.oauthbearerError)
    this.oauthbearerError = undefined
    const parsed = parseOAuthBearerInitialResponse(message)
    if (typeof parsed === 'string') return this.fail(this.genericFailure())
    const result = validateUnsecuredToken(parsed.token, this.server.policy.now(), this.server.oauthbearer)
    if ('status' in result && result.unanswered === true) {
      this.silentFailure = true
      return this.fail(result.reason)
    }
    if ('status' in result) {
      this.oauthbearerError = oauthBearerServerError(result).toString('utf8')
      return { errorCode: ErrorCode.NONE, errorMessage: NO_MESSAGE, authBytes: Buffer.from(this.oauthbearerError, 'utf8'), authenticated: false, sessionLifetimeMs: 0 }
    }
    if (parsed.authzid !== '' && parsed.authzid !== result.principal) {
      return this.fail(`Authentication failed: Client requested an authorization id (${parsed.authzid}) that is different from the token's principal name (${result.principal})`)
    }
    // The unsecured validator accepts every extension (OAuthBearerExtensionsValidatorCallback.valid for each): they
    // become the session's negotiated properties, which nothing else in the broker reads.
    const step = this.succeed(result.principal, EMPTY, result.expiresAtMs)
    if (step.authenticated) this.extensions = parsed.extensions
    return step
  }

  /** Kafka's answer to a SaslException: it does not say why, so that nothing about users leaks. */
  private genericFailure (): string {
    return `Authentication failed during ${this.previous === undefined ? 'authentication' : 're-authentication'} due to invalid credentials with SASL mechanism ${this.mechanism ?? ''}`
  }

  private plain (token: Buffer): SaslStep {
    const p = parsePlainToken(token)
    // Kafka's PlainSaslServer: the authorization id, when given, must be the user itself.
    if (p === undefined || (p.authzid !== '' && p.authzid !== p.username) || p.username === '') return this.fail('Authentication failed: malformed PLAIN message')
    if (this.server.password(p.username) !== p.password) return this.fail('Authentication failed: Invalid username or password')
    return this.succeed(p.username, EMPTY)
  }

  private async scramStep (mechanism: ScramMechanism, token: Buffer): Promise<SaslStep> {
    const text = token.toString('utf8')
    if (this.scramState === undefined) {
      // client-first-message: gs2-header "n,," (no channel binding, no authzid), then n=user,r=nonce[,extensions].
      const m = /^n,(?:a=[^,]*)?,(.*)$/s.exec(text)
      if (m === null) return this.fail('Authentication failed: malformed SCRAM client-first message')
      let attrs: Map<string, string>
      try { attrs = parseAttributes(m[1], 'client-first-message') } catch { return this.fail('Authentication failed: malformed SCRAM client-first message') }
      const user = unescapeName(attrs.get('n') ?? '')
      const clientNonce = attrs.get('r')
      if (clientNonce === undefined || clientNonce === '') return this.fail('Authentication failed: no client nonce')
      const credential = await this.server.credential(mechanism, user)
      // An unknown user fails here, before the proof, as Kafka's ScramSaslServer does.
      if (credential === undefined) return this.fail(`Authentication failed: Invalid user credentials`)
      const nonce = clientNonce + newNonce()
      const serverFirst = `r=${nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`
      this.scramState = { user, clientFirstBare: m[1], serverFirst, nonce, credential }
      return { errorCode: ErrorCode.NONE, errorMessage: NO_MESSAGE, authBytes: Buffer.from(serverFirst, 'utf8'), authenticated: false, sessionLifetimeMs: 0 }
    }
    const s = this.scramState
    let attrs: Map<string, string>
    try { attrs = parseAttributes(text, 'client-final-message') } catch { return this.fail('Authentication failed: malformed SCRAM client-final message') }
    const proof = attrs.get('p')
    // RFC 5802 wants the nonce of server-first back; Kafka (since 3.8.1, with the fix for CVE-2024-56128) accepts
    // any nonce ending with it, because librdkafka before 2.6.1 sends its client nonce in front once more.
    const nonce = attrs.get('r')
    if (nonce === undefined || !nonce.endsWith(s.nonce) || proof === undefined || attrs.get('c') !== 'biws') return this.fail('Authentication failed: Invalid nonce or channel binding')
    const withoutProof = text.slice(0, text.lastIndexOf(',p='))
    const authMessage = `${s.clientFirstBare},${s.serverFirst},${withoutProof}`
    const hash = hashOf(mechanism)
    // ClientKey = ClientProof XOR ClientSignature; the proof is right when H(ClientKey) is the stored key.
    const clientSignature = hmac(hash, s.credential.storedKey, authMessage)
    const proofBytes = Buffer.from(proof, 'base64')
    if (proofBytes.length !== clientSignature.length) return this.fail('Authentication failed: Invalid user credentials')
    const clientKey = xor(proofBytes, clientSignature)
    if (!sameBytes(createHash(hash).update(clientKey).digest(), s.credential.storedKey)) return this.fail('Authentication failed: Invalid user credentials')
    const serverFinal = `v=${hmac(hash, s.credential.serverKey, authMessage).toString('base64')}`
    return this.succeed(s.user, Buffer.from(serverFinal, 'utf8'))
  }

  /** `credentialExpiresAt`: when the credential itself expires (an OAUTHBEARER token's exp, epoch ms by the policy clock). */
  private succeed (user: string, authBytes: Buffer, credentialExpiresAt?: number): SaslStep {
    if (this.previous !== undefined && this.previous.user !== user) {
      // Kafka's ReauthInfo.ensurePrincipalUnchanged, its message word for word (principal type "User").
      return this.fail(`Cannot change principals during re-authentication from User.${this.previous.user}: User.${user}`)
    }
    this.user = user
    this.state = 'done'
    this.scramState = undefined
    this.previous = undefined
    // SaslServerAuthenticator.calcCompletionTimesAndReturnSessionLifetimeMs: the lifetime is connections.max.reauth.ms,
    // capped by the credential's remaining life when it has one (OAUTHBEARER; PLAIN and SCRAM credentials do not
    // expire). A token's expiry alone gives the session a lifetime even when connections.max.reauth.ms is unset.
    const max = this.server.policy.maxReauthMs()
    const now = this.server.policy.now()
    const zeroIfNegative = (ms: number): number => Math.max(0, ms)
    let sessionLifetimeMs = 0
    this.expiresAt = undefined
    if (credentialExpiresAt !== undefined || max > 0) {
      if (credentialExpiresAt === undefined) sessionLifetimeMs = max
      else if (max <= 0) sessionLifetimeMs = zeroIfNegative(credentialExpiresAt - now)
      else sessionLifetimeMs = zeroIfNegative(Math.min(credentialExpiresAt - now, max))
      this.expiresAt = now + sessionLifetimeMs
    }
    return { errorCode: ErrorCode.NONE, errorMessage: NO_MESSAGE, authBytes, authenticated: true, sessionLifetimeMs }
  }

  private fail (message: string): SaslStep {
    // A failed exchange cannot be resumed: Kafka closes the connection after sending the error.
    this.failed = true
    this.state = 'handshake'
    this.scramState = undefined
    this.oauthbearerError = undefined
    return failure(ErrorCode.SASL_AUTHENTICATION_FAILED, message)
  }
}

function failure (errorCode: number, errorMessage: string): SaslStep {
  return { errorCode, errorMessage, authBytes: EMPTY, authenticated: false, sessionLifetimeMs: 0 }
}
