import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// DeleteGroups (key 42): removes consumer groups and their committed offsets (KIP-229). A group with active
// members is not deleted (NON_EMPTY_GROUP), nor one the broker does not know (GROUP_ID_NOT_FOUND).
// v1 answers quota violations before throttling (KIP-219). v2 is the first flexible version (KIP-482). v3 adds an
// error message per group; the request is unchanged.
export const DeleteGroups = defineApi({
  key: 42,
  name: 'DeleteGroups',
  versions: '0-3',
  flexible: '2+',
  request: [
    field('groupsNames', array('string'), { about: 'The group names to delete.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.' }),
    field('results', array([
      field('groupId', 'string', { about: 'The group id.' }),
      field('errorCode', 'int16', { about: 'The deletion error, or 0 if the deletion succeeded.' }),
      field('errorMessage', 'string', { versions: '3+', nullable: '3+', default: null, about: 'The error message, or null if there was no error.' })
    ], 'DeletableGroupResult'), { about: 'The deletion results.' })
  ]
})
export type DeleteGroupsRequest = InferInput<typeof DeleteGroups.request>
export type DeleteGroupsResponse = Infer<typeof DeleteGroups.response>
