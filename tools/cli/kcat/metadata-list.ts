import { ErrorCode, errorInfo } from '../../../protocol/error-codes.js'
import type { ClusterMetadata } from '../../../consumer/index.js'

// kcat -L: the cluster's brokers, topics and partitions, in kcat's text layout or its -J JSON, in the order the
// broker listed them (partitions sorted by id, as librdkafka sorts them).

/** librdkafka's rd_kafka_err2str for broker errors: "Broker: " and the error name in sentence case. */
export function brokerErrorString (code: number): string {
  const words = errorInfo(code).name.toLowerCase().split('_').join(' ')
  return `Broker: ${words[0].toUpperCase()}${words.slice(1)}`
}

/** librdkafka names the broker that answered "host:port/id", or "host:port/bootstrap" before it knows the id. */
function originName (md: ClusterMetadata): string {
  return `${md.answeredBy.address}/${md.answeredBy.nodeId < 0 ? 'bootstrap' : md.answeredBy.nodeId}`
}

export function renderMetadataText (md: ClusterMetadata, topic: string | undefined): string {
  const lines: string[] = []
  lines.push(`Metadata for ${topic ?? 'all topics'} (from broker ${md.answeredBy.nodeId}: ${originName(md)}):`)
  lines.push(` ${md.brokers.length} brokers:`)
  for (const b of md.brokers) lines.push(`  broker ${b.nodeId} at ${b.host}:${b.port}${b.nodeId === md.controllerId ? ' (controller)' : ''}`)
  lines.push(` ${md.topics.length} topics:`)
  for (const t of md.topics) {
    let head = `  topic "${t.name}" with ${t.partitions.length} partitions:`
    if (t.errorCode !== ErrorCode.NONE) head += ` ${brokerErrorString(t.errorCode)}${t.errorCode === ErrorCode.LEADER_NOT_AVAILABLE ? ' (try again)' : ''}`
    lines.push(head)
    for (const p of t.partitions) {
      let line = `    partition ${p.partition}, leader ${p.leader}, replicas: ${p.replicas.join(',')}, isrs: ${p.isr.join(',')}`
      if (p.errorCode !== ErrorCode.NONE) line += `, ${brokerErrorString(p.errorCode)}`
      lines.push(line)
    }
  }
  return lines.join('\n') + '\n'
}

export function renderMetadataJson (md: ClusterMetadata, topic: string | undefined): string {
  const out = {
    originating_broker: { id: md.answeredBy.nodeId, name: originName(md) },
    query: { topic: topic ?? '*' },
    controllerid: md.controllerId,
    brokers: md.brokers.map(b => ({ id: b.nodeId, name: `${b.host}:${b.port}` })),
    topics: md.topics.map(t => ({
      topic: t.name,
      ...(t.errorCode !== ErrorCode.NONE ? { error: brokerErrorString(t.errorCode) } : {}),
      partitions: t.partitions.map(p => ({
        partition: p.partition,
        ...(p.errorCode !== ErrorCode.NONE ? { error: brokerErrorString(p.errorCode) } : {}),
        leader: p.leader,
        replicas: p.replicas.map(id => ({ id })),
        isrs: p.isr.map(id => ({ id }))
      }))
    }))
  }
  // kcat writes no newline after the JSON document.
  return JSON.stringify(out)
}
