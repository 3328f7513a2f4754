import { AlterClientQuotas, DescribeClientQuotas, DescribeProducers } from '../../protocol/apis/index.js'
import { encodeRecordBatch } from '../../protocol/records/index.js'
import type { Case } from './corpus.js'
import { T0, batch, createTopic, produce } from './requests.js'
import type { Session } from './session.js'

// Differential cases for client quotas and DescribeProducers (issue 15), run against real Kafka 4.4 and the fake
// by quotas-producers.test.ts. Kafka keeps quota entities and their values in hash maps, so the order of entries
// and of values is Kafka's hash order: both are sorted here before comparing (the parts of one entity are not:
// the fake answers them in Kafka's order). Alterations go to Kafka's controller and reach the broker's metadata
// cache a moment later, so a describe after an alteration waits until the broker shows it.

type Part = [string, string | null]
const entity = (...parts: Part[]): Array<{ entityType: string, entityName: string | null }> => parts.map(([entityType, entityName]) => ({ entityType, entityName }))
const op = (key: string, value: number, remove = false): { key: string, value: number, remove: boolean } => ({ key, value, remove })

async function alter (s: Session, entries: Array<{ entity: ReturnType<typeof entity>, ops: Array<ReturnType<typeof op>> }>, validateOnly = false, version = 1): Promise<any> {
  const res = await s.request(AlterClientQuotas, version, { entries, validateOnly })
  return { ...res, entries: sortBy(res.entries ?? [], e => JSON.stringify(e.entity)) }
}

async function describe (s: Session, components: Array<{ entityType: string, matchType: number, match: string | null }>, strict: boolean, version = 1): Promise<any> {
  const res = await s.request(DescribeClientQuotas, version, { components, strict })
  if (res.entries === null || res.entries === undefined) return res
  return {
    ...res,
    entries: sortBy(res.entries.map((e: any) => ({ ...e, values: sortBy(e.values, (v: any) => v.key) })), (e: any) => JSON.stringify(e.entity))
  }
}

/** Describes until the broker's answer has `count` entries (Kafka's metadata cache catches up), at most 10 s. */
async function describeSettled (s: Session, components: Parameters<typeof describe>[1], strict: boolean, count: number, version = 1): Promise<any> {
  let res = await describe(s, components, strict, version)
  for (let i = 0; i < 100 && (res.entries?.length ?? -1) !== count; i++) {
    await new Promise(resolve => setTimeout(resolve, 100))
    res = await describe(s, components, strict, version)
  }
  return res
}

function sortBy<T> (items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)
}

const EXACT = 0
const DEFAULT = 1
const SPECIFIED = 2

export const QUOTAS_CORPUS: Case[] = [
  {
    name: 'AlterClientQuotas: valid entities, validateOnly, and each validation error',
    run: async s => ({
      validateOnly: await alter(s, [{ entity: entity(['user', 'dq-validate']), ops: [op('producer_byte_rate', 1024)] }], true),
      invalid: await alter(s, [
        { entity: entity(['user', 'dq-frac']), ops: [op('producer_byte_rate', 1.5)] },
        { entity: entity(['user', 'dq-zero']), ops: [op('consumer_byte_rate', 0)] },
        { entity: entity(['user', 'dq-key']), ops: [op('no_such_quota', 5)] },
        { entity: entity(['user', 'dq-huge']), ops: [op('producer_byte_rate', 1e19)] },
        { entity: entity(['group', 'dq-type']), ops: [op('producer_byte_rate', 5)] },
        { entity: entity(['user', '']), ops: [op('producer_byte_rate', 5)] },
        { entity: entity(['ip', '10.1.2.3'], ['user', 'dq-ip']), ops: [op('connection_creation_rate', 5)] },
        { entity: entity(['ip', '10.1.2.4']), ops: [op('producer_byte_rate', 5)] },
        { entity: entity(['user', 'dq-dup']), ops: [op('producer_byte_rate', 5), op('producer_byte_rate', 6)] },
        { entity: [], ops: [op('producer_byte_rate', 5)] }
      ]),
      v0: await alter(s, [{ entity: entity(['client-id', 'dq-v0']), ops: [op('request_percentage', 1.5)] }], true, 0),
      nothingStored: await describe(s, [{ entityType: 'user', matchType: EXACT, match: 'dq-validate' }], false)
    })
  },
  {
    name: 'AlterClientQuotas then DescribeClientQuotas with exact, default and specified filters, strict or not',
    run: async s => {
      const set = await alter(s, [
        { entity: entity(['user', 'dq-alice']), ops: [op('producer_byte_rate', 1024), op('consumer_byte_rate', 2048)] },
        { entity: entity(['user', 'dq-alice'], ['client-id', null]), ops: [op('request_percentage', 12.5)] },
        { entity: entity(['user', 'dq-alice'], ['client-id', 'dq-app']), ops: [op('controller_mutation_rate', 3)] },
        { entity: entity(['ip', '10.9.9.9']), ops: [op('connection_creation_rate', 7)] }
      ])
      const alice = [{ entityType: 'user', matchType: EXACT, match: 'dq-alice' }]
      return {
        set,
        aliceAll: await describeSettled(s, alice, false, 3),
        aliceStrict: await describe(s, alice, true),
        aliceV0: await describe(s, alice, true, 0),
        aliceWithDefaultClient: await describe(s, [...alice, { entityType: 'client-id', matchType: DEFAULT, match: null }], true),
        aliceWithAnyClient: await describe(s, [...alice, { entityType: 'client-id', matchType: SPECIFIED, match: null }], false),
        ip: await describeSettled(s, [{ entityType: 'ip', matchType: EXACT, match: '10.9.9.9' }], true, 1),
        removed: await alter(s, [{ entity: entity(['user', 'dq-alice']), ops: [op('producer_byte_rate', 0, true), op('consumer_byte_rate', 0, true)] }]),
        afterRemoval: await describeSettled(s, alice, true, 0)
      }
    }
  },
  {
    name: 'DescribeClientQuotas with bad filters',
    run: async s => ({
      emptyType: await describe(s, [{ entityType: '', matchType: EXACT, match: 'x' }], false),
      repeatedType: await describe(s, [{ entityType: 'user', matchType: EXACT, match: 'x' }, { entityType: 'user', matchType: SPECIFIED, match: null }], false),
      unknownType: await describe(s, [{ entityType: 'group', matchType: EXACT, match: 'x' }], false),
      exactWithoutMatch: await describe(s, [{ entityType: 'user', matchType: EXACT, match: null }], false),
      defaultWithMatch: await describe(s, [{ entityType: 'user', matchType: DEFAULT, match: 'x' }], false),
      specifiedWithMatch: await describe(s, [{ entityType: 'client-id', matchType: SPECIFIED, match: 'x' }], false),
      unknownMatchType: await describe(s, [{ entityType: 'user', matchType: 9, match: null }], false),
      ipWithUser: await describe(s, [{ entityType: 'ip', matchType: SPECIFIED, match: null }, { entityType: 'user', matchType: SPECIFIED, match: null }], false)
    })
  },
  {
    name: 'DescribeProducers: an idempotent producer, a plain one, a missing partition, a missing and a bad topic',
    run: async s => {
      await createTopic(s, 'dp', 2)
      // An idempotent batch with a fixed producer id: no InitProducerId, so the id is the same on both sides.
      await produce(s, 'dp', 0, encodeRecordBatch([{ value: 'a', timestamp: T0 }, { value: 'b', timestamp: T0 + 7n }], { producerId: 4242n, producerEpoch: 3, baseSequence: 0 }))
      await produce(s, 'dp', 0, encodeRecordBatch([{ value: 'c', timestamp: T0 + 9n }], { producerId: 4242n, producerEpoch: 3, baseSequence: 2 }))
      await produce(s, 'dp', 1, batch([{ value: 'plain', timestamp: T0 }]))
      return {
        producers: await s.request(DescribeProducers, 0, { topics: [{ name: 'dp', partitionIndexes: [0, 1, 5] }] }),
        missingTopic: await s.request(DescribeProducers, 0, { topics: [{ name: 'dp-missing', partitionIndexes: [0, 1] }] }),
        badName: await s.request(DescribeProducers, 0, { topics: [{ name: 'bad name', partitionIndexes: [0] }] }),
        empty: await s.request(DescribeProducers, 0, { topics: [] })
      }
    }
  }
]
