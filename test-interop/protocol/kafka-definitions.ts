import { KAFKA_3_VERSION, KAFKA_VERSION, kafkaClientsCoordinates, resolveJars } from '../peers/maven.js'
import { PeerUnavailable } from '../peers/cache.js'
import { readJarEntries } from '../peers/jar.js'

// Kafka's own message definitions, read at test time from the kafka-clients jar that Maven resolves (Kafka packages
// clients/src/main/resources/common/message/*.json as resources under common/message/). They are never
// committed. The format is described by the README.md beside them in the jar; the parts used here:
// - a message has apiKey, type ("request"/"response"), name, validVersions, flexibleVersions and fields;
// - a field has name, type ("int32", "string", "[]int32", "[]SomeStruct", "SomeStruct"), versions,
//   nullableVersions, tag + taggedVersions, default, and for struct types either inline fields or a struct
//   declared once in the message's commonStructs;
// - the files are JSON with // line comments.

export interface KafkaField {
  name: string
  type: string
  versions: string
  nullableVersions?: string
  tag?: number
  taggedVersions?: string
  default?: string | number | boolean
  about?: string
  fields?: KafkaField[]
}

export interface KafkaMessage {
  apiKey: number
  type: 'request' | 'response' | 'header' | 'data' | 'metadata'
  name: string
  validVersions: string
  flexibleVersions: string
  fields: KafkaField[]
  commonStructs?: Array<{ name: string, versions: string, fields: KafkaField[] }>
}

export interface KafkaDefinitions {
  /** The kafka-clients version they were read from. */
  version: string
  /** By message name, e.g. "ListOffsetsRequest". */
  messages: Map<string, KafkaMessage>
  /** Each definition's text as written, comments included (they say what changed in each version). */
  texts: Map<string, string>
}

/** Resolves kafka-clients `version` from Maven and reads every message definition in it. */
export async function loadKafkaDefinitions (version: string): Promise<KafkaDefinitions> {
  const jars = await resolveJars('kafka-clients', kafkaClientsCoordinates(version))
  const jar = jars.find(j => j.endsWith(`kafka-clients-${version}.jar`))
  if (jar === undefined) throw new Error(`Maven resolved no kafka-clients-${version}.jar (got ${jars.join(', ')})`)
  const messages = new Map<string, KafkaMessage>()
  const texts = new Map<string, string>()
  for (const [name, data] of readJarEntries(jar, 'common/message/')) {
    if (!name.endsWith('.json')) continue
    const text = data.toString('utf8')
    const message = JSON.parse(stripLineComments(text)) as KafkaMessage
    messages.set(message.name, message)
    texts.set(message.name, text)
  }
  if (messages.size === 0) throw new Error(`kafka-clients-${version}.jar holds no common/message/*.json definitions`)
  return { version, messages, texts }
}

/**
 * Removes // comments that are outside strings. The definitions' "about" texts hold URLs ("https://..."), so a
 * plain regular expression would cut them; this walks the text, tracking whether it is inside a string.
 */
export function stripLineComments (text: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      out += c
      if (c === '\\') { out += text[++i] ?? '' } else if (c === '"') inString = false
    } else if (c === '"') {
      inString = true
      out += c
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
    } else {
      out += c
    }
  }
  return out
}

/**
 * Kafka 4.4's and 3.9's definitions (versions 4.x removed are compared with 3.9's), or undefined after a skip when
 * Maven cannot resolve them. CI installs Java and Maven and sets KAFKA_DIRECT_REQUIRE_REAL_KAFKA: there, a skip
 * would hide the check, so it fails instead.
 */
export async function loadDefinitionsOrSkip (t: { skip: (why: string, fn: () => void) => unknown }): Promise<KafkaDefinitions[] | undefined> {
  try {
    return [await loadKafkaDefinitions(KAFKA_VERSION), await loadKafkaDefinitions(KAFKA_3_VERSION)]
  } catch (err) {
    if (!(err instanceof PeerUnavailable)) throw err
    const why = `Kafka's message definitions are unavailable: ${err.message}`
    if (process.env.KAFKA_DIRECT_REQUIRE_REAL_KAFKA === '1') throw new Error(`${why} (KAFKA_DIRECT_REQUIRE_REAL_KAFKA=1)`, { cause: err })
    t.skip(why, () => {})
    return undefined
  }
}
