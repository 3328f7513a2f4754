// The per-topic answers of the offset-commit requests (OffsetCommit, TxnOffsetCommit), built as Kafka's response
// builders build them: partitions refused before the coordinator is asked are added first, then the coordinator's
// answers are merged in, each topic keeping one entry (keyed by id when the request names topics by id, by name
// before) in the order of its first mention.

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
