import { pbkdf2, randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { AlterUserScramCredentials } from '../../protocol/apis/alter-user-scram-credentials.js'
import { DescribeUserScramCredentials } from '../../protocol/apis/describe-user-scram-credentials.js'
import type { KafkaError } from '../../protocol/errors.js'
import type { KafkaClient } from '../cluster.js'
import { MIN_ITERATIONS, type ScramMechanism } from '../sasl/scram.js'
import { resourceError } from './resource-error.js'

// SCRAM users (KIP-554): describe which mechanisms each user has, add or replace a user's credential, delete it.
// The password never travels: the client sends a random salt and Hi(password, salt, iterations) (RFC 5802), which
// is PBKDF2 with the mechanism's HMAC, as the Java AdminClient does.

const MECHANISM_CODES: Record<ScramMechanism, number> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 }
const MECHANISMS: Record<number, ScramMechanism> = { 1: 'SCRAM-SHA-256', 2: 'SCRAM-SHA-512' }
const pbkdf2Async = promisify(pbkdf2)

export interface ScramUser {
  user: string
  error: KafkaError | null
  credentials: Array<{ mechanism: ScramMechanism | 'UNKNOWN', iterations: number }>
}

export type ScramChange =
  | { user: string, mechanism: ScramMechanism, password: string, iterations?: number }
  | { user: string, mechanism: ScramMechanism, delete: true }

export async function describeScramUsers (client: KafkaClient, nodeId: number, users?: readonly string[]): Promise<ScramUser[]> {
  const res = await client.request(nodeId, DescribeUserScramCredentials, { users: users === undefined ? null : users.map(name => ({ name })) })
  const top = resourceError(res.body.errorCode, 'DescribeUserScramCredentials', res.body.errorMessage)
  if (top !== null) throw top
  return res.body.results.map(r => ({
    user: r.user,
    error: resourceError(r.errorCode, `DescribeUserScramCredentials ${r.user}`, r.errorMessage),
    credentials: r.credentialInfos.map(i => ({ mechanism: MECHANISMS[i.mechanism] ?? 'UNKNOWN', iterations: i.iterations }))
  }))
}

export async function alterScramUsers (client: KafkaClient, nodeId: number, changes: readonly ScramChange[]): Promise<Array<{ user: string, error: KafkaError | null }>> {
  const upsertions = await Promise.all(changes.filter(c => !('delete' in c)).map(async c => {
    const u = c as Extract<ScramChange, { password: string }>
    const iterations = u.iterations ?? MIN_ITERATIONS
    const salt = randomBytes(32)
    const hash = u.mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512'
    const saltedPassword = await pbkdf2Async(u.password, salt, iterations, hash === 'sha256' ? 32 : 64, hash)
    return { name: u.user, mechanism: MECHANISM_CODES[u.mechanism], iterations, salt, saltedPassword }
  }))
  const deletions = changes.filter(c => 'delete' in c).map(c => ({ name: c.user, mechanism: MECHANISM_CODES[c.mechanism] }))
  const res = await client.request(nodeId, AlterUserScramCredentials, { deletions, upsertions })
  return res.body.results.map(r => ({ user: r.user, error: resourceError(r.errorCode, `AlterUserScramCredentials ${r.user}`, r.errorMessage) }))
}
