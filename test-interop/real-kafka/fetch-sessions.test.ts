import t from 'tap'
import * as net from 'node:net'
import type { Duplex } from 'node:stream'
import { BrokerConnection } from '../../consumer/connection.js'
import { KafkaClient } from '../../consumer/cluster.js'
import { SimpleConsumer, tpKey } from '../../consumer/simple-consumer.js'
import { produce } from '../../consumer/producer.js'
import { Fetch, type FetchResponse } from '../../protocol/apis/fetch.js'
import { decodeRequest, decodeResponse } from '../../protocol/messages.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { FINAL_EPOCH } from '../../consumer/fetch-session.js'
import { realKafkaFor, realKafkaSkip } from './start-kafka.js'

// Incremental fetch sessions (KIP-227) between our SimpleConsumer and one real Kafka 4.x node. Our requests are
// decoded as they are written (a socket factory on the client's createSocket seam), so the test sees what went on
// the wire: Kafka gives a session id, later fetches are incremental and name only what changed, and every record of
// several partitions is read exactly once, in order, also across the session's ends that Kafka causes: another
// client closing it by id (FETCH_SESSION_ID_NOT_FOUND next) or moving its epoch on (INVALID_FETCH_SESSION_EPOCH
// next), and our own reconnection; and close() ends the session on Kafka.

t.setTimeout(600_000)
const skip = await realKafkaSkip()
const TOPIC = 'sessions'
const PARTITIONS = 3

interface SentFetch {
  sessionId: number
  sessionEpoch: number
  named: number[]
  forgotten: number[]
  /** What Kafka answered: its session id and the partitions its answer names (undefined until it comes). */
  answer?: { sessionId: number, errorCode: number, partitions: number[] }
}

/** A createSocket that decodes every Fetch request written through it, and Kafka's answer to it. */
function fetchCapture (sent: SentFetch[]): (opts: { host: string, port: number }) => Duplex {
  return ({ host, port }) => {
    const socket = net.connect({ host, port })
    socket.setNoDelay(true)
    // Fetch requests by correlation id, with their version, so that the answers can be decoded.
    const asked = new Map<number, { version: number, fetch: SentFetch }>()
    let incoming = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      incoming = incoming.length === 0 ? Buffer.from(chunk) : Buffer.concat([incoming, chunk])
      while (incoming.length >= 4 && incoming.length >= 4 + incoming.readInt32BE(0)) {
        const frame = incoming.subarray(4, 4 + incoming.readInt32BE(0))
        incoming = incoming.subarray(4 + frame.length)
        const request = asked.get(frame.readInt32BE(0))
        if (request === undefined) continue
        const body = decodeResponse(Fetch, request.version, Buffer.from(frame)).body as FetchResponse
        request.fetch.answer = { sessionId: body.sessionId, errorCode: body.errorCode, partitions: body.responses.flatMap(x => x.partitions.map(p => p.partitionIndex)) }
      }
    })
    let pending = Buffer.alloc(0)
    const write = socket.write.bind(socket) as (chunk: Buffer, ...rest: unknown[]) => boolean
    socket.write = ((chunk: Buffer, ...rest: unknown[]) => {
      pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk])
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(4, 4 + pending.readInt32BE(0))
        pending = pending.subarray(4 + frame.length)
        if (frame.readInt16BE(0) !== Fetch.key) continue
        const request = decodeRequest(frame)
        const body = request.body as { sessionId: number, sessionEpoch: number, topics: Array<{ partitions: Array<{ partition: number }> }>, forgottenTopicsData: Array<{ partitions: number[] }> }
        const fetch: SentFetch = {
          sessionId: body.sessionId,
          sessionEpoch: body.sessionEpoch,
          named: body.topics.flatMap(x => x.partitions.map(p => p.partition)),
          forgotten: body.forgottenTopicsData.flatMap(x => x.partitions)
        }
        sent.push(fetch)
        asked.set(request.header.correlationId, { version: request.header.apiVersion, fetch })
      }
      return write(chunk, ...rest)
    }) as typeof socket.write
    return socket
  }
}

t.test('fetch sessions with real Kafka', { skip }, async t => {
  const kafka = await realKafkaFor(t, { config: { 'num.partitions': PARTITIONS } })
  const expected: string[][] = Array.from({ length: PARTITIONS }, () => [])
  const producer = new KafkaClient({ bootstrapServers: kafka.bootstrap })
  t.teardown(async () => await producer.close())
  await producer.withRetries('Metadata', async () => await producer.topic(TOPIC, { allowAutoTopicCreation: true }), [TOPIC])
  /** Appends `batches` batches of 10 records to each partition (more to the later partitions). */
  const append = async (batches: number): Promise<void> => {
    for (let p = 0; p < PARTITIONS; p++) {
      for (let b = 0; b < batches * (p + 1); b++) {
        const values = Array.from({ length: 10 }, (_, i) => `p${p}-${expected[p].length + i}-${'x'.repeat(40)}`)
        await produce(producer, TOPIC, p, values.map(value => ({ value })))
        expected[p].push(...values)
      }
    }
  }
  const sent: SentFetch[] = []
  // Small partition limits: several rounds per range, so the session carries positions forward.
  const consumer = new SimpleConsumer({ bootstrapServers: kafka.bootstrap, createSocket: fetchCapture(sent), fetchWaitMaxMs: 100, maxPartitionFetchBytes: 600 })
  t.teardown(async () => await consumer.close())
  /** Reads every partition from `from` to its end and checks it against what was produced. */
  const readAll = async (from: number[]): Promise<void> => {
    const got = await consumer.fetch(expected.map((values, p) => ({ topic: TOPIC, partition: p, fromOffset: BigInt(from[p]), untilOffset: BigInt(values.length) })))
    for (let p = 0; p < PARTITIONS; p++) {
      t.same(got.get(tpKey(TOPIC, p))?.map(r => String(r.value)), expected[p].slice(from[p]), `partition ${p}: every record from ${from[p]} once, in order`)
    }
  }
  const ends = (): number[] => expected.map(v => v.length)

  await append(2)
  await readAll([0, 0, 0])
  t.match(sent[0], { sessionId: 0, sessionEpoch: 0, named: [0, 1, 2] }, 'the first fetch is full and asks for a session')
  const first = sent[1].sessionId
  t.not(first, 0, 'Kafka gave a session id')
  t.same(sent[0].answer, { sessionId: first, errorCode: ErrorCode.NONE, partitions: [0, 1, 2] }, 'in a full answer naming every partition')
  t.ok(sent.length > 3, `several rounds (${sent.length})`)
  t.same(sent.slice(1).map(s => [s.sessionId, s.sessionEpoch]), sent.slice(1).map((_, i) => [first, i + 1]), 'then incremental: epochs 1, 2, ...')
  t.ok(sent.some(s => s.forgotten.includes(0)), 'a partition read to its end is forgotten')
  t.ok(sent.some(s => s.sessionEpoch > 0 && s.named.length < PARTITIONS), 'some fetches name fewer partitions than they read')

  // At the end of every partition, twice: the second names nothing, Kafka leaves every partition out of its answer,
  // and the results still carry each partition's high watermark.
  const atEnd = ends().map((end, p) => ({ topic: TOPIC, partition: p, fromOffset: BigInt(end) }))
  await consumer.fetchOnce(atEnd, { maxWaitMs: 0 })
  const quiet = await consumer.fetchOnce(atEnd, { maxWaitMs: 0 })
  t.match(sent[sent.length - 1], { sessionId: first, named: [], forgotten: [], answer: { sessionId: first, partitions: [] } }, 'nothing changed: nothing named, nothing answered')
  for (let p = 0; p < PARTITIONS; p++) {
    const got = quiet.get(tpKey(TOPIC, p))
    t.same([got?.records.length, got?.nextOffset, got?.highWatermark, got?.logStartOffset], [0, BigInt(expected[p].length), BigInt(expected[p].length), 0n], `partition ${p}: its marks`)
  }

  // Another client closes our session by naming it in a sessionless fetch (Kafka lets any client do so): our next
  // incremental fetch meets FETCH_SESSION_ID_NOT_FOUND and is sent again in full, asking for a new session.
  const other = await BrokerConnection.open({ host: '127.0.0.1', port: kafka.brokers[0].port })
  t.teardown(async () => await other.close())
  const poke = async (sessionId: number, sessionEpoch: number): Promise<FetchResponse> => (await other.request<FetchResponse>(Fetch, undefined, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1024, isolationLevel: 0, sessionId, sessionEpoch, topics: [], forgottenTopicsData: [], rackId: ''
  })).body
  t.equal((await poke(first, FINAL_EPOCH)).errorCode, ErrorCode.NONE)
  let from = ends()
  let mark = sent.length
  await append(1)
  await readAll(from)
  t.match(sent.slice(mark, mark + 2), [
    { sessionId: first, answer: { errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND } },
    { sessionId: 0, sessionEpoch: 0, named: [0, 1, 2] }
  ], 'the refused fetch, then a full one')
  const second = sent[mark + 2]?.sessionId
  t.ok(second !== undefined && second !== 0 && second !== first, 'a new session')

  // Another client takes the epoch our next fetch would use: INVALID_FETCH_SESSION_EPOCH, then a full fetch that
  // names the session (closing it) and asks for a new one.
  const last = sent[sent.length - 1]
  t.equal((await poke(second, last.sessionEpoch + 1)).errorCode, ErrorCode.NONE, 'the other client took the next epoch')
  from = ends()
  mark = sent.length
  await append(1)
  await readAll(from)
  t.match(sent.slice(mark, mark + 2), [
    { sessionId: second, sessionEpoch: last.sessionEpoch + 1, answer: { errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH } },
    { sessionId: second, sessionEpoch: 0, named: [0, 1, 2] }
  ])
  const third = sent[mark + 2]?.sessionId
  t.ok(third !== undefined && third !== 0 && third !== second, 'a new session')

  // A new connection: the session's last request may have been lost, so it is closed and a new one opened.
  await (await consumer.client.connection(kafka.brokers[0].nodeId)).close()
  from = ends()
  mark = sent.length
  await append(1)
  await readAll(from)
  t.match(sent[mark], { sessionId: third, sessionEpoch: 0, named: [0, 1, 2] })
  t.equal((await poke(third, 1)).errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND, 'the old session is gone')

  // close() ends the session on Kafka (epoch -1, nothing named), as the Java consumer does: it frees the slot in
  // Kafka's session cache at once instead of leaving it to eviction.
  const fourth = sent[sent.length - 1].sessionId
  t.not(fourth, 0)
  mark = sent.length
  await consumer.close()
  t.match(sent.slice(mark), [{ sessionId: fourth, sessionEpoch: FINAL_EPOCH, named: [], answer: { errorCode: ErrorCode.NONE, sessionId: 0 } }], 'one closing fetch, answered')
  t.equal((await poke(fourth, 1)).errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND, 'Kafka no longer has it')
})
