import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Self-signed certificates for the TLS tests, made by the openssl command-line tool at test time so that no key
// is ever committed. The subject is CN=localhost and the subject alternative names cover both ways a client may
// check the name: DNS:localhost (a client given servername 'localhost') and IP:127.0.0.1 (the address the fake
// brokers advertise, which librdkafka verifies by default since ssl.endpoint.identification.algorithm=https).

export const OPENSSL = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find(p => existsSync(p))

export interface SelfSignedCert {
  /** PEM private key and certificate (the certificate is its own CA). */
  key: Buffer
  cert: Buffer
  keyFile: string
  certFile: string
}

/** Makes a fresh self-signed certificate in a temporary directory, removed by `cleanup`. */
export async function selfSignedCert (opts: { subjectAltName?: string | null } = {}): Promise<{ cert: SelfSignedCert, cleanup: () => Promise<void> }> {
  if (OPENSSL === undefined) throw new Error('openssl is not installed')
  const dir = await mkdtemp(join(tmpdir(), 'kafka-direct-tls-'))
  const keyFile = join(dir, 'key.pem')
  const certFile = join(dir, 'cert.pem')
  const san = opts.subjectAltName === undefined ? 'DNS:localhost,IP:127.0.0.1' : opts.subjectAltName
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', keyFile, '-out', certFile]
  if (san !== null) args.push('-addext', `subjectAltName=${san}`)
  await new Promise<void>((resolve, reject) => {
    execFile(OPENSSL, args, (err, _stdout, stderr) => { if (err === null) resolve(); else reject(new Error(`openssl failed: ${stderr}`, { cause: err })) })
  })
  const cert: SelfSignedCert = { key: await readFile(keyFile), cert: await readFile(certFile), keyFile, certFile }
  return { cert, cleanup: async () => { await rm(dir, { recursive: true, force: true }) } }
}
