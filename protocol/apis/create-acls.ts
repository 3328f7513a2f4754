import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// CreateAcls (key 30): adds ACL bindings (KIP-140), one result per creation, in request order. An ACL that
// already exists is not an error. v1 adds the pattern type (KIP-290); v2 is the first flexible version (KIP-482);
// v3 allows the USER resource type (KIP-554). Kafka 4.0 removed v0 (KIP-896). From CreateAclsRequest/Response.json
// (kafka-clients 4.4.0).
export const CreateAcls = defineApi({
  key: 30,
  name: 'CreateAcls',
  versions: '1-3',
  flexible: '2+',
  request: [
    field('creations', array([
      field('resourceType', 'int8', { about: 'The type of the resource.' }),
      field('resourceName', 'string', { about: 'The resource name for the ACL.' }),
      field('resourcePatternType', 'int8', { default: 3, about: 'The pattern type for the ACL.' }),
      field('principal', 'string', { about: 'The principal for the ACL.' }),
      field('host', 'string', { about: 'The host for the ACL.' }),
      field('operation', 'int8', { about: 'The operation type for the ACL (read, write, etc.).' }),
      field('permissionType', 'int8', { about: 'The permission type for the ACL (allow, deny, etc.).' })
    ], 'AclCreation'), { about: 'The ACLs that we want to create.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.' }),
    field('results', array([
      field('errorCode', 'int16', { about: 'The result error, or zero if there was no error.' }),
      field('errorMessage', 'string', { nullable: '0+', about: 'The result message, or null if there was no error.' })
    ], 'AclCreationResult'), { about: 'The results for each ACL creation.' })
  ]
})
export type CreateAclsRequest = InferInput<typeof CreateAcls.request>
export type CreateAclsResponse = Infer<typeof CreateAcls.response>
