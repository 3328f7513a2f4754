import { ConfigError } from '../../protocol/errors.js'

// A broker's listeners, as Kafka's `listeners` setting declares them: PLAINTEXT://:9092,SSL://:9093 and so on.
// Each listener is its own port with its own security protocol; a request is answered with the addresses of the
// listener it arrived on (advertised.listeners), which is how one cluster serves clients of every kind at once.
// Here the listener name is its security protocol (Kafka's default listener.security.protocol.map), unless a
// `name` is given in the object form.

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL'

export interface ListenerSpec {
  /** The listener name clients never see but Kafka's configs use; default the security protocol. */
  name?: string
  securityProtocol: SecurityProtocol
  /** The first broker's port on this listener; 0 (default): free ports. */
  port?: number
}

export interface Listener {
  readonly name: string
  readonly securityProtocol: SecurityProtocol
  readonly port: number
  readonly tls: boolean
  readonly sasl: boolean
}

const PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']
const LISTENER_NAME = /^[A-Za-z0-9_.-]+$/

/** "SASL_SSL://:9094", "SSL://127.0.0.1:0", "PLAINTEXT://localhost:9092" (the host must be a loopback one). */
export function parseListener (text: string): ListenerSpec {
  const m = /^([A-Za-z_]+):\/\/([^:/]*):(\d+)$/.exec(text.trim())
  if (m === null) throw new ConfigError('listener', `expected PROTOCOL://[HOST]:PORT such as SASL_SSL://:9094, got ${JSON.stringify(text)}`)
  const [, protocol, host, port] = m
  const securityProtocol = PROTOCOLS.find(p => p === protocol.toUpperCase())
  if (securityProtocol === undefined) throw new ConfigError('listener', `unknown security protocol ${protocol} (one of ${PROTOCOLS.join(', ')})`)
  // The brokers bind to 127.0.0.1 only (a test cluster is not for the network); --advertised-host names them.
  if (host !== '' && host !== '127.0.0.1' && host !== 'localhost') throw new ConfigError('listener', `the fake broker listens on 127.0.0.1 only, got host ${host}`)
  return { securityProtocol, port: Number(port) }
}

/** Checks the specs and fills in defaults; names must be distinct and ports must leave room for every broker. */
export function resolveListeners (specs: Array<ListenerSpec | string>, brokers: number): Listener[] {
  if (specs.length === 0) throw new ConfigError('listeners', 'needs at least one listener')
  const out: Listener[] = []
  for (const s of specs) {
    const spec = typeof s === 'string' ? parseListener(s) : s
    if (!PROTOCOLS.includes(spec.securityProtocol)) throw new ConfigError('listeners', `unknown security protocol ${String(spec.securityProtocol)}`)
    const name = spec.name ?? spec.securityProtocol
    if (!LISTENER_NAME.test(name)) throw new ConfigError('listeners', `listener name ${JSON.stringify(name)} must be letters, digits, _ . -`)
    if (out.some(l => l.name === name)) throw new ConfigError('listeners', `listener ${name} is declared twice`)
    const port = spec.port ?? 0
    if (!Number.isInteger(port) || port < 0 || port + (brokers - 1) * specs.length > 65535) {
      throw new ConfigError('listeners', `${name}: port must be 0 or a port with room for ${brokers} brokers, got ${port}`)
    }
    out.push({ name, securityProtocol: spec.securityProtocol, port, tls: spec.securityProtocol.endsWith('SSL'), sasl: spec.securityProtocol.startsWith('SASL') })
  }
  return out
}

/**
 * The port of broker number `index` (0-based) on listener number `j` of `count`: 0 stays 0 (a free port), else
 * the listener's port plus index * count, so that PLAINTEXT://:9092,SSL://:9093 with three brokers gives
 * 9092/9093, 9094/9095 and 9096/9097, and a single listener gives consecutive ports.
 */
export function listenerPort (l: Listener, index: number, count: number): number {
  return l.port === 0 ? 0 : l.port + index * count
}
