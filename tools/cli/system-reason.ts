/**
 * A system error as the C library words it ("No such file or directory"), from Node's "ENOENT: no such file or
 * directory, open 'x'": kcat prints strerror's text after the file name, and so do we.
 */
export function systemReason (err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  const m = /^E[A-Z]+: ([^,]+)/.exec(message)
  return m === null ? message : m[1][0].toUpperCase() + m[1].slice(1)
}
