import type { ApiSchema } from '../../../protocol/schema/define.js'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../../protocol/messages.js'
import { toHex } from './hex.js'

// A golden vector: a whole frame written by hand (header included, size prefix left out) and the body it decodes
// to. Each is checked both ways: decoding gives exactly the body, encoding the body gives exactly the bytes.

export interface Vector {
  name: string
  api: ApiSchema
  version: number
  kind: 'request' | 'response'
  /** The frame after its size prefix, header included. */
  frame: Buffer
  /** The whole decoded body: every field of the version, and the defaults of the fields outside it. */
  body: Record<string, unknown>
}

interface Tap {
  test: (name: string, fn: (t: any) => Promise<void>) => unknown
}

/** One subtest per vector; requests carry correlation id `correlation` and client id "kd". */
export function checkVectors (t: Tap, vectors: readonly Vector[], correlation: number): void {
  for (const v of vectors) {
    t.test(`${v.name}: decodes to the expected values and encodes to the same bytes`, async t => {
      if (v.kind === 'request') {
        const { api, header, body } = decodeRequest(v.frame)
        t.equal(api, v.api)
        t.strictSame(header, { apiKey: v.api.key, apiVersion: v.version, correlationId: correlation, clientId: 'kd' })
        t.strictSame(body, v.body)
        const bytes = encodeRequest(v.api, v.version, { correlationId: correlation, clientId: 'kd' }, v.body)
        t.equal(bytes.readInt32BE(0), v.frame.length, 'the size prefix is the frame length')
        t.equal(toHex(bytes.subarray(4)), toHex(v.frame))
      } else {
        const { correlationId, body } = decodeResponse(v.api, v.version, v.frame)
        t.equal(correlationId, correlation)
        t.strictSame(body, v.body)
        const bytes = encodeResponse(v.api, v.version, correlation, v.body)
        t.equal(bytes.readInt32BE(0), v.frame.length, 'the size prefix is the frame length')
        t.equal(toHex(bytes.subarray(4)), toHex(v.frame))
      }
    })
  }
}
