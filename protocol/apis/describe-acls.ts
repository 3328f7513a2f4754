import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// DescribeAcls (key 29): the ACLs that match one filter (KIP-140), grouped by resource pattern. The codes of the
// resource type, pattern type, operation and permission type are in protocol/acl-codes.ts. v1 adds the pattern
// type (KIP-290: LITERAL or PREFIXED, filtered with ANY or MATCH); v2 is the first flexible version (KIP-482); v3
// allows the USER resource type (KIP-554), the wire is unchanged. Kafka 4.0 removed v0 (KIP-896): v1 is the
// baseline. From DescribeAclsRequest/Response.json (kafka-clients 4.4.0).
export const DescribeAcls = defineApi({
  key: 29,
  name: 'DescribeAcls',
  versions: '1-3',
  flexible: '2+',
  request: [
    field('resourceTypeFilter', 'int8', { about: 'The resource type.' }),
    field('resourceNameFilter', 'string', { nullable: '0+', about: 'The resource name, or null to match any resource name.' }),
    field('patternTypeFilter', 'int8', { default: 3, about: 'The resource pattern to match.' }),
    field('principalFilter', 'string', { nullable: '0+', about: 'The principal to match, or null to match any principal.' }),
    field('hostFilter', 'string', { nullable: '0+', about: 'The host to match, or null to match any host.' }),
    field('operation', 'int8', { about: 'The operation to match.' }),
    field('permissionType', 'int8', { about: 'The permission type to match.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.' }),
    field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' }),
    field('errorMessage', 'string', { nullable: '0+', about: 'The error message, or null if there was no error.' }),
    field('resources', array([
      field('resourceType', 'int8', { about: 'The resource type.' }),
      field('resourceName', 'string', { about: 'The resource name.' }),
      field('patternType', 'int8', { default: 3, about: 'The resource pattern type.' }),
      field('acls', array([
        field('principal', 'string', { about: 'The ACL principal.' }),
        field('host', 'string', { about: 'The ACL host.' }),
        field('operation', 'int8', { about: 'The ACL operation.' }),
        field('permissionType', 'int8', { about: 'The ACL permission type.' })
      ], 'AclDescription'), { about: 'The ACLs.' })
    ], 'DescribeAclsResource'), { about: 'Each Resource that is referenced in an ACL.' })
  ]
})
export type DescribeAclsRequest = InferInput<typeof DescribeAcls.request>
export type DescribeAclsResponse = Infer<typeof DescribeAcls.response>
