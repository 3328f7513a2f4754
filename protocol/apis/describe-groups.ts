import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// DescribeGroups (key 15): the state, protocol and members of classic groups.
// v1 adds throttleTimeMs; v2 answers before throttling (KIP-219). v3 can request and return authorized
// operations (KIP-430). v4 returns members' groupInstanceId (KIP-345). v5 is the first flexible version (KIP-482).
// v6 (Kafka 4.0) answers an unknown group with GROUP_ID_NOT_FOUND and an error message per group instead of an
// empty "Dead" group (KIP-1043); the request is unchanged.
export const DescribeGroups = defineApi({
  key: 15,
  name: 'DescribeGroups',
  versions: '0-6',
  flexible: '5+',
  request: [
    field('groups', array('string'), { about: 'The names of the groups to describe.' }),
    field('includeAuthorizedOperations', 'bool', { versions: '3+', about: 'Whether to include authorized operations.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { versions: '1+', about: 'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.' }),
    field('groups', array([
      field('errorCode', 'int16', { about: 'The describe error, or 0 if there was no error.' }),
      field('errorMessage', 'string', { versions: '6+', nullable: '6+', default: null, about: 'The describe error message, or null if there was no error (KIP-1043).' }),
      field('groupId', 'string', { about: 'The group ID string.' }),
      field('groupState', 'string', { about: 'The group state string, or the empty string.' }),
      field('protocolType', 'string', { about: 'The group protocol type, or the empty string.' }),
      field('protocolData', 'string', { about: 'The group protocol data, or the empty string; filled in only for a Stable group.' }),
      field('members', array([
        field('memberId', 'string', { about: 'The member ID assigned by the group coordinator.' }),
        field('groupInstanceId', 'string', { versions: '4+', nullable: '4+', default: null, about: 'The unique identifier of the consumer instance provided by end user.' }),
        field('clientId', 'string', { about: "The client ID used in the member's latest join group request." }),
        field('clientHost', 'string', { about: 'The client host.' }),
        field('memberMetadata', 'bytes', { about: 'The metadata corresponding to the current group protocol in use (Stable groups only).' }),
        field('memberAssignment', 'bytes', { about: 'The current assignment provided by the group leader (Stable groups only).' })
      ], 'DescribedGroupMember'), { about: 'The group members; always empty for a Dead group.' }),
      field('authorizedOperations', 'int32', { versions: '3+', default: -2147483648, about: '32-bit bitfield to represent authorized operations for this group.' })
    ], 'DescribedGroup'), { about: 'Each described group.' })
  ]
})
export type DescribeGroupsRequest = InferInput<typeof DescribeGroups.request>
export type DescribeGroupsResponse = Infer<typeof DescribeGroups.response>
