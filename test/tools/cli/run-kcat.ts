import { PassThrough } from 'node:stream'
import { run } from '../../../tools/cli/commands/kcat.js'

// The kcat-mode command run in this process, with stdin given and stdout/stderr collected: what the tests (and the
// interop suites, to compare with kcat itself) see of a `kafka-direct -b ... -C ...` run.

export interface KcatRun { code: number, stdout: string, stderr: string, /** stdout as written (binary -s output) */ stdoutBytes: Buffer }

/**
 * `env` is where kcat's default configuration is looked up ($KCAT_CONFIG, ~/.config/kcat.conf): by default this
 * process's environment without those, so that no configuration file of the machine's takes part.
 */
export async function runKcat (args: string[], input = '', env: NodeJS.ProcessEnv = { ...process.env, HOME: undefined, KCAT_CONFIG: undefined, KAFKACAT_CONFIG: undefined }): Promise<KcatRun> {
  const stdin = new PassThrough()
  stdin.end(input)
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: Buffer[] = []
  const err: Buffer[] = []
  stdout.on('data', c => out.push(c))
  stderr.on('data', c => err.push(c))
  const code = await run(args, { stdin, stdout, stderr, env })
  const stdoutBytes = Buffer.concat(out)
  return { code, stdout: stdoutBytes.toString(), stderr: Buffer.concat(err).toString(), stdoutBytes }
}
