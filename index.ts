// kafka-direct: the public entry point. Layers import downwards only: streaming -> consumer -> protocol.
export * from './protocol/index.js'
export * from './consumer/index.js'
export * from './streaming/index.js'
