// The server.properties of one real Kafka node in KRaft mode, combined broker and controller (process.roles
// broker,controller), and the log4j configuration that sends its log to a file next to its data. Written per
// node by start-kafka.ts; kept here, apart from the process handling, so the settings can be read in one place.

/** The listeners a test may ask for, named after their security protocol. PLAINTEXT is always there. */
export type ListenerName = 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SSL' | 'SASL_SSL'
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const

export interface NodeLayout {
  nodeId: number
  dataDir: string
  controllerPort: number
  ports: Record<ListenerName, number | undefined>
}

export interface PropertiesInput {
  node: NodeLayout
  /** Every node of the cluster: each is a controller voter. */
  nodes: NodeLayout[]
  listeners: ListenerName[]
  users: Record<string, string>
  /** A PEM file holding the broker's private key and certificate (for SSL and SASL_SSL listeners). */
  pemKeystore?: string
  extra: Record<string, string | number | boolean>
}

export function serverProperties ({ node, nodes, listeners, users, pemKeystore, extra }: PropertiesInput): string {
  const replication = Math.min(3, nodes.length)
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.nodeId,
    // A static quorum (controller.quorum.voters): every node is formatted alike, without --standalone.
    'controller.quorum.voters': nodes.map(n => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(','),
    'controller.listener.names': 'CONTROLLER',
    listeners: [...listeners.map(l => `${l}://127.0.0.1:${node.ports[l]!}`), `CONTROLLER://127.0.0.1:${node.controllerPort}`].join(','),
    'advertised.listeners': listeners.map(l => `${l}://127.0.0.1:${node.ports[l]!}`).join(','),
    'listener.security.protocol.map': [...listeners.map(l => `${l}:${l}`), 'CONTROLLER:PLAINTEXT'].join(','),
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': node.dataDir,
    'num.partitions': 1,
    'default.replication.factor': replication,
    'offsets.topic.replication.factor': replication,
    'offsets.topic.num.partitions': 4,
    'transaction.state.log.replication.factor': replication,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': replication,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    // Small segments and few threads: tests write little, and the machine is shared.
    'log.segment.bytes': 16 * 1024 * 1024,
    'num.network.threads': 2,
    'num.io.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    'background.threads': 2,
    // A restarted node rejoins faster when a stopped one is declared gone sooner.
    'broker.session.timeout.ms': 6000,
    'broker.heartbeat.interval.ms': 1000,
  }
  if (listeners.includes('SASL_PLAINTEXT') || listeners.includes('SASL_SSL')) {
    props['sasl.enabled.mechanisms'] = SASL_MECHANISMS.join(',')
    const plainUsers = Object.entries(users).map(([u, p]) => `user_${u}="${p}"`).join(' ')
    for (const l of listeners.filter(l => l.startsWith('SASL_'))) {
      const prefix = `listener.name.${l.toLowerCase()}`
      props[`${prefix}.plain.sasl.jaas.config`] = `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`
      // SCRAM credentials live in the cluster metadata (added at format time, see start-kafka.ts).
      props[`${prefix}.scram-sha-256.sasl.jaas.config`] = 'org.apache.kafka.common.security.scram.ScramLoginModule required;'
      props[`${prefix}.scram-sha-512.sasl.jaas.config`] = 'org.apache.kafka.common.security.scram.ScramLoginModule required;'
    }
  }
  if (pemKeystore !== undefined) {
    // KIP-651: a PEM file with the (unencrypted PKCS#8) key and certificate, so no keytool or JKS is needed.
    props['ssl.keystore.type'] = 'PEM'
    props['ssl.keystore.location'] = pemKeystore
  }
  Object.assign(props, extra)
  return Object.entries(props).map(([k, v]) => `${k}=${String(v)}`).join('\n') + '\n'
}

/**
 * log4j settings for both logging back-ends a Kafka classpath may carry: log4j 1 (reload4j, through the slf4j
 * binding maven.ts adds; Kafka 3.x) and log4j 2 (Kafka 4.x's own). Either way the log goes to `logFile`, which a
 * failed test prints the end of.
 */
export function log4jProperties (logFile: string): { log4j1: string, log4j2: string } {
  return {
    log4j1: [
      'log4j.rootLogger=INFO, file',
      'log4j.appender.file=org.apache.log4j.FileAppender',
      `log4j.appender.file.File=${logFile}`,
      'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
      // The controller and the request log are chatty at INFO; their warnings still show.
      'log4j.logger.kafka.request.logger=WARN',
      'log4j.logger.org.apache.kafka.controller=WARN',
      '',
    ].join('\n'),
    log4j2: [
      'appender.file.type=File',
      'appender.file.name=file',
      `appender.file.fileName=${logFile}`,
      'appender.file.append=true',
      'appender.file.layout.type=PatternLayout',
      'appender.file.layout.pattern=[%d] %p %m (%c)%n',
      'rootLogger.level=INFO',
      'rootLogger.appenderRef.file.ref=file',
      '',
    ].join('\n'),
  }
}
