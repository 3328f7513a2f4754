// The code tables of the sequences section (RFC 8878 section 3.1.1.3.2.1.1): a literals length, match length or
// offset is sent as a small FSE-coded symbol (its "code") plus a number of raw extra bits. Baseline + extra bits
// gives the value. Also the three predefined distributions (section 3.1.1.3.2.2), used by Predefined_Mode.

/** Literals_Length_Code -> baseline. Codes 0-15 are the length itself. */
export const LL_BASELINE: Uint32Array = Uint32Array.from([
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
  16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024, 2048, 4096,
  8192, 16384, 32768, 65536
])
/** Literals_Length_Code -> number of extra bits. */
export const LL_EXTRA_BITS: Uint8Array = Uint8Array.from([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12,
  13, 14, 15, 16
])

/** Match_Length_Code -> baseline. Codes 0-31 are the length minus 3 (the minimum match). */
export const ML_BASELINE: Uint32Array = Uint32Array.from([
  3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
  19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
  35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051,
  4099, 8195, 16387, 32771, 65539
])
/** Match_Length_Code -> number of extra bits. */
export const ML_EXTRA_BITS: Uint8Array = Uint8Array.from([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11,
  12, 13, 14, 15, 16
])

// Largest code each alphabet may use. Offset codes are Offset_Value's bit length; the RFC lets decoders refuse
// codes above 31 (section 3.1.1.3.2.1.1), and so do we.
export const MAX_LL_CODE = 35
export const MAX_ML_CODE = 52
export const MAX_OF_CODE = 31

// Largest Accuracy_Log an FSE_Compressed_Mode table may declare, per alphabet (section 3.1.1.3.2.2).
export const LL_MAX_ACCURACY_LOG = 9
export const ML_MAX_ACCURACY_LOG = 9
export const OF_MAX_ACCURACY_LOG = 8

// Predefined distributions; -1 means "less than 1": the symbol gets a single state (section 4.1.1).
export const LL_DEFAULT_ACCURACY_LOG = 6
export const LL_DEFAULT_DISTRIBUTION: Int16Array = Int16Array.from([
  4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1,
  -1, -1, -1, -1
])
export const ML_DEFAULT_ACCURACY_LOG = 6
export const ML_DEFAULT_DISTRIBUTION: Int16Array = Int16Array.from([
  1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1,
  -1, -1, -1, -1, -1
])
export const OF_DEFAULT_ACCURACY_LOG = 5
export const OF_DEFAULT_DISTRIBUTION: Int16Array = Int16Array.from([
  1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1
])

/** The index of the highest set bit of x > 0 (floor(log2 x)). */
export function highBit (x: number): number {
  return 31 - Math.clz32(x)
}
