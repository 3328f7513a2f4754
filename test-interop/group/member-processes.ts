import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readFileSync } from 'node:fs'
import { compileJava, kafkaClientsCoordinates, resolveJars } from '../peers/maven.js'

// Group members in other processes, for the group interop tests: each prints "<partition> <offset>" per record
// and "ASSIGNED/REVOKED/LOST <partitions>" per rebalance callback; this side keeps who read what and who owns what.

/** "partition:offset" -> the members that read it. */
export type Seen = Map<string, string[]>

export function note (seen: Seen, who: string, partition: number, offset: number | bigint): void {
  const k = `${partition}:${offset}`
  const list = seen.get(k) ?? []
  list.push(who)
  seen.set(k, list)
}

export interface MemberProcess {
  child: ChildProcess
  /** What its rebalance callbacks say it owns now. */
  owned: Set<number>
}

export function startMember (t: { teardown: (fn: () => void) => void }, name: string, cmd: string, args: string[], seen: Seen): MemberProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const member: MemberProcess = { child, owned: new Set() }
  child.stderr?.resume()
  createInterface({ input: child.stdout! }).on('line', line => {
    const rec = /^(\d+) (\d+)$/.exec(line.trim())
    if (rec !== null) { note(seen, name, Number(rec[1]), Number(rec[2])); return }
    const cb = /^(ASSIGNED|REVOKED|LOST) ?([\d,]*)$/.exec(line.trim())
    if (cb === null) return
    const parts = cb[2] === '' ? [] : cb[2].split(',').map(Number)
    for (const p of parts) { if (cb[1] === 'ASSIGNED') member.owned.add(p); else member.owned.delete(p) }
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  return member
}

const here = dirname(fileURLToPath(import.meta.url))

/** The java command line of our GroupMember program (compiled once against kafka-clients). */
export async function javaMemberCommand (): Promise<{ cmd: string, classpath: string }> {
  const jars = await resolveJars('kafka-clients', kafkaClientsCoordinates())
  const source = join(here, '..', 'java', 'group-member', 'GroupMember.java')
  const classes = await compileJava('group-member', [source], jars, [readFileSync(source, 'utf8')])
  return { cmd: 'java', classpath: [classes, ...jars].join(':') }
}

export async function until (cond: () => boolean, what: string, ms = 90_000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}
