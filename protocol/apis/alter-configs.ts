import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// AlterConfigs (key 33): replaces the whole set of dynamic configs of topics and brokers (KIP-133); keys left out
// return to their defaults. IncrementalAlterConfigs (key 44) changes single keys instead. v1 answers quota
// violations before throttling (KIP-219); v2 is the first flexible version (KIP-482). From
// AlterConfigsRequest/Response.json (kafka-clients 4.4.0).
export const AlterConfigs = defineApi({
  key: 33,
  name: 'AlterConfigs',
  versions: '0-2',
  flexible: '2+',
  request: [
    field('resources', array([
      field('resourceType', 'int8', { about: 'The resource type.' }),
      field('resourceName', 'string', { about: 'The resource name.' }),
      field('configs', array([
        field('name', 'string', { about: 'The configuration key name.' }),
        field('value', 'string', { nullable: '0+', about: 'The value to set for the configuration key.' })
      ], 'AlterableConfig'), { about: 'The configurations.' })
    ], 'AlterConfigsResource'), { about: 'The updates for each resource.' }),
    field('validateOnly', 'bool', { about: 'True if we should validate the request, but not change the configurations.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('responses', array([
      field('errorCode', 'int16', { about: 'The resource error code.' }),
      field('errorMessage', 'string', { nullable: '0+', default: null, about: 'The resource error message, or null if there was no error.' }),
      field('resourceType', 'int8', { about: 'The resource type.' }),
      field('resourceName', 'string', { about: 'The resource name.' })
    ], 'AlterConfigsResourceResponse'), { about: 'The responses for each resource.' })
  ]
})
export type AlterConfigsRequest = InferInput<typeof AlterConfigs.request>
export type AlterConfigsResponse = Infer<typeof AlterConfigs.response>
