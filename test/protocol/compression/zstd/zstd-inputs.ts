// Deterministic test inputs for the zstd tests, generated at run time (xorshift32), so no binary fixtures are
// checked in and every run sees the same bytes.

export function prng (seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s
  }
}

export function randomBytes (n: number, seed: number): Buffer {
  const next = prng(seed)
  const b = Buffer.allocUnsafe(n)
  for (let i = 0; i < n; i++) b[i] = next() & 0xff
  return b
}

const WORDS = [
  'kafka', 'record', 'batch', 'offset', 'partition', 'leader', 'broker', 'topic', 'consumer', 'fetch', 'the',
  'a', 'of', 'zstd', 'compression', '{"key":', '"value":', 'timestamp', 'headers', 'epoch', 'replica'
]

/** Word salad with numbers and newlines: compresses like log or JSON text. */
export function text (n: number, seed: number): Buffer {
  const next = prng(seed)
  const parts: string[] = []
  let len = 0
  while (len < n) {
    let w = WORDS[next() % WORDS.length]
    if (next() % 5 === 0) w += String(next() % 100000)
    w += next() % 9 === 0 ? '\n' : ' '
    parts.push(w)
    len += w.length
  }
  return Buffer.from(parts.join('')).subarray(0, n)
}

/** A short random phrase repeated until n bytes: highly compressible. */
export function repetitive (n: number, seed: number): Buffer {
  const unit = text(200, seed)
  const b = Buffer.allocUnsafe(n)
  for (let i = 0; i < n; i++) b[i] = unit[i % unit.length]
  return b
}
