// Every failure inside the zstd codec is a CompressionError naming the codec, so callers branch on one class
// whatever went wrong: a malformed frame, an unsupported feature, or output past the configured limit.
import { CompressionError } from '../../errors.js'

/** A CompressionError for codec 'zstd'; `detail` says what was wrong and where. */
export function zstdError (detail: string): CompressionError {
  return new CompressionError('zstd', detail)
}
