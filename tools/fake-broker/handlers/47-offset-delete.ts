import { OffsetDelete } from '../../../protocol/apis/index.js'
import { ProtocolError } from '../../../protocol/errors.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { decodeSubscription } from '../../../protocol/group/consumer-protocol.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorizedNames, groupAuthError } from '../access-check.js'

// OffsetDelete (key 47), v0: removes committed offsets of some partitions of a group (KIP-496). Refused for a
// topic that a member of the group subscribes to (GROUP_SUBSCRIBED_TO_TOPIC), read from the members'
// ConsumerProtocolSubscription, as Kafka's coordinator does.

type Req = Infer<typeof OffsetDelete.request>
type Res = InferInput<typeof OffsetDelete.response>

/** A member's subscribed topics; a subscription we cannot read subscribes to nothing. */
function topicsOf (metadata: Buffer): string[] {
  try { return decodeSubscription(metadata).topics } catch (err) { if (err instanceof ProtocolError) return []; throw err }
}

export const offsetDeleteHandler = serve<Req>(OffsetDelete, '0', (ctx): Res => {
  const { body } = ctx
  // DELETE on the group, READ on each topic (KafkaApis.handleOffsetDeleteRequest).
  const error = groupAuthError(ctx, AclOperation.DELETE, body.groupId) || coordinatorError(ctx, body.groupId)
  if (error !== ErrorCode.NONE) return { errorCode: error, throttleTimeMs: 0, topics: [] }
  const readable = authorizedNames(ctx, AclOperation.READ, ResourceType.TOPIC, body.topics.map(t => t.name))
  const refused = body.topics.filter(t => !readable.has(t.name))
    .map(t => ({ name: t.name, partitions: t.partitions.map(p => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED })) }))
  const topics = body.topics.filter(t => readable.has(t.name))
  const unknown = topics.filter(t => t.partitions.some(p => ctx.cluster.partition(t.name, p.partitionIndex) === undefined))
  const r = ctx.cluster.groups.deleteOffsets(body.groupId, topics.map(t => ({ name: t.name, partitions: t.partitions.map(p => p.partitionIndex) })), topicsOf)
  // A partition the cluster does not have: UNKNOWN_TOPIC_OR_PARTITION, whatever the group says.
  for (const t of r.topics) {
    if (!unknown.some(u => u.name === t.name)) continue
    for (const p of t.partitions) if (ctx.cluster.partition(t.name, p.partitionIndex) === undefined) p.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
  }
  return { errorCode: r.errorCode, throttleTimeMs: 0, topics: [...refused, ...r.topics] }
})
