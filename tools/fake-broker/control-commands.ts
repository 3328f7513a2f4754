import { ConfigError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { FakeCluster } from './fake-cluster.js'

// The fault helpers as one-line text commands, so a fake broker started from the shell (`kafka-direct
// fake-broker --control`) can be steered by a test in another language or by hand, the way the library API steers
// an in-process cluster. One command a line; the answer is one line, "ok ..." or "error ...".

export const CONTROL_HELP = `Control commands (one a line on stdin with --control; answered "ok ..." or "error ..." on stdout):
  move-leader TOPIC PARTITION BROKER     make BROKER the partition's leader (epoch + 1)
  broker-down ID | broker-up ID          close a broker's listener and connections / start it again
  fail-next API COUNT ERROR [TOPIC [PARTITION]]
                                         the next COUNT requests of API (name or key) fail with ERROR
                                         (name or code), optionally only for one topic or partition
  latency MS [API]                       delay every response (of API) by MS
  drop-mid-response API [COUNT]          close the connection halfway through the next COUNT responses
  shrink-isr TOPIC PARTITION [BROKER...] followers leave the ISR (all but the leader without BROKER)
  expand-isr TOPIC PARTITION [BROKER...] live replicas rejoin the ISR (all without BROKER)
  unclean-leader-election TOPIC PARTITION BROKER [END_OFFSET]
                                         an out-of-sync replica leads; records from END_OFFSET on are lost
  lagging-leader TOPIC PARTITION BROKER END_OFFSET
                                         BROKER leads with its log ending at END_OFFSET (the rest is truncated)
  delete-records TOPIC PARTITION OFFSET  move the log start offset up to OFFSET
  produce TOPIC PARTITION VALUE...       append one record per VALUE
  high-watermark TOPIC PARTITION         print the partition's high watermark
  compact                                run the log cleaner now (compacted topics that are due)
  clear                                  remove every request fault`

function int (text: string | undefined, what: string, min = 0): number {
  const n = Number(text)
  if (text === undefined || !/^-?\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    throw new ConfigError(what, `expected an integer >= ${min}, got ${text === undefined ? 'nothing' : JSON.stringify(text)}`)
  }
  return n
}

function errorCode (text: string | undefined): number {
  if (text !== undefined && /^-?\d+$/.test(text)) return int(text, 'ERROR', -1)
  const code = (ErrorCode as Record<string, number>)[(text ?? '').toUpperCase()]
  if (code === undefined) throw new ConfigError('ERROR', `unknown error ${JSON.stringify(text)} (a code or a name such as NOT_LEADER_OR_FOLLOWER)`)
  return code
}

function api (text: string | undefined): number | string {
  if (text === undefined) throw new ConfigError('API', 'missing (a name such as Fetch, or a key)')
  return /^\d+$/.test(text) ? Number(text) : text
}

/** Runs one control command against the cluster; returns the answer line, or throws a KafkaDirectError. */
export async function runControlCommand (cluster: FakeCluster, line: string): Promise<string> {
  const [cmd, ...a] = line.trim().split(/\s+/)
  const f = cluster.faults
  switch (cmd) {
    case 'move-leader':
      f.moveLeader(a[0], int(a[1], 'PARTITION'), int(a[2], 'BROKER'))
      return `ok ${a[0]} ${a[1]} leader ${a[2]}`
    case 'broker-down':
      await f.brokerDown(int(a[0], 'ID'))
      return `ok broker ${a[0]} down`
    case 'broker-up':
      await f.brokerUp(int(a[0], 'ID'))
      return `ok broker ${a[0]} up`
    case 'fail-next': {
      const opts = { topic: a[3], partition: a[4] === undefined ? undefined : int(a[4], 'PARTITION') }
      f.failNext(api(a[0]), int(a[1], 'COUNT', 1), errorCode(a[2]), opts)
      return `ok next ${a[1]} ${a[0]} fail with ${a[2]}`
    }
    case 'latency':
      f.addLatency(int(a[0], 'MS'), a[1] === undefined ? undefined : api(a[1]))
      return `ok latency ${a[0]} ms`
    case 'drop-mid-response':
      f.dropConnectionMidResponse(api(a[0]), a[1] === undefined ? 1 : int(a[1], 'COUNT', 1))
      return `ok drop ${a[1] ?? 1} ${a[0]}`
    case 'shrink-isr':
    case 'expand-isr': {
      const ids = a.slice(2).map(x => int(x, 'BROKER'))
      const isr = (cmd === 'shrink-isr' ? f.shrinkIsr : f.expandIsr).call(f, a[0], int(a[1], 'PARTITION'), ids.length === 0 ? undefined : ids)
      return `ok ${a[0]} ${a[1]} isr ${isr.join(',')}`
    }
    case 'unclean-leader-election': {
      const end = f.uncleanLeaderElection(a[0], int(a[1], 'PARTITION'), int(a[2], 'BROKER'), a[3] === undefined ? undefined : BigInt(int(a[3], 'END_OFFSET')))
      return `ok ${a[0]} ${a[1]} leader ${a[2]} log end ${end}`
    }
    case 'lagging-leader': {
      const end = f.moveLeaderToLaggingReplica(a[0], int(a[1], 'PARTITION'), int(a[2], 'BROKER'), BigInt(int(a[3], 'END_OFFSET')))
      return `ok ${a[0]} ${a[1]} leader ${a[2]} log end ${end}`
    }
    case 'delete-records':
      f.deleteRecordsBefore(a[0], int(a[1], 'PARTITION'), BigInt(int(a[2], 'OFFSET')))
      return `ok log start ${cluster.logStartOffset(a[0], int(a[1], 'PARTITION'))}`
    case 'produce': {
      if (a.length < 3) throw new ConfigError('produce', 'needs TOPIC PARTITION VALUE...')
      const base = cluster.produce(a[0], int(a[1], 'PARTITION'), a.slice(2).map(value => ({ value })))
      return `ok base offset ${base}`
    }
    case 'high-watermark':
      return `ok ${cluster.highWatermark(a[0], int(a[1], 'PARTITION'))}`
    case 'compact':
      return `ok cleaned ${cluster.compact()} partitions`
    case 'clear':
      f.clear()
      return 'ok cleared'
    default:
      throw new ConfigError('command', `unknown command ${JSON.stringify(cmd ?? '')}\n${CONTROL_HELP}`)
  }
}
