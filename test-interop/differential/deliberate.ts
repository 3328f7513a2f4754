// Differences between the fake broker and real Kafka that are deliberate, each with its reason; docs/fake-broker.md
// explains them for users. A difference is a line of normalize.ts's `differences` ("path: kafka X, fake Y"), and an
// entry allows the lines of its case that its pattern matches.

export interface Deliberate {
  /** The corpus case's name. */
  case: string
  path: RegExp
  reason: string
}

export const DELIBERATE: Deliberate[] = [
  {
    case: 'Produce v0 and v2 message sets, read back with Fetch v0, v3 and v4 from the middle',
    path: /^fetchV[03]FromOne\.responses\[0\]\.partitions\[0\]\.records\.truncatedTail: kafka true, fake false$/,
    reason: 'Kafka 3.x down-converts lazily: it promises the size of the stored batches and pads what the smaller ' +
      'legacy messages leave with a partial message, which clients skip. The fake converts first and sends the exact bytes.'
  },
  {
    case: 'ListOffsets v1 (the lowest Kafka 4 serves) and v0 (removed in Kafka 4)',
    path: /^v0Latest\./,
    reason: 'Kafka 4 removed ListOffsets v0 (KIP-896) and closes the connection; the fake still serves it for old clients.'
  },
  {
    case: 'DescribeConfigs v0 (Sarama 1.2x\'s ListTopics): a topic override and defaults',
    path: /^\[0\]\.configs\[\d+\]\.isDefault: kafka false, fake true$/,
    reason: 'Kafka 3.x never sets v0\'s isDefault (its ConfigHelper fills configSource only, which v0 does not carry), so ' +
      'every config reads as set; the fake answers true for built-in defaults, as Kafka 2.x did and as the field says ' +
      '("True if the configuration is not set"), so that Sarama\'s ListTopics lists only a topic\'s overrides.'
  },
  {
    case: 'Produce: a good batch, a bad CRC, an empty record set, a record over max.message.bytes',
    path: /^(badCrc|empty)\.errorMessage: kafka null, fake "<message>"$/,
    reason: 'Kafka answers CORRUPT_MESSAGE and INVALID_RECORD without a message; the fake says what was wrong (which ' +
      'batch failed its CRC, that there were no records), which helps whoever debugs a client and changes nothing a client does.'
  },
  {
    case: 'Metadata for a missing topic, with and without auto-creation',
    path: /^(v12AutoCreate|v3AlwaysAutoCreates)\.topics\[0\]\.(errorCode|topicId|partitions): kafka/,
    reason: 'Kafka creates an auto-created topic asynchronously (through its controller) and answers the Metadata ' +
      'that asked for it with UNKNOWN_TOPIC_OR_PARTITION; the fake creates it at once and lists it in that answer. ' +
      'Clients ask again either way; once Kafka has created it, both answer alike (stillMissing, autoCreated).'
  },
  {
    case: 'DescribeLogDirs v1-5 for named partitions, after a produce',
    path: /^v[1-5]\.results\[0\]\.(logDir|totalBytes|usableBytes): kafka /,
    reason: 'Each broker reports its own log directory and that volume\'s size: Kafka its log.dirs, the fake its --data ' +
      'directory or /var/lib/kafka-direct/broker-N for in-memory logs (whose volume is the process\'s memory).'
  },
  {
    case: 'DescribeQuorum v0-2: one voter leading, and a request for another partition',
    path: /^v2\.(partition\.currentVoters\[0\]\.hasDirectoryId: kafka false, fake true|nodes\[0\]\.listeners\[0\]\.name: kafka "CONTROLLER", fake "PLAINTEXT")$/,
    reason: 'The harness\'s Kafka has static voters (controller.quorum.voters), which carry no directory id; the fake ' +
      'models a dynamic quorum (KIP-853) with one. It has no controller listener: its voter is listed with the listener ' +
      'clients reach it on.'
  },
  {
    case: 'Client requests captured from kcat, kafkajs and kafka-python, replayed (Produce v3+, ListOffsets, Fetch)',
    path: /list-offsets-v\d+-request\.bin\.topics\[0\]\.partitions\[\d+\]\.(partitionIndex|offset): kafka/,
    reason: 'Kafka answers a ListOffsets request\'s partitions in the order of its own hash map, not the request\'s; ' +
      'clients match them by partition index. The fake answers in request order.'
  }
]
