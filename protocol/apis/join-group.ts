import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// JoinGroup (key 11): the first step of the classic consumer group protocol. Every member sends the protocols
// (assignment strategies) it supports; the coordinator picks one, makes one member the leader and answers it with
// every member's metadata, so the leader can compute the assignment it then sends with SyncGroup.
// v1 adds rebalanceTimeoutMs (KIP-62); v2 adds throttleTimeMs; v3 answers before throttling (KIP-219).
// v4: a member without an id gets MEMBER_ID_REQUIRED and an id, and must join again with it (KIP-394).
// v5 adds groupInstanceId, static membership (KIP-345). v6 is the first flexible version (KIP-482).
// v7 returns the protocol type, and protocolName may be null (KIP-559). v8 adds the join reason (KIP-800).
// v9 adds skipAssignment, for server-side assignors (KIP-814). Versions 0-1 are deprecated in Kafka 4.0 (KIP-896).
export const JoinGroup = defineApi({
  key: 11,
  name: 'JoinGroup',
  versions: '0-9',
  flexible: '6+',
  request: [
    field('groupId', 'string', { about: 'The group identifier.' }),
    field('sessionTimeoutMs', 'int32', { about: 'The coordinator considers the consumer dead if it receives no heartbeat after this timeout in milliseconds.' }),
    field('rebalanceTimeoutMs', 'int32', { versions: '1+', default: -1, about: 'The maximum time in milliseconds that the coordinator will wait for each member to rejoin when rebalancing the group.' }),
    field('memberId', 'string', { about: 'The member id assigned by the group coordinator.' }),
    field('groupInstanceId', 'string', { versions: '5+', nullable: '5+', default: null, about: 'The unique identifier of the consumer instance provided by end user.' }),
    field('protocolType', 'string', { about: 'The unique name the for class of protocols implemented by the group we want to join.' }),
    field('protocols', array([
      field('name', 'string', { about: 'The protocol name.' }),
      field('metadata', 'bytes', { about: 'The protocol metadata.' })
    ], 'JoinGroupRequestProtocol'), { about: 'The list of protocols that the member supports.' }),
    field('reason', 'string', { versions: '8+', nullable: '8+', default: null, about: 'The reason why the member (re-)joins the group.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { versions: '2+', about: 'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.' }),
    field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' }),
    field('generationId', 'int32', { default: -1, about: 'The generation ID of the group.' }),
    field('protocolType', 'string', { versions: '7+', nullable: '7+', default: null, about: 'The group protocol name.' }),
    field('protocolName', 'string', { nullable: '7+', about: 'The group protocol selected by the coordinator.' }),
    field('leader', 'string', { about: 'The leader of the group.' }),
    field('skipAssignment', 'bool', { versions: '9+', default: false, about: 'True if the leader must skip running the assignment.' }),
    field('memberId', 'string', { about: 'The member ID assigned by the group coordinator.' }),
    field('members', array([
      field('memberId', 'string', { about: 'The group member ID.' }),
      field('groupInstanceId', 'string', { versions: '5+', nullable: '5+', default: null, about: 'The unique identifier of the consumer instance provided by end user.' }),
      field('metadata', 'bytes', { about: 'The group member metadata.' })
    ], 'JoinGroupResponseMember'), { about: 'The group members; filled in for the leader only.' })
  ]
})
export type JoinGroupRequest = InferInput<typeof JoinGroup.request>
export type JoinGroupResponse = Infer<typeof JoinGroup.response>
