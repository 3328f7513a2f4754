import type { Readable, Writable } from 'node:stream'
import { ConfigError, KafkaDirectError } from '../../../protocol/errors.js'
import { SimpleConsumer, type ConfigInput } from '../../../consumer/index.js'
import { configKeyNames } from '../../../consumer/config.js'
import { groupConfigKeyNames } from '../../../consumer/group/group-config.js'
import { closestName } from '../closest-name.js'
import { parseOptions, type KcatOptions } from '../kcat/options.js'
import { renderMetadataJson, renderMetadataText } from '../kcat/metadata-list.js'
import { runConsume } from '../kcat/consume.js'
import { runProduce } from '../kcat/produce.js'
import { inputChunks } from '../kcat/file-chunks.js'
import { runBalancedConsume } from '../kcat/balanced-consume.js'
import { Producer } from '../../../consumer/producer/producer.js'
import { TransactionalProducer } from '../../../consumer/producer/transactional-producer.js'
import { isProducerKey } from '../../../consumer/producer/producer-config.js'
import { parseTimeQuery, runQuery } from '../kcat/query.js'
import { parseConsumerConfig } from '../../../consumer/config.js'
import { parseDebugContexts, type DebugContext } from '../kcat/debug-contexts.js'
import { debugSocketFactory } from '../kcat/debug-socket.js'
import { lineModeInput, produceFiles } from '../kcat/produce-files.js'
import { runInTransaction } from '../kcat/produce.js'

// kafka-direct's kcat mode: the same flags as kcat (https://github.com/edenhill/kcat, kcat -h) and, for those
// flags, the same output line for line, so scripts can swap one for the other. Supported: -b, -L, -C (-t -p -o -e
// -c -q -f -J -K -D -Z -s -E), -G, -Q -t topic:partition:ts, -P (-t -p -K -k -H -z -D -c -l -T and file
// arguments), -X key=value for the configuration keys consumer/config.ts knows (librdkafka's dotted names), -F
// configuration files (and $KCAT_CONFIG, ~/.config/kcat.conf) and -d debug contexts.

export interface Io {
  stdin: Readable
  stdout: Writable
  stderr: Writable & { isTTY?: boolean }
  /** Where KCAT_CONFIG, KAFKACAT_CONFIG and HOME are read (the default configuration file): process.env by default. */
  env?: NodeJS.ProcessEnv
}

/**
 * librdkafka settings that only tune librdkafka internals or logging: accepted and ignored, so that kcat command
 * lines keep working.
 */
const IGNORED_X = new Set(['enable.partition.eof', 'log_level', 'statistics.interval.ms', 'queued.min.messages',
  'queued.max.messages.kbytes', 'broker.version.fallback', 'topic.metadata.refresh.interval.ms', 'socket.keepalive.enable',
  'enable.auto.commit', 'allow.auto.create.topics', 'sticky.partitioning.linger.ms', 'retry.backoff.max.ms'])

/** librdkafka's message.max.bytes default: kcat -P refuses a larger message. */
const LIBRDKAFKA_MESSAGE_MAX_BYTES = 1_000_000

/** kcat's -m default: the first metadata may take 5 s in all before kcat gives up. */
const KCAT_METADATA_TIMEOUT_MS = 5000

function buildConfig (o: KcatOptions, stderr: Writable): { config: ConfigInput, producerConfig: ConfigInput, offsetReset: 'beginning' | 'end' | 'error', debug: Set<DebugContext> } {
  const config: ConfigInput = {}
  // Producer settings (linger.ms, acks, compression.codec, transactional.id ...) go to the producer of -P; in the
  // other modes they are accepted and unused, as librdkafka accepts them in a consumer.
  const producerConfig: ConfigInput = {}
  let offsetReset: 'beginning' | 'end' | 'error' = 'end'
  let debug = new Set<DebugContext>()
  // Group keys (session.timeout.ms, ...) are known too: -G hands them to the group consumer.
  const known = new Set([...configKeyNames(), ...groupConfigKeyNames()])
  for (const [name, v] of Object.entries(o.config)) {
    // A property from a configuration file is named with its file and line in errors: "f.conf:3: fetch.max.byts".
    const origin = o.configOrigin[name]
    const k = origin === undefined ? name : `${origin}: ${name}`
    const key = name.startsWith('topic.') && name !== 'topic.metadata.refresh.interval.ms' ? name.slice(6) : name
    if (key === 'debug') { debug = parseDebugContexts(v, k); continue }
    if (key === 'auto.offset.reset') {
      if (['smallest', 'earliest', 'beginning'].includes(v)) offsetReset = 'beginning'
      else if (['largest', 'latest', 'end'].includes(v)) offsetReset = 'end'
      else if (v === 'error') offsetReset = 'error'
      else throw new ConfigError(k, `expected smallest, earliest, beginning, largest, latest, end or error, got "${v}"`)
      continue
    }
    if (IGNORED_X.has(key)) continue
    if (isProducerKey(key)) { producerConfig[key] = v; continue }
    if (!known.has(key)) {
      // The library would refuse the key too; here the refusal can guess the intended one, as librdkafka cannot.
      const guess = closestName(key, [...[...known].filter(n => n.includes('.')), ...IGNORED_X, 'auto.offset.reset', 'acks', 'linger.ms', 'compression.codec', 'transactional.id'])
      throw new ConfigError(k, `unknown configuration key${guess === undefined ? '' : `; did you mean ${guess}?`}`)
    }
    config[key] = v
  }
  if (o.brokers !== undefined) {
    if (config['bootstrap.servers'] !== undefined || config['metadata.broker.list'] !== undefined) {
      throw new ConfigError('-b', 'given together with -X bootstrap.servers')
    }
    config['bootstrap.servers'] = o.brokers
  }
  // Where librdkafka's defaults differ from the Java client's (which the library follows), kcat mode takes
  // librdkafka's, so that the same command line does the same work as kcat:
  // - isolation.level: librdkafka's consumer defaults to read_committed (Java: read_uncommitted);
  // - check.crcs: librdkafka does not verify record batch CRCs unless asked (Java: it does). Verifying costs ~15%
  //   of a plain consume's CPU; -X check.crcs=true turns it on, as with kcat.
  if (config['isolation.level'] === undefined) config['isolation.level'] = 'read_committed'
  // - the first metadata is bounded as kcat's -m bounds it; retries and outages are reported on stderr as they
  //   happen, in librdkafka's "%" style, to the stream this run was given.
  if (config['bootstrap.timeout.ms'] === undefined) config['bootstrap.timeout.ms'] = String(KCAT_METADATA_TIMEOUT_MS)
  config.log = (line: string) => { stderr.write(line + '\n') }
  if (config['check.crcs'] === undefined && config.checkCrcs === undefined) config['check.crcs'] = 'false'
  // kcat's partitioner for keyed records is librdkafka's default, consistent_random (CRC-32 of the key), so -P
  // puts a key where kcat would; -X partitioner=murmur2_random gives the Java client's placement.
  if (producerConfig.partitioner === undefined) producerConfig.partitioner = 'consistent_random'
  if (o.codec !== undefined) {
    if (producerConfig['compression.codec'] !== undefined || producerConfig['compression.type'] !== undefined) throw new ConfigError('-z', 'given together with -X compression.codec')
    producerConfig['compression.codec'] = o.codec
  }
  return { config, producerConfig, offsetReset, debug }
}

/**
 * -d: the connections are opened by debug-socket.ts, which prints what the contexts ask for on stderr. The TLS
 * options come from the configuration as the library resolves it (only its own keys: group keys are the group
 * consumer's).
 */
function traceConnections (config: ConfigInput, debug: Set<DebugContext>, mode: string, stderr: Writable): void {
  if (debug.size === 0) return
  const own = new Set(configKeyNames())
  const { tls } = parseConsumerConfig(Object.fromEntries(Object.entries(config).filter(([k]) => own.has(k))))
  const name = `kafka-direct#${mode === 'produce' || mode === 'list' ? 'producer' : 'consumer'}-1`
  const createSocket = debugSocketFactory({ contexts: debug, tls, name, write: line => { stderr.write(line) } })
  if (createSocket !== undefined) config.createSocket = createSocket
}

export async function run (argv: string[], io: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let consumer: SimpleConsumer | undefined
  try {
    const o = parseOptions(argv, io.env ?? process.env)
    for (const line of o.notices) io.stderr.write(line + '\n')
    // kcat picks producer mode when stdin is not a terminal and no mode is given, else consumer mode.
    const mode = o.mode ?? ((io.stdin as { isTTY?: boolean }).isTTY === true ? 'consume' : 'produce')
    if (o.positional.length > 0 && mode !== 'produce' && mode !== 'balanced') {
      throw new ConfigError(o.positional[0], 'unexpected argument: a file/topic list is only allowed in producer (-P) and balanced consumer (-G) mode')
    }
    if (o.lineMode && o.positional.length > 1) throw new ConfigError('-l', 'only one file allowed for line mode (-l)')
    if (o.serdes && mode !== 'consume' && mode !== 'balanced') throw new ConfigError('-s', 'deserializers are only available in the consumer (-C, -G)')
    if (o.brokers === undefined && o.config['bootstrap.servers'] === undefined && o.config['metadata.broker.list'] === undefined) {
      throw new ConfigError('-b', 'no brokers given (-b host:port)')
    }
    const { config, producerConfig, offsetReset, debug } = buildConfig(o, io.stderr)
    traceConnections(config, debug, mode, io.stderr)
    if (mode === 'balanced') {
      // The group member owns its connections; SIGINT and SIGTERM end it cleanly (commit, LeaveGroup).
      const stop = new AbortController()
      const onSignal = (): void => { stop.abort() }
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
      try {
        return await runBalancedConsume({
          group: o.group as string,
          topics: [...o.positional, ...o.topics],
          config,
          enableAutoCommit: o.config['enable.auto.commit'],
          offset: o.offset,
          exitAtEnd: o.exitAtEnd,
          count: o.count,
          quiet: o.quiet,
          json: o.json,
          format: o.format,
          keyDelimiter: o.keyDelimiter,
          messageDelimiter: o.messageDelimiter,
          nullString: o.nullString,
          keyPack: o.keyPack,
          valuePack: o.valuePack,
          exitOnError: o.exitOnError,
          offsetReset,
          stdout: io.stdout,
          stderr: io.stderr,
          signal: stop.signal
        })
      } finally {
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
      }
    }
    consumer = new SimpleConsumer(config)
    switch (mode) {
      case 'list': {
        if (o.topics.length > 1) throw new ConfigError('-t', '-L takes at most one topic')
        const topic = o.topics[0]
        const md = await consumer.metadata(topic === undefined ? undefined : [topic])
        io.stdout.write(o.json ? renderMetadataJson(md, topic) : renderMetadataText(md, topic))
        return 0
      }
      case 'query': {
        if (o.topics.length === 0) throw new ConfigError('-t', '-Q needs -t topic:partition:timestamp')
        io.stdout.write(await runQuery(consumer, o.topics.map(parseTimeQuery), o.json))
        return 0
      }
      case 'consume': {
        if (o.topics.length !== 1) throw new ConfigError('-t', '-C needs exactly one -t topic')
        return await runConsume(consumer, {
          topic: o.topics[0],
          partitions: o.partitions,
          offset: o.offset,
          exitAtEnd: o.exitAtEnd,
          count: o.count,
          quiet: o.quiet,
          json: o.json,
          format: o.format,
          keyDelimiter: o.keyDelimiter,
          messageDelimiter: o.messageDelimiter,
          nullString: o.nullString,
          keyPack: o.keyPack,
          valuePack: o.valuePack,
          exitOnError: o.exitOnError,
          offsetReset,
          stdout: io.stdout,
          stderr: io.stderr
        })
      }
      case 'produce': {
        if (o.topics.length !== 1) throw new ConfigError('-t', '-P needs exactly one -t topic')
        if (o.partitions.length > 1) throw new ConfigError('-p', '-P takes at most one partition')
        // librdkafka refuses a message above message.max.bytes (default 1,000,000) before sending it; the
        // library's own default (max.request.size, 100 MB) bounds whole requests, not messages.
        const messageMaxBytes = config['message.max.bytes'] !== undefined || config['max.request.size'] !== undefined
          ? consumer.config.maxRequestBytes
          : LIBRDKAFKA_MESSAGE_MAX_BYTES
        // With -X transactional.id, the whole run is one transaction (runProduce commits or aborts it).
        const producer = producerConfig['transactional.id'] !== undefined
          ? new TransactionalProducer(producerConfig, consumer.client)
          : new Producer(producerConfig, consumer.client)
        try {
          // File arguments: without -l each file is one message; with -l the one file is read as stdin is.
          if (o.positional.length > 0 && !o.lineMode) {
            const files = { topic: o.topics[0], partition: o.partitions[0], fixedKey: o.fixedKey, headers: o.headers, messageMaxBytes, verbosity: o.verbosity, stderr: io.stderr }
            return await runInTransaction(producer, io.stderr, async () => await produceFiles(producer, o.positional, files))
          }
          return await runProduce(producer, {
            messageMaxBytes,
            topic: o.topics[0],
            partition: o.partitions[0],
            keyDelimiter: o.keyDelimiter,
            messageDelimiter: o.messageDelimiter,
            fixedKey: o.fixedKey,
            headers: o.headers,
            nullString: o.nullString,
            count: o.count,
            stdin: o.positional.length === 1 ? await lineModeInput(o.positional[0]) : inputChunks(io.stdin),
            stderr: io.stderr,
            tee: o.tee ? io.stdout : undefined
          })
        } finally {
          await producer.close()
        }
      }
    }
    return 0
  } catch (err) {
    // kcat's error shape: "% ERROR: <what>" on stderr, exit code 1.
    if (err instanceof KafkaDirectError) {
      io.stderr.write(`% ERROR: ${err.message}\n`)
      return 1
    }
    throw err
  } finally {
    await consumer?.close()
  }
}
