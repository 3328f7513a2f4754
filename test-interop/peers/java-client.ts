import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { compileJava, kafkaClientsCoordinates, resolveJars } from './maven.js'
import { PeerUnavailable } from './cache.js'
import { interopSourceDir } from './source-dir.js'

// Our own Java programs (test-interop/java/*.java, one main class each) compiled against the Java client,
// kafka-clients from Maven, for the interop tests and the consume benchmark.

export interface JavaClient {
  /**
   * `java` arguments that run `main` (a class in test-interop/java/) with `args`, after JVM options `jvm`;
   * `extraJars` join the classpath (optional dependencies of kafka-clients, such as Jackson for OAUTHBEARER).
   */
  args: (main: string, args: string[], jvm?: string[], extraJars?: string[]) => string[]
}

/** Resolves kafka-clients, compiles our programs once (cached), and returns how to run them. */
export async function javaClient (): Promise<JavaClient> {
  const jars = await resolveJars('kafka-clients', kafkaClientsCoordinates())
  const javaDir = interopSourceDir('java')
  const sources = readdirSync(javaDir).filter(f => f.endsWith('.java')).sort().map(f => join(javaDir, f))
  const classes = await compileJava('java-client', sources, jars, sources.map(s => readFileSync(s, 'utf8')))
  const classpath = [classes, ...jars].join(':')
  return {
    // The client logs warnings and up only (slf4j-simple), to stderr, so that stdout holds just our lines.
    args: (main, args, jvm = [], extraJars = []) => ['-cp', [classpath, ...extraJars].join(':'), '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', ...jvm, main, ...args]
  }
}

/** The Java client, or the reason a test file skips without it (a missing peer skips rather than fails). */
export async function javaClientOrSkip (): Promise<{ java: JavaClient | undefined, skip: string | false }> {
  try {
    return { java: await javaClient(), skip: false }
  } catch (err) {
    if (!(err instanceof PeerUnavailable)) throw err
    return { java: undefined, skip: `Java client unavailable: ${err.message}` }
  }
}
