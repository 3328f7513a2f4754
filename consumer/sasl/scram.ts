import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto'
import { ErrorCode } from '../../protocol/error-codes.js'
import { KafkaError, ProtocolError } from '../../protocol/errors.js'

// SCRAM (RFC 5802) with SHA-256 and SHA-512 (RFC 7677), as Kafka uses it (KIP-84): no channel binding ("n,,"),
// usernames escaped as saslname, a client nonce the server extends, PBKDF2 over the password with the server's salt
// and iteration count, and proofs both ways. The shared steps are here for both sides: the client (ScramClient,
// used by consumer/sasl/authenticate.ts) and the fake broker's server (tools/fake-broker/sasl.ts).
//
// Passwords are used as their UTF-8 bytes: SASLprep (RFC 4013) normalization is not applied, which makes no
// difference for ASCII passwords.

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512'

const HASH: Record<ScramMechanism, 'sha256' | 'sha512'> = { 'SCRAM-SHA-256': 'sha256', 'SCRAM-SHA-512': 'sha512' }
const HASH_BYTES: Record<ScramMechanism, number> = { 'SCRAM-SHA-256': 32, 'SCRAM-SHA-512': 64 }

/** Kafka's bounds on the iteration count (ScramMechanism: 4096 to 16384): a broker asking for more is refused. */
export const MIN_ITERATIONS = 4096
export const MAX_ITERATIONS = 16384

/** The GS2 header without channel binding, "n,,", and its base64 ("biws") as it appears in the final message. */
const GS2_HEADER = 'n,,'
const CHANNEL_BINDING = Buffer.from(GS2_HEADER).toString('base64')

/** RFC 5802 saslname: "=" and "," in a username are written =3D and =2C. */
export function escapeName (name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C')
}

export function unescapeName (name: string): string {
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=')
}

/** The attributes of a SCRAM message ("r=...,s=...,i=4096") by their one-letter names; malformed input throws. */
export function parseAttributes (message: string, where: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of message.split(',')) {
    const m = /^([A-Za-z])=(.*)$/s.exec(part)
    if (m === null) throw scramError(where, `malformed attribute "${part.slice(0, 40)}"`)
    out.set(m[1], m[2])
  }
  return out
}

function scramError (where: string, detail: string): ProtocolError {
  return new ProtocolError({ api: 'SaslAuthenticate', version: 0, field: where, offset: 0, direction: 'response' }, `SCRAM: ${detail}`)
}

/** The keys derived from a password (RFC 5802 section 3): the server stores StoredKey and ServerKey only. */
export interface ScramKeys {
  clientKey: Buffer
  storedKey: Buffer
  serverKey: Buffer
}

export async function deriveKeys (mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Promise<ScramKeys> {
  const hash = HASH[mechanism]
  const salted = await new Promise<Buffer>((resolve, reject) => {
    pbkdf2(Buffer.from(password, 'utf8'), salt, iterations, HASH_BYTES[mechanism], hash, (err, key) => { if (err !== null) reject(err); else resolve(key) })
  })
  const clientKey = hmac(hash, salted, 'Client Key')
  return { clientKey, storedKey: createHash(hash).update(clientKey).digest(), serverKey: hmac(hash, salted, 'Server Key') }
}

export function hmac (hash: 'sha256' | 'sha512', key: Buffer, data: string): Buffer {
  return createHmac(hash, key).update(data, 'utf8').digest()
}

export function hashOf (mechanism: ScramMechanism): 'sha256' | 'sha512' {
  return HASH[mechanism]
}

/** Bytes XOR bytes of the same length (ClientProof = ClientKey XOR ClientSignature). */
export function xor (a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i]
  return out
}

/** Equal without a timing side channel (proofs and signatures). */
export function sameBytes (a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

/** A nonce of printable characters without "," (RFC 5802 "r" attribute). */
export function newNonce (): string {
  return randomBytes(24).toString('base64')
}

/**
 * The client side of one SCRAM exchange: `first()` is the client-first message, `final(serverFirst)` checks the
 * server's nonce and iteration count and returns the client-final message with the proof, and
 * `verify(serverFinal)` checks the server's signature (a server that does not know the password cannot forge it)
 * or reports the server's error. A malformed message is a ProtocolError naming what was wrong; a refusal or a
 * wrong server signature is a KafkaError SASL_AUTHENTICATION_FAILED.
 */
export class ScramClient {
  private readonly clientFirstBare: string
  private expectedServerSignature: Buffer | undefined

  constructor (readonly mechanism: ScramMechanism, private readonly username: string, private readonly password: string,
    private readonly nonce: string = newNonce(),
    /** What refusals are prefixed with: who authenticates where ('SASL SCRAM-SHA-256 as "alice" at host:port'). */
    private readonly who: string = mechanism) {
    this.clientFirstBare = `n=${escapeName(username)},r=${nonce}`
  }

  first (): Buffer {
    return Buffer.from(GS2_HEADER + this.clientFirstBare, 'utf8')
  }

  async final (serverFirstBytes: Buffer): Promise<Buffer> {
    const serverFirst = serverFirstBytes.toString('utf8')
    const attrs = parseAttributes(serverFirst, 'server-first-message')
    if (attrs.has('m')) throw scramError('server-first-message', 'the server requires an extension we do not know ("m=")')
    const nonce = attrs.get('r')
    const salt = attrs.get('s')
    const iterations = Number(attrs.get('i'))
    if (nonce === undefined || salt === undefined || attrs.get('i') === undefined) throw scramError('server-first-message', 'missing r, s or i')
    if (!nonce.startsWith(this.nonce) || nonce.length === this.nonce.length) throw scramError('server-first-message', 'the server nonce does not extend ours')
    if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw scramError('server-first-message', `iteration count ${attrs.get('i') ?? ''} outside ${MIN_ITERATIONS}..${MAX_ITERATIONS}`)
    }
    const keys = await deriveKeys(this.mechanism, this.password, Buffer.from(salt, 'base64'), iterations)
    const finalWithoutProof = `c=${CHANNEL_BINDING},r=${nonce}`
    const authMessage = `${this.clientFirstBare},${serverFirst},${finalWithoutProof}`
    const hash = HASH[this.mechanism]
    const proof = xor(keys.clientKey, hmac(hash, keys.storedKey, authMessage))
    this.expectedServerSignature = hmac(hash, keys.serverKey, authMessage)
    return Buffer.from(`${finalWithoutProof},p=${proof.toString('base64')}`, 'utf8')
  }

  verify (serverFinalBytes: Buffer): void {
    const attrs = parseAttributes(serverFinalBytes.toString('utf8'), 'server-final-message')
    const error = attrs.get('e')
    if (error !== undefined) throw new KafkaError(ErrorCode.SASL_AUTHENTICATION_FAILED, `${this.who}: the broker refused: ${error}`)
    const v = attrs.get('v')
    if (v === undefined || this.expectedServerSignature === undefined) throw scramError('server-final-message', 'no server signature')
    if (!sameBytes(Buffer.from(v, 'base64'), this.expectedServerSignature)) {
      throw new KafkaError(ErrorCode.SASL_AUTHENTICATION_FAILED, `${this.who}: the broker's signature is wrong: it does not know this user's password`)
    }
  }
}
