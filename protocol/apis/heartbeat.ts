import { defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// Heartbeat (key 12): a classic group member's "still alive"; the error code tells it when to rejoin
// (REBALANCE_IN_PROGRESS) or that it was removed (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION).
// v1 adds throttleTimeMs; v2 answers before throttling (KIP-219). v3 adds groupInstanceId, static membership
// (KIP-345). v4 is the first flexible version (KIP-482).
export const Heartbeat = defineApi({
  key: 12,
  name: 'Heartbeat',
  versions: '0-4',
  flexible: '4+',
  request: [
    field('groupId', 'string', { about: 'The group id.' }),
    field('generationId', 'int32', { about: 'The generation of the group.' }),
    field('memberId', 'string', { about: 'The member ID.' }),
    field('groupInstanceId', 'string', { versions: '3+', nullable: '3+', default: null, about: 'The unique identifier of the consumer instance provided by end user.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { versions: '1+', about: 'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.' }),
    field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' })
  ]
})
export type HeartbeatRequest = InferInput<typeof Heartbeat.request>
export type HeartbeatResponse = Infer<typeof Heartbeat.response>
