import t from 'tap'
import { Admin } from '../../consumer/admin/index.js'
import { KafkaError } from '../../protocol/errors.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { realKafkaFor, realKafkaSkip } from './start-kafka.js'
import { RequestCapture, checkSentFrom } from './request-capture.js'

// Our Admin client against real Kafka 4.x, and the same calls against the fake broker: what real Kafka answers
// (config values, sources, synonyms, error codes and messages) is what the fake broker must answer too.

t.setTimeout(600_000)
const skip = await realKafkaSkip()

/** The same admin script on any cluster; returns what a test compares. */
async function script (bootstrap: string, capture?: RequestCapture): Promise<Record<string, unknown>> {
  const admin = await Admin.connect({ 'bootstrap.servers': bootstrap, createSocket: capture?.socketFactory() })
  try {
    const brokerId = (await admin.describeCluster()).brokers[0].nodeId
    const out: Record<string, unknown> = {}
    const created = await admin.createTopics([
      { name: 'adm', partitions: 2, replicationFactor: 1, configs: { 'cleanup.policy': 'compact', 'retention.ms': '60000' } },
      { name: 'adm-bad', partitions: 1, replicationFactor: 1, configs: { 'retention.ms': 'soon' } },
      { name: 'adm-unknown', partitions: 1, replicationFactor: 1, configs: { 'retention.mss': '1' } }
    ])
    out.created = created.map(c => [c.name, c.error?.errorName ?? null, c.partitions])
    out.createdMessages = created.map(c => c.error?.message ?? null)
    out.createdConfigs = ['cleanup.policy', 'retention.ms', 'segment.bytes', 'message.timestamp.after.max.ms'].map(k => [k, created[0].configs[k]])
    out.partitions = (await admin.createPartitions({ adm: 3, ghost: 2 })).map(r => r.error?.errorName ?? null)
    out.shrink = (await admin.createPartitions({ adm: 1 })).map(r => r.error?.errorName ?? null)
    const [described] = await admin.describeConfigs([{ type: 'topic', name: 'adm' }], { synonyms: true, documentation: true })
    const row = (name: string): unknown => {
      const e = described.entries.find(x => x.name === name)
      return e === undefined ? undefined : [e.value, e.source, e.readOnly, e.type, e.synonyms.map(s => [s.name, s.value, s.source])]
    }
    out.described = ['cleanup.policy', 'retention.ms', 'max.message.bytes', 'min.insync.replicas', 'message.timestamp.type', 'segment.ms'].map(k => [k, row(k)])
    out.incremental = (await admin.incrementalAlterConfigs([
      { type: 'topic', name: 'adm', ops: [{ name: 'retention.ms', op: 'delete' }, { name: 'cleanup.policy', op: 'append', value: 'delete' }, { name: 'max.message.bytes', op: 'set', value: '2000' }] },
      { type: 'topic', name: 'adm', ops: [{ name: 'retention.ms', op: 'append', value: '1' }] },
      { type: 'topic', name: 'ghost', ops: [{ name: 'retention.ms', op: 'set', value: '1' }] }
    ])).map(r => r.error?.errorName ?? null)
    const [after] = await admin.describeConfigs([{ type: 'topic', name: 'adm' }], { keys: ['cleanup.policy', 'retention.ms', 'max.message.bytes'] })
    out.after = after.entries.map(e => [e.name, e.value, e.source])
    out.alter = (await admin.alterConfigs([{ type: 'topic', name: 'adm', configs: { 'segment.ms': '100000' } }])).map(r => r.error?.errorName ?? null)
    // A KRaft broker forwards AlterConfigs to the controller and applies the change when the metadata record
    // reaches it, so an immediate DescribeConfigs may not show it yet: ask again for a while (bounded).
    let replaced = (await admin.describeConfigs([{ type: 'topic', name: 'adm' }], { keys: ['max.message.bytes', 'segment.ms'] }))[0]
    for (let i = 0; i < 50 && replaced.entries.find(e => e.name === 'segment.ms')?.value !== '100000'; i++) {
      await new Promise(resolve => setTimeout(resolve, 100))
      replaced = (await admin.describeConfigs([{ type: 'topic', name: 'adm' }], { keys: ['max.message.bytes', 'segment.ms'] }))[0]
    }
    out.replaced = replaced.entries.map(e => [e.name, e.value, e.source])
    const [broker] = await admin.describeConfigs([{ type: 'broker', name: String(brokerId) }], { keys: ['log.retention.hours', 'log.retention.ms', 'message.max.bytes', 'log.cleanup.policy'] })
    // A broker answers its configs in its own hash-map order: compared by name.
    out.broker = broker.entries.map(e => [e.name, e.readOnly, e.type]).sort()
    out.brokerAlter = (await admin.incrementalAlterConfigs([{ type: 'broker', name: '', ops: [{ name: 'log.retention.hours', op: 'set', value: '1' }] }])).map(r => r.error?.errorName ?? null)
    out.deleted = (await admin.deleteTopics(['adm', 'ghost'])).map(r => r.error?.errorName ?? null)
    return out
  } finally {
    await admin.close()
  }
}

t.test('the Admin client works against real Kafka 4.x, and the fake broker answers the same', { skip }, async t => {
  const kafka = await realKafkaFor(t, { brokers: 1 })
  const capture = new RequestCapture()
  const real = await script(kafka.bootstrap, capture)
  t.same(real.created, [['adm', null, 2], ['adm-bad', 'INVALID_CONFIG', -1], ['adm-unknown', 'INVALID_CONFIG', -1]], 'real Kafka created and refused')
  // The harness's server.properties sets log.segment.bytes; the fake broker gets the same static config.
  const fake = await FakeCluster.start({ autoCreateTopics: false, brokerConfigs: { 'log.segment.bytes': '16777216' } })
  t.teardown(() => fake.stop())
  const ours = await script(fake.bootstrap)
  // Field by field, so that a difference names what differs.
  for (const key of Object.keys(real)) t.same(ours[key], real[key], `fake broker vs real Kafka: ${key}`)

  // The calls the script above does not make, on real Kafka alone, so that every request the Admin client can
  // send is checked at the version negotiated with Kafka 4.4.
  const admin = await Admin.connect({ 'bootstrap.servers': kafka.bootstrap, createSocket: capture.socketFactory() })
  t.teardown(() => admin.close())
  t.same((await admin.createTopics([{ name: 'adm-records', partitions: 1, replicationFactor: 1 }])).map(c => c.error), [null], 'adm-records created')
  // The new topic's leader may not be known to the broker for a moment: ask again for a while (bounded).
  let latest = await admin.listOffsets([{ topic: 'adm-records', partition: 0 }], 'latest')
  for (let i = 0; i < 50 && latest[0].error !== null; i++) {
    await new Promise(resolve => setTimeout(resolve, 100))
    latest = await admin.listOffsets([{ topic: 'adm-records', partition: 0 }], 'latest')
  }
  t.same(latest.map(r => [r.error, r.offset]), [[null, 0n]], 'ListOffsets: an empty log ends at 0')
  t.same((await admin.deleteRecords([{ topic: 'adm-records', partition: 0, offset: 0n }])).map(r => [r.error, r.offset]), [[null, 0n]], 'DeleteRecords before 0: the low watermark stays 0')
  t.same((await admin.alterScramUsers([{ user: 'adm-user', mechanism: 'SCRAM-SHA-256', password: 'secret', iterations: 8192 }])).map(r => r.error), [null], 'a SCRAM credential added')
  let users = await admin.describeScramUsers(['adm-user'])
  // KRaft applies the credential when its metadata record reaches the broker: ask again for a while (bounded).
  for (let i = 0; i < 50 && users[0].error !== null; i++) {
    await new Promise(resolve => setTimeout(resolve, 100))
    users = await admin.describeScramUsers(['adm-user'])
  }
  t.same(users.map(u => [u.user, u.error, u.credentials]), [['adm-user', null, [{ mechanism: 'SCRAM-SHA-256', iterations: 8192 }]]], 'and described')
  // The group, ACL, quota, producer and replica calls: their answers are compared with the fake broker's in
  // admin-groups.test.ts, acls.test.ts, replica-admin.test.ts and differential/quotas-producers.test.ts; here they
  // are sent once more through the capture so that each request is seen at its negotiated version.
  const answer = async (what: string, call: () => Promise<unknown>): Promise<string> => {
    try {
      const r = await call()
      const errors = (Array.isArray(r) ? r : [r]).map(x => (x as { error?: KafkaError | null } | undefined)?.error?.errorName ?? null).filter(e => e !== null)
      return errors.length === 0 ? 'ok' : errors.join(',')
    } catch (err) {
      if (err instanceof KafkaError) return err.errorName
      throw new Error(`${what}: ${String(err)}`)
    }
  }
  t.equal(await answer('listGroups', async () => await admin.listGroups()), 'ok', 'ListGroups')
  t.equal(await answer('describeCluster', async () => await admin.describeCluster({ includeAuthorizedOperations: true })), 'ok', 'DescribeCluster, with the cluster\'s authorized operations')
  t.match(await answer('describeGroups', async () => await admin.describeGroups(['adm-none'])), /^(ok|GROUP_ID_NOT_FOUND)$/, 'ConsumerGroupDescribe, then DescribeGroups')
  const tp = { topic: 'adm-records', partition: 0 }
  t.equal(await answer('alterGroupOffsets', async () => await admin.alterGroupOffsets('adm-g', 'earliest', { partitions: [tp] })), 'ok', 'an empty group\'s offset committed')
  t.equal(await answer('deleteGroupOffsets', async () => await admin.deleteGroupOffsets('adm-g', [tp])), 'ok', 'OffsetDelete')
  t.equal(await answer('deleteGroups', async () => await admin.deleteGroups(['adm-g'])), 'ok', 'DeleteGroups')
  // This broker runs without an authorizer: the ACL APIs answer SECURITY_DISABLED, after decoding the request.
  const acl = { resourceType: 'TOPIC', resourceName: 'adm-records', patternType: 'LITERAL', principal: 'User:alice', host: '*', operation: 'READ', permissionType: 'ALLOW' } as const
  t.equal(await answer('createAcls', async () => await admin.createAcls([acl])), 'SECURITY_DISABLED', 'CreateAcls')
  t.equal(await answer('describeAcls', async () => await admin.describeAcls({})), 'SECURITY_DISABLED', 'DescribeAcls')
  t.equal(await answer('deleteAcls', async () => await admin.deleteAcls([{}])), 'SECURITY_DISABLED', 'DeleteAcls')
  t.equal(await answer('alterClientQuotas', async () => await admin.alterClientQuotas([{ entity: { 'client-id': 'adm' }, ops: { producer_byte_rate: 1024 } }])), 'ok', 'AlterClientQuotas')
  t.equal(await answer('describeClientQuotas', async () => await admin.describeClientQuotas()), 'ok', 'DescribeClientQuotas')
  t.equal(await answer('describeProducers', async () => await admin.describeProducers([tp])), 'ok', 'DescribeProducers')
  t.equal(await answer('describeLogDirs', async () => await admin.describeLogDirs()), 'ok', 'DescribeLogDirs')
  t.equal(await answer('describeQuorum', async () => await admin.describeQuorum()), 'ok', 'DescribeQuorum')
  t.equal(await answer('listPartitionReassignments', async () => await admin.listPartitionReassignments()), 'ok', 'ListPartitionReassignments')
  t.equal(await answer('electLeaders', async () => await admin.electLeaders('preferred', [tp])), 'ELECTION_NOT_NEEDED', 'ElectLeaders: one replica, already the leader')
  t.match(await answer('alterPartitionReassignments', async () => await admin.alterPartitionReassignments([{ ...tp, replicas: null }])), /^NO_REASSIGNMENT_IN_PROGRESS$/, 'AlterPartitionReassignments: nothing to cancel')
  // The transaction calls (KIP-664): their answers are compared with the fake broker's in transactions-admin.test.ts
  // and differential/txn-corpus.ts (WriteTxnMarkers); here they go through the capture too.
  t.equal(await answer('listTransactions', async () => await admin.listTransactions({ durationFilterMs: 1000, transactionalIdPattern: 'adm-.*' })), 'ok', 'ListTransactions v2')
  t.same((await admin.describeTransactions(['adm-none'])).map(d => d.error?.errorName), ['TRANSACTIONAL_ID_NOT_FOUND'], 'DescribeTransactions of an unknown id')
  t.same((await admin.fenceProducers(['adm-fence'])).map(f => [f.error, f.producerEpoch]), [[null, 0]], 'InitProducerId: a new transactional id fenced at epoch 0')
  // A marker for a producer the partition never saw is written (Kafka does not check it against producer state).
  t.equal(await answer('abortTransaction', async () => await admin.abortTransaction({ ...tp, producerId: 987654n, producerEpoch: 0, coordinatorEpoch: 0 })), 'ok', 'WriteTxnMarkers: an abort marker')
  await checkSentFrom(t, capture, kafka.brokers[0].port, 'consumer/admin/')
})
