import t from 'tap'
import { Metadata } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

// Metadata by topic id (v12+), the way the Java AdminClient asks in describeTopics(TopicCollection.ofTopicIds):
// the id set and the name left at the schema's default, "" (not null). Kafka serves such a request by the ids alone.

const ZERO = '00000000-0000-0000-0000-000000000000'
const UNKNOWN = '0b9f1b3e-6c1d-4a8e-9a4f-2f6d8c1e7a55'

t.test('Metadata v12+ with topic ids answers by id, whatever the name field holds', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'known', partitions: 2 }, { name: 'other', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  const id = cluster.state.topics.get('known')!.id
  for (const version of [12, 13]) {
    const res = await client.request(Metadata, version, {
      topics: [{ topicId: id, name: '' }, { topicId: UNKNOWN, name: '' }, { topicId: ZERO, name: 'other' }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false
    })
    // The entry without an id is left out, as Kafka leaves it out once the request names topics by id.
    t.same(res.topics.map((x: any) => [x.errorCode, x.name, x.topicId, x.partitions.length]), [
      [ErrorCode.NONE, 'known', id, 2],
      [ErrorCode.UNKNOWN_TOPIC_ID, null, UNKNOWN, 0]
    ], `v${version}`)
  }
  // Without ids, names decide as before: "" is not a valid topic name.
  const byName = await client.request(Metadata, 12, { topics: [{ topicId: ZERO, name: '' }, { topicId: ZERO, name: 'other' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
  t.same(byName.topics.map((x: any) => [x.errorCode, x.name]), [[ErrorCode.INVALID_TOPIC_EXCEPTION, ''], [ErrorCode.NONE, 'other']])
})
