import { ConfigError } from '../../../protocol/errors.js'
import type { KafkaRecord } from '../../../protocol/records/index.js'
import { V2Record } from '../../../protocol/records/lazy-record.js'
import type { OutputBuffer } from './output-buffer.js'
import { KafkaDirectError } from '../../../protocol/errors.js'
import { unpack, UnpackError, type PackToken } from './pack-format.js'
import { parseDelimiter } from './delimiter.js'

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

/**
 * The tokens of a -C or -G run's text output: -f's, or kcat's default, `%s` (`%k<-K delimiter>%s` with -K)
 * followed by the -D delimiter (default newline).
 */
export function textFormat (o: { format: string | undefined, keyDelimiter: string | undefined, messageDelimiter: string }): Token[] {
  if (o.format !== undefined) return parseFormat(o.format)
  const tokens = parseFormat(o.keyDelimiter !== undefined ? `%k${o.keyDelimiter}%s` : '%s')
  tokens.push({ kind: 'text', bytes: parseDelimiter('-D', o.messageDelimiter) })
  return tokens
}

export interface FormatContext {
  topic: string
  partition: number
  /** Print NULL for null keys, values and header values (-Z). */
  nullString: boolean
  /** -s key=<pack-str>, -s value=<pack-str>: non-empty keys and values printed through pack-format.ts. */
  keyPack?: PackToken[]
  valuePack?: PackToken[]
  /**
   * -E: a record that does not fit its pack-str is reported here and the rest of its format skipped, as kcat does;
   * without it the printer throws a RecordFormatError (kcat exits on the first one).
   */
  onFormatError?: (message: string) => void
}

/** A record that could not be printed by -s; kcat's "Failed to format message in T [P] at offset O: ..." line. */
export class RecordFormatError extends KafkaDirectError {
  constructor (message: string) {
    super('ERR_RECORD_FORMAT', message)
  }
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
      // Empty and null print nothing, unless -Z asks for NULL: kcat tests the length, so an empty one prints NULL too.
      case 'key': if (r.key !== null && r.key.length > 0) out.push(packed(r.key, 'key', ctx.keyPack)); else if (ctx.nullString) out.push(NULL); break
      case 'value': if (r.value !== null && r.value.length > 0) out.push(packed(r.value, 'value', ctx.valuePack)); else if (ctx.nullString) out.push(NULL); break
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

/** -E: records that do not fit their -s pack-str are reported on stderr and skipped; without it the run ends. */
export function formatErrorReporter (o: { exitOnError: boolean, stderr: { write: (s: string) => unknown } }): ((message: string) => void) | undefined {
  return o.exitOnError ? undefined : message => { o.stderr.write(`% ERROR: ${message}\n`) }
}

/** A key or value as it prints: itself, or unpacked by its -s pack-str. */
function packed (b: Buffer, field: 'key' | 'value', pack: PackToken[] | undefined): Buffer {
  return pack === undefined ? b : unpack(pack, field, b)
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
  const print = compileSteps(tokens.map(t => step(t, ctx)))
  if (ctx.keyPack === undefined && ctx.valuePack === undefined) return print
  // A record whose key or value does not fit its pack-str: what printed before the failing token stays (kcat writes
  // as it goes), the rest of the format, the delimiter included, is skipped.
  return (r, out) => {
    try {
      print(r, out)
    } catch (err) {
      if (!(err instanceof UnpackError)) throw err
      out.bytes(err.printed)
      const message = `Failed to format message in ${ctx.topic} [${ctx.partition}] at offset ${r.offset}: ${err.message}`
      if (ctx.onFormatError === undefined) throw new RecordFormatError(`${message}: terminating`)
      ctx.onFormatError(message)
    }
  }
}

/** Runs the printers of a format's tokens in sequence. */
function compileSteps (steps: RecordPrinter[]): RecordPrinter {
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
    // Empty and null print nothing, unless -Z asks for NULL: kcat tests the length (format.c, "if
    // (rkmessage->key_len) ... else if (conf.flags & CONF_F_NULL)"), so an empty one prints NULL too.
    if (b !== null && b.length > 0) out.bytes(b); else if (nullString) out.bytes(NULL)
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
    case 'key': return packedStep(ctx.keyPack, 'key', bytesOrNull) ?? ((r, out) => bytesOrNull(r.key, out))
    case 'value': return packedStep(ctx.valuePack, 'value', bytesOrNull) ?? ((r, out) => bytesOrNull(r.value, out))
    case 'keyLen': return (r, out) => out.integer(r.key === null ? -1 : r.key.length)
    case 'valueLen': return (r, out) => out.integer(r.value === null ? -1 : r.value.length)
    case 'headers':
      return (r, out) => out.string(r.headers.map(h => `${h.key}=${h.value === null ? 'NULL' : h.value.toString('utf8')}`).join(','))
  }
}

/** The printer of %k or %s under -s: non-empty bytes unpacked, empty and null ones as without -s. */
function packedStep (pack: PackToken[] | undefined, field: 'key' | 'value', bytesOrNull: (b: Buffer | null, out: OutputBuffer) => void): RecordPrinter | undefined {
  if (pack === undefined) return undefined
  return (r, out) => {
    const b = field === 'key' ? r.key : r.value
    if (b !== null && b.length > 0) out.bytes(unpack(pack, field, b)); else bytesOrNull(b, out)
  }
}
