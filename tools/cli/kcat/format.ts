import { ConfigError } from '../../../protocol/errors.js'
import type { KafkaRecord } from '../../../protocol/records/index.js'
import { V2Record } from '../../../protocol/records/lazy-record.js'
import type { OutputBuffer } from './output-buffer.js'

// kcat's output formats, reproduced from its documented behaviour (kcat -h, "Format string tokens") and checked
// against kcat 1.7 output: `-f` strings with %t %p %o %k %K %s %S %T %h %%, backslash escapes (\n \t \r \xHH \NNN),
// `-Z` printing NULL for null keys and values, and the `-J` JSON envelope.

export type Token =
  | { kind: 'text', bytes: Buffer }
  | { kind: 'topic' | 'partition' | 'offset' | 'key' | 'keyLen' | 'value' | 'valueLen' | 'timestamp' | 'headers' }

const FIELDS: Record<string, Token['kind']> = {
  t: 'topic', p: 'partition', o: 'offset', k: 'key', K: 'keyLen', s: 'value', S: 'valueLen', T: 'timestamp', h: 'headers'
}

/** Expands kcat's backslash escapes: \n \t \r, \xHH (hex) and \NNN (decimal, as kcat's strtoul reads it). */
export function unescape (s: string): Buffer {
  const out: number[] = []
  const bytes = Buffer.from(s, 'utf8')
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]
    if (c !== 0x5c || i + 1 >= bytes.length) { out.push(c); continue }
    const n = String.fromCharCode(bytes[++i])
    if (n === 'n') out.push(10)
    else if (n === 't') out.push(9)
    else if (n === 'r') out.push(13)
    else if (n === 'x' || /[0-9]/.test(n)) {
      const re = n === 'x' ? /^[0-9a-fA-F]+/ : /^[0-9]+/
      const m = re.exec(bytes.subarray(n === 'x' ? i + 1 : i).toString('latin1'))
      if (m === null) { out.push(0); continue }
      out.push(parseInt(m[0], n === 'x' ? 16 : 10) & 0xff)
      i += (n === 'x' ? m[0].length : m[0].length - 1)
    } else out.push(bytes[i])
  }
  return Buffer.from(out)
}

/** Parses a `-f` format string into tokens; an unknown %x is a ConfigError, as kcat refuses it. */
export function parseFormat (fmt: string): Token[] {
  const tokens: Token[] = []
  let text = ''
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]
    if (c !== '%') { text += c; continue }
    const n = fmt[++i]
    if (n === undefined) throw new ConfigError('-f', 'empty formatter at the end of the format string')
    if (n === '%') { text += '%'; continue }
    const kind = FIELDS[n]
    if (kind === undefined) throw new ConfigError('-f', `unsupported formatter: %${n}`)
    if (text !== '') tokens.push({ kind: 'text', bytes: unescape(text) })
    text = ''
    tokens.push({ kind } as Token)
  }
  if (text !== '') tokens.push({ kind: 'text', bytes: unescape(text) })
  return tokens
}

export interface FormatContext {
  topic: string
  partition: number
  /** Print NULL for null keys, values and header values (-Z). */
  nullString: boolean
}

const NULL = Buffer.from('NULL')

/** Renders one record with `-f` tokens, appending buffers to `out`. */
export function renderRecord (tokens: Token[], r: KafkaRecord, ctx: FormatContext, out: Buffer[]): void {
  for (const t of tokens) {
    switch (t.kind) {
      case 'text': out.push(t.bytes); break
      case 'topic': out.push(Buffer.from(ctx.topic)); break
      case 'partition': out.push(Buffer.from(String(ctx.partition))); break
      case 'offset': out.push(Buffer.from(String(r.offset))); break
      case 'timestamp': out.push(Buffer.from(String(r.timestamp))); break
      // Empty and null print nothing, unless -Z asks for NULL for null ones.
      case 'key': if (r.key !== null && r.key.length > 0) out.push(r.key); else if (r.key === null && ctx.nullString) out.push(NULL); break
      case 'value': if (r.value !== null && r.value.length > 0) out.push(r.value); else if (r.value === null && ctx.nullString) out.push(NULL); break
      case 'keyLen': out.push(Buffer.from(String(r.key === null ? -1 : r.key.length))); break
      case 'valueLen': out.push(Buffer.from(String(r.value === null ? -1 : r.value.length))); break
      case 'headers': {
        // kcat prints name=value pairs joined by commas; a null value prints NULL.
        const parts = r.headers.map(h => `${h.key}=${h.value === null ? 'NULL' : h.value.toString('utf8')}`)
        out.push(Buffer.from(parts.join(',')))
        break
      }
    }
  }
}

function jsonBytes (b: Buffer | null): string {
  return b === null ? 'null' : JSON.stringify(b.toString('utf8'))
}

/** kcat -J's record envelope, field order as kcat writes it. */
export function renderJson (r: KafkaRecord, ctx: FormatContext, broker: number): string {
  let s = `{"topic":${JSON.stringify(ctx.topic)},"partition":${ctx.partition},"offset":${r.offset}`
  s += `,"tstype":"${r.timestamp < 0n ? 'unknown' : r.timestampType === 'logAppend' ? 'logappend' : 'create'}","ts":${r.timestamp}`
  s += `,"broker":${broker}`
  if (r.headers.length > 0) {
    s += `,"headers":[${r.headers.map(h => `${JSON.stringify(h.key)},${jsonBytes(h.value)}`).join(',')}]`
  }
  s += `,"key":${jsonBytes(r.key)},"payload":${jsonBytes(r.value)}}\n`
  return s
}

/** One record's output, written into an OutputBuffer. */
export type RecordPrinter = (r: KafkaRecord, out: OutputBuffer) => void

/**
 * Compiles `-f` tokens for one partition into a printer: what renderRecord does, without a Buffer per field. Topic
 * and partition are encoded once here, and offsets come from the lazy record's number fast path. Each token becomes
 * one small function and the printer calls them in a fixed sequence: a loop switching on token kinds per record
 * cost about as much as reading the record.
 */
export function compileFormat (tokens: Token[], ctx: FormatContext): RecordPrinter {
  const steps = tokens.map(t => step(t, ctx))
  switch (steps.length) {
    case 0: return () => {}
    case 1: return steps[0]
    case 2: {
      const [a, b] = steps
      return (r, out) => { a(r, out); b(r, out) }
    }
    case 3: {
      const [a, b, c] = steps
      return (r, out) => { a(r, out); b(r, out); c(r, out) }
    }
    default:
      return (r, out) => { for (let i = 0; i < steps.length; i++) steps[i](r, out) }
  }
}

/** The printer of one token. */
function step (t: Token, ctx: FormatContext): RecordPrinter {
  const nullString = ctx.nullString
  const bytesOrNull = (b: Buffer | null, out: OutputBuffer): void => {
    // Empty and null print nothing, unless -Z asks for NULL for null ones.
    if (b !== null) { if (b.length > 0) out.bytes(b) } else if (nullString) out.bytes(NULL)
  }
  switch (t.kind) {
    case 'text': {
      const bytes = t.bytes
      if (bytes.length === 1) {
        const c = bytes[0]
        return (_r, out) => out.byte(c)
      }
      return (_r, out) => out.bytes(bytes)
    }
    case 'topic': {
      const topic = Buffer.from(ctx.topic)
      return (_r, out) => out.bytes(topic)
    }
    case 'partition': {
      const partition = Buffer.from(String(ctx.partition))
      return (_r, out) => out.bytes(partition)
    }
    case 'offset': return (r, out) => {
      const n = r instanceof V2Record ? r.offsetNumber : NaN
      if (Number.isNaN(n)) out.ascii(String(r.offset)); else out.integer(n)
    }
    case 'timestamp': return (r, out) => out.ascii(String(r.timestamp))
    case 'key': return (r, out) => bytesOrNull(r.key, out)
    case 'value': return (r, out) => bytesOrNull(r.value, out)
    case 'keyLen': return (r, out) => out.integer(r.key === null ? -1 : r.key.length)
    case 'valueLen': return (r, out) => out.integer(r.value === null ? -1 : r.value.length)
    case 'headers':
      return (r, out) => out.string(r.headers.map(h => `${h.key}=${h.value === null ? 'NULL' : h.value.toString('utf8')}`).join(','))
  }
}
