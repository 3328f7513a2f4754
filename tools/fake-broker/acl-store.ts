import { AclOperation, AclPermissionType, aclCodeName, CLUSTER_RESOURCE_NAME, PatternType, ResourceType, WILDCARD } from '../../protocol/acl-codes.js'
import { ErrorCode } from '../../protocol/error-codes.js'

// The cluster's ACLs, as Kafka's controller keeps them (AclControlManager) and its StandardAuthorizer reads them:
// a set of bindings (resource pattern + entry), created, listed and deleted by filters. The rules are Kafka's:
// - creation (AclApis.handleCreateAcls, AclControlManager.validateNewAcl): the CLUSTER resource has the one name
//   "kafka-cluster", names are not empty, an ACL's resource type is a real one (not ANY/UNKNOWN), its pattern is
//   LITERAL or PREFIXED, its operation not ANY/UNKNOWN, its permission ALLOW or DENY, its principal "Type:name"; each failure is
//   INVALID_REQUEST for that creation alone. Creating an ACL that exists is a success that adds nothing.
// - filters (ResourcePatternFilter.matches, AccessControlEntryFilter.matches): ANY matches every type, pattern type,
//   operation or permission; a null name, principal or host matches all. Pattern type ANY matches patterns of any
//   type with exactly the given name; MATCH matches every ACL that applies to that name: the LITERAL name, the
//   LITERAL wildcard "*", and PREFIXED patterns the name starts with.
// - deletion (AclControlManager.validateFilter): a filter whose resource type or pattern type Kafka does not know is
//   INVALID_REQUEST for that filter; otherwise every matching ACL goes and is returned.

/** One ACL: who (principal, host) may or may not (permissionType) do what (operation) to which resources. */
export interface AclBinding {
  resourceType: number
  resourceName: string
  patternType: number
  principal: string
  host: string
  operation: number
  permissionType: number
}

/** Selects ACLs; null strings match everything, ANY codes likewise. */
export interface AclBindingFilter {
  resourceType: number
  resourceName: string | null
  patternType: number
  principal: string | null
  host: string | null
  operation: number
  permissionType: number
}

export interface AclResult { errorCode: number, errorMessage: string | null }

const KNOWN_RESOURCE_TYPES = new Set<number>(Object.values(ResourceType).filter(c => c !== ResourceType.UNKNOWN))
const KNOWN_PATTERN_TYPES = new Set<number>(Object.values(PatternType).filter(c => c !== PatternType.UNKNOWN))
const KNOWN_OPERATIONS = new Set<number>(Object.values(AclOperation).filter(c => c !== AclOperation.UNKNOWN))

/** Kafka's enums turn a code they do not define into UNKNOWN; messages name the enum constant, as Java prints it. */
function known (set: ReadonlySet<number>, code: number): number { return set.has(code) ? code : 0 }

function invalid (message: string): AclResult { return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: message } }

const OK: AclResult = { errorCode: ErrorCode.NONE, errorMessage: null }

/** Why Kafka refuses to create `acl`, or OK. */
export function validateNewAcl (acl: AclBinding): AclResult {
  if (acl.resourceType === ResourceType.CLUSTER && acl.resourceName !== CLUSTER_RESOURCE_NAME) return invalid(`The only valid name for the CLUSTER resource is ${CLUSTER_RESOURCE_NAME}`)
  if (acl.resourceName === '') return invalid('Invalid empty resource name')
  const type = known(KNOWN_RESOURCE_TYPES, acl.resourceType)
  if (type === ResourceType.UNKNOWN || type === ResourceType.ANY) return invalid(`Invalid resourceType ${aclCodeName(ResourceType, type)}`)
  if (acl.patternType !== PatternType.LITERAL && acl.patternType !== PatternType.PREFIXED) return invalid(`Invalid patternType ${aclCodeName(PatternType, known(KNOWN_PATTERN_TYPES, acl.patternType))}`)
  const op = known(KNOWN_OPERATIONS, acl.operation)
  if (op === AclOperation.UNKNOWN || op === AclOperation.ANY) return invalid(`Invalid operation ${aclCodeName(AclOperation, op)}`)
  if (acl.permissionType !== AclPermissionType.ALLOW && acl.permissionType !== AclPermissionType.DENY) return invalid(`Invalid permissionType ${aclCodeName(AclPermissionType, acl.permissionType === AclPermissionType.ANY ? AclPermissionType.ANY : AclPermissionType.UNKNOWN)}`)
  // Kafka 4.4 parses the principal as "Type:name" (its message, checked against a real broker).
  if (!acl.principal.includes(':')) return invalid(`Could not parse principal from \`${acl.principal}\` (no colon is present separating the principal type from the principal name)`)
  return OK
}

/** Whether `filter` selects `acl` (Kafka's AclBindingFilter.matches). */
export function filterMatches (filter: AclBindingFilter, acl: AclBinding): boolean {
  if (filter.resourceType !== ResourceType.ANY && filter.resourceType !== acl.resourceType) return false
  if (filter.patternType !== PatternType.ANY && filter.patternType !== PatternType.MATCH && filter.patternType !== acl.patternType) return false
  if (filter.resourceName !== null) {
    if (filter.patternType === PatternType.ANY || filter.patternType === acl.patternType) {
      if (filter.resourceName !== acl.resourceName) return false
    } else if (acl.patternType === PatternType.LITERAL) {
      if (filter.resourceName !== acl.resourceName && acl.resourceName !== WILDCARD) return false
    } else if (!filter.resourceName.startsWith(acl.resourceName)) {
      return false
    }
  }
  if (filter.principal !== null && filter.principal !== acl.principal) return false
  if (filter.host !== null && filter.host !== acl.host) return false
  if (filter.operation !== AclOperation.ANY && filter.operation !== acl.operation) return false
  return filter.permissionType === AclPermissionType.ANY || filter.permissionType === acl.permissionType
}

function keyOf (a: AclBinding): string {
  return [a.resourceType, a.resourceName, a.patternType, a.principal, a.host, a.operation, a.permissionType].join('\u0000')
}

export class AclStore {
  private readonly acls = new Map<string, AclBinding>()

  /** `onChange` is told after every create or delete that changed something (the cluster saves itself, `--data`). */
  constructor (private readonly onChange: () => void = () => {}) {}

  /** Every ACL, in creation order. */
  all (): AclBinding[] { return [...this.acls.values()] }

  get size (): number { return this.acls.size }

  /** Adds one ACL, or says why not (INVALID_REQUEST with Kafka's message). */
  create (acl: AclBinding): AclResult {
    const result = validateNewAcl(acl)
    if (result.errorCode === ErrorCode.NONE) {
      this.acls.set(keyOf(acl), { ...acl })
      this.onChange()
    }
    return result
  }

  /** Puts saved ACLs back (without reporting a change); one that would not be accepted now is left out. */
  restore (saved: readonly AclBinding[]): void {
    for (const acl of saved) if (validateNewAcl(acl).errorCode === ErrorCode.NONE) this.acls.set(keyOf(acl), { ...acl })
  }

  /** The ACLs `filter` selects (DescribeAcls). */
  describe (filter: AclBindingFilter): AclBinding[] {
    return this.all().filter(a => filterMatches(filter, a))
  }

  /** Removes and returns what `filter` selects, or refuses a filter Kafka cannot read (DeleteAcls). */
  delete (filter: AclBindingFilter): AclResult & { deleted: AclBinding[] } {
    if (known(KNOWN_RESOURCE_TYPES, filter.resourceType) === ResourceType.UNKNOWN || known(KNOWN_PATTERN_TYPES, filter.patternType) === PatternType.UNKNOWN) {
      return { ...invalid('Unknown patternFilter.'), deleted: [] }
    }
    if (known(KNOWN_OPERATIONS, filter.operation) === AclOperation.UNKNOWN || (filter.permissionType !== AclPermissionType.ANY && filter.permissionType !== AclPermissionType.ALLOW && filter.permissionType !== AclPermissionType.DENY)) {
      return { ...invalid('Unknown entryFilter.'), deleted: [] }
    }
    const deleted: AclBinding[] = []
    for (const [k, a] of this.acls) {
      if (filterMatches(filter, a)) { deleted.push(a); this.acls.delete(k) }
    }
    if (deleted.length > 0) this.onChange()
    return { ...OK, deleted }
  }
}
