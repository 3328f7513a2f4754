import t from 'tap'
import { Admin } from '../../../consumer/admin/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { apiVersionsBody, startRawBroker, type RawBroker, type RawRequest } from '../raw-broker.js'

// describeGroups against hand-driven brokers: one without ConsumerGroupDescribe (before KIP-848) that answers
// DescribeGroups v5 (an unknown group is Dead), one without DescribeGroups at all (librdkafka 2.0's mock), and
// coordinator errors that are retried or reported per group.

async function broker (t: Tap.Test, apis: Array<[number, number, number]>, answer: (req: RawRequest) => void): Promise<RawBroker> {
  let port = 0
  const b = await startRawBroker(req => {
    if (req.api.name === 'ApiVersions') req.reply(apiVersionsBody([[18, 0, 3], [3, 0, 12], [10, 0, 2], ...apis]))
    else if (req.api.name === 'Metadata') req.reply({ brokers: [{ nodeId: 1, host: '127.0.0.1', port, rack: null }], controllerId: 1, topics: [] })
    else if (req.api.name === 'FindCoordinator') req.reply({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 1, host: '127.0.0.1', port })
    else answer(req)
  })
  port = b.port
  t.teardown(() => b.close())
  return b
}

function described (groupId: string, errorCode: number, groupState = ''): object {
  return { errorCode, groupId, groupState, protocolType: '', protocolData: '', members: [], authorizedOperations: -2147483648 }
}

t.test('without ConsumerGroupDescribe: DescribeGroups, retried after NOT_COORDINATOR; Dead is GROUP_ID_NOT_FOUND', async t => {
  let calls = 0
  const b = await broker(t, [[15, 0, 5]], req => {
    calls++
    req.reply({ throttleTimeMs: 0, groups: [calls === 1 ? described('g', ErrorCode.NOT_COORDINATOR) : described('g', ErrorCode.NONE, 'Dead')] })
  })
  const admin = await Admin.connect({ bootstrapServers: b.address, retryBackoffMs: 1, retryBackoffMaxMs: 5 })
  t.teardown(() => admin.close())
  const [g] = await admin.describeGroups(['g'])
  t.equal(calls, 2, 'asked again after NOT_COORDINATOR')
  t.same([g.error?.errorCode, g.state, g.members], [ErrorCode.GROUP_ID_NOT_FOUND, 'Dead', []])
  t.notOk(b.requests.some(r => r.api.name === 'ConsumerGroupDescribe'), 'not asked: the broker does not serve it')
})

t.test('without DescribeGroups either: the state is Unknown; a per-group error is reported, not thrown', async t => {
  const none = await broker(t, [], () => {})
  const admin = await Admin.connect({ bootstrapServers: none.address })
  t.teardown(() => admin.close())
  const [g] = await admin.describeGroups(['g'])
  t.same([g.error, g.state, g.type], [null, 'Unknown', 'classic'])

  let calls = 0
  const kip848 = await broker(t, [[15, 0, 5], [69, 0, 1]], req => {
    calls++
    const errorCode = calls === 1 ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.GROUP_AUTHORIZATION_FAILED
    req.reply({ throttleTimeMs: 0, groups: [{ errorCode, errorMessage: null, groupId: 'g', groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [], authorizedOperations: 0 }] })
  })
  const admin2 = await Admin.connect({ bootstrapServers: kip848.address, retryBackoffMs: 1, retryBackoffMaxMs: 5 })
  t.teardown(() => admin2.close())
  const [denied] = await admin2.describeGroups(['g'])
  t.equal(calls, 2, 'COORDINATOR_LOAD_IN_PROGRESS retried')
  t.equal(denied.error?.errorName, 'GROUP_AUTHORIZATION_FAILED')
})
