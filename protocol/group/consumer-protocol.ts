import { Reader } from '../reader.js'
import { Writer } from '../writer.js'
import { ProtocolError } from '../errors.js'
import { array, field, struct, type Infer, type InferInput } from '../schema/define.js'
import { compileStruct } from '../schema/compile.js'

// The embedded consumer protocol: what consumers put in the opaque bytes of the classic group protocol (protocol
// type "consumer"). JoinGroup carries each member's Subscription as a protocol's `metadata`; the leader decodes
// them all, computes the assignment, and sends each member's Assignment in SyncGroup. The broker never reads
// these bytes (except DescribeGroups tools), so every client of one group must agree on them byte for byte: Kafka's
// message definitions ConsumerProtocolSubscription.json and ConsumerProtocolAssignment.json (both "data"
// messages, never flexible), which the Java client, librdkafka and kafkajs all write.
//
// On the wire each is an int16 version followed by the struct of that version (ConsumerProtocol.java). Newer
// versions may only append fields, so a reader that meets a version above its own decodes with its highest
// version and ignores the rest ("The current implementation assumes that future versions will not break
// compatibility. When it encounters a newer version, it parses it using the current format.").
//
// Subscription: v1 adds ownedPartitions (KIP-429, cooperative rebalancing); v2 adds generationId, so the leader
// can tell stale owned partitions (KIP-792); v3 adds rackId (KIP-881, rack-aware assignment).
// Assignment: v1-3 are the same bytes as v0; the version follows the subscription's (KIP-792, KIP-881).

export const SUBSCRIPTION_VERSIONS = { min: 0, max: 3 } as const
export const ASSIGNMENT_VERSIONS = { min: 0, max: 3 } as const

const topicPartitions = (versions: string, name: string) => array([
  field('topic', 'string', { versions, about: 'The topic name.' }),
  field('partitions', array('int32'), { versions, about: 'The partition ids.' })
], name)

export const ConsumerProtocolSubscription = struct([
  field('topics', array('string'), { about: 'The topics that the member wants to consume.' }),
  field('userData', 'bytes', { nullable: '0+', default: null, about: 'User data that will be passed back to the consumer.' }),
  field('ownedPartitions', topicPartitions('1+', 'TopicPartition'), { versions: '1+', default: [], about: 'The partitions that the member owns.' }),
  field('generationId', 'int32', { versions: '2+', default: -1, about: 'The generation id of the member.' }),
  field('rackId', 'string', { versions: '3+', nullable: '3+', default: null, about: 'The rack id of the member.' })
], 'ConsumerProtocolSubscription')

export const ConsumerProtocolAssignment = struct([
  field('assignedPartitions', topicPartitions('0+', 'TopicPartition'), { about: 'The list of topics and partitions assigned to this consumer.' }),
  field('userData', 'bytes', { nullable: '0+', default: null, about: 'User data.' })
], 'ConsumerProtocolAssignment')

export type Subscription = Infer<typeof ConsumerProtocolSubscription> & { version: number }
export type SubscriptionInput = InferInput<typeof ConsumerProtocolSubscription>
export type Assignment = Infer<typeof ConsumerProtocolAssignment> & { version: number }
export type AssignmentInput = InferInput<typeof ConsumerProtocolAssignment>

/** The protocol type consumers join classic groups with (JoinGroup protocolType). */
export const CONSUMER_PROTOCOL_TYPE = 'consumer'

function encode (s: typeof ConsumerProtocolSubscription | typeof ConsumerProtocolAssignment, name: string, max: number, version: number, value: unknown): Buffer {
  if (!Number.isInteger(version) || version < 0 || version > max) throw new RangeError(`${name}: version ${version} is outside 0-${max}`)
  const w = new Writer(64)
  w.int16(version)
  compileStruct(s, name, version, false).write(w, value)
  return w.finish()
}

function decode<T> (s: typeof ConsumerProtocolSubscription | typeof ConsumerProtocolAssignment, name: string, max: number, buf: Buffer): T & { version: number } {
  const r = new Reader(buf)
  r.api = name
  const version = r.int16()
  if (version < 0) {
    throw new ProtocolError({ api: name, version, field: 'version', offset: 0 }, `negative version ${version}`)
  }
  // A newer version than ours: its prefix is our highest version; what follows is fields we do not know.
  const use = Math.min(version, max)
  r.version = use
  const value = compileStruct(s, name, use, false).read(r) as T
  if (version <= max && r.remaining > 0) {
    throw new ProtocolError({ api: name, version, field: '', offset: r.offset }, `${r.remaining} bytes left after the v${version} struct`)
  }
  return { ...value, version }
}

/** A member's subscription as JoinGroup metadata: int16 version (default 3), then the struct. */
export function encodeSubscription (sub: SubscriptionInput, version: number = SUBSCRIPTION_VERSIONS.max): Buffer {
  return encode(ConsumerProtocolSubscription, 'ConsumerProtocolSubscription', SUBSCRIPTION_VERSIONS.max, version, sub)
}

/** Decodes JoinGroup member metadata; ProtocolError on damaged bytes. */
export function decodeSubscription (buf: Buffer): Subscription {
  return decode<Infer<typeof ConsumerProtocolSubscription>>(ConsumerProtocolSubscription, 'ConsumerProtocolSubscription', SUBSCRIPTION_VERSIONS.max, buf)
}

/** A member's assignment for SyncGroup: int16 version (default 3), then the struct. */
export function encodeAssignment (a: AssignmentInput, version: number = ASSIGNMENT_VERSIONS.max): Buffer {
  return encode(ConsumerProtocolAssignment, 'ConsumerProtocolAssignment', ASSIGNMENT_VERSIONS.max, version, a)
}

/**
 * Decodes a SyncGroup assignment. Zero bytes mean "nothing assigned": the coordinator answers so for a member the
 * leader left out (Kafka's GroupCoordinator sends an empty array), and librdkafka and the Java client read it so.
 */
export function decodeAssignment (buf: Buffer): Assignment {
  if (buf.length === 0) return { assignedPartitions: [], userData: null, version: 0 }
  return decode<Infer<typeof ConsumerProtocolAssignment>>(ConsumerProtocolAssignment, 'ConsumerProtocolAssignment', ASSIGNMENT_VERSIONS.max, buf)
}
