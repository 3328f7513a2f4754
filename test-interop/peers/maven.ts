import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PeerUnavailable, cached, digest, exec, hasCommand } from './cache.js'

// Java peers come from Maven Central: Apache Kafka's broker and tools, and the Java client. Maven resolves each set
// of coordinates with its dependencies into the peer cache (see cache.ts); the jars are never committed.

/** The newest Kafka 4.x that resolved from Maven Central here (4.4.0, December 2026); override for a trial run. */
export const KAFKA_VERSION = process.env.KAFKA_DIRECT_KAFKA_VERSION ?? '4.4.0'
/** The 3.x line, kept resolvable for ZooKeeper-era and older-protocol checks. */
export const KAFKA_3_VERSION = process.env.KAFKA_DIRECT_KAFKA3_VERSION ?? '3.9.1'

export const kafkaServerCoordinates = (version = KAFKA_VERSION): string[] => [
  `org.apache.kafka:kafka_2.13:${version}`,
  `org.apache.kafka:kafka-tools:${version}`,
  // Kafka's scripts put a log4j binding on the classpath; without one the broker logs nothing we can read.
  'org.slf4j:slf4j-reload4j:1.7.36',
]
export const kafkaClientsCoordinates = (version = KAFKA_VERSION): string[] => [
  `org.apache.kafka:kafka-clients:${version}`,
  'org.slf4j:slf4j-simple:1.7.36',
]

export async function requireJava (): Promise<void> {
  if (!await hasCommand('java', '-version')) throw new PeerUnavailable('java is not installed (Java 17+ is needed)')
  if (!await hasCommand('mvn', '--version')) throw new PeerUnavailable('mvn (Maven) is not installed')
}

/**
 * Resolves Maven coordinates (`group:artifact:version`) and their runtime dependencies into the peer cache and
 * returns the jar paths. Throws PeerUnavailable when Java or Maven is missing or Maven cannot resolve them.
 */
export async function resolveJars (name: string, coordinates: string[]): Promise<string[]> {
  await requireJava()
  const dir = await cached(`maven-${name}`, digest(...coordinates), async dir => {
    const deps = coordinates.map(c => {
      const [g, a, v] = c.split(':')
      return `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`
    }).join('\n    ')
    writeFileSync(join(dir, 'pom.xml'), `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>kafka-direct.peers</groupId><artifactId>${name}</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    ${deps}
  </dependencies>
</project>
`)
    const r = await exec('mvn', ['-q', '-B', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${join(dir, 'lib')}`], { cwd: dir })
    if (r.code !== 0) throw new PeerUnavailable(`Maven could not resolve ${coordinates.join(' ')}: ${(r.stdout + r.stderr).split('\n').filter(l => l.includes('ERROR')).slice(0, 3).join(' ')}`)
  })
  const lib = join(dir, 'lib')
  return readdirSync(lib).filter(f => f.endsWith('.jar')).sort().map(f => join(lib, f))
}

/** Compiles Java sources (ours, under test-interop/) against a classpath; returns the class directory. */
export async function compileJava (name: string, sources: string[], classpath: string[], sourceTexts: string[]): Promise<string> {
  if (!await hasCommand('javac', '-version')) throw new PeerUnavailable('javac is not installed (a JDK 17+ is needed)')
  const dir = await cached(`javac-${name}`, digest(...classpath, ...sourceTexts), async dir => {
    const r = await exec('javac', ['-d', join(dir, 'classes'), '-cp', classpath.join(':'), ...sources])
    if (r.code !== 0) throw new Error(`javac failed for ${name}:\n${r.stdout}${r.stderr}`)
  })
  return join(dir, 'classes')
}
