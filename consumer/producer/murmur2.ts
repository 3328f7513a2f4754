// The Java client's default partitioner for keyed records: murmur2 of the key bytes, made positive by clearing the
// sign bit, modulo the partition count (org.apache.kafka.common.utils.Utils.murmur2 and toPositive, used by
// BuiltInPartitioner.partitionForKey). librdkafka's `murmur2_random` and kafkajs's default partitioner compute the
// same, so a key lands on the same partition whichever of these clients wrote it. Unkeyed records are spread by
// the producer itself (sticky partitioning, KIP-480), not here.

const SEED = 0x9747b28c
const M = 0x5bd1e995

/** MurmurHash2 (32-bit) as Kafka's Java client computes it: seed 0x9747b28c, little-endian words, signed result. */
export function murmur2 (data: Uint8Array): number {
  const length = data.length
  let h = (SEED ^ length) | 0
  const words = length & ~3
  for (let i = 0; i < words; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
    k = Math.imul(k, M)
    k ^= k >>> 24
    k = Math.imul(k, M)
    h = Math.imul(h, M) ^ k
  }
  // The last 1-3 bytes, as Java's switch with fall-through adds them (byte 2, then 1, then 0, then one multiply).
  const tail = length & 3
  if (tail === 3) h ^= data[words + 2] << 16
  if (tail >= 2) h ^= data[words + 1] << 8
  if (tail >= 1) {
    h ^= data[words]
    h = Math.imul(h, M)
  }
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/** The partition the Java client's default partitioner picks for a key: toPositive(murmur2(key)) % partitions. */
export function partitionForKey (key: Uint8Array, partitionCount: number): number {
  return (murmur2(key) & 0x7fffffff) % partitionCount
}
