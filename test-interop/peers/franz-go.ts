import { join } from 'node:path'
import { FRANZ_GO_VERSION, buildGoProgram } from './go.js'
import { interopSourceDir } from './source-dir.js'

// Our Go programs built against franz-go: kgo-client (produce, consume, a group of two) and kfake (franz-go's
// fake cluster, started as a second anchor broker). The binaries live in the peer cache.

/**
 * kfake has no tagged versions of its own (it is a separate module inside franz-go's repository): this is the
 * newest pseudo-version the Go module proxy serves, built with franz-go FRANZ_GO_VERSION.
 */
export const KFAKE_VERSION = process.env.KAFKA_DIRECT_KFAKE_VERSION ?? 'v0.0.0-20260918054303-01f206a7e32c'

const source = (dir: string): string => join(interopSourceDir('go'), dir, 'main.go')

/** Builds (once, cached) test-interop/go/kgo-client; throws PeerUnavailable without Go or the module proxy. */
export function kgoClient (): Promise<string> {
  return buildGoProgram('kgo-client', [source('kgo-client')], [`github.com/twmb/franz-go@${FRANZ_GO_VERSION}`])
}

/** Builds (once, cached) test-interop/go/kfake, pinned to franz-go FRANZ_GO_VERSION and KFAKE_VERSION. */
export function kfakeProgram (): Promise<string> {
  return buildGoProgram('kfake', [source('kfake')], [`github.com/twmb/franz-go/pkg/kfake@${KFAKE_VERSION}`, `github.com/twmb/franz-go@${FRANZ_GO_VERSION}`])
}
