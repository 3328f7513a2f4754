import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { PeerUnavailable, cached, digest, exec, hasCommand } from './cache.js'

// Go peers: small programs of ours (under test-interop/, one main.go each) built against modules from the Go module
// proxy, franz-go's kgo/kadm/kfake and Sarama. The module and the binary live in the peer cache, never in the repo.

export const FRANZ_GO_VERSION = process.env.KAFKA_DIRECT_FRANZ_GO_VERSION ?? 'v1.22.3'
export const KADM_VERSION = process.env.KAFKA_DIRECT_KADM_VERSION ?? 'v1.20.0'
/** Sarama 1.22: its ClusterAdmin's ListTopics sends DescribeConfigs v0 (issue 15); it predates the move to IBM/sarama. */
export const SARAMA_VERSION = process.env.KAFKA_DIRECT_SARAMA_VERSION ?? 'v1.22.1'
/** Today's Sarama, moved to github.com/IBM/sarama: for the group calls 1.22 lacks (DeleteConsumerGroup, ...). */
export const IBM_SARAMA_VERSION = process.env.KAFKA_DIRECT_IBM_SARAMA_VERSION ?? 'v1.61.1'

/**
 * Builds one Go program from `sources` (our .go files) with the given module requirements (`path@version`), and
 * returns the binary's path. Throws PeerUnavailable when Go is missing or the modules cannot be fetched.
 */
export async function buildGoProgram (name: string, sources: string[], modules: string[]): Promise<string> {
  if (!await hasCommand('go', 'version')) throw new PeerUnavailable('go is not installed')
  const texts = sources.map(s => readFileSync(s, 'utf8'))
  const dir = await cached(`go-${name}`, digest(...modules, ...texts), async dir => {
    for (const s of sources) copyFileSync(s, join(dir, basename(s)))
    writeFileSync(join(dir, 'go.mod'), `module kafkadirect/peers/${name}\n\ngo 1.22\n`)
    const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' }
    for (const m of modules) {
      const r = await exec('go', ['get', m], { cwd: dir, env })
      if (r.code !== 0) throw new PeerUnavailable(`go get ${m} failed: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`)
    }
    const tidy = await exec('go', ['mod', 'tidy'], { cwd: dir, env })
    if (tidy.code !== 0) throw new Error(`go mod tidy failed for ${name}: ${tidy.stderr}`)
    const r = await exec('go', ['build', '-o', join(dir, name), '.'], { cwd: dir, env })
    if (r.code !== 0) throw new Error(`go build failed for ${name}:\n${r.stderr}`)
  })
  return join(dir, name)
}
