import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ApiVersions, ConsumerGroupDescribe, CreateAcls, CreateTopics, DeleteAcls, DeleteRecords, DescribeAcls, DescribeCluster, DescribeGroups, DescribeTopicPartitions, Fetch, ListOffsets, Metadata, OffsetCommit, OffsetFetch, Produce } from '../../protocol/apis/index.js'
import { decodeRequest, encodeRequest } from '../../protocol/messages.js'
import {
  COORDINATOR_NOT_READY, FIRST_BATCH, SECOND_BATCH, T0, batch, commit, createTopic, fetch, filledTopic, findCoordinator, joinGroup,
  listOffsets, metadata, partitionOf, produce, stableGroup, waitForLeaders, withMaxTimestamp
} from './requests.js'
import type { Session } from './session.js'

// The corpus: request sequences, written with our codec (and, for one case, replayed from client traffic captured
// in test/protocol/fixtures/), each run against real Kafka and against the fake broker. A case returns what it
// wants compared, labelled; setting-up requests whose answers do not matter are not returned. Each case uses its
// own topics, so the cases are independent on the one cluster of each side. Versions are the highest both sides
// serve unless the case is about a version.

export interface Case {
  name: string
  run: (s: Session) => Promise<Record<string, unknown>>
}

export const CORPUS: Case[] = [
  {
    name: 'ListOffsets v10 with every special timestamp, and by time',
    run: async s => {
      await filledTopic(s, 'lo-special')
      return {
        latest: await listOffsets(s, 'lo-special', -1n),
        earliest: await listOffsets(s, 'lo-special', -2n),
        maxTimestamp: await listOffsets(s, 'lo-special', -3n),
        earliestLocal: await listOffsets(s, 'lo-special', -4n),
        latestTiered: await listOffsets(s, 'lo-special', -5n),
        byTime: await listOffsets(s, 'lo-special', T0 + 1500n),
        afterEveryRecord: await listOffsets(s, 'lo-special', T0 + 10_000n),
        missingPartition: (await s.request(ListOffsets, 10, { replicaId: -1, topics: [{ name: 'lo-special', partitions: [{ partitionIndex: 7, timestamp: -1n }] }] })).topics[0].partitions[0]
      }
    }
  },
  {
    name: 'ListOffsets v1 (the lowest Kafka 4 serves) and v0 (removed in Kafka 4)',
    run: async s => {
      await filledTopic(s, 'lo-old')
      return {
        v1Latest: await listOffsets(s, 'lo-old', -1n, 1),
        v1Earliest: await listOffsets(s, 'lo-old', -2n, 1),
        v1ByTime: await listOffsets(s, 'lo-old', T0 + 1500n, 1),
        v0Latest: await listOffsets(s, 'lo-old', -1n, 0)
      }
    }
  },
  {
    name: 'Fetch at the high watermark, past it, far out of range and below the log start',
    run: async s => {
      await filledTopic(s, 'fe-range')
      return {
        atHighWatermark: await fetch(s, 'fe-range', 4n),
        pastHighWatermark: await fetch(s, 'fe-range', 5n),
        farOutOfRange: await fetch(s, 'fe-range', 1000n),
        negative: await fetch(s, 'fe-range', -3n),
        fromMiddleOfBatch: await fetch(s, 'fe-range', 1n),
        missingPartition: await fetch(s, 'fe-range', 0n, { partitions: [3] })
      }
    }
  },
  {
    name: 'Fetch with byte limits below the first batch (KIP-74)',
    run: async s => {
      await createTopic(s, 'fe-limit', 2)
      for (const p of [0, 1]) {
        await produce(s, 'fe-limit', p, batch(FIRST_BATCH))
        await produce(s, 'fe-limit', p, batch(SECOND_BATCH))
      }
      return {
        partitionLimit10: await fetch(s, 'fe-limit', 0n, { partitionMaxBytes: 10 }),
        responseLimit10: await fetch(s, 'fe-limit', 0n, { maxBytes: 10, partitions: [0, 1] }),
        partitionLimitOneBatchAndABit: await fetch(s, 'fe-limit', 0n, { partitionMaxBytes: 140 })
      }
    }
  },
  {
    name: 'Fetch v17 by topic id, and with an unknown topic id',
    run: async s => {
      await filledTopic(s, 'fe-ids')
      const md = await metadata(s, 'fe-ids', false)
      const topicId = md.topics[0].topicId
      const body = (id: string): unknown => ({
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topicId: id, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [], rackId: ''
      })
      return {
        byId: await s.request(Fetch, 17, body(topicId)),
        unknownId: await s.request(Fetch, 17, body('0123abcd-0000-4000-8000-00000000beef'))
      }
    }
  },
  {
    name: 'Fetch v12, v15 and v17 with a leader epoch the broker does not know yet (UNKNOWN_LEADER_EPOCH, no leader hint)',
    run: async s => {
      await filledTopic(s, 'fe-epoch')
      const topicId = (await metadata(s, 'fe-epoch', false)).topics[0].topicId
      const body = (currentLeaderEpoch: number): unknown => ({
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: 'fe-epoch', topicId, partitions: [{ partition: 0, currentLeaderEpoch, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [], rackId: ''
      })
      // KIP-951's currentLeader is filled for NOT_LEADER_OR_FOLLOWER and FENCED_LEADER_EPOCH from v16 only.
      return {
        v12: await s.request(Fetch, 12, body(7)),
        v15: await s.request(Fetch, 15, body(7)),
        v17: await s.request(Fetch, 17, body(7)),
        current: await s.request(Fetch, 17, body(0))
      }
    }
  },
  {
    name: 'Fetch v12 and v17 with lastFetchedEpoch (KIP-595 truncation detection): diverging, unknown epoch, below the log start',
    run: async s => {
      await filledTopic(s, 'fe-diverge')
      const topicId = (await metadata(s, 'fe-diverge', false)).topics[0].topicId
      const body = (lastFetchedEpoch: number, fetchOffset: bigint, sessionId = 0, sessionEpoch = -1): unknown => ({
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId, sessionEpoch,
        topics: [{ topic: 'fe-diverge', topicId, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [], rackId: ''
      })
      // A session answers a diverging partition every time, even when nothing else about it changed.
      const full = await s.request(Fetch, 12, body(0, 1000n, 0, 0))
      const again = await s.request(Fetch, 12, { ...(body(0, 1000n, full.sessionId, 1) as object), topics: [] })
      return {
        // The leader's epoch 0 ends at the log end (4): fetching there is not a divergence, past it is.
        atEnd: await s.request(Fetch, 12, body(0, 4n)),
        pastEnd: await s.request(Fetch, 12, body(0, 1000n)),
        pastEndV17: await s.request(Fetch, 17, body(0, 6n)),
        // An epoch newer than any the leader knows: its end cannot be found, OFFSET_OUT_OF_RANGE.
        unknownEpoch: await s.request(Fetch, 12, body(5, 2n)),
        belowLogStart: await s.request(Fetch, 12, body(0, -3n)),
        noEpoch: await s.request(Fetch, 12, body(-1, 1000n)),
        sessionFull: { ...full, sessionId: full.sessionId !== 0 ? 'a session' : 0 },
        sessionAgain: { ...again, sessionId: again.sessionId === full.sessionId ? 'same session' : again.sessionId }
      }
    }
  },
  {
    name: 'Fetch session (KIP-227): full, incremental with nothing new, a partition error, the partition answered again after it',
    run: async s => {
      await filledTopic(s, 'fe-session')
      const body = (sessionId: number, sessionEpoch: number, partitions: Array<{ currentLeaderEpoch: number, fetchOffset: bigint }>): unknown => ({
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId, sessionEpoch,
        topics: partitions.length === 0 ? [] : [{ topic: 'fe-session', partitions: partitions.map(p => ({ partition: 0, ...p, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 })) }],
        forgottenTopicsData: [], rackId: ''
      })
      // Session ids are random: compared as "one was given" and "the same one goes on".
      const full = await s.request(Fetch, 12, body(0, 0, [{ currentLeaderEpoch: -1, fetchOffset: 0n }]))
      const id: number = full.sessionId
      const step = async (epoch: number, partitions: Array<{ currentLeaderEpoch: number, fetchOffset: bigint }>): Promise<unknown> => {
        const res = await s.request(Fetch, 12, body(id, epoch, partitions))
        return { ...res, sessionId: res.sessionId === id ? 'same session' : res.sessionId }
      }
      return {
        full: { ...full, sessionId: id !== 0 ? 'a session' : 0 },
        // Moved to the high watermark: nothing new, left out.
        atEnd: await step(1, [{ currentLeaderEpoch: -1, fetchOffset: 4n }]),
        unchanged: await step(2, []),
        // Far past the end: OFFSET_OUT_OF_RANGE for the partition.
        outOfRange: await step(3, [{ currentLeaderEpoch: -1, fetchOffset: 1000n }]),
        // Back to no epoch: nothing new, but answered, since the error left the partition's marks unknown.
        afterError: await step(4, [{ currentLeaderEpoch: -1, fetchOffset: 4n }]),
        quietAgain: await step(5, [])
      }
    }
  },
  {
    name: 'Produce v13 by topic id, with an unknown topic id, and to a partition the topic lacks',
    run: async s => {
      await createTopic(s, 'pr-ids')
      const topicId = (await metadata(s, 'pr-ids', false)).topics[0].topicId
      const byId = async (id: string, index = 0): Promise<unknown> => await s.request(Produce, 13, {
        transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ topicId: id, partitionData: [{ index, records: batch(FIRST_BATCH) }] }]
      })
      return {
        byId: await byId(topicId),
        unknownId: await byId('0123abcd-0000-4000-8000-00000000beef'),
        missingPartition: await byId(topicId, 5),
        afterwards: await listOffsets(s, 'pr-ids', -1n)
      }
    }
  },
  {
    name: 'Produce: a good batch, a bad CRC, an empty record set, a record over max.message.bytes',
    run: async s => {
      await createTopic(s, 'pr-errors')
      const good = await produce(s, 'pr-errors', 0, batch(FIRST_BATCH))
      const bad = batch(SECOND_BATCH)
      bad[bad.length - 1] ^= 0xff // the last byte of the last record's value: covered by the CRC
      const badCrc = await produce(s, 'pr-errors', 0, bad)
      // Kafka's default message.max.bytes is 1048588: one record of 1.1 MB is over it, uncompressed.
      const big = await produce(s, 'pr-errors', 0, batch([{ value: Buffer.alloc(1_100_000, 0x61), timestamp: T0 }]))
      const empty = await produce(s, 'pr-errors', 0, Buffer.alloc(0))
      return {
        good: partitionOf(good),
        badCrc: partitionOf(badCrc),
        empty: partitionOf(empty),
        tooLarge: partitionOf(big),
        afterwards: await listOffsets(s, 'pr-errors', -1n)
      }
    }
  },
  {
    name: 'Produce with acks=0 gets no answer, and is appended',
    run: async s => {
      await createTopic(s, 'pr-acks0')
      await s.send(Produce, 12, { transactionalId: null, acks: 0, timeoutMs: 30_000, topicData: [{ name: 'pr-acks0', partitionData: [{ index: 0, records: batch(FIRST_BATCH) }] }] })
      // The next answer on the connection is this Metadata's: Session checks the correlation id.
      const md = await metadata(s, 'pr-acks0', false)
      return { nextAnswerIsMetadata: md.topics[0].name, latest: await listOffsets(s, 'pr-acks0', -1n), badAcks: partitionOf(await produce(s, 'pr-acks0', 0, batch(SECOND_BATCH), 2)) }
    }
  },
  {
    name: 'Produce to a missing topic does not create it',
    run: async s => ({
      produce: partitionOf(await produce(s, 'pr-missing', 0, batch(FIRST_BATCH))),
      metadataAfterwards: await metadata(s, 'pr-missing', false)
    })
  },
  {
    name: 'Produce a batch whose MaxTimestamp is -1 (as Sarama sends): Kafka recomputes it',
    run: async s => {
      await createTopic(s, 'pr-maxts')
      const res = await produce(s, 'pr-maxts', 0, withMaxTimestamp(batch(FIRST_BATCH), -1n))
      return {
        produce: partitionOf(res),
        maxTimestamp: await listOffsets(s, 'pr-maxts', -3n),
        fetched: await fetch(s, 'pr-maxts', 0n)
      }
    }
  },
  {
    name: 'CreateTopics with bad names',
    run: async s => {
      await createTopic(s, 'ct-exists')
      const names = ['', '.', '..', 'bad name', 'bad/slash', 'x'.repeat(250), 'ct-exists', 'ct-dup', 'ct-dup', 'ct.ok_name-1']
      return {
        v7: await s.request(CreateTopics, 7, { topics: names.map(name => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })), timeoutMs: 30_000, validateOnly: true })
      }
    }
  },
  {
    name: 'CreateTopics with bad partition counts and replication factors',
    run: async s => {
      const topic = (name: string, numPartitions: number, replicationFactor: number): unknown => ({ name, numPartitions, replicationFactor, assignments: [], configs: [] })
      return {
        v7: await s.request(CreateTopics, 7, {
          topics: [topic('ct-zero', 0, 1), topic('ct-minus2', -2, 1), topic('ct-default', -1, -1), topic('ct-rf2', 1, 2), topic('ct-rf0', 1, 0), topic('ct-rf-minus2', 1, -2)],
          timeoutMs: 30_000,
          validateOnly: true
        })
      }
    }
  },
  {
    name: 'CreateTopics validateOnly creates nothing; then for real; then again',
    run: async s => {
      const body = (validateOnly: boolean): unknown => ({ topics: [{ name: 'ct-validate', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly })
      const validated = await s.request(CreateTopics, 7, body(true))
      const metadataAfterValidate = await metadata(s, 'ct-validate', false)
      const created = await s.request(CreateTopics, 7, body(false))
      await waitForLeaders(s, 'ct-validate', 2)
      const again = await s.request(CreateTopics, 7, body(false))
      return { validated, metadataAfterValidate, created, again }
    }
  },
  {
    name: 'DeleteRecords: below the high watermark, to it (-1), past it, and what reads see afterwards',
    run: async s => {
      await filledTopic(s, 'dr')
      const del = async (offset: bigint, partitionIndex = 0): Promise<unknown> =>
        (await s.request(DeleteRecords, 2, { topics: [{ name: 'dr', partitions: [{ partitionIndex, offset }] }], timeoutMs: 30_000 })).topics[0].partitions[0]
      return {
        toTwo: await del(2n),
        earliest: await listOffsets(s, 'dr', -2n),
        fetchBelow: await fetch(s, 'dr', 0n),
        fetchAt: await fetch(s, 'dr', 2n),
        backwards: await del(1n),
        pastHighWatermark: await del(100n),
        toHighWatermark: await del(-1n),
        missingPartition: await del(0n, 5),
        earliestAfter: await listOffsets(s, 'dr', -2n)
      }
    }
  },
  {
    name: 'JoinGroup without a member id (KIP-394), then with it',
    run: async s => {
      await findCoordinator(s, 'jg')
      const first = await joinGroup(s, 'jg', '')
      const second = await joinGroup(s, 'jg', first.memberId)
      const unknown = await joinGroup(s, 'jg', 'not-a-member')
      // v4 is the first version with KIP-394's MEMBER_ID_REQUIRED; v3 joins at once.
      await findCoordinator(s, 'jg-old')
      const v4First = await joinGroup(s, 'jg-old', '', 4)
      const v3First = await joinGroup(s, 'jg-old-3', '', 3)
      return { first, second, unknown, v4First, v3First }
    }
  },
  {
    name: 'OffsetCommit with a wrong generation, an unknown member, and as a simple (groupless) commit',
    run: async s => {
      await filledTopic(s, 'oc')
      const { memberId, generationId } = await stableGroup(s, 'oc-group')
      return {
        right: await commit(s, 'oc-group', 'oc', generationId, memberId),
        wrongGeneration: await commit(s, 'oc-group', 'oc', generationId + 5, memberId),
        unknownMember: await commit(s, 'oc-group', 'oc', generationId, 'nobody'),
        simple: await commit(s, 'oc-simple', 'oc', -1, ''),
        simpleWithGeneration: await commit(s, 'oc-simple-2', 'oc', 3, 'somebody'),
        simpleWithGenerationV2: await commit(s, 'oc-simple-3', 'oc', 3, 'somebody', 2),
        v2WrongGeneration: await commit(s, 'oc-group', 'oc', generationId + 5, memberId, 2)
      }
    }
  },
  {
    name: 'OffsetCommit v10 and OffsetFetch v10 by topic id: an unknown id, a partition the topic lacks, a member error, every topic',
    run: async s => {
      await createTopic(s, 'oc-ids', 2)
      const topicId = (await metadata(s, 'oc-ids', false)).topics[0].topicId
      const unknown = '0123abcd-0000-4000-8000-00000000beef'
      const part = (partitionIndex: number, committedOffset: bigint): unknown => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, committedMetadata: `m${partitionIndex}` })
      const commitById = async (groupId: string, topics: unknown[], generation = -1, memberId = ''): Promise<any> => {
        await findCoordinator(s, groupId)
        // Kafka's coordinator may still be loading the group's partition of __consumer_offsets: asked again.
        for (let i = 0; ; i++) {
          const res = await s.request(OffsetCommit, 10, { groupId, generationIdOrMemberEpoch: generation, memberId, groupInstanceId: null, topics })
          const codes = res.topics.flatMap((t: any) => t.partitions.map((p: any) => p.errorCode))
          if (!codes.some((c: number) => COORDINATOR_NOT_READY.has(c)) || i === 300) return res
          await new Promise(resolve => setTimeout(resolve, 100))
        }
      }
      const fetchById = async (groupId: string, topics: unknown[] | null): Promise<unknown> =>
        await s.request(OffsetFetch, 10, { groups: [{ groupId, memberId: null, memberEpoch: -1, topics }], requireStable: false })
      return {
        committed: await commitById('oc-ids-g', [{ topicId, partitions: [part(0, 5n), part(7, 1n), part(1, 9n)] }, { topicId: unknown, partitions: [part(0, 3n)] }]),
        unknownOnly: await commitById('oc-ids-g', [{ topicId: unknown, partitions: [part(0, 1n)] }]),
        unknownGroupWithGeneration: await commitById('oc-ids-none', [{ topicId, partitions: [part(0, 1n)] }, { topicId: unknown, partitions: [part(1, 1n)] }], 3, 'nobody'),
        fetched: await fetchById('oc-ids-g', [{ topicId: unknown, partitionIndexes: [0] }, { topicId, partitionIndexes: [0, 1, 7] }]),
        every: await fetchById('oc-ids-g', null),
        byName: await s.request(OffsetFetch, 9, { groups: [{ groupId: 'oc-ids-g', memberId: null, memberEpoch: -1, topics: [{ name: 'oc-ids', partitionIndexes: [0, 1] }] }], requireStable: false })
      }
    }
  },
  {
    name: 'Metadata for a missing topic, with and without auto-creation',
    run: async s => {
      const v12NoAutoCreate = await metadata(s, 'md-missing-a', false)
      const v12AutoCreate = await metadata(s, 'md-missing-b', true)
      const v3AlwaysAutoCreates = await s.request(Metadata, 3, { topics: [{ name: 'md-missing-c' }] })
      // Kafka creates auto-created topics asynchronously: once they have leaders, both sides must show the same.
      await waitForLeaders(s, 'md-missing-b', 1)
      await waitForLeaders(s, 'md-missing-c', 1)
      return {
        v12NoAutoCreate,
        v12AutoCreate,
        v3AlwaysAutoCreates,
        invalidName: await metadata(s, 'bad name', true),
        stillMissing: await metadata(s, 'md-missing-a', false),
        autoCreated: await metadata(s, 'md-missing-b', false),
        autoCreatedByV3: await metadata(s, 'md-missing-c', false)
      }
    }
  },
  {
    name: 'The ACL APIs on a broker without an authorizer (SECURITY_DISABLED), at v1 and v3',
    run: async s => {
      const filter = { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }
      const creation = { resourceType: 2, resourceName: 'acl-topic', resourcePatternType: 3, principal: 'User:alice', host: '*', operation: 3, permissionType: 3 }
      const out: Record<string, unknown> = {}
      for (const v of [1, 3]) {
        out[`describeV${v}`] = await s.request(DescribeAcls, v, filter)
        out[`createV${v}`] = await s.request(CreateAcls, v, { creations: [creation, { ...creation, resourceName: '' }] })
        out[`deleteV${v}`] = await s.request(DeleteAcls, v, { filters: [filter, filter] })
      }
      return out
    }
  },
  {
    name: 'Authorized operations (KIP-430) asked and not asked, without an authorizer; DescribeCluster',
    run: async s => {
      await createTopic(s, 'ao-topic')
      const topics = [{ name: 'ao-topic' }, { name: 'ao-missing' }]
      const md = async (version: number, asked: boolean): Promise<unknown> =>
        await s.request(Metadata, version, { topics, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: asked, includeClusterAuthorizedOperations: asked })
      const dc = async (version: number, body: Record<string, unknown>): Promise<unknown> => await s.request(DescribeCluster, version, { includeClusterAuthorizedOperations: false, ...body })
      return {
        metadataV12Asked: await md(12, true),
        metadataV12NotAsked: await md(12, false),
        metadataV10Asked: await md(10, true),
        metadataV8NotAsked: await md(8, false),
        describeGroupsV5Asked: await s.request(DescribeGroups, 5, { groups: ['ao-group'], includeAuthorizedOperations: true }),
        describeGroupsV6Asked: await s.request(DescribeGroups, 6, { groups: ['ao-group'], includeAuthorizedOperations: true }),
        consumerGroupDescribeAsked: await s.request(ConsumerGroupDescribe, 1, { groupIds: ['ao-group'], includeAuthorizedOperations: true }),
        describeTopicPartitions: await s.request(DescribeTopicPartitions, 0, { topics: topics.map(t => ({ name: t.name })), responsePartitionLimit: 100, cursor: null }),
        describeClusterV0: await dc(0, {}),
        describeClusterV1Asked: await dc(1, { includeClusterAuthorizedOperations: true, endpointType: 1 }),
        describeClusterV2Fenced: await dc(2, { endpointType: 1, includeFencedBrokers: true }),
        describeClusterControllers: await dc(1, { endpointType: 2 }),
        describeClusterUnknownEndpoint: await dc(1, { endpointType: 9 })
      }
    }
  },
  {
    name: 'ApiVersions at a version nobody speaks (KIP-511)',
    run: async s => {
      // A v3 request with the version field set to 99: the broker answers a v0 body with UNSUPPORTED_VERSION and
      // its own ApiVersions range only.
      const frame = encodeRequest(ApiVersions, 3, { correlationId: 0, clientId: 'differential' }, { clientSoftwareName: 'kd', clientSoftwareVersion: '1' })
      frame.writeInt16BE(99, 6)
      const res = await s.raw(frame, ApiVersions, 3)
      return { v99: res }
    }
  },
  {
    name: 'Client requests captured from kcat, kafkajs and kafka-python, replayed (Produce v3+, ListOffsets, Fetch)',
    run: async s => {
      // The captured requests name topic "t" with 2 partitions (test/protocol/fixtures/README.md).
      await createTopic(s, 't', 2)
      const out: Record<string, unknown> = {}
      for (const peer of ['kcat', 'kafkajs', 'kafka-python']) {
        const dir = join(import.meta.dirname, '..', '..', 'test', 'protocol', 'fixtures', peer)
        for (const file of readdirSync(dir).filter(f => /^\d+-(produce|list-offsets|fetch)-v\d+-request\.bin$/.test(f)).sort()) {
          const frame = readFileSync(join(dir, file))
          const { api, header } = decodeRequest(frame.subarray(4))
          if (api === Produce && header.apiVersion < 3) continue // Kafka 4 removed Produce v0-2 (KIP-896)
          out[`${peer}/${file}`] = await s.raw(Buffer.from(frame), api, header.apiVersion)
        }
      }
      out.fetched = await fetch(s, 't', 0n, { partitions: [0, 1] })
      return out
    }
  }
]
