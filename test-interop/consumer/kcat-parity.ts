import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'

// What the kcat comparisons share, against librdkafka's mock cluster (librdkafka-mock.test.ts) and against real
// Kafka (../real-kafka/cli.test.ts): running kcat itself, and the -C output formats both must print identically.

export const KCAT = '/usr/bin/kcat'
export const haveKcat = existsSync(KCAT)

/** Runs kcat; rejects when it exits non-zero. */
export async function kcat (args: string[], input?: string): Promise<{ stdout: string, stderr: string }> {
  return await new Promise((resolve, reject) => {
    const child = execFile(KCAT, args, { maxBuffer: 1 << 26, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err !== null) reject(Object.assign(err, { stderr })); else resolve({ stdout, stderr })
    })
    // kcat may exit before reading its input (-V, an error): the EPIPE that follows is not the test's failure.
    child.stdin?.on('error', () => {})
    child.stdin?.end(input ?? '')
  })
}

/** The -C flag sets compared: default format, JSON, every % field, a key delimiter, a relative start, a count. */
export const CONSUME_FORMATS: string[][] = [[], ['-J'], ['-f', '%t|%p|%o|%k|%K|%s|%S|%T|%h\\n'], ['-K', '::'], ['-o', '-7'], ['-o', '150', '-c', '9']]

/** Non-empty lines, sorted: for output whose order across partitions is not defined. */
export const sorted = (s: string): string[] => s.split('\n').filter(l => l !== '').sort()

/** The librdkafka version kcat is built on ([major, minor, patch]), from `kcat -V`; undefined if it cannot tell. */
export async function librdkafkaVersion (): Promise<[number, number, number] | undefined> {
  try {
    const m = /librdkafka (\d+)\.(\d+)\.(\d+)/.exec((await kcat(['-V'])).stdout)
    return m === null ? undefined : [Number(m[1]), Number(m[2]), Number(m[3])]
  } catch {
    return undefined
  }
}
