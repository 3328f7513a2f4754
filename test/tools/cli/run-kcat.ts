import { PassThrough } from 'node:stream'
import { run } from '../../../tools/cli/commands/kcat.js'

// The kcat-mode command run in this process, with stdin given and stdout/stderr collected: what the tests (and the
// interop suites, to compare with kcat itself) see of a `kafka-direct -b ... -C ...` run.

export interface KcatRun { code: number, stdout: string, stderr: string }

/** The environment by default: this process's, without $KCAT_CONFIG and HOME, so no kcat.conf of the machine's takes part. */
const HERMETIC = (): NodeJS.ProcessEnv => ({ ...process.env, HOME: undefined, KCAT_CONFIG: undefined, KAFKACAT_CONFIG: undefined })

/** `env` is where kcat's default configuration is looked up ($KCAT_CONFIG, ~/.config/kcat.conf). */
export async function runKcat (args: string[], input = '', env: NodeJS.ProcessEnv = HERMETIC()): Promise<KcatRun> {
  const { stdoutBytes, ...r } = await runKcatBytes(args, input, env)
  return { ...r, stdout: stdoutBytes.toString() }
}

/** As runKcat, with stdout as the bytes written (binary -s output), not decoded. */
export async function runKcatBytes (args: string[], input = '', env: NodeJS.ProcessEnv = HERMETIC()): Promise<{ code: number, stderr: string, stdoutBytes: Buffer }> {
  const stdin = new PassThrough()
  stdin.end(input)
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: Buffer[] = []
  const err: Buffer[] = []
  stdout.on('data', c => out.push(c))
  stderr.on('data', c => err.push(c))
  const code = await run(args, { stdin, stdout, stderr, env })
  return { code, stdoutBytes: Buffer.concat(out), stderr: Buffer.concat(err).toString() }
}
