import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// DeleteAcls (key 31): removes every ACL matching each filter (KIP-140) and answers, per filter, the ACLs it
// removed. v1 adds the pattern type (KIP-290); v2 is the first flexible version (KIP-482); v3 allows the USER
// resource type (KIP-554). Kafka 4.0 removed v0 (KIP-896). From DeleteAclsRequest/Response.json (kafka-clients
// 4.4.0).
export const DeleteAcls = defineApi({
  key: 31,
  name: 'DeleteAcls',
  versions: '1-3',
  flexible: '2+',
  request: [
    field('filters', array([
      field('resourceTypeFilter', 'int8', { about: 'The resource type.' }),
      field('resourceNameFilter', 'string', { nullable: '0+', about: 'The resource name.' }),
      field('patternTypeFilter', 'int8', { default: 3, about: 'The pattern type.' }),
      field('principalFilter', 'string', { nullable: '0+', about: 'The principal filter, or null to accept all principals.' }),
      field('hostFilter', 'string', { nullable: '0+', about: 'The host filter, or null to accept all hosts.' }),
      field('operation', 'int8', { about: 'The ACL operation.' }),
      field('permissionType', 'int8', { about: 'The permission type.' })
    ], 'DeleteAclsFilter'), { about: 'The filters to use when deleting ACLs.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.' }),
    field('filterResults', array([
      field('errorCode', 'int16', { about: 'The error code, or 0 if the filter succeeded.' }),
      field('errorMessage', 'string', { nullable: '0+', about: 'The error message, or null if the filter succeeded.' }),
      field('matchingAcls', array([
        field('errorCode', 'int16', { about: 'The deletion error code, or 0 if the deletion succeeded.' }),
        field('errorMessage', 'string', { nullable: '0+', about: 'The deletion error message, or null if the deletion succeeded.' }),
        field('resourceType', 'int8', { about: 'The ACL resource type.' }),
        field('resourceName', 'string', { about: 'The ACL resource name.' }),
        field('patternType', 'int8', { default: 3, about: 'The ACL resource pattern type.' }),
        field('principal', 'string', { about: 'The ACL principal.' }),
        field('host', 'string', { about: 'The ACL host.' }),
        field('operation', 'int8', { about: 'The ACL operation.' }),
        field('permissionType', 'int8', { about: 'The ACL permission type.' })
      ], 'DeleteAclsMatchingAcl'), { about: 'The ACLs which matched this filter.' })
    ], 'DeleteAclsFilterResult'), { about: 'The results for each filter.' })
  ]
})
export type DeleteAclsRequest = InferInput<typeof DeleteAcls.request>
export type DeleteAclsResponse = Infer<typeof DeleteAcls.response>
