import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// AlterClientQuotas (key 49): sets and removes client quota values (KIP-546), per entity (a list of (type, name)
// parts, a null name being the type's default entity). `validateOnly` checks without changing anything. Values are
// float64 on the wire even for byte rates. v1 is the first flexible version (KIP-482); nothing else changed. From
// AlterClientQuotasRequest/Response.json (kafka-clients 4.4.0).
export const AlterClientQuotas = defineApi({
  key: 49,
  name: 'AlterClientQuotas',
  versions: '0-1',
  flexible: '1+',
  request: [
    field('entries', array([
      field('entity', array([
        field('entityType', 'string', { about: 'The entity type.' }),
        field('entityName', 'string', { nullable: '0+', about: 'The name of the entity, or null if the default.' })
      ], 'EntityData'), { about: 'The quota entity to alter.' }),
      field('ops', array([
        field('key', 'string', { about: 'The quota configuration key.' }),
        field('value', 'float64', { about: 'The value to set, otherwise ignored if the value is to be removed.' }),
        field('remove', 'bool', { about: 'Whether the quota configuration value should be removed, otherwise set.' })
      ], 'OpData'), { about: 'An individual quota configuration entry to alter.' })
    ], 'EntryData'), { about: 'The quota configuration entries to alter.' }),
    field('validateOnly', 'bool', { about: 'Whether the alteration should be validated, but not performed.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('entries', array([
      field('errorCode', 'int16', { about: 'The error code, or 0 if the quota alteration succeeded.' }),
      field('errorMessage', 'string', { nullable: '0+', about: 'The error message, or null if the quota alteration succeeded.' }),
      field('entity', array([
        field('entityType', 'string', { about: 'The entity type.' }),
        field('entityName', 'string', { nullable: '0+', about: 'The name of the entity, or null if the default.' })
      ], 'EntityData'), { about: 'The quota entity to alter.' })
    ], 'EntryData'), { about: 'The quota configuration entries to alter.' })
  ]
})
export type AlterClientQuotasRequest = InferInput<typeof AlterClientQuotas.request>
export type AlterClientQuotasResponse = Infer<typeof AlterClientQuotas.response>
