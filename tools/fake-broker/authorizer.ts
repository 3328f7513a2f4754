import { AclOperation, AclPermissionType, PatternType, WILDCARD } from '../../protocol/acl-codes.js'
import { ConfigError } from '../../protocol/errors.js'
import type { AclBinding, AclStore } from './acl-store.js'

// Who may do what, decided as Kafka's StandardAuthorizer (StandardAuthorizerData.authorize) decides it, over the
// cluster's AclStore:
// - a super user (super.users, "User:name") may do anything;
// - otherwise the ACLs that apply to the resource are those of its type whose pattern covers its name: LITERAL with
//   the same name or "*", PREFIXED with a prefix of it; of these, the ones for the caller's principal or "User:*",
//   for its host or "*", and for the operation (or ALL). An ALLOW ACL for READ, WRITE, DELETE or ALTER also allows
//   DESCRIBE, and one for ALTER_CONFIGS allows DESCRIBE_CONFIGS; a DENY ACL denies only its own operation (or ALL).
// - any matching DENY wins; else any matching ALLOW allows; else, when no ACL at all (for anyone) covers the resource,
//   allow.everyone.if.no.acl.found decides (default false); else deny.

export interface AuthorizerOptions {
  /** Principals that bypass every check (super.users), e.g. ["User:admin"]. */
  superUsers?: readonly string[]
  /** allow.everyone.if.no.acl.found: allow when no ACL covers a resource. Default false, as Kafka. */
  allowEveryoneIfNoAclFound?: boolean
}

/** Who is asking: "User:name" (SASL) or "User:ANONYMOUS" (PLAINTEXT, SSL), and from which address. */
export interface Caller { principal: string, host: string }

const IMPLIES_DESCRIBE = new Set<number>([AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER])
const IMPLIES_DESCRIBE_CONFIGS = new Set<number>([AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS])
const WILDCARD_PRINCIPAL = 'User:*'

/** A principal is "Type:name" (KafkaPrincipal.toString); checked when the option is given. */
const PRINCIPAL = /^[^:]+:.+$/

export class Authorizer {
  readonly superUsers: ReadonlySet<string>
  readonly allowEveryoneIfNoAclFound: boolean

  constructor (opts: AuthorizerOptions, private readonly acls: AclStore) {
    for (const p of opts.superUsers ?? []) {
      if (!PRINCIPAL.test(p)) throw new ConfigError('authorizer.superUsers', `expected principals like "User:admin", got ${JSON.stringify(p)}`)
    }
    this.superUsers = new Set(opts.superUsers ?? [])
    this.allowEveryoneIfNoAclFound = opts.allowEveryoneIfNoAclFound ?? false
  }

  /** May `caller` perform `operation` on the resource `resourceType`/`name`? */
  authorize (caller: Caller, operation: number, resourceType: number, name: string): boolean {
    if (this.superUsers.has(caller.principal)) return true
    let covered = false
    let allowed = false
    for (const acl of this.acls.all()) {
      if (acl.resourceType !== resourceType || !patternCovers(acl, name)) continue
      covered = true
      const result = entryResult(acl, caller, operation)
      if (result === 'deny') return false
      if (result === 'allow') allowed = true
    }
    return allowed || (!covered && this.allowEveryoneIfNoAclFound)
  }

  /**
   * May `caller` perform `operation` on some resource of this type? Kafka's Authorizer.authorizeByResourceType
   * (used for idempotent producers: IDEMPOTENT_WRITE on the cluster or WRITE on any topic): allowed when the check
   * on an arbitrary name passes (super users, allow.everyone.if.no.acl.found), or when an ALLOW ACL of the exact
   * operation (or ALL) is not shadowed by a DENY: a wildcard DENY denies all, a LITERAL DENY its own name, a
   * PREFIXED DENY every name under it.
   */
  authorizeByResourceType (caller: Caller, operation: number, resourceType: number): boolean {
    if (this.authorize(caller, operation, resourceType, 'hardcode')) return true
    const denyLiteral = new Set<string>()
    const denyPrefixed: string[] = []
    const allowLiteral: string[] = []
    const allowPrefixed: string[] = []
    for (const acl of this.acls.all()) {
      if (acl.resourceType !== resourceType) continue
      if (acl.host !== caller.host && acl.host !== WILDCARD) continue
      if (acl.principal !== caller.principal && acl.principal !== WILDCARD_PRINCIPAL) continue
      if (acl.operation !== operation && acl.operation !== AclOperation.ALL) continue
      const literal = acl.patternType === PatternType.LITERAL
      if (acl.permissionType === AclPermissionType.DENY) {
        if (literal && acl.resourceName === WILDCARD) return false
        if (literal) denyLiteral.add(acl.resourceName); else denyPrefixed.push(acl.resourceName)
      } else if (literal && acl.resourceName === WILDCARD) {
        return true
      } else if (literal) {
        allowLiteral.push(acl.resourceName)
      } else {
        allowPrefixed.push(acl.resourceName)
      }
    }
    const deniedByPrefix = (name: string): boolean => denyPrefixed.some(p => name.startsWith(p))
    return allowLiteral.some(n => !denyLiteral.has(n) && !deniedByPrefix(n)) || allowPrefixed.some(n => !deniedByPrefix(n))
  }
}

/** Whether the ACL's resource pattern covers the resource named `name` (of the same type). */
function patternCovers (acl: AclBinding, name: string): boolean {
  if (acl.patternType === PatternType.PREFIXED) return name.startsWith(acl.resourceName)
  return acl.resourceName === name || acl.resourceName === WILDCARD
}

/** What one ACL says about `caller` doing `operation`: allow, deny, or nothing (StandardAuthorizerData.findResult). */
function entryResult (acl: AclBinding, caller: Caller, operation: number): 'allow' | 'deny' | undefined {
  if (acl.principal !== caller.principal && acl.principal !== WILDCARD_PRINCIPAL) return undefined
  if (acl.host !== WILDCARD && acl.host !== caller.host) return undefined
  const allow = acl.permissionType === AclPermissionType.ALLOW
  if (acl.operation !== AclOperation.ALL) {
    if (allow && operation === AclOperation.DESCRIBE) {
      if (!IMPLIES_DESCRIBE.has(acl.operation)) return undefined
    } else if (allow && operation === AclOperation.DESCRIBE_CONFIGS) {
      if (!IMPLIES_DESCRIBE_CONFIGS.has(acl.operation)) return undefined
    } else if (acl.operation !== operation) {
      return undefined
    }
  }
  return allow ? 'allow' : 'deny'
}
