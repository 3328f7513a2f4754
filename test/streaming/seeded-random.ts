// A seeded pseudo-random source for tests that pick random moments and inputs: the seed is printed, and
// KD_TEST_SEED=<seed> replays the same choices, so a failure seen once can be run again.

/** mulberry32: a 32-bit state, uniform floats in [0, 1); small and good enough to pick test inputs. */
export function seededRandom (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/** The seed from KD_TEST_SEED, or a fresh one; either way the caller prints it. */
export function testSeed (): number {
  const given = process.env.KD_TEST_SEED
  if (given !== undefined && given !== '') {
    if (!/^\d+$/.test(given)) throw new Error(`KD_TEST_SEED must be an unsigned integer, got ${JSON.stringify(given)}`)
    return Number(given) >>> 0
  }
  return Math.floor(Math.random() * 2 ** 32) >>> 0
}
