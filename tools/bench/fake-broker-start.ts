// One cold start of the fake broker inside a fresh Node process, for tools/bench/fake-broker.bench.ts: how long
// loading its modules takes, and how long `FakeCluster.start()` takes to the first Metadata a client has answered
// (our client: connect, ApiVersions, Metadata), the figure issue 15 asks to be under 20 ms. Prints one JSON line.
const importBegan = performance.now()
const { FakeCluster } = await import('../fake-broker/index.js')
const { KafkaClient } = await import('../../consumer/cluster.js')
const importMs = performance.now() - importBegan

const began = performance.now()
const cluster = await FakeCluster.start({ topics: [{ name: 'bench', partitions: 4 }] })
const startedMs = performance.now() - began
const client = new KafkaClient({ bootstrapServers: cluster.bootstrap.split(','), retries: 0 })
try {
  await client.metadata([])
  const metadataMs = performance.now() - began
  process.stdout.write(`${JSON.stringify({ importMs, startedMs, metadataMs })}\n`)
} finally {
  await client.close()
  await cluster.stop()
}
