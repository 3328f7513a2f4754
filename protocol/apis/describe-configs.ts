import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// DescribeConfigs (key 32): the configs of topics and brokers, with where each value comes from (KIP-133).
// v0 answers only isDefault per config; Kafka 4.0 removed it (KIP-896), but Sarama up to 1.2x sends it (its
// ClusterAdmin's ListTopics and DescribeConfig), so it is kept for old clients, as in Kafka 3.9's definitions.
// v1 adds includeSynonyms and, in the response, configSource and the synonym list (KIP-226), replacing v0's
// isDefault. v2 answers quota violations before throttling (KIP-219). v3 adds includeDocumentation and each
// config's type and documentation (KIP-336). v4 is the first flexible version (KIP-482). Field by field from
// DescribeConfigsRequest/Response.json (kafka-clients 4.4.0; v0 from 3.9.1).
export const DescribeConfigs = defineApi({
  key: 32,
  name: 'DescribeConfigs',
  versions: '0-4',
  flexible: '4+',
  request: [
    field('resources', array([
      field('resourceType', 'int8', { about: 'The resource type (2 topic, 4 broker, 8 broker logger).' }),
      field('resourceName', 'string', { about: 'The resource name: a topic, or a broker id ("" for the cluster default).' }),
      field('configurationKeys', array('string'), { nullable: '0+', about: 'The configuration keys to list, or null to list all configuration keys.' })
    ], 'DescribeConfigsResource'), { about: 'The resources whose configurations we want to describe.' }),
    field('includeSynonyms', 'bool', { versions: '1+', default: false, about: 'True if we should include all synonyms.' }),
    field('includeDocumentation', 'bool', { versions: '3+', default: false, about: 'True if we should include configuration documentation.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('results', array([
      field('errorCode', 'int16', { about: 'The error code, or 0 if we were able to successfully describe the configurations.' }),
      field('errorMessage', 'string', { nullable: '0+', default: null, about: 'The error message, or null if there was no error.' }),
      field('resourceType', 'int8', { about: 'The resource type.' }),
      field('resourceName', 'string', { about: 'The resource name.' }),
      field('configs', array([
        field('name', 'string', { about: 'The configuration name.' }),
        field('value', 'string', { nullable: '0+', about: 'The configuration value.' }),
        field('readOnly', 'bool', { about: 'True if the configuration is read-only.' }),
        field('isDefault', 'bool', { versions: '0', default: false, about: 'True if the configuration is not set (v0; v1 answers configSource instead).' }),
        field('configSource', 'int8', { versions: '1+', default: -1, about: 'The configuration source (1 topic, 2 dynamic broker, 3 dynamic default broker, 4 static broker, 5 default).' }),
        field('isSensitive', 'bool', { about: 'True if this configuration is sensitive.' }),
        field('synonyms', array([
          field('name', 'string', { about: 'The synonym name.' }),
          field('value', 'string', { nullable: '1+', about: 'The synonym value.' }),
          field('source', 'int8', { about: 'The synonym source.' })
        ], 'DescribeConfigsSynonym'), { versions: '1+', about: 'The synonyms for this configuration key, most specific first.' }),
        field('configType', 'int8', { versions: '3+', default: 0, about: 'The configuration data type (1 BOOLEAN, 2 STRING, 3 INT, 4 SHORT, 5 LONG, 6 DOUBLE, 7 LIST, 8 CLASS, 9 PASSWORD).' }),
        field('documentation', 'string', { versions: '3+', nullable: '3+', default: null, about: 'The configuration documentation.' })
      ], 'DescribeConfigsResourceResult'), { about: 'Each listed configuration.' })
    ], 'DescribeConfigsResult'), { about: 'The results for each resource.' })
  ]
})
export type DescribeConfigsRequest = InferInput<typeof DescribeConfigs.request>
export type DescribeConfigsResponse = Infer<typeof DescribeConfigs.response>
