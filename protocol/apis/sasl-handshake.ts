import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// SaslHandshake (key 17): the client names a SASL mechanism; the broker answers with the ones it has enabled.
// v0 is followed by raw SASL tokens on the socket, without Kafka framing; v1 by SaslAuthenticate requests
// (KIP-152). Never flexible: the version cannot be bumped because clients up to 2.4 negotiate it incorrectly
// (KAFKA-9577). v0 is deprecated in Kafka 4.0.
export const SaslHandshake = defineApi({
  key: 17,
  name: 'SaslHandshake',
  versions: '0-1',
  flexible: 'none',
  request: [
    field('mechanism', 'string', { about: 'The SASL mechanism chosen by the client.' })
  ],
  response: [
    field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' }),
    field('mechanisms', array('string'), { about: 'The mechanisms enabled in the server.' })
  ]
})
export type SaslHandshakeRequest = InferInput<typeof SaslHandshake.request>
export type SaslHandshakeResponse = Infer<typeof SaslHandshake.response>
