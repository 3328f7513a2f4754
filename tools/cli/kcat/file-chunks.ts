import * as fs from 'node:fs'
import type { Readable } from 'node:stream'

// `-P < file`: when standard input is a regular file, it is read in chunks into one reused buffer instead of through
// process.stdin, whose stream allocates a new 64 KiB buffer per read. Producing 1 GB from a file then leaves no
// gigabyte of dead chunks for Node's collector (which frees such off-heap memory only tens of MiB at a time); the
// line splitter copies what it keeps of a chunk before asking for the next one. Pipes and terminals keep the
// stream: a blocking read there would stall the producer, and a file read never blocks on input that is not there.

const CHUNK_BYTES = 256 * 1024

/** Chunks of the file open on `fd`, each valid only until the next is asked for. */
export async function * fileChunks (fd: number, chunkBytes = CHUNK_BYTES): AsyncGenerator<Buffer> {
  const buf = Buffer.allocUnsafe(chunkBytes)
  for (;;) {
    const n = await new Promise<number>((resolve, reject) => {
      // position null: from the file's current offset, as a shell's `< file` left it.
      fs.read(fd, buf, 0, buf.length, null, (err, bytes) => { if (err !== null) reject(err); else resolve(bytes) })
    })
    if (n === 0) return
    yield buf.subarray(0, n)
  }
}

/** Standard input as chunks: read from fd 0 into a reused buffer when it is a regular file, else the stream itself. */
export function inputChunks (stdin: Readable): Readable | AsyncIterable<Buffer> {
  if (stdin !== process.stdin) return stdin
  try {
    if (fs.fstatSync(0).isFile()) return fileChunks(0)
  } catch {}
  return stdin
}
