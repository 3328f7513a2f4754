// Golden vectors are written by hand as hex, one commented line per field. This turns such text back into bytes:
// `//` comments run to the end of the line, whitespace is ignored, everything else must be pairs of hex digits.

/** Parses hex text, ignoring whitespace and `//` comments; throws on anything else. */
export function hex (...parts: string[]): Buffer {
  const digits = parts.join('\n').replace(/\/\/[^\n]*/g, '').replace(/\s+/g, '')
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`not hex byte pairs: ${JSON.stringify(digits)}`)
  return Buffer.from(digits, 'hex')
}

/** Hex of a buffer, for readable diffs in assertions. */
export function toHex (b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
}
