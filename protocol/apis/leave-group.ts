import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// LeaveGroup (key 13): a classic group member leaves, so the group rebalances at once instead of after the
// session timeout. v1 adds throttleTimeMs; v2 answers before throttling (KIP-219). v3 leaves in batches: a list of
// members, each with its groupInstanceId, replaces the single memberId (KIP-345). v4 is the first flexible
// version (KIP-482). v5 adds a reason per member (KIP-800).
export const LeaveGroup = defineApi({
  key: 13,
  name: 'LeaveGroup',
  versions: '0-5',
  flexible: '4+',
  request: [
    field('groupId', 'string', { about: 'The ID of the group to leave.' }),
    field('memberId', 'string', { versions: '0-2', about: 'The member ID to remove from the group.' }),
    field('members', array([
      field('memberId', 'string', { about: 'The member ID to remove from the group.' }),
      field('groupInstanceId', 'string', { nullable: '3+', default: null, about: 'The group instance ID to remove from the group.' }),
      field('reason', 'string', { versions: '5+', nullable: '5+', default: null, about: 'The reason why the member left the group.' })
    ], 'MemberIdentity'), { versions: '3+', about: 'List of leaving member identities.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { versions: '1+', about: 'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.' }),
    field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' }),
    field('members', array([
      field('memberId', 'string', { about: 'The member ID to remove from the group.' }),
      field('groupInstanceId', 'string', { nullable: '3+', about: 'The group instance ID to remove from the group.' }),
      field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' })
    ], 'MemberResponse'), { versions: '3+', about: 'List of leaving member responses.' })
  ]
})
export type LeaveGroupRequest = InferInput<typeof LeaveGroup.request>
export type LeaveGroupResponse = Infer<typeof LeaveGroup.response>
