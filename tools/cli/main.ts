#!/usr/bin/env node
// The `kafka-direct` command. Subcommands live in ./commands/<name>.ts and export `run(argv): Promise<number>`;
// anything else is read as kcat-style flags (-L, -C, -P, -Q ...), so kafka-direct can stand in for kcat.
import { KafkaDirectError } from '../../protocol/errors.js'

const SUBCOMMANDS = new Set(['decode', 'fake-broker', 'wordcount', 'groups', 'topics', 'configs', 'log-dirs', 'acls', 'transactions'])

// `kafka-direct -C ... | head`: once the reader has gone, the next write fails with EPIPE. kcat dies quietly of
// SIGPIPE there; Node ignores SIGPIPE and reports EPIPE as an 'error' event, which, unhandled, would crash with a
// stack trace. The reader took what it wanted, so the run is over: end quietly, successfully.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0)
    throw err
  })
}

async function main (argv: string[]): Promise<number> {
  const first = argv[0]
  // Asked for, the usage is the output (stdout, exit 0); without any arguments it is an error, as with kcat
  // (stderr, exit 1), so `kafka-direct | ...` in a script does not pass usage text on as data.
  if (first === '-h' || first === '--help') {
    process.stdout.write(USAGE)
    return 0
  }
  if (first === undefined) {
    process.stderr.write(USAGE)
    return 1
  }
  const name = SUBCOMMANDS.has(first) ? first : 'kcat'
  const args = name === 'kcat' ? argv : argv.slice(1)
  // A computed specifier keeps each command's module (and its dependencies) unloaded until it is used.
  const mod = await import(`./commands/${name}.js`) as { run: (argv: string[]) => Promise<number> }
  return await mod.run(args)
}

const USAGE = `Usage: kafka-direct <command> [options]

  kafka-direct -b BROKERS -L                      list brokers, topics and partitions (kcat -L)
  kafka-direct -b BROKERS -C -t TOPIC [...]       consume (kcat -C flags: -p -o -e -c -f -J -q -s -E -X -F -d)
  kafka-direct -b BROKERS -P -t TOPIC [FILE...]   produce lines from stdin, or files (kcat -P flags: -p -K -k -H -z -l -T)
  kafka-direct -b BROKERS -Q -t TOPIC:P:TS        offsets for times (kcat -Q)
  kafka-direct -b BROKERS -G GROUP TOPIC...       balanced consumer in a group (kcat -G; -f -J -o -e -q -X)
  kafka-direct groups --bootstrap-server BROKERS --list|--describe|--delete|--reset-offsets|--delete-offsets [--group G] ...
  kafka-direct decode [--hex] [--json] [--response --api NAME|KEY --api-version N] [FILE|-]
  kafka-direct fake-broker [--brokers N] [--topic NAME:PARTITIONS ...] [--port P] [--data DIR] [--verbose]
  kafka-direct topics --bootstrap-server BROKERS --list|--describe|--create|--alter|--delete [--topic T] ...
  kafka-direct configs --bootstrap-server BROKERS --entity-type topics|brokers|users|clients|ips --entity-name N --describe|--alter ...
  kafka-direct log-dirs --bootstrap-server BROKERS --describe [--broker-list 1,2] [--topic-list T,...]
  kafka-direct acls --bootstrap-server BROKERS --list|--add|--remove [--topic T] [--allow-principal P] ...
  kafka-direct transactions --bootstrap-server BROKERS list|describe --transactional-id ID|describe-producers|abort|find-hanging --topic T ...
  kafka-direct wordcount -b BROKERS -t TOPIC[,TOPIC] [--from beginning|end] [--batch-interval MS] ...
`

main(process.argv.slice(2)).then(code => { process.exitCode = code }, (err: unknown) => {
  // Our own errors are expected failures with a clear message: no stack trace for the user.
  if (err instanceof KafkaDirectError) process.stderr.write(`kafka-direct: ${err.name}: ${err.message}\n`)
  else process.stderr.write(`kafka-direct: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exitCode = 1
})
