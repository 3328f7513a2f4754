import { UnparsableRequest } from '../handler.js'

// Kafka's DescribeAclsRequest, CreateAclsRequest and DeleteAclsRequest refuse, while being parsed, any filter or
// creation holding the UNKNOWN code (0) as resource type, pattern type, operation or permission type
// (IllegalArgumentException "... contain UNKNOWN elements"); the broker then closes the connection without an
// answer. Codes Kafka does not define at all (e.g. 99) pass this check and are refused later, per filter or ACL.

/** Throws UnparsableRequest when any of the codes is UNKNOWN (0). */
export function rejectUnknownCodes (what: string, codes: readonly number[]): void {
  if (codes.includes(0)) throw new UnparsableRequest(`${what} contain UNKNOWN elements`)
}
