// The per-topic answers of the offset-commit requests (OffsetCommit, TxnOffsetCommit), built as Kafka's response
// builders build them: partitions refused before the coordinator is asked are added first, then the coordinator's
// answers are merged in, each topic keeping one entry (keyed by id when the request names topics by id, by name
// before) in the order of its first mention.

import { ErrorCode } from '../../../protocol/error-codes.js'

export interface ResTopic { name: string, topicId: string, partitions: Array<{ partitionIndex: number, errorCode: number }> }

/** A topic of the answer, named as the request named it (echoing the id it gave; '' for an id nobody knows). */
export function answer (t: { topicId: string }, name: string | undefined, partitions: ResTopic['partitions']): ResTopic {
  return { name: name ?? '', topicId: t.topicId, partitions }
}

/** The answer's topics, one entry per topic, in order of first mention. */
export class TopicAnswers {
  readonly topics: ResTopic[] = []

  constructor (private readonly byId: boolean) {}

  add (topic: ResTopic, partitionIndex: number, errorCode: number): void {
    this.entry(topic).partitions.push({ partitionIndex, errorCode })
  }

  /** Adds a topic's partitions to its entry, or the topic at the end (the response builders' merge). */
  merge (topic: ResTopic): void {
    this.entry(topic).partitions.push(...topic.partitions)
  }

  private entry (topic: ResTopic): ResTopic {
    const key = (t: ResTopic): string => this.byId ? t.topicId : t.name
    let found = this.topics.find(t => key(t) === key(topic))
    if (found === undefined) this.topics.push(found = { ...topic, partitions: [] })
    return found
  }
}

interface ReqTopic { topicId: string, partitions: Array<{ partitionIndex: number }> }

/**
 * The checks Kafka's KafkaApis makes on each topic of an offset commit before its coordinator sees it: an id the
 * cluster does not know (`names[i]` undefined) is UNKNOWN_TOPIC_ID, a topic not in `readable` is
 * TOPIC_AUTHORIZATION_FAILED, a partition the topic lacks is UNKNOWN_TOPIC_OR_PARTITION. The refused partitions go
 * into the answer first; the rest are passed on, per topic.
 */
export function refuseBeforeCoordinator<T extends ReqTopic> (
  topics: T[], names: Array<string | undefined>, readable: ReadonlySet<string>, exists: (name: string, partition: number) => boolean, byId: boolean
): { refused: TopicAnswers, passed: Array<{ topic: T, name: string, partitions: Array<T['partitions'][number]> }> } {
  const refused = new TopicAnswers(byId)
  const passed: Array<{ topic: T, name: string, partitions: Array<T['partitions'][number]> }> = []
  topics.forEach((t, i) => {
    const name = names[i]
    if (name === undefined || !readable.has(name)) {
      const topicError = name === undefined ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.TOPIC_AUTHORIZATION_FAILED
      for (const p of t.partitions) refused.add(answer(t, name, []), p.partitionIndex, topicError)
      return
    }
    const known = t.partitions.filter(p => exists(name, p.partitionIndex))
    for (const p of t.partitions) if (!known.includes(p)) refused.add(answer(t, name, []), p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    if (known.length > 0) passed.push({ topic: t, name, partitions: known })
  })
  return { refused, passed }
}
