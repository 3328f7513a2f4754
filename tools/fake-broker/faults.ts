import { apiByNameOrKey } from '../../protocol/apis/index.js'
import { ConfigError } from '../../protocol/errors.js'

// Fault injection. Every request passes one interception hook before its handler runs; a fault is a small
// function on that hook that looks at the request and may ask for a delay, a dropped connection, or an error
// code for the whole request or for one partition. The named helpers below (failNext, addLatency,
// dropConnectionMidResponse) are such functions; tests may add their own with `intercept`. Faults that change
// the cluster rather than a request (moveLeader, brokerDown, deleteRecordsBefore) live on FakeCluster.faults,
// which extends this class.

export interface InterceptedRequest {
  readonly brokerId: number
  readonly apiKey: number
  readonly apiName: string
  readonly version: number
  readonly clientId: string | null
  readonly body: unknown
}

export interface FaultAction {
  /** Wait this long before handling the request. */
  delayMs?: number
  /** Write part of the response, then close the connection. */
  dropMidResponse?: boolean
  /**
   * The error code for a partition of this request, or for the request as a whole when called without a topic;
   * 0 for none. Handlers call it where they would otherwise do the work.
   */
  errorFor?: (topic?: string, partition?: number) => number
}

export type Interceptor = (req: InterceptedRequest) => FaultAction | undefined

/** What the connection applies to one request: the combination of every interceptor's action. */
export interface FaultDecision {
  delayMs: number
  dropMidResponse: boolean
  errorFor: (topic?: string, partition?: number) => number
}

const NO_ERROR = (): number => 0

export class Faults {
  private readonly interceptors: Interceptor[] = []

  /** Adds an interceptor; returns a function that removes it. */
  intercept (fn: Interceptor): () => void {
    this.interceptors.push(fn)
    return () => { const i = this.interceptors.indexOf(fn); if (i >= 0) this.interceptors.splice(i, 1) }
  }

  /** Removes every request fault. */
  clear (): void { this.interceptors.length = 0 }

  /** The one hook: called by the connection for every decoded request. */
  decide (req: InterceptedRequest): FaultDecision {
    let delayMs = 0
    let dropMidResponse = false
    const errorFors: Array<(topic?: string, partition?: number) => number> = []
    for (const fn of this.interceptors.slice()) {
      const action = fn(req)
      if (action === undefined) continue
      delayMs += action.delayMs ?? 0
      dropMidResponse ||= action.dropMidResponse === true
      if (action.errorFor !== undefined) errorFors.push(action.errorFor)
    }
    const errorFor = errorFors.length === 0
      ? NO_ERROR
      : (topic?: string, partition?: number) => {
          for (const f of errorFors) { const code = f(topic, partition); if (code !== 0) return code }
          return 0
        }
    return { delayMs, dropMidResponse, errorFor }
  }

  /**
   * The next `count` requests of an API fail with `errorCode`: every partition of them, or only the given topic
   * (and partition). Each request the error is applied to uses up one of the count.
   */
  failNext (apiKeyOrName: number | string, count: number, errorCode: number, opts: { topic?: string, partition?: number } = {}): void {
    const key = apiKey(apiKeyOrName)
    let left = count
    const remove = this.intercept(req => {
      if (req.apiKey !== key || left <= 0) return undefined
      let applied = false
      return {
        errorFor: (topic, partition) => {
          if (opts.topic !== undefined && topic !== opts.topic) return 0
          if (opts.partition !== undefined && partition !== opts.partition) return 0
          if (!applied) {
            applied = true
            if (--left === 0) remove()
          }
          return errorCode
        }
      }
    })
  }

  /** Every request (of one API, if given) waits `ms` before it is handled. `ms` 0 removes earlier latency. */
  addLatency (ms: number, apiKeyOrName?: number | string): () => void {
    const key = apiKeyOrName === undefined ? undefined : apiKey(apiKeyOrName)
    return this.intercept(req => key === undefined || req.apiKey === key ? { delayMs: ms } : undefined)
  }

  /** The next `count` responses of an API are cut off halfway and their connection closed. */
  dropConnectionMidResponse (apiKeyOrName: number | string, count = 1): void {
    const key = apiKey(apiKeyOrName)
    let left = count
    const remove = this.intercept(req => {
      if (req.apiKey !== key || left <= 0) return undefined
      if (--left === 0) remove()
      return { dropMidResponse: true }
    })
  }
}

function apiKey (apiKeyOrName: number | string): number {
  if (typeof apiKeyOrName === 'number') return apiKeyOrName
  const api = apiByNameOrKey(apiKeyOrName)
  if (api === undefined) throw new ConfigError('api', `unknown API ${JSON.stringify(apiKeyOrName)}`)
  return api.key
}
