import v8 from 'node:v8'
import vm from 'node:vm'

// Prompt reclaiming of dead request Buffers, for the standalone broker process (kafka-direct fake-broker).
//
// Why: a broker filled through Produce holds each request twice in short-lived Buffers (the socket's chunks, then
// the frame they are joined into) before the log copies its records into a segment. V8 frees a Buffer's memory only
// when a collection finds it dead, and a broker allocates so little JavaScript that collections were rare: the dead
// Buffers stayed resident (the allocator keeps freed memory for reuse, so the peak stays), and with them the
// process was 1.3x the stored bytes after a 67 MiB fill (issue 15). A young-generation collection (a scavenge,
// under a millisecond: request Buffers die young) after every STEP_BYTES received frees them while they are few.
// Not for FakeCluster inside a test's process: its collector belongs to the test runner.

const STEP_BYTES = 1024 * 1024

type Gc = (options?: { type: 'minor' | 'major' }) => void

let gc: Gc | undefined
let sinceLast = 0

/** Turns reclaiming on for this process; returns the function that turns it off. */
export function reclaimRequestBuffers (): () => void {
  v8.setFlagsFromString('--expose-gc')
  // A fresh context sees the flag (the main one was set up before it); its gc collects the whole isolate.
  gc = vm.runInNewContext('gc') as Gc
  sinceLast = 0
  return () => { gc = undefined }
}

/** Connections report each read's size here; a no-op unless reclaiming is on. */
export function requestBytesReceived (n: number): void {
  if (gc === undefined) return
  sinceLast += n
  if (sinceLast < STEP_BYTES) return
  sinceLast = 0
  gc({ type: 'minor' })
}
