/**
 * Node/V8 options of the daemon process, given on its command line by
 * whoever starts it in the background: the CLI (client/ensure-daemon.ts) and
 * its watchdog (daemon/watchdog.ts). A leaf: the client imports it without
 * the daemon. What was tried and measured: docs/benchmarks.md, "Issue 13:
 * daemon RSS".
 */
export const DAEMON_NODE_FLAGS: readonly string[] = [
  // V8's gc(), for the scavenge the daemon makes once at rest after a burst (daemon/idle-gc.ts)
  '--expose-gc',
]
