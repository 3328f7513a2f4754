// SASL PLAIN (RFC 4616): one message, [authzid] NUL authcid NUL passwd, in UTF-8. Kafka leaves the authorization
// id empty (or equal to the user). The password travels in the clear: use it over TLS (security.protocol=sasl_ssl).

export function plainToken (username: string, password: string): Buffer {
  return Buffer.from(`\u0000${username}\u0000${password}`, 'utf8')
}

/** The parts of a PLAIN message, or undefined when it is not three NUL-separated fields (the broker's side). */
export function parsePlainToken (token: Buffer): { authzid: string, username: string, password: string } | undefined {
  const parts = token.toString('utf8').split('\u0000')
  if (parts.length !== 3) return undefined
  return { authzid: parts[0], username: parts[1], password: parts[2] }
}
