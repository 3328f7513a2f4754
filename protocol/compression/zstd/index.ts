// Zstandard (RFC 8878) for Kafka's compression type 4 (KIP-110), in TypeScript with no dependencies.
// The decoder reads every frame the format defines except those needing a dictionary; the encoder is a simple
// greedy LZ77 compressor whose frames any conforming decoder reads.
export { zstdDecompress } from './frame-decoder.js'
export type { ZstdDecompressOptions } from './frame-decoder.js'
export { zstdCompress } from './frame-encoder.js'
