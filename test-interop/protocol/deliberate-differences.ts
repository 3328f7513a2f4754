// Where our schemas (protocol/apis/) deliberately differ from Kafka's message definitions, each difference as the
// comparison (schema-diff.ts) words it, with the reason. message-definitions.test.ts fails on any difference not
// listed here, and on an entry here that no longer matches a difference (remove it: the schema was changed).

const KEPT_FOR_OLD_CLIENTS = 'Kafka 4.0 removed these versions (KIP-896), but the fake broker serves old clients that still ' +
  'send them (kafka-node speaks Produce and Fetch v0) and our client can talk to a Kafka 3.x broker; they are checked ' +
  'field by field against Kafka 3.9\'s definitions instead.'

/** A deliberate difference (the comparison's exact line) -> why. */
export const DELIBERATE_DIFFERENCES: ReadonlyMap<string, string> = new Map([
  // Versions Kafka 4.x removed and we keep.
  ['Produce: ours keeps v0-2, which Kafka 4.4.0 removed (compared with Kafka 3.9.1)', KEPT_FOR_OLD_CLIENTS],
  ['Fetch: ours keeps v0-3, which Kafka 4.4.0 removed (compared with Kafka 3.9.1)', KEPT_FOR_OLD_CLIENTS],
  ['ListOffsets: ours keeps v0, which Kafka 4.4.0 removed (compared with Kafka 3.9.1)', KEPT_FOR_OLD_CLIENTS],
  ['OffsetCommit: ours keeps v0-1, which Kafka 4.4.0 removed (compared with Kafka 3.9.1)', KEPT_FOR_OLD_CLIENTS],
  ['OffsetFetch: ours keeps v0, which Kafka 4.4.0 removed (compared with Kafka 3.9.1)', KEPT_FOR_OLD_CLIENTS],
  ['CreateTopics: ours keeps v0-1, which Kafka 4.4.0 removed (compared with Kafka 3.9.1)', KEPT_FOR_OLD_CLIENTS],
  ['DeleteTopics: ours keeps v0, which Kafka 4.4.0 removed (compared with Kafka 3.9.1)', KEPT_FOR_OLD_CLIENTS],
  ['OffsetForLeaderEpoch: ours keeps v0-1, which Kafka 4.4.0 removed (compared with Kafka 3.9.1)', KEPT_FOR_OLD_CLIENTS],
  ['DescribeConfigs: ours keeps v0, which Kafka 4.4.0 removed (compared with Kafka 3.9.1)',
    KEPT_FOR_OLD_CLIENTS + ' Sarama up to 1.2x sends DescribeConfigs v0 (its ClusterAdmin\'s ListTopics and DescribeConfig).'],

  // Versions Kafka added that we do not speak yet. The client negotiates its highest version from the schema
  // (consumer/versions.ts), so a version is declared only when the client and the fake broker can use it.

  // Leniency towards a peer that writes what Kafka's definitions do not allow.
  ['SyncGroup response assignment: nullable versions: ours 0-5, Kafka none',
    'librdkafka 2.0\'s mock cluster writes a null assignment (-1) in its error answers (REBALANCE_IN_PROGRESS during ' +
    'a rebalance); read strictly, the response did not decode and the member died instead of rejoining ' +
    '(test-interop/group/librdkafka-mock-group.test.ts). Read as null, the client takes it for an empty assignment; ' +
    'our fake broker never writes null.'],

  // Defaults. A default is what a decoder fills in for a field absent from a version, and what an encoder writes
  // when the caller leaves the field out.
  ['ListOffsets request replicaId: default: ours number -1, Kafka number 0',
    'Kafka\'s definition gives no default, so 0, which is a broker id; a request built without one must come from a ' +
    'consumer (-1), or the broker answers as to a follower. The field is in every version, so decoding is unaffected.'],
  ['FindCoordinator response errorMessage: default: ours null, Kafka string ""',
    'Absent in v0. null says "no message", as a v1+ broker sends when there is none; Kafka\'s "" is only its Java ' +
    'field initializer.'],
  ['FindCoordinator response coordinators.errorMessage: default: ours null, Kafka string ""',
    'As for errorMessage above (nullable in every version it exists in).'],
  ['CreateTopics response topics.errorMessage: default: ours null, Kafka string ""',
    'Absent in v0; null says "no message", as a v1+ broker sends when there is none.'],
  ['DescribeConfigs response results.errorMessage: default: ours null, Kafka string ""',
    'A nullable message: null says "no message", as a broker sends when there is none.'],
  ['DescribeConfigs response results.configs.documentation: default: ours null, Kafka string ""',
    'Nullable, and only sent when asked for (includeDocumentation): null when not asked.'],
  ['AlterConfigs response responses.errorMessage: default: ours null, Kafka string ""',
    'A nullable message: null says "no message".'],
  ['IncrementalAlterConfigs response responses.errorMessage: default: ours null, Kafka string ""',
    'A nullable message: null says "no message".'],
  ['DescribeUserScramCredentials response errorMessage: default: ours null, Kafka string ""',
    'A nullable message: null says "no message".'],
  ['DescribeUserScramCredentials response results.errorMessage: default: ours null, Kafka string ""',
    'A nullable message: null says "no message".'],
  ['AlterUserScramCredentials response results.errorMessage: default: ours null, Kafka string ""',
    'A nullable message: null says "no message".'],
  ['InitProducerId request transactionalId: default: ours null, Kafka string ""',
    'Leaving the id out must mean "not transactional" (null); Kafka\'s transaction coordinator answers an empty ' +
    'transactional id with INVALID_REQUEST.']
])
