// What the fake broker models for each API it serves, and what it leaves out: the two prose columns of the README's
// API coverage table (tools/docs/fake-broker-api-table.ts writes the table). Every key the fake broker serves needs
// an entry here: the generator refuses to write a table with a served API nobody described.

export interface ApiNote {
  readonly modelled: string
  readonly notModelled?: string
}

export const FAKE_BROKER_API_NOTES: ReadonlyMap<number, ApiNote> = new Map<number, ApiNote>([
  [0, { modelled: 'acks 0/1/all, LogValidator checks, idempotent and transactional state, min.insync.replicas, max.message.bytes, timestamp policies; v0-2 message sets up-converted; v12 adds a transactional partition by itself (KIP-890 part 2); v13 topics by id (UNKNOWN_TOPIC_ID)', notModelled: 'produce purgatory (acks=all answers at once)' }],
  [1, { modelled: 'long polls (maxWaitMs/minBytes), KIP-74 byte limits, fetch sessions (KIP-227), read_committed (LSO, aborted list), topic ids, v0-3 down-conversion, fetching from the closest replica (KIP-392: racks, RackAwareReplicaSelector, followers serve consumers), truncation detection (v12+ lastFetchedEpoch answers divergingEpoch, KIP-595)', notModelled: 'tiered storage; follower logs never lag (one shared log)' }],
  [2, { modelled: 'every special timestamp (-1 to -5), by time, v0 offset lists, read_committed', notModelled: '' }],
  [3, { modelled: 'brokers, racks, replicas/ISR/offline replicas, leader epochs, topic ids, auto-creation (charged to the asker\'s controller_mutation_rate), authorized operations (KIP-430)', notModelled: '' }],
  [8, { modelled: 'generations and member ids checked (classic and KIP-848); v10 topics by id (UNKNOWN_TOPIC_ID)', notModelled: 'offset retention (offsets.retention.minutes)' }],
  [9, { modelled: 'per group and batched (v8+), require-stable (pending transactional offsets); v10 topics by id (UNKNOWN_TOPIC_ID)', notModelled: '' }],
  [10, { modelled: 'group and transaction coordinators, batched keys (v4+)', notModelled: 'share coordinators' }],
  [11, { modelled: 'KIP-394 member ids, static members (KIP-345), rebalance timeouts, initial delay, protocol selection', notModelled: '' }],
  [12, { modelled: 'session timeouts, REBALANCE_IN_PROGRESS, fencing', notModelled: '' }],
  [13, { modelled: 'batched leaves (v3+), static members', notModelled: '' }],
  [14, { modelled: 'leader assignment, protocol type/name checks', notModelled: '' }],
  [15, { modelled: 'members with their metadata and assignments, states, authorized operations, consumer-protocol groups as Kafka 4 answers them (Dead; GROUP_ID_NOT_FOUND at v6)', notModelled: '' }],
  [16, { modelled: 'state and type filters', notModelled: '' }],
  [17, { modelled: 'PLAIN, SCRAM-SHA-256/512, OAUTHBEARER (unsecured JWS, as Kafka\'s default validator); v0 raw tokens (kafka-python 2.0)', notModelled: 'GSSAPI; OAUTHBEARER with signed JWTs (JWKS)' }],
  [18, { modelled: 'exactly the served ranges, KIP-511 fallback for unknown versions, v5 cluster/node checks (REBOOTSTRAP_REQUIRED, KIP-1242), the transaction.version feature (KIP-584)', notModelled: 'client software name/version validation' }],
  [19, { modelled: 'configs validated and kept, validateOnly, manual assignments, Kafka\'s limits and messages, controller_mutation_rate (THROTTLING_QUOTA_EXCEEDED from v6)', notModelled: 'replication factor beyond the cluster\'s brokers' }],
  [20, { modelled: 'by name and by topic id, controller_mutation_rate (THROTTLING_QUOTA_EXCEEDED from v5)', notModelled: '' }],
  [21, { modelled: 'log start offset moves, OFFSET_OUT_OF_RANGE above the high watermark', notModelled: '' }],
  [22, { modelled: 'idempotent and transactional ids, fencing, KIP-360 epoch bumps', notModelled: '' }],
  [23, { modelled: 'leader epochs, diverging epochs after a lagging leader took over', notModelled: '' }],
  [24, { modelled: 'v4+ batched and verifyOnly', notModelled: '' }],
  [25, { modelled: 'the group\'s offsets partition joins the transaction', notModelled: '' }],
  [26, { modelled: 'commit and abort markers written before the answer, timeouts abort; v5 bumps the epoch per transaction (transaction protocol v2)', notModelled: '' }],
  [27, { modelled: 'commit and abort markers for a producer (the admin client\'s abortTransaction, KIP-664): the LSO moves, an aborted transaction is skipped by read_committed readers; CLUSTER_ACTION, producer and coordinator epochs checked', notModelled: 'markers for __consumer_offsets partitions (offsets pending in the group coordinator)' }],
  [28, { modelled: 'offsets pending until the transaction ends; v5 adds the group by itself; v6 topics by id (UNKNOWN_TOPIC_ID)', notModelled: '' }],
  [29, { modelled: 'StandardAuthorizer filters (ANY, MATCH, LITERAL, PREFIXED), SECURITY_DISABLED without an authorizer; ACLs kept with --data', notModelled: '' }],
  [30, { modelled: 'Kafka\'s binding checks (a malformed binding fails the whole request), principal parsing', notModelled: 'principals other than User:' }],
  [31, { modelled: 'matching ACLs removed and returned per filter', notModelled: '' }],
  [32, { modelled: 'topics and brokers, sources, synonyms, read-only flags, types and docs; v0 (removed in Kafka 4, still sent by Sarama 1.2x) with isDefault', notModelled: 'BROKER_LOGGER, GROUP, CLIENT_METRICS resources' }],
  [33, { modelled: 'replaces the dynamic set, per-resource errors, validateOnly', notModelled: 'as DescribeConfigs' }],
  [35, { modelled: 'one log dir per broker (--data\'s, or a fixed path), partition sizes from the log, volume totals', notModelled: 'future logs, offset lag (always 0)' }],
  [36, { modelled: 'PLAIN, SCRAM-SHA-256/512, run-time SCRAM users, session lifetimes and re-authentication (KIP-368, `connections.max.reauth.ms`)', notModelled: '' }],
  [37, { modelled: 'automatic or manual placement, validateOnly, Kafka\'s checks, controller_mutation_rate (THROTTLING_QUOTA_EXCEEDED from v3)', notModelled: '' }],
  [42, { modelled: 'GROUP_NOT_EMPTY, GROUP_ID_NOT_FOUND, both group types', notModelled: '' }],
  [43, { modelled: 'PREFERRED and UNCLEAN elections with the controller\'s rules and errors, leader epochs bumped', notModelled: 'eligible leader replicas (KIP-966)' }],
  [44, { modelled: 'SET, DELETE, APPEND, SUBTRACT, validateOnly', notModelled: 'as DescribeConfigs' }],
  [45, { modelled: 'staged replica moves, leader hand-over, epochs, cancellation, Kafka\'s errors; reassignmentDelayMs keeps a move in progress', notModelled: 'replication throttles' }],
  [46, { modelled: 'moves in progress with adding and removing replicas', notModelled: '' }],
  [47, { modelled: 'GROUP_SUBSCRIBED_TO_TOPIC for subscribed topics', notModelled: '' }],
  [48, { modelled: 'user, client-id, ip and default entities, EXACT/DEFAULT/SPECIFIED filters, strict', notModelled: 'host names for ip entities' }],
  [49, { modelled: 'Kafka\'s validation and messages, validateOnly; produce and fetch byte rates enforced per (user, client id) with Kafka\'s precedence, windows, throttleTimeMs and a muted channel; kept with --data', notModelled: 'request_percentage enforcement' }],
  [50, { modelled: 'mechanisms and iterations of configured and run-time users', notModelled: '' }],
  [51, { modelled: 'upserts and deletions with Kafka\'s checks; users log in at once', notModelled: 'persistence with --data' }],
  [55, { modelled: 'a one-voter quorum agreeing with Metadata\'s controller, observers, epochs, a moving high watermark', notModelled: 'a real controller quorum, voter changes' }],
  [60, { modelled: 'brokers, controller, fenced (stopped) brokers (v2), endpoint type errors, cluster authorized operations', notModelled: 'controller endpoints (a broker answers MISMATCHED_ENDPOINT_TYPE)' }],
  [61, { modelled: 'per-partition producer state: epoch, last sequence and timestamp, coordinator epoch, open transaction start', notModelled: 'producer id expiry' }],
  [65, { modelled: 'state, timeout, partitions of each transactional id', notModelled: '' }],
  [66, { modelled: 'state, producer id and duration filters', notModelled: '' }],
  [68, { modelled: 'KIP-848 epochs, server-side uniform and range assignors (not rack-aware, as in Kafka 4.4), reconciliation, fencing, regex subscriptions', notModelled: '' }],
  [69, { modelled: 'members (classic ones of a mixed group as memberType 0), epochs, target and current assignments, authorized operations', notModelled: '' }],
  [75, { modelled: 'sorted topics, partition limit, cursor paging, ISR and offline replicas, authorized operations', notModelled: 'ELR lists (always empty)' }]
])
