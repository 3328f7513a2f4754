import { ConfigError, KafkaDirectError } from '../../../protocol/errors.js'

// kcat -s <pack-str>: fixed-layout binary keys and values printed as numbers and text, in the spirit of Python's
// struct.unpack (kcat 1.7 format.c, pack_check and unpack; `kcat -h` documents the tokens). The tokens print back
// to back, with nothing between them but the spaces the pack-str itself holds:
//   < > byte order of what follows (big-endian by default)   b B  signed / unsigned 8-bit integer
//   h H  16-bit   i I  32-bit   q Q  64-bit (lower case signed)   c  one byte, as it is
//   s  the rest, as text   $  nothing may be left   ' '  a space in the output
// Bytes left over after the last token are ignored. A value shorter than a token needs is an UnpackError naming
// the field and the token, after the tokens before it have printed (kcat prints as it goes).
//
// Where kcat 1.7.1 itself strays from what it documents, we do what it documents, and say so here:
// - `<` (little-endian): kcat's endian_swap converts from big-endian for both orders on a little-endian machine, so
//   its `<i` reads the same as `>i`. We read little-endian, as `kcat -h` says.
// Where kcat's output comes from C's handling of a buffer, we print what it prints for it:
// - `s` is printed with printf's "%.*s", which stops at the first NUL byte: the rest counts as consumed.
// - `c` with no byte left reads one past the value; in a v2 record that is the header count's varint, 0 for a
//   record without headers, so kcat prints a NUL byte there. We print a NUL and stay at the end.

export type PackToken = 'space' | 'little' | 'big' | 'b' | 'B' | 'h' | 'H' | 'i' | 'I' | 'q' | 'Q' | 'c' | 's' | 'end'

const TOKENS: Record<string, PackToken> = {
  ' ': 'space', '<': 'little', '>': 'big', b: 'b', B: 'B', h: 'h', H: 'H', i: 'i', I: 'I', q: 'q', Q: 'Q', c: 'c', s: 's', $: 'end'
}

/** How many bytes each integer token reads. */
const WIDTH: Partial<Record<PackToken, number>> = { b: 1, B: 1, h: 2, H: 2, i: 4, I: 4, q: 8, Q: 8 }

/** A value that does not fit its pack-str; `printed` is what the tokens before the failing one produced. */
export class UnpackError extends KafkaDirectError {
  constructor (readonly field: 'key' | 'value', message: string, readonly printed: Buffer) {
    super('ERR_UNPACK', message)
  }
}

/** Checks a pack-str as kcat's pack_check does, naming the -s field it is for. */
export function parsePackFormat (field: 'key' | 'value', fmt: string): PackToken[] {
  if (fmt === '') throw new ConfigError('-s', `${field} pack-format must not be empty`)
  return [...fmt].map(c => {
    const token = TOKENS[c]
    if (token === undefined) throw new ConfigError('-s', `invalid token '${c}' in ${field} pack-format, see -s usage (tokens: <>bBhHiIqQcs$ and space)`)
    return token
  })
}

/** Prints `data` by the pack-str's tokens; throws UnpackError when the data runs out or `$` finds bytes left. */
export function unpack (tokens: PackToken[], field: 'key' | 'value', data: Uint8Array): Buffer {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  const parts: Array<string | Buffer> = []
  const printed = (): Buffer => Buffer.concat(parts.map(p => typeof p === 'string' ? Buffer.from(p, 'latin1') : p))
  let little = false
  let at = 0
  for (const token of tokens) {
    const remaining = view.length - at
    const width = WIDTH[token]
    if (width !== undefined) {
      if (width > remaining) {
        throw new UnpackError(field, `${field} truncated, expected ${width} bytes to unpack ${token} but only ${remaining} bytes remaining`, printed())
      }
      parts.push(readInteger(view, at, token, little))
      at += width
      continue
    }
    switch (token) {
      case 'space': parts.push(' '); break
      case 'little': little = true; break
      case 'big': little = false; break
      case 'c':
        parts.push(remaining > 0 ? view.subarray(at, at + 1) : Buffer.alloc(1))
        if (remaining > 0) at++
        break
      case 's': {
        const nul = view.indexOf(0, at)
        parts.push(view.subarray(at, nul < 0 ? view.length : nul))
        at = view.length
        break
      }
      case 'end':
        if (remaining > 0) throw new UnpackError(field, `expected ${field} end-of-input, but ${remaining} bytes remaining`, printed())
        break
    }
  }
  return printed()
}

function readInteger (view: Buffer, at: number, token: PackToken, little: boolean): string {
  switch (token) {
    case 'b': return String(view.readInt8(at))
    case 'B': return String(view.readUInt8(at))
    case 'h': return String(little ? view.readInt16LE(at) : view.readInt16BE(at))
    case 'H': return String(little ? view.readUInt16LE(at) : view.readUInt16BE(at))
    case 'i': return String(little ? view.readInt32LE(at) : view.readInt32BE(at))
    case 'I': return String(little ? view.readUInt32LE(at) : view.readUInt32BE(at))
    case 'q': return String(little ? view.readBigInt64LE(at) : view.readBigInt64BE(at))
    default: return String(little ? view.readBigUInt64LE(at) : view.readBigUInt64BE(at))
  }
}
