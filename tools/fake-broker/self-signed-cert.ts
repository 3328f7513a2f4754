import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { isIP } from 'node:net'

// A self-signed X.509 certificate made with node:crypto alone, for fake-broker SSL listeners started without a
// certificate. Node can make keys and signatures but not certificates, so the certificate's DER is written here
// from RFC 5280 (section 4.1): an ECDSA P-256 key, signed with ecdsa-with-SHA256, valid from a day ago for ten
// years, marked as a CA (basicConstraints) so that clients can be given the certificate itself as their trusted
// CA (librdkafka `ssl.ca.location`, Node `ca`, Java truststores), with the host names and addresses the brokers
// advertise as subject alternative names, since clients check them (librdkafka's
// ssl.endpoint.identification.algorithm=https is on by default).

export interface GeneratedCert {
  /** PEM private key (PKCS#8). */
  key: string
  /** PEM certificate; it is its own CA. */
  cert: string
}

/** Makes a key and a self-signed certificate for `names` (DNS names and IP addresses; the first is the CN). */
export function generateSelfSignedCert (names: string[]): GeneratedCert {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const spki = publicKey.export({ type: 'spki', format: 'der' })
  const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'))
  const now = Date.now()
  const name = seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(names[0] ?? 'localhost')))))
  // The key identifier (RFC 5280 4.2.1.2, method 1): SHA-1 of the subjectPublicKey bits, past the SPKI's
  // algorithm; for a P-256 key those are the last 65 bytes (an uncompressed point).
  const keyId = createHash('sha1').update(spki.subarray(spki.length - 65)).digest()
  const altNames = names.map(n => isIP(n) === 4
    ? tlv(0x87, Buffer.from(n.split('.').map(Number)))
    : tlv(0x82, Buffer.from(n, 'ascii')))
  const extensions = [
    // basicConstraints (critical): cA TRUE.
    seq(oid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), octets(seq(tlv(0x01, Buffer.from([0xff]))))),
    // keyUsage (critical): digitalSignature (bit 0) and keyCertSign (bit 5); 2 unused bits.
    seq(oid('2.5.29.15'), tlv(0x01, Buffer.from([0xff])), octets(tlv(0x03, Buffer.from([0x02, 0x84])))),
    seq(oid('2.5.29.17'), octets(seq(...altNames))),
    seq(oid('2.5.29.14'), octets(tlv(0x04, keyId))),
    seq(oid('2.5.29.35'), octets(seq(tlv(0x80, keyId))))
  ]
  const serial = randomBytes(16)
  serial[0] = (serial[0] & 0x7f) | 0x01 // positive, and no leading zero byte
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // version v3
    tlv(0x02, serial),
    ecdsaWithSha256,
    name,
    seq(utcTime(now - 86_400_000), utcTime(now + 10 * 365 * 86_400_000)),
    name,
    spki,
    tlv(0xa3, seq(...extensions))
  )
  // crypto.sign's default ECDSA encoding is DER's Ecdsa-Sig-Value, as X.509 wants it.
  const signature = sign('sha256', tbs, privateKey)
  const der = seq(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])))
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`
  }
}

/** A DER type-length-value: the length in short form below 128, else long form (X.690 8.1.3). */
function tlv (tag: number, value: Buffer): Buffer {
  const n = value.length
  let len: Buffer
  if (n < 0x80) len = Buffer.from([n])
  else if (n < 0x100) len = Buffer.from([0x81, n])
  else if (n < 0x10000) len = Buffer.from([0x82, n >> 8, n & 0xff])
  else len = Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff])
  return Buffer.concat([Buffer.from([tag]), len, value])
}

function seq (...items: Buffer[]): Buffer { return tlv(0x30, Buffer.concat(items)) }
function set (...items: Buffer[]): Buffer { return tlv(0x31, Buffer.concat(items)) }
function octets (value: Buffer): Buffer { return tlv(0x04, value) }

/** An OBJECT IDENTIFIER: 40*a+b, then each arc in base 128, high bit set on all but its last byte (X.690 8.19). */
function oid (dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number)
  const out = [40 * arcs[0] + arcs[1]]
  for (const arc of arcs.slice(2)) {
    const bytes = [arc & 0x7f]
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift((v & 0x7f) | 0x80)
    out.push(...bytes)
  }
  return tlv(0x06, Buffer.from(out))
}

/** UTCTime YYMMDDHHMMSSZ (RFC 5280 4.1.2.5.1: for years before 2050). */
function utcTime (ms: number): Buffer {
  const iso = new Date(ms).toISOString() // 2026-12-06T12:00:00.000Z
  const text = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z'
  return tlv(0x17, Buffer.from(text, 'ascii'))
}
