import { createHash } from 'node:crypto'
import { ErrorCode } from '../../protocol/error-codes.js'
import { hashOf, hmac, MAX_ITERATIONS, MIN_ITERATIONS, type ScramMechanism } from '../../consumer/sasl/scram.js'

// SCRAM credentials added, replaced and deleted at run time (AlterUserScramCredentials, KIP-554), on top of the
// users a cluster is started with. The SASL code asks here first, so a user added by an admin client can log in
// on the next connection, and a deleted credential stops working, as with Kafka's credential cache.

/** ScramMechanism on the wire (org.apache.kafka.clients.admin.ScramMechanism). */
export const SCRAM_MECHANISM_CODES: ReadonlyMap<number, ScramMechanism> = new Map([[1, 'SCRAM-SHA-256'], [2, 'SCRAM-SHA-512']])

export interface StoredScramCredential { salt: Buffer, iterations: number, storedKey: Buffer, serverKey: Buffer }

export interface ScramChangeResult { user: string, errorCode: number, errorMessage: string | null }

export class ScramCredentials {
  /** user → mechanism → credential, or null for one deleted at run time (it then shadows a configured user). */
  private readonly runtime = new Map<string, Map<ScramMechanism, StoredScramCredential | null>>()
  private configured: { users: readonly string[], mechanisms: readonly ScramMechanism[], iterations: number } = { users: [], mechanisms: [], iterations: MIN_ITERATIONS }

  /** The users the cluster started with (FakeCluster's `sasl.users`) and the SCRAM mechanisms enabled for them. */
  seed (users: readonly string[], mechanisms: readonly ScramMechanism[], iterations: number): void {
    this.configured = { users, mechanisms, iterations }
  }

  /** A run-time credential, null when one was deleted, undefined when the run time never touched it. */
  get (mechanism: ScramMechanism, user: string): StoredScramCredential | null | undefined {
    return this.runtime.get(user)?.get(mechanism)
  }

  /** Every user's mechanisms and iteration counts (null: all users). Unknown users are RESOURCE_NOT_FOUND. */
  describe (users: readonly string[] | null): Array<ScramChangeResult & { credentialInfos: Array<{ mechanism: number, iterations: number }> }> {
    const all = new Map<string, Map<ScramMechanism, number>>()
    for (const u of this.configured.users) all.set(u, new Map(this.configured.mechanisms.map(m => [m, this.configured.iterations])))
    for (const [u, byMech] of this.runtime) {
      const m = all.get(u) ?? new Map<ScramMechanism, number>()
      for (const [mech, c] of byMech) { if (c === null) m.delete(mech); else m.set(mech, c.iterations) }
      all.set(u, m)
    }
    for (const [u, m] of all) if (m.size === 0) all.delete(u)
    const codeOf = (m: ScramMechanism): number => m === 'SCRAM-SHA-256' ? 1 : 2
    const wanted = users ?? [...all.keys()].sort()
    const counts = new Map<string, number>()
    for (const u of wanted) counts.set(u, (counts.get(u) ?? 0) + 1)
    return wanted.map(user => {
      if (counts.get(user)! > 1) return { user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'Cannot describe SCRAM credentials for the same user twice in a single request', credentialInfos: [] }
      const m = all.get(user)
      if (m === undefined) return { user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to describe a user credential that does not exist', credentialInfos: [] }
      return { user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos: [...m].map(([mech, iterations]) => ({ mechanism: codeOf(mech), iterations })).sort((a, b) => a.mechanism - b.mechanism) }
    })
  }

  /**
   * Applies deletions and upsertions, checked per user as Kafka's controller does (ScramControlManager): a user
   * named twice for one mechanism, an unknown mechanism, an iteration count outside 4096-16384, an empty name,
   * deleting what does not exist. A user with any error has none of its changes applied.
   */
  alter (deletions: ReadonlyArray<{ name: string, mechanism: number }>, upsertions: ReadonlyArray<{ name: string, mechanism: number, iterations: number, salt: Uint8Array, saltedPassword: Uint8Array }>): ScramChangeResult[] {
    const users = [...new Set([...deletions.map(d => d.name), ...upsertions.map(u => u.name)])]
    return users.map(user => {
      const fail = (errorCode: number, errorMessage: string): ScramChangeResult => ({ user, errorCode, errorMessage })
      const mine = [...deletions.filter(d => d.name === user).map(d => ({ ...d, upsert: undefined })), ...upsertions.filter(u => u.name === user).map(u => ({ name: u.name, mechanism: u.mechanism, upsert: u }))]
      const seen = new Set<number>()
      for (const c of mine) {
        if (seen.has(c.mechanism)) return fail(ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request')
        seen.add(c.mechanism)
      }
      if (user === '') return fail(ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty')
      for (const c of mine) {
        const mech = SCRAM_MECHANISM_CODES.get(c.mechanism)
        if (mech === undefined) return fail(ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism')
        if (c.upsert === undefined) {
          if (this.describe([user])[0].credentialInfos.every(i => SCRAM_MECHANISM_CODES.get(i.mechanism) !== mech)) {
            return fail(ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist')
          }
        } else {
          if (c.upsert.iterations < MIN_ITERATIONS) return fail(ErrorCode.UNACCEPTABLE_CREDENTIAL, `Too few iterations`)
          if (c.upsert.iterations > MAX_ITERATIONS) return fail(ErrorCode.UNACCEPTABLE_CREDENTIAL, `Too many iterations`)
        }
      }
      const byMech = this.runtime.get(user) ?? new Map<ScramMechanism, StoredScramCredential | null>()
      for (const c of mine) {
        const mech = SCRAM_MECHANISM_CODES.get(c.mechanism)!
        byMech.set(mech, c.upsert === undefined ? null : fromSaltedPassword(mech, c.upsert))
      }
      this.runtime.set(user, byMech)
      return { user, errorCode: ErrorCode.NONE, errorMessage: null }
    })
  }
}

/** RFC 5802: StoredKey = H(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword, "Server Key"). */
function fromSaltedPassword (mechanism: ScramMechanism, u: { iterations: number, salt: Uint8Array, saltedPassword: Uint8Array }): StoredScramCredential {
  const hash = hashOf(mechanism)
  const salted = Buffer.from(u.saltedPassword)
  return {
    salt: Buffer.from(u.salt),
    iterations: u.iterations,
    storedKey: createHash(hash).update(hmac(hash, salted, 'Client Key')).digest(),
    serverKey: hmac(hash, salted, 'Server Key')
  }
}
