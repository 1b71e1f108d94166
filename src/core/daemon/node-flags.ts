/**
 * Node/V8 options of the daemon process, given on its command line by
 * whoever starts it: the CLI (client/ensure-daemon.ts), its watchdog
 * (daemon/watchdog.ts) and the systemd unit of `orch startup`. A leaf: the
 * client imports it without the daemon. What each is worth, measured: see
 * docs/benchmarks.md, "Issue 13: daemon RSS".
 */

/**
 * V8 optimizes a function with TurboFan once it has run this much bytecode
 * (V8's default is 67,584). The start of 50 agents was enough to page about
 * 3.6 MiB of TurboFan's own machine code (in the node binary) into an idle
 * daemon that runs nothing hot; the queue's hot path, which runs thousands
 * of times a second, still gets optimized within its first few thousand
 * messages. (Setting it from inside with v8.setFlagsFromString has no effect.)
 */
export const TIER_UP_BUDGET = 1_000_000

export const DAEMON_NODE_FLAGS: readonly string[] = [
  `--interrupt-budget=${TIER_UP_BUDGET}`,
  // lets the daemon give back its young generation once at rest (daemon/idle-gc.ts)
  '--expose-gc',
]
