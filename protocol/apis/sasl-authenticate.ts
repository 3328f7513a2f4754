import { defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// SaslAuthenticate (key 36): one round of a SASL exchange, the mechanism's tokens wrapped in Kafka framing
// (KIP-152), after SaslHandshake v1. v1 returns the session lifetime, after which the client must re-authenticate
// on the same connection (KIP-368). v2 is the first flexible version (KIP-482).
export const SaslAuthenticate = defineApi({
  key: 36,
  name: 'SaslAuthenticate',
  versions: '0-2',
  flexible: '2+',
  request: [
    field('authBytes', 'bytes', { about: 'The SASL authentication bytes from the client, as defined by the SASL mechanism.' })
  ],
  response: [
    field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' }),
    field('errorMessage', 'string', { nullable: '0+', about: 'The error message, or null if there was no error.' }),
    field('authBytes', 'bytes', { about: 'The SASL authentication bytes from the server, as defined by the SASL mechanism.' }),
    field('sessionLifetimeMs', 'int64', { versions: '1+', default: 0n, about: 'Number of milliseconds after which only re-authentication over the existing connection to create a new session can occur.' })
  ]
})
export type SaslAuthenticateRequest = InferInput<typeof SaslAuthenticate.request>
export type SaslAuthenticateResponse = Infer<typeof SaslAuthenticate.response>
