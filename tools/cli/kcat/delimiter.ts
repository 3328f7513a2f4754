import { ConfigError } from '../../../protocol/errors.js'

// kcat's -D and -K delimiters: "a-z | \r | \n | \t | \xNN .." says `kcat -h`; what kcat 1.7 reads (kcat.c
// parse_delim) is \n, \t and \x followed by hex digits (taken modulo 256); any other backslash stays as it is, \r
// included. The consumer's -K goes into its default format string instead (format.ts reads escapes there).

/** A -D or -K argument as the bytes it stands for; `\x` without a hex digit is a ConfigError naming the flag. */
export function parseDelimiter (flag: string, s: string): Buffer {
  const out: number[] = []
  const bytes = Buffer.from(s, 'utf8')
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]
    const next = bytes[i + 1]
    if (c !== 0x5c || next === undefined) { out.push(c); continue }
    if (next === 0x6e) { out.push(10); i++; continue } // \n
    if (next === 0x74) { out.push(9); i++; continue } // \t
    if (next !== 0x78) { out.push(c); continue } // not \x: the backslash is itself
    const hex = /^[0-9a-fA-F]+/.exec(bytes.subarray(i + 2).toString('latin1'))
    if (hex === null) throw new ConfigError(flag, `delimiter ${s} expects a hex number after \\x`)
    // strtoul reads every hex digit (saturating at 2^64-1 on overflow); kcat keeps the low byte.
    const value = BigInt(`0x${hex[0]}`)
    out.push(value > 0xffff_ffff_ffff_ffffn ? 0xff : Number(value & 0xffn))
    i += 1 + hex[0].length
  }
  return Buffer.from(out)
}
