// Opens the default OffsetSource for kafkaParams: a SimpleConsumer (consumer/). Loaded lazily so that jobs that
// bring their own source (tests, MemoryOffsetSource) never load the network client.
import type { ResolvedKafkaParams } from './kafka-params.js'
import type { OffsetSource } from './offset-source.js'

export async function openSource (params: ResolvedKafkaParams): Promise<OffsetSource> {
  const { SimpleConsumerSource } = await import('./simple-consumer-source.js')
  return new SimpleConsumerSource(params)
}
