import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// DescribeLogDirs (key 35): each log directory of the broker asked, with the size of every partition it holds
// (KIP-113). Kafka 4.0 removed v0 (KIP-896; v1 is the same). v1 answers quota violations before throttling
// (KIP-219); v2 is the first flexible version (KIP-482); v3 adds a top-level errorCode; v4 adds each directory's
// volume totalBytes and usableBytes (KIP-827); v5 adds isCordoned (KIP-1066). The request is the same from v1 on.
// From DescribeLogDirsRequest/Response.json (kafka-clients 4.4.0).
export const DescribeLogDirs = defineApi({
  key: 35,
  name: 'DescribeLogDirs',
  versions: '1-5',
  flexible: '2+',
  request: [
    field('topics', array([
      field('topic', 'string', { about: 'The topic name.' }),
      field('partitions', array('int32'), { about: 'The partition indexes.' })
    ], 'DescribableLogDirTopic'), { nullable: '0+', about: 'Each topic that we want to describe log directories for, or null for all topics.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('errorCode', 'int16', { versions: '3+', about: 'The error code, or 0 if there was no error.' }),
    field('results', array([
      field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' }),
      field('logDir', 'string', { about: 'The absolute log directory path.' }),
      field('topics', array([
        field('name', 'string', { about: 'The topic name.' }),
        field('partitions', array([
          field('partitionIndex', 'int32', { about: 'The partition index.' }),
          field('partitionSize', 'int64', { about: 'The size of the log segments in this partition in bytes.' }),
          field('offsetLag', 'int64', { about: 'The lag of the log\'s LEO w.r.t. the partition\'s HW (current log) or the current replica\'s LEO (future log).' }),
          field('isFutureKey', 'bool', { about: 'True if this log was created by AlterReplicaLogDirs and will replace the current log of the replica.' })
        ], 'DescribeLogDirsPartition'), { about: 'The partitions.' })
      ], 'DescribeLogDirsTopic'), { about: 'Each topic.' }),
      field('totalBytes', 'int64', { versions: '4+', default: -1n, about: 'The total size in bytes of the volume the log directory is in.' }),
      field('usableBytes', 'int64', { versions: '4+', default: -1n, about: 'The usable size in bytes of the volume the log directory is in.' }),
      field('isCordoned', 'bool', { versions: '5+', default: false, about: 'True if this log directory is cordoned.' })
    ], 'DescribeLogDirsResult'), { about: 'The log directories.' })
  ]
})
export type DescribeLogDirsRequest = InferInput<typeof DescribeLogDirs.request>
export type DescribeLogDirsResponse = Infer<typeof DescribeLogDirs.response>
