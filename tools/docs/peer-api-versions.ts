// The API version ranges of the two brokers the fake broker is compared with in the README's coverage table. They are
// data about other software, so they are written down here, with where they were read:
// - Apache Kafka 4.4.0: `validVersions` of every request in kafka-clients-4.4.0.jar's common/message/*Request.json
//   whose `listeners` include "broker" (the APIs a broker serves to clients; controller-only APIs left out).
//   InitProducerId's v6 is marked `latestVersionUnstable` there, so a 4.4 broker advertises 0-5 unless told otherwise.
// - franz-go's kfake at v0.0.0-20260918054303-01f206a7e32c (the version test-interop/peers/kfake.ts pins): the
//   `regKey(key, min, max)` calls in its NN_name.go handler files.
// Update both together with the pins in test-interop/peers/.

/** [min, max] by API key. */
export type PeerVersions = ReadonlyMap<number, readonly [number, number]>

function table (text: string): PeerVersions {
  return new Map(text.trim().split(/\s+/).map(cell => {
    const [key, range] = cell.split(':')
    const [min, max = min] = range.split('-').map(Number)
    return [Number(key), [min, max] as const]
  }))
}

export const KAFKA_4_4_VERSIONS: PeerVersions = table(`
  0:3-13 1:4-18 2:1-11 3:0-13 8:2-10 9:1-10 10:0-6 11:0-9 12:0-4 13:0-5 14:0-5 15:0-6 16:0-5 17:0-1 18:0-5 19:2-7
  20:1-6 21:0-2 22:0-5 23:2-4 24:0-5 25:0-4 26:0-5 27:1-2 28:0-6 29:1-3 30:1-3 31:1-3 32:1-4 33:0-2 34:1-2 35:1-5
  36:0-2 37:0-3 38:1-3 39:1-2 40:1-2 41:1-3 42:0-3 43:0-2 44:0-1 45:0-1 46:0 47:0 48:0-1 49:0-1 50:0 51:0 55:0-2
  57:0-2 60:0-2 61:0 64:0 65:0 66:0-2 68:0-1 69:0-1 71:0 72:0 74:0-1 75:0 76:1 77:1 78:1-2 79:1-2 80:0-1 81:0 83:0
  84:0 85:0-1 86:0 87:0-1 88:0-1 89:0-1 90:0-1 91:0 92:0 93:0 94:0
`)

export const KFAKE_VERSIONS: PeerVersions = table(`
  0:3-13 1:4-18 2:0-10 3:0-13 8:0-10 9:0-10 10:0-6 11:0-9 12:0-4 13:0-5 14:0-5 15:0-6 16:0-5 17:1 18:0-5 19:0-7
  20:0-6 21:0-2 22:0-5 23:3-4 24:0-5 25:0-4 26:0-5 27:0-2 28:0-6 29:0-3 30:0-3 31:0-3 32:0-4 33:0-2 34:0-2 35:0-5
  36:0-2 37:0-3 42:0-3 43:0-2 44:0-1 45:0-1 46:0 47:0 48:0-1 49:0-1 50:0 51:0 57:0-2 60:0-2 61:0 65:0 66:0-2 68:0-1
  69:0-1 71:0 72:0 74:0-1 75:0 76:0-1 77:0-1 78:0-2 79:0-2 90:0-1 91:0 92:0
`)

/** Kafka's names for the keys that appear only in the peers' columns (the fake broker's own come from its schemas). */
export const PEER_ONLY_API_NAMES: ReadonlyMap<number, string> = new Map([
  [27, 'WriteTxnMarkers'], [34, 'AlterReplicaLogDirs'], [38, 'CreateDelegationToken'], [39, 'RenewDelegationToken'],
  [40, 'ExpireDelegationToken'], [41, 'DescribeDelegationToken'], [55, 'DescribeQuorum'], [57, 'UpdateFeatures'],
  [60, 'DescribeCluster'], [61, 'DescribeProducers'], [64, 'UnregisterBroker'], [71, 'GetTelemetrySubscriptions'],
  [72, 'PushTelemetry'], [74, 'ListConfigResources'], [76, 'ShareGroupHeartbeat'], [77, 'ShareGroupDescribe'],
  [78, 'ShareFetch'], [79, 'ShareAcknowledge'], [80, 'AddRaftVoter'], [81, 'RemoveRaftVoter'],
  [83, 'InitializeShareGroupState'], [84, 'ReadShareGroupState'], [85, 'WriteShareGroupState'],
  [86, 'DeleteShareGroupState'], [87, 'ReadShareGroupStateSummary'], [88, 'StreamsGroupHeartbeat'],
  [89, 'StreamsGroupDescribe'], [90, 'DescribeShareGroupOffsets'], [91, 'AlterShareGroupOffsets'],
  [92, 'DeleteShareGroupOffsets'], [93, 'StreamsGroupTopologyDescriptionUpdate'], [94, 'UnregisterController'],
  [29, 'DescribeAcls'], [30, 'CreateAcls'], [31, 'DeleteAcls'], [35, 'DescribeLogDirs'], [43, 'ElectLeaders'],
  [45, 'AlterPartitionReassignments'], [46, 'ListPartitionReassignments'], [48, 'DescribeClientQuotas'],
  [49, 'AlterClientQuotas']
])
