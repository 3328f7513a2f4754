import { kafkaServerCoordinates, resolveJars } from './maven.js'

// Kafka's own command-line tools, run from the kafka-tools jar (resolved with the broker from Maven) the way
// bin/kafka-*.sh run them: `java -cp <every jar> <main class> <flags>`.

/** The main classes behind Kafka 4.x's scripts. */
export const KAFKA_TOOLS = {
  consoleProducer: 'org.apache.kafka.tools.ConsoleProducer', // kafka-console-producer.sh
  consoleConsumer: 'org.apache.kafka.tools.consumer.ConsoleConsumer', // kafka-console-consumer.sh
  consumerGroups: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', // kafka-consumer-groups.sh
  topics: 'org.apache.kafka.tools.TopicCommand', // kafka-topics.sh
  getOffsets: 'org.apache.kafka.tools.GetOffsetShell', // kafka-get-offsets.sh
  brokerApiVersions: 'org.apache.kafka.tools.BrokerApiVersionsCommand', // kafka-broker-api-versions.sh
  cluster: 'org.apache.kafka.tools.ClusterTool', // kafka-cluster.sh
  deleteRecords: 'org.apache.kafka.tools.DeleteRecordsCommand', // kafka-delete-records.sh
  producerPerf: 'org.apache.kafka.tools.ProducerPerformance', // kafka-producer-perf-test.sh
  consumerPerf: 'org.apache.kafka.tools.ConsumerPerformance', // kafka-consumer-perf-test.sh
  logDirs: 'org.apache.kafka.tools.LogDirsCommand', // kafka-log-dirs.sh
  metadataQuorum: 'org.apache.kafka.tools.MetadataQuorumCommand', // kafka-metadata-quorum.sh
  configs: 'org.apache.kafka.tools.ConfigCommand', // kafka-configs.sh
  transactions: 'org.apache.kafka.tools.TransactionsCommand' // kafka-transactions.sh
} as const

export type KafkaTool = keyof typeof KAFKA_TOOLS

/** Resolves the jars once and returns the `java` arguments for one tool. Throws PeerUnavailable without Java/Maven. */
export async function kafkaTools (): Promise<(tool: KafkaTool, args: string[]) => string[]> {
  const classpath = (await resolveJars('kafka-server', kafkaServerCoordinates())).join(':')
  // log4j 1 (reload4j) without a configuration logs nothing but a warning on stderr: stdout keeps the tool's output.
  return (tool, args) => ['-cp', classpath, '-Dlog4j.configuration=file:/dev/null', KAFKA_TOOLS[tool], ...args]
}
