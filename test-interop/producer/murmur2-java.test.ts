import t from 'tap'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { PeerUnavailable, exec } from '../peers/cache.js'
import { compileJava, kafkaClientsCoordinates, resolveJars } from '../peers/maven.js'
import { murmur2, partitionForKey } from '../../consumer/producer/murmur2.js'

// Our partitioner against the Java client's own murmur2 (kafka-clients' Utils.murmur2 and toPositive), on fixed
// keys and on random ones of every length from 0 to 40 bytes (hex, so they pass through argv unchanged).

t.test('murmur2 and the default partition agree with the Java client', async t => {
  let classpath: string[]
  let classes: string
  const source = join(import.meta.dirname, '..', 'java', 'Murmur2Vectors.java')
  try {
    classpath = await resolveJars('kafka-clients', kafkaClientsCoordinates())
    classes = await compileJava('murmur2-vectors', [source], classpath, [readFileSync(source, 'utf8')])
  } catch (err) {
    if (err instanceof PeerUnavailable) { t.skip(`Java peer unavailable: ${err.message}`); return }
    throw err
  }
  const keys = ['', 'a', 'key', 'kafka-direct', 'été']
  for (let n = 0; n <= 40; n++) keys.push(randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n))
  const r = await exec('java', ['-cp', [classes, ...classpath].join(':'), 'Murmur2Vectors', ...keys], { timeoutMs: 60_000 })
  t.equal(r.code, 0, r.stderr)
  const lines = r.stdout.trim().split('\n')
  t.equal(lines.length, keys.length)
  keys.forEach((key, i) => {
    const [hash, mod4, mod7] = lines[i].split('\t').map(Number)
    const bytes = Buffer.from(key, 'utf8')
    t.equal(murmur2(bytes), hash, `murmur2(${JSON.stringify(key)})`)
    t.equal(partitionForKey(bytes, 4), mod4)
    t.equal(partitionForKey(bytes, 7), mod7)
  })
})
