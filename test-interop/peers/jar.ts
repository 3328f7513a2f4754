import { readFileSync } from 'node:fs'
import { inflateRawSync } from 'node:zlib'

// A jar is a zip file. This reads the entries under one folder of a jar (Kafka's message definitions live under
// common/message/ in kafka-clients), so the tests need no `unzip` on the machine. It reads only what the JDK's
// jar tool writes: the central directory at the end, then each entry stored (method 0) or deflated (method 8).
// Layout: PKWARE's APPNOTE.TXT, sections 4.3.7 (local header), 4.3.12 (central directory), 4.3.16 (end record).

const END_OF_CENTRAL_DIRECTORY = 0x06054b50
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50
const LOCAL_FILE_HEADER = 0x04034b50

/** The entries of `jarPath` whose names start with `prefix`, by name, uncompressed. */
export function readJarEntries (jarPath: string, prefix: string): Map<string, Buffer> {
  const zip = readFileSync(jarPath)
  // The end record is 22 bytes plus a comment of up to 65535 bytes: search backwards for its signature.
  let end = -1
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) { end = i; break }
  }
  if (end < 0) throw new Error(`${jarPath}: not a zip file (no end of central directory)`)
  const count = zip.readUInt16LE(end + 10)
  let at = zip.readUInt32LE(end + 16)
  const out = new Map<string, Buffer>()
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== CENTRAL_DIRECTORY_ENTRY) throw new Error(`${jarPath}: bad central directory entry at ${at}`)
    const method = zip.readUInt16LE(at + 10)
    const compressedSize = zip.readUInt32LE(at + 20)
    const nameLength = zip.readUInt16LE(at + 28)
    const extraLength = zip.readUInt16LE(at + 30)
    const commentLength = zip.readUInt16LE(at + 32)
    const localHeader = zip.readUInt32LE(at + 42)
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength)
    at += 46 + nameLength + extraLength + commentLength
    if (!name.startsWith(prefix) || name.endsWith('/')) continue
    if (zip.readUInt32LE(localHeader) !== LOCAL_FILE_HEADER) throw new Error(`${jarPath}: bad local header for ${name}`)
    // The local header repeats the name and has its own extra field, whose length may differ from the central one.
    const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28)
    const data = zip.subarray(dataStart, dataStart + compressedSize)
    if (method === 0) out.set(name, Buffer.from(data))
    else if (method === 8) out.set(name, inflateRawSync(data))
    else throw new Error(`${jarPath}: ${name} uses compression method ${method}`)
  }
  return out
}
