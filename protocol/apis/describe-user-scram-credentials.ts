import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// DescribeUserScramCredentials (key 50): which SCRAM mechanisms each user has credentials for, and their
// iteration counts, never the secrets (KIP-554). Only v0 exists, flexible. Mechanisms: 1 SCRAM-SHA-256,
// 2 SCRAM-SHA-512. From DescribeUserScramCredentialsRequest/Response.json (kafka-clients 4.4.0).
export const DescribeUserScramCredentials = defineApi({
  key: 50,
  name: 'DescribeUserScramCredentials',
  versions: '0',
  flexible: '0+',
  request: [
    field('users', array([
      field('name', 'string', { about: 'The user name.' })
    ], 'UserName'), { nullable: '0+', about: 'The users to describe, or null/empty to describe all users.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('errorCode', 'int16', { about: 'The message-level error code, 0 except for user authorization or infrastructure issues.' }),
    field('errorMessage', 'string', { nullable: '0+', default: null, about: 'The message-level error message, if any.' }),
    field('results', array([
      field('user', 'string', { about: 'The user name.' }),
      field('errorCode', 'int16', { about: 'The user-level error code.' }),
      field('errorMessage', 'string', { nullable: '0+', default: null, about: 'The user-level error message, if any.' }),
      field('credentialInfos', array([
        field('mechanism', 'int8', { about: 'The SCRAM mechanism.' }),
        field('iterations', 'int32', { about: 'The number of iterations used in the SCRAM credential.' })
      ], 'CredentialInfo'), { about: 'The mechanism and related information associated with the user\'s SCRAM credentials.' })
    ], 'DescribeUserScramCredentialsResult'), { about: 'The results for descriptions, one per user.' })
  ]
})
export type DescribeUserScramCredentialsRequest = InferInput<typeof DescribeUserScramCredentials.request>
export type DescribeUserScramCredentialsResponse = Infer<typeof DescribeUserScramCredentials.response>
