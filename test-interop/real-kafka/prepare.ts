import { KAFKA_3_VERSION, KAFKA_VERSION, kafkaJars } from './start-kafka.js'
import { hasCommand } from '../peers/cache.js'

// Run by .ci/run before the interop suite (node --import @tapjs/typescript/import test-interop/real-kafka/prepare.ts):
// resolves the Kafka jars into the peer cache and checks the tools the real-Kafka tests use, failing loudly (exit
// code 1, with the reason) rather than letting the tests skip.

let failed = false
for (const version of [KAFKA_VERSION, KAFKA_3_VERSION]) {
  try {
    const jars = await kafkaJars(version)
    console.log(`Kafka ${version}: ${jars.length} jars resolved`)
  } catch (err) {
    console.error(`Kafka ${version}: ${String(err)}`)
    failed = true
  }
}
for (const [cmd, arg] of [['kcat', '-V'], ['openssl', 'version']] as const) {
  if (await hasCommand(cmd, arg)) console.log(`${cmd}: present`)
  else { console.error(`${cmd} is missing (the real-Kafka tests need it)`); failed = true }
}
process.exit(failed ? 1 : 0)
