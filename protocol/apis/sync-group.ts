import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// SyncGroup (key 14): the second step of the classic group protocol. The leader sends every member's assignment;
// every member (leader included) gets its own back.
// v1 adds throttleTimeMs; v2 answers before throttling (KIP-219). v3 adds groupInstanceId, static membership
// (KIP-345). v4 is the first flexible version (KIP-482). v5 sends and returns the protocol type and name, so the
// broker can reject a request that disagrees with the group (KIP-559).
export const SyncGroup = defineApi({
  key: 14,
  name: 'SyncGroup',
  versions: '0-5',
  flexible: '4+',
  request: [
    field('groupId', 'string', { about: 'The unique group identifier.' }),
    field('generationId', 'int32', { about: 'The generation of the group.' }),
    field('memberId', 'string', { about: 'The member ID assigned by the group.' }),
    field('groupInstanceId', 'string', { versions: '3+', nullable: '3+', default: null, about: 'The unique identifier of the consumer instance provided by end user.' }),
    field('protocolType', 'string', { versions: '5+', nullable: '5+', default: null, about: 'The group protocol type.' }),
    field('protocolName', 'string', { versions: '5+', nullable: '5+', default: null, about: 'The group protocol name.' }),
    field('assignments', array([
      field('memberId', 'string', { about: 'The ID of the member to assign.' }),
      field('assignment', 'bytes', { about: 'The member assignment.' })
    ], 'SyncGroupRequestAssignment'), { about: 'Each assignment; sent by the leader only.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { versions: '1+', about: 'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.' }),
    field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' }),
    field('protocolType', 'string', { versions: '5+', nullable: '5+', default: null, about: 'The group protocol type.' }),
    field('protocolName', 'string', { versions: '5+', nullable: '5+', default: null, about: 'The group protocol name.' }),
    // Not nullable in Kafka's definition, but librdkafka 2.0's mock writes -1 here in its error answers
    // (REBALANCE_IN_PROGRESS): read as null, so the error code is seen and the member rejoins.
    field('assignment', 'bytes', { nullable: '0+', about: 'The member assignment.' })
  ]
})
export type SyncGroupRequest = InferInput<typeof SyncGroup.request>
export type SyncGroupResponse = Infer<typeof SyncGroup.response>
