import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// DescribeClientQuotas (key 48): the client quotas (KIP-546) whose entities match a filter. An entity is a list of
// (type, name) parts, types "user", "client-id" and "ip"; a null name is that type's default entity. A filter
// component matches one type: match type 0 an exact name, 1 the default entity, 2 any specified (non-default) name;
// `strict` excludes entities with parts the filter does not name. v1 is the first flexible version (KIP-482);
// nothing else changed. From DescribeClientQuotasRequest/Response.json (kafka-clients 4.4.0).
export const DescribeClientQuotas = defineApi({
  key: 48,
  name: 'DescribeClientQuotas',
  versions: '0-1',
  flexible: '1+',
  request: [
    field('components', array([
      field('entityType', 'string', { about: 'The entity type that the filter component applies to.' }),
      field('matchType', 'int8', { about: 'How to match the entity {0 = exact name, 1 = default name, 2 = any specified name}.' }),
      field('match', 'string', { nullable: '0+', about: 'The string to match against, or null if unused for the match type.' })
    ], 'ComponentData'), { about: 'Filter components to apply to quota entities.' }),
    field('strict', 'bool', { about: 'Whether the match is strict, i.e. should exclude entities with unspecified entity types.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('errorCode', 'int16', { about: 'The error code, or 0 if the quota description succeeded.' }),
    field('errorMessage', 'string', { nullable: '0+', about: 'The error message, or null if the quota description succeeded.' }),
    field('entries', array([
      field('entity', array([
        field('entityType', 'string', { about: 'The entity type.' }),
        field('entityName', 'string', { nullable: '0+', about: 'The entity name, or null if the default.' })
      ], 'EntityData'), { about: 'The quota entity description.' }),
      field('values', array([
        field('key', 'string', { about: 'The quota configuration key.' }),
        field('value', 'float64', { about: 'The quota configuration value.' })
      ], 'ValueData'), { about: 'The quota values for the entity.' })
    ], 'EntryData'), { nullable: '0+', about: 'A result entry.' })
  ]
})
export type DescribeClientQuotasRequest = InferInput<typeof DescribeClientQuotas.request>
export type DescribeClientQuotasResponse = Infer<typeof DescribeClientQuotas.response>
