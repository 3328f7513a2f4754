import { KafkaDirectError } from '../../protocol/errors.js'

/**
 * A command line that cannot be read: an unknown option, a missing argument. Printed as getopt-style tools print
 * theirs ("unknown option --frobnicate"), without the "config KEY:" prefix a ConfigError carries, since it is not
 * a configuration key that is wrong.
 */
export class UsageError extends KafkaDirectError {
  constructor (message: string) {
    super('ERR_USAGE', message)
  }
}
