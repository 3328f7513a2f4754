import t from 'tap'
import { resolveKafkaParams } from '../../streaming/kafka-params.js'

// OAUTHBEARER keys in kafkaParams: librdkafka's pass through to the consumer, and the Java client's unsecured
// OAuthBearerLoginModule JAAS line becomes the equivalent sasl.oauthbearer.config.

const base = { 'bootstrap.servers': 'h:1', 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'OAUTHBEARER' }

t.test('sasl.oauthbearer.* keys pass through to the consumer', async t => {
  const p = resolveKafkaParams({ ...base, 'sasl.oauthbearer.config': 'principal=alice', 'enable.sasl.oauthbearer.unsecure.jwt': 'true' })
  t.same(p.security, { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'OAUTHBEARER', 'sasl.oauthbearer.config': 'principal=alice', 'enable.sasl.oauthbearer.unsecure.jwt': 'true' })
  t.throws(() => resolveKafkaParams({ ...base, 'sasl.oauthbearer.token': 'not a token' }), { name: 'ConfigError', key: 'sasl.oauthbearer.token' })
})

t.test('the Java client\'s unsecured OAuthBearerLoginModule becomes sasl.oauthbearer.config', async t => {
  const p = resolveKafkaParams({
    ...base,
    'sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="alice" unsecuredLoginListClaim_scope="|a|b" unsecuredLoginLifetimeSeconds="600" unsecuredLoginPrincipalClaimName="sub" unsecuredLoginExtension_traceId="42";'
  })
  t.equal(p.security['sasl.oauthbearer.config'], 'principal=alice scope=a,b lifeSeconds=600 principalClaimName=sub extension_traceId=42')
  const jaas = (options: string): Record<string, string> => ({ ...base, 'sasl.jaas.config': `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ${options};` })
  t.throws(() => resolveKafkaParams(jaas('unsecuredLoginNumberClaim_n="1"')), { name: 'ConfigError', key: 'sasl.jaas.config', message: /unsecuredLoginNumberClaim_n is not understood/ })
  t.throws(() => resolveKafkaParams(jaas('unsecuredLoginStringClaim_sub="a b"')), { name: 'ConfigError', key: 'sasl.jaas.config', message: /spaces/ })
  t.throws(() => resolveKafkaParams(jaas('')), { name: 'ConfigError', key: 'sasl.oauthbearer.config', message: /no principal/ })
})
