// `kafka-direct decode`: reads size-prefixed Kafka frames (a capture, a golden vector, a hex paste) and shows
// what is in them, field by field. Requests name their API and version in the header, so they decode on their
// own; a response header carries only the correlation id, so responses need --response --api --api-version.
//
// The default output is an annotated dump: every field with its byte offset in the input, its raw bytes, its
// path and its decoded value, built from the Reader's trace hook (protocol/reader.ts), which the compiled schema
// calls for every field in pre-order. --json prints one object per frame instead.
import { readFile } from 'node:fs/promises'
import { Reader, type TraceEvent } from '../../../protocol/reader.js'
import { KafkaDirectError, ProtocolError } from '../../../protocol/errors.js'
import { ErrorCode, errorInfo } from '../../../protocol/error-codes.js'
import { apiByNameOrKey } from '../../../protocol/apis/index.js'
import { decodeRequest, decodeResponse } from '../../../protocol/messages.js'
import { requestHeaderVersion, responseHeaderVersion } from '../../../protocol/headers.js'
import type { ApiSchema } from '../../../protocol/schema/define.js'
import { inRange } from '../../../protocol/schema/versions.js'

/** Where the command reads and writes; tests pass their own. */
export interface DecodeIo {
  stdin?: NodeJS.ReadableStream | Buffer | string
  stdout?: { write: (s: string) => unknown }
  stderr?: { write: (s: string) => unknown }
}

interface Options {
  hex: boolean
  json: boolean
  response: boolean
  api: ApiSchema | undefined
  apiVersion: number | undefined
  file: string
}

const USAGE = `Usage: kafka-direct decode [--hex] [--json] [--response --api NAME|KEY --api-version N] [FILE|-]

Decodes one or more size-prefixed Kafka frames from FILE (or stdin).
  --hex           the input is hex text; whitespace and // comments are ignored
  --json          one JSON object per frame per line instead of the annotated dump
  --response      the frames are responses: name the API and version they answer
  --api           API name (Metadata) or key (3), with --response
  --api-version   the version that was requested, with --response
`

class UsageError extends Error {}

export async function run (argv: string[], io: DecodeIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout
  const stderr = io.stderr ?? process.stderr
  let opts: Options
  try {
    opts = parseArgs(argv)
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message !== '') stderr.write(`kafka-direct decode: ${e.message}\n`)
      stderr.write(USAGE)
      return e.message === '' ? 0 : 2
    }
    throw e
  }
  try {
    let input = await readInput(opts.file, io.stdin ?? process.stdin)
    if (opts.hex) input = parseHexText(input.toString('latin1'))
    for (const frame of splitFrames(input)) {
      try {
        stdout.write(opts.json ? jsonLine(frame, opts) : dump(frame, opts))
      } catch (e) {
        // Offsets in decode errors count from the frame's header, after its size prefix.
        if (e instanceof KafkaDirectError) {
          // A response read as a request fails somewhere baffling (its correlation id taken for an API key and
          // version): say, on the same one line, what else the bytes may be.
          const hint = opts.response ? '' : ' (if this is a response, pass --response --api NAME --api-version N)'
          stderr.write(`kafka-direct decode: frame ${frame.index} (size prefix at input byte ${frame.at}): ${e.name}: ${e.message}${hint}\n`)
          return 1
        }
        throw e
      }
    }
    return 0
  } catch (e) {
    // Bad input is an expected failure: one line, no stack trace.
    if (e instanceof KafkaDirectError) {
      stderr.write(`kafka-direct decode: ${e.name}: ${e.message}\n`)
      return 1
    }
    if (isFsError(e)) {
      stderr.write(`kafka-direct decode: ${e.message}\n`)
      return 1
    }
    throw e
  }
}

function isFsError (e: unknown): e is Error {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && (e as NodeJS.ErrnoException).syscall !== undefined
}

function parseArgs (argv: string[]): Options {
  const opts: Options = { hex: false, json: false, response: false, api: undefined, apiVersion: undefined, file: '-' }
  let fileSeen = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new UsageError(`${a} needs a value`)
      return v
    }
    if (a === '--hex') opts.hex = true
    else if (a === '--json') opts.json = true
    else if (a === '--response') opts.response = true
    else if (a === '--api') {
      const name = value()
      opts.api = apiByNameOrKey(name)
      if (opts.api === undefined) throw new UsageError(`unknown API ${JSON.stringify(name)}`)
    } else if (a === '--api-version') {
      const v = value()
      if (!/^\d+$/.test(v)) throw new UsageError(`--api-version must be a number, got ${JSON.stringify(v)}`)
      opts.apiVersion = Number(v)
    } else if (a === '-h' || a === '--help') throw new UsageError('')
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`)
    else {
      if (fileSeen) throw new UsageError('only one input file')
      opts.file = a
      fileSeen = true
    }
  }
  if (!opts.response && opts.api === undefined && opts.apiVersion === undefined) inferResponse(opts)
  if (opts.response) {
    if (opts.api === undefined || opts.apiVersion === undefined) throw new UsageError('--response needs --api and --api-version')
    if (!inRange(opts.api.versions, opts.apiVersion)) {
      throw new UsageError(`${opts.api.name} has versions ${opts.api.versions.text}, not ${opts.apiVersion}`)
    }
  } else if (opts.api !== undefined || opts.apiVersion !== undefined) {
    throw new UsageError('--api and --api-version go with --response (requests name their own API)')
  }
  return opts
}

/**
 * A file named as the captured fixtures are (`04-metadata-v4-response.bin`: API in kebab case, version, direction)
 * says what its frames are, so it decodes without --response --api --api-version.
 */
function inferResponse (opts: Options): void {
  const m = /(?:^|[/\\])(?:\d+-)?([a-z][a-z-]*?)-v(\d+)-response(?:\.[^/\\]*)?$/i.exec(opts.file)
  if (m === null) return
  const api = apiByNameOrKey(m[1].replace(/-/g, ''))
  if (api === undefined || !inRange(api.versions, Number(m[2]))) return
  opts.response = true
  opts.api = api
  opts.apiVersion = Number(m[2])
}

async function readInput (file: string, stdin: NonNullable<DecodeIo['stdin']>): Promise<Buffer> {
  if (file !== '-') return await readFile(file)
  if (Buffer.isBuffer(stdin)) return stdin
  if (typeof stdin === 'string') return Buffer.from(stdin)
  const chunks: Buffer[] = []
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks)
}

/** Hex text to bytes: whitespace and `//` comments (as in the golden vectors) are ignored. */
export function parseHexText (text: string): Buffer {
  const digits = text.replace(/\/\/[^\n]*/g, '').replace(/\s+/g, '')
  const bad = /[^0-9a-fA-F]/.exec(digits)
  if (bad !== null) throw new ProtocolError({ api: 'hex input', version: 0, field: '(text)', offset: bad.index >> 1 }, `not a hex digit: ${JSON.stringify(bad[0])}`)
  if (digits.length % 2 !== 0) throw new ProtocolError({ api: 'hex input', version: 0, field: '(text)', offset: digits.length >> 1 }, 'odd number of hex digits')
  return Buffer.from(digits, 'hex')
}

interface Frame {
  /** Position of the size prefix in the input. */
  at: number
  index: number
  /** The 4-byte size prefix. */
  sizeBytes: Buffer
  /** The frame without its size prefix. */
  bytes: Buffer
}

/** Splits the input at its 4-byte size prefixes (protocol guide, "Common Request and Response Structure"). */
function splitFrames (input: Buffer): Frame[] {
  const frames: Frame[] = []
  let at = 0
  while (at < input.length) {
    const where = { api: `frame ${frames.length + 1}`, version: 0, field: 'size', offset: at }
    if (input.length - at < 4) throw new ProtocolError(where, `needs a 4-byte size, ${input.length - at} bytes left`)
    const size = input.readInt32BE(at)
    if (size < 0) throw new ProtocolError(where, `negative size ${size}`)
    if (size > input.length - at - 4) throw new ProtocolError(where, `size ${size} exceeds the ${input.length - at - 4} bytes left`)
    frames.push({ at, index: frames.length + 1, sizeBytes: input.subarray(at, at + 4), bytes: input.subarray(at + 4, at + 4 + size) })
    at += 4 + size
  }
  return frames
}

interface Decoded {
  api: ApiSchema
  apiVersion: number
  correlationId: number
  clientId?: string | null
  body: Record<string, unknown>
  /** Header fields as dump lines: they are read before tracing can name them. */
  header: TraceEvent[]
  events: TraceEvent[]
  note: string
}

function decodeFrame (frame: Frame, opts: Options, trace: boolean): Decoded {
  const events: TraceEvent[] = []
  const onEvent = trace ? (e: TraceEvent) => { events.push(e) } : undefined
  if (!opts.response) {
    const d = decodeRequest(frame.bytes, onEvent)
    const hv = requestHeaderVersion(d.api, d.header.apiVersion)
    return {
      api: d.api,
      apiVersion: d.header.apiVersion,
      correlationId: d.header.correlationId,
      clientId: d.header.clientId,
      body: d.body,
      header: trace ? requestHeaderEvents(frame.bytes, hv, d.api) : [],
      events,
      note: `request header v${hv}`
    }
  }
  const api = opts.api as ApiSchema
  const version = opts.apiVersion as number
  const d = decodeResponse(api, version, frame.bytes, onEvent)
  const hv = responseHeaderVersion(api, version)
  return {
    api,
    apiVersion: d.version,
    correlationId: d.correlationId,
    body: d.body,
    header: trace ? responseHeaderEvents(frame.bytes, hv) : [],
    events,
    note: `response header v${hv}` + (d.version !== version ? `; v${version} was requested, the broker answered with a v${d.version} body` : '')
  }
}

// The headers were already decoded successfully; these re-read them to find where each field lies.
function requestHeaderEvents (bytes: Buffer, headerVersion: 1 | 2, api: ApiSchema): TraceEvent[] {
  const r = new Reader(bytes)
  const out: TraceEvent[] = []
  const step = (path: string, type: string, read: () => unknown): void => {
    const start = r.offset
    const value = read()
    out.push({ path, type, start, end: r.offset, value })
  }
  step('header.apiKey', 'int16', () => r.int16())
  out[0].value = `${String(out[0].value)} (${api.name})`
  step('header.apiVersion', 'int16', () => r.int16())
  step('header.correlationId', 'int32', () => r.int32())
  step('header.clientId', 'nullable string', () => r.nullableString())
  if (headerVersion === 2) step('header._taggedFields', 'tagged fields', () => { r.skipTaggedFields() })
  return out
}

function responseHeaderEvents (bytes: Buffer, headerVersion: 0 | 1): TraceEvent[] {
  const r = new Reader(bytes)
  const out: TraceEvent[] = [{ path: 'header.correlationId', type: 'int32', start: 0, end: 4, value: r.int32() }]
  if (headerVersion === 1) {
    r.skipTaggedFields()
    out.push({ path: 'header._taggedFields', type: 'tagged fields', start: 4, end: r.offset, value: undefined })
  }
  return out
}

// ---- The annotated dump ----------------------------------------------------------------------------------------

const RAW_SHOWN = 8

function dump (frame: Frame, opts: Options): string {
  const d = decodeFrame(frame, opts, true)
  const base = frame.at + 4
  const lines: string[] = []
  const kind = opts.response ? 'response' : 'request'
  lines.push(`frame ${frame.index} at byte ${frame.at}: ${d.api.name} (key ${d.api.key}) v${d.apiVersion} ${kind}, ${frame.bytes.length + 4} bytes; ${d.note}`)
  const input = { bytes: frame.bytes, base }
  lines.push(line(frame.at, rawOf(frame.sizeBytes), 0, 'size', 'int32', String(frame.bytes.length)))
  for (const e of d.header) lines.push(eventLine(input, e, e.end, 0))
  writeTree(lines, input, d.events)
  return lines.join('\n') + '\n'
}

interface Input { bytes: Buffer, base: number }
interface Node { event: TraceEvent, children: Node[] }

/** Rebuilds the nesting from the pre-order events: a child's path extends its parent's with "." or "[". */
function writeTree (lines: string[], input: Input, events: TraceEvent[]): void {
  const roots: Node[] = []
  const stack: Node[] = []
  for (const event of events) {
    const node: Node = { event, children: [] }
    while (stack.length > 0 && !isChild(stack[stack.length - 1].event.path, event.path)) stack.pop()
    if (stack.length === 0) roots.push(node)
    else stack[stack.length - 1].children.push(node)
    stack.push(node)
  }
  for (const n of roots) writeNode(lines, input, n, 0)
}

function isChild (parent: string, path: string): boolean {
  return path.length > parent.length && path.startsWith(parent) && (path[parent.length] === '.' || path[parent.length] === '[')
}

function writeNode (lines: string[], input: Input, node: Node, depth: number): void {
  const e = node.event
  // A container's own bytes are its prefix (a length or count) up to its first child; the bytes between
  // children (a tagged field's tag and size) get a line of their own.
  const ownEnd = node.children.length > 0 ? node.children[0].event.start : e.end
  lines.push(eventLine(input, e, ownEnd, depth))
  let at = ownEnd
  for (const child of node.children) {
    if (child.event.start > at) {
      lines.push(line(input.base + at, rawOf(input.bytes.subarray(at, child.event.start)), depth + 1, '', '(tag, size)', ''))
    }
    writeNode(lines, input, child, depth + 1)
    at = Math.max(at, child.event.end)
  }
}

function eventLine (input: Input, e: TraceEvent, ownEnd: number, depth: number): string {
  return line(input.base + e.start, rawOf(input.bytes.subarray(e.start, Math.max(e.start, ownEnd))), depth, e.path, e.type, describe(e))
}

function line (offset: number, raw: string, depth: number, path: string, type: string, value: string): string {
  const head = `${String(offset).padStart(7)}  ${raw.padEnd(RAW_SHOWN * 3 + 10)}  ${'  '.repeat(depth)}${path}`
  const tail = value === '' ? type : `${type} = ${value}`
  return `${head}  ${tail}`.trimEnd()
}

function rawOf (b: Buffer): string {
  const shown = b.subarray(0, RAW_SHOWN).toString('hex').replace(/(..)(?!$)/g, '$1 ')
  return b.length > RAW_SHOWN ? `${shown} … +${b.length - RAW_SHOWN}` : shown
}

function describe (e: TraceEvent): string {
  const v = e.value
  if (v === undefined) return ''
  if (v === null) return 'null'
  if (Buffer.isBuffer(v)) return `${v.length} bytes`
  if (Array.isArray(v)) return `${v.length} element${v.length === 1 ? '' : 's'}`
  if (typeof v === 'string') return /^header\.apiKey$/.test(e.path) ? v : JSON.stringify(v)
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'object') return ''
  // Error codes are easier to read with their names (protocol guide, "Error Codes").
  if (typeof v === 'number' && v !== ErrorCode.NONE && /(^|\.)errorCode$/.test(e.path)) return `${v} (${errorInfo(v).name})`
  return String(v)
}

// ---- JSON ------------------------------------------------------------------------------------------------------

function jsonLine (frame: Frame, opts: Options): string {
  const d = decodeFrame(frame, opts, false)
  const out: Record<string, unknown> = { apiKey: d.api.key, apiVersion: d.apiVersion, correlationId: d.correlationId }
  if (!opts.response) out.clientId = d.clientId
  out.body = toJson(d.body)
  return JSON.stringify(out) + '\n'
}

/** int64 as a number when exact, else a decimal string; bytes as hex. */
export function toJson (v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()
  if (Buffer.isBuffer(v)) return v.toString('hex')
  if (Array.isArray(v)) return v.map(toJson)
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) o[k] = toJson(x)
    return o
  }
  return v
}
