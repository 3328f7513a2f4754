// The fake broker: an in-process Kafka cluster on real TCP sockets, for tests and demos.
export { FakeCluster, ClusterFaults, type FakeClusterOptions } from './fake-cluster.js'
export { Faults, type FaultAction, type InterceptedRequest, type Interceptor } from './faults.js'
export type { SaslServerOptions } from './sasl.js'
export type { AuthorizerOptions } from './authorizer.js'
export type { AclBinding, AclBindingFilter } from './acl-store.js'
export { type Listener, type ListenerSpec, type SecurityProtocol } from './listeners.js'
export { generateSelfSignedCert, type GeneratedCert } from './self-signed-cert.js'
