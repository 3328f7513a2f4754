import { decodeResponse, encodeRequest } from '../../protocol/messages.js'
import type { ApiSchema } from '../../protocol/schema/define.js'
import { RawClient } from '../../test/tools/fake-broker/raw-client.js'

// One side of the differential test: a broker (real Kafka or the fake) spoken to with our codec over one raw
// connection, one request at a time. The corpus (corpus.ts) runs the same sequence against each side and returns
// what it wants compared; nothing here interprets the answers. A connection the broker closes (Kafka does so for a
// request version it does not serve) is an answer too: { closed: true }, and the next request opens a new one.

/** What a side answered when it closed the connection instead. */
export interface Closed { closed: true }

export type Side = 'kafka' | 'fake'

export class Session {
  private client: RawClient | undefined
  private correlationId = 0

  constructor (readonly side: Side, readonly bootstrap: string) {}

  private async connection (): Promise<RawClient> {
    this.client ??= await RawClient.connect(this.bootstrap)
    return this.client
  }

  /** Sends one request and returns the decoded response body, or { closed: true }. */
  async request (api: ApiSchema, version: number, body: unknown): Promise<any> {
    return await this.raw(encodeRequest(api, version, { correlationId: 0, clientId: 'differential' }, body), api, version)
  }

  /**
   * Sends a whole size-prefixed request frame and decodes the answer as `api` at `version`: for requests our
   * encoder will not write, such as ApiVersions at a version nobody speaks. The frame's correlation id (bytes 8-11:
   * after the size, the API key and the version) is set here.
   */
  async raw (frame: Buffer, api: ApiSchema, version: number): Promise<any> {
    const client = await this.connection()
    const id = ++this.correlationId
    frame.writeInt32BE(id, 8)
    client.send(frame)
    const answer = await client.nextFrame()
    if (answer === undefined) {
      this.close()
      return { closed: true } satisfies Closed
    }
    const decoded = decodeResponse(api, version, answer)
    if (decoded.correlationId !== id) throw new Error(`${this.side}: ${api.name} v${version} answered with correlation id ${decoded.correlationId}, expected ${id}`)
    return decoded.body
  }

  /** Sends a request that gets no response (Produce with acks 0). */
  async send (api: ApiSchema, version: number, body: unknown): Promise<void> {
    const client = await this.connection()
    const frame = encodeRequest(api, version, { correlationId: ++this.correlationId, clientId: 'differential' }, body)
    client.send(frame)
  }

  close (): void {
    this.client?.close()
    this.client = undefined
  }
}
