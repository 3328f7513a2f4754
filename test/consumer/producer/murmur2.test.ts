import t from 'tap'
import { murmur2, partitionForKey } from '../../../consumer/producer/murmur2.js'

// Expected values computed by Kafka's own code, not ours: org.apache.kafka.common.utils.Utils.murmur2 and
// Utils.toPositive(h) % n from kafka-clients 4.4.0, run over the UTF-8 bytes of each key by a throwaway Java
// main (the interop test test-interop/producer/murmur2-java.test.ts recomputes them with the Java client).
// "0" -> 971027396 and "1" -> -1993445489 are also the vectors kafkajs publishes for its Java-compatible
// partitioner.
const vectors: Array<[key: string, hash: number, mod4: number, mod7: number]> = [
  ['', 275646681, 1, 2],
  ['a', -1563381124, 0, 5],
  ['ab', 316155434, 2, 0],
  ['abc', 479470107, 3, 4],
  ['abcd', -1323649548, 0, 5],
  ['abcde', 461995741, 1, 4],
  ['0', 971027396, 0, 3],
  ['1', -1993445489, 3, 2],
  ['key', -1079937367, 1, 4],
  ['hello world', 1221641059, 3, 2],
  ['kafka-direct', -2098138795, 1, 5],
  ['été', -2101193575, 1, 4],
  ['the quick brown fox jumps over the lazy dog', -890066680, 0, 3]
]

t.test('murmur2 matches the Java client on every tail length (0-3 bytes past a word)', async t => {
  for (const [key, hash, mod4, mod7] of vectors) {
    const bytes = Buffer.from(key, 'utf8')
    t.equal(murmur2(bytes), hash, `murmur2(${JSON.stringify(key)})`)
    t.equal(partitionForKey(bytes, 4), mod4, `${JSON.stringify(key)} of 4 partitions`)
    t.equal(partitionForKey(bytes, 7), mod7, `${JSON.stringify(key)} of 7 partitions`)
  }
})
