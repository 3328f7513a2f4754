import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// ListGroups (key 16): the groups a broker coordinates. v1 adds throttleTimeMs; v2 answers before throttling
// (KIP-219). v3 is the first flexible version (KIP-482). v4 filters by and returns the group state (KIP-518).
// v5 filters by and returns the group type, classic or consumer (KIP-848).
export const ListGroups = defineApi({
  key: 16,
  name: 'ListGroups',
  versions: '0-5',
  flexible: '3+',
  request: [
    field('statesFilter', array('string'), { versions: '4+', about: 'The states of the groups we want to list. If empty, all groups are returned with their state.' }),
    field('typesFilter', array('string'), { versions: '5+', about: 'The types of the groups we want to list. If empty, all groups are returned with their type.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { versions: '1+', about: 'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.' }),
    field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' }),
    field('groups', array([
      field('groupId', 'string', { about: 'The group ID.' }),
      field('protocolType', 'string', { about: 'The group protocol type.' }),
      field('groupState', 'string', { versions: '4+', about: 'The group state name.' }),
      field('groupType', 'string', { versions: '5+', about: 'The group type name.' })
    ], 'ListedGroup'), { about: 'Each group in the response.' })
  ]
})
export type ListGroupsRequest = InferInput<typeof ListGroups.request>
export type ListGroupsResponse = Infer<typeof ListGroups.response>
