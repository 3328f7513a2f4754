import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// IncrementalAlterConfigs (key 44): changes single config keys of topics and brokers with an operation each,
// 0 SET, 1 DELETE, 2 APPEND and 3 SUBTRACT (the last two for list configs only) (KIP-339). v1 is the first
// flexible version (KIP-482). From IncrementalAlterConfigsRequest/Response.json (kafka-clients 4.4.0).
export const IncrementalAlterConfigs = defineApi({
  key: 44,
  name: 'IncrementalAlterConfigs',
  versions: '0-1',
  flexible: '1+',
  request: [
    field('resources', array([
      field('resourceType', 'int8', { about: 'The resource type.' }),
      field('resourceName', 'string', { about: 'The resource name.' }),
      field('configs', array([
        field('name', 'string', { about: 'The configuration key name.' }),
        field('configOperation', 'int8', { about: 'The type (Set, Delete, Append, Subtract) of operation.' }),
        field('value', 'string', { nullable: '0+', about: 'The value to set for the configuration key.' })
      ], 'AlterableConfig'), { about: 'The configurations.' })
    ], 'AlterConfigsResource'), { about: 'The incremental updates for each resource.' }),
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
export type IncrementalAlterConfigsRequest = InferInput<typeof IncrementalAlterConfigs.request>
export type IncrementalAlterConfigsResponse = Infer<typeof IncrementalAlterConfigs.response>
