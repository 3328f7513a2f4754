import { ProtocolError } from '../protocol/errors.js'

// Kafka frames on a TCP stream are a 4-byte big-endian size followed by that many bytes (protocol guide,
// "Common Request and Response Structure"). TCP delivers them in arbitrary pieces: one socket chunk may hold half a
// size prefix, the tail of one frame and three more whole frames. The parser below turns such chunks back into
// frames.
//
// What it buys:
// - A frame lying wholly inside one chunk is handed out as a view (`subarray`), never copied.
// - A frame split across chunks is copied once into a buffer of exactly its size, allocated only after the size
//   has been checked against `maxFrameBytes`: a hostile or corrupt size prefix (2 GiB) fails at once instead of
//   allocating.
// - With `readBuffer`/`filled` (a socket's `onread` option, plain TCP) the kernel reads a frame's body straight into
//   the frame's own buffer: no intermediate chunk, no copy, one read for as much of the frame as has arrived. Only
//   size prefixes and small frames pass through a reused scratch buffer (and are copied out of it, since it is
//   reused).

/** Reads between frame bodies: size prefixes and small responses. Bodies larger than what is left go in place. */
const SCRATCH_BYTES = 64 * 1024

/** A frame size prefix that is negative or above the configured limit. */
function badSize (size: number, maxFrameBytes: number, where: string): ProtocolError {
  const detail = size < 0
    ? `negative frame size ${size}`
    : `frame size ${size} exceeds the limit of ${maxFrameBytes} bytes (raise the receive limit if the broker legitimately sends larger responses)`
  return new ProtocolError({ api: where, version: 0, field: 'size', offset: 0, direction: 'response' }, detail)
}

export interface FrameParserOptions {
  /** Largest frame body accepted, in bytes. */
  maxFrameBytes: number
  /** Called once per complete frame body (without the size prefix), in stream order. */
  onFrame: (frame: Buffer) => void
  /** Names the stream in errors, e.g. "broker 127.0.0.1:9092". */
  where?: string
  /** Where the bodies of frames that straddle chunks are allocated (a BufferPool's `take`); default Buffer.allocUnsafe. */
  allocate?: (size: number) => Buffer
}

export class FrameParser {
  private readonly maxFrameBytes: number
  private readonly onFrame: (frame: Buffer) => void
  private readonly where: string
  private readonly allocate: (size: number) => Buffer
  /** The size prefix being assembled when it straddles chunks. */
  private readonly sizeBytes = Buffer.alloc(4)
  private sizeFilled = 0
  /** The body of a frame that straddles chunks, and how much of it has arrived. */
  private partial: Buffer | null = null
  private partialFilled = 0
  /** Where reads land between frame bodies (`readBuffer`); reused, so frames found in it are copied out. */
  private scratch: Buffer | undefined = undefined

  constructor (opts: FrameParserOptions) {
    this.maxFrameBytes = opts.maxFrameBytes
    this.onFrame = opts.onFrame
    this.where = opts.where ?? 'frame'
    this.allocate = opts.allocate ?? (size => Buffer.allocUnsafe(size))
  }

  /** Bytes held for an incomplete frame (size prefix included). */
  get bufferedBytes (): number {
    return this.sizeFilled + this.partialFilled
  }

  /**
   * Feeds one chunk from the stream. Calls `onFrame` for every frame the chunk completes. Throws a ProtocolError
   * for a size prefix that is negative or over the limit; the stream cannot be resynchronised after that.
   */
  push (chunk: Buffer): void {
    this.parse(chunk, false)
  }

  /**
   * The buffer the next socket read should fill: the unfilled rest of the frame body being assembled, or the
   * scratch buffer between bodies. Pass what was read to `filled`.
   */
  readBuffer (): Buffer {
    if (this.partial !== null) return this.partial.subarray(this.partialFilled)
    return (this.scratch ??= Buffer.allocUnsafeSlow(SCRATCH_BYTES))
  }

  /** Takes `n` bytes read into `buf`, a buffer `readBuffer` returned. Throws as `push` does. */
  filled (n: number, buf: Buffer): void {
    const partial = this.partial
    if (partial !== null && buf.buffer === partial.buffer && buf.byteOffset === partial.byteOffset + this.partialFilled) {
      // Read in place: the body only needs counting.
      this.partialFilled += n
      if (this.partialFilled === partial.length) {
        this.partial = null
        this.partialFilled = 0
        this.onFrame(partial)
      }
      return
    }
    this.parse(buf.subarray(0, n), true)
  }

  /** `transient`: the chunk's memory is reused after this call, so frames are copied out rather than viewed. */
  private parse (chunk: Buffer, transient: boolean): void {
    let pos = 0
    const end = chunk.length
    while (pos < end) {
      if (this.partial !== null) {
        // Continue a body that straddles chunks.
        const n = Math.min(this.partial.length - this.partialFilled, end - pos)
        chunk.copy(this.partial, this.partialFilled, pos, pos + n)
        this.partialFilled += n
        pos += n
        if (this.partialFilled === this.partial.length) {
          const frame = this.partial
          this.partial = null
          this.partialFilled = 0
          this.onFrame(frame)
        }
        continue
      }
      let size: number
      if (this.sizeFilled === 0 && end - pos >= 4) {
        size = chunk.readInt32BE(pos)
        pos += 4
      } else {
        // The size prefix itself straddles chunks: gather its four bytes.
        const n = Math.min(4 - this.sizeFilled, end - pos)
        chunk.copy(this.sizeBytes, this.sizeFilled, pos, pos + n)
        this.sizeFilled += n
        pos += n
        if (this.sizeFilled < 4) return
        this.sizeFilled = 0
        size = this.sizeBytes.readInt32BE(0)
      }
      if (size < 0 || size > this.maxFrameBytes) throw badSize(size, this.maxFrameBytes, this.where)
      if (end - pos >= size) {
        // The whole body is in this chunk: a view, no copy (unless the chunk is the reused scratch buffer).
        const view = chunk.subarray(pos, pos + size)
        pos += size
        this.onFrame(transient ? Buffer.from(view) : view)
      } else {
        this.partial = this.allocate(size)
        this.partialFilled = 0
      }
    }
  }

  /** Drops any incomplete frame (after the connection it came from is gone). */
  reset (): void {
    this.partial = null
    this.partialFilled = 0
    this.sizeFilled = 0
  }
}
