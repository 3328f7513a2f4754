import type { TopicPartition } from '../simple-consumer.js'

// What a group member is told when its partitions change, awaited before the member moves on, so that a user can
// commit or flush what it did with a partition before another member takes it over (the Java client's
// ConsumerRebalanceListener).
//
// - revoked: the partitions are being given up in an orderly rebalance; commits still succeed in the callback.
// - lost: the member was dropped from the group (session timeout, fencing): the partitions may already belong to
//   someone else and commits would fail. Without an onPartitionsLost, onPartitionsRevoked is called, as in Java.
// - assigned: the partitions are this member's; positions are read from the committed offsets right after, so a
//   seek() in the callback decides where reading starts.

export interface RebalanceListener {
  onPartitionsAssigned?: (partitions: TopicPartition[]) => void | Promise<void>
  onPartitionsRevoked?: (partitions: TopicPartition[]) => void | Promise<void>
  onPartitionsLost?: (partitions: TopicPartition[]) => void | Promise<void>
}
