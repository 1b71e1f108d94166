// Node/V8 options of the daemon process, given on its command line by
// whoever starts it in the background: the CLI (client/ensure-daemon.ts) and
// its watchdog (daemon/watchdog.ts). A leaf: the client imports it without
// the daemon. What was tried and measured: docs/benchmarks.md, "Issue 13:
// daemon RSS".

/**
 * The daemon's JavaScript runs in V8's interpreter only, with no baseline
 * (Sparkplug) and no optimizing (TurboFan) compiler, until daemon/tier-up.ts
 * turns them on when it has work. An idle daemon then never touches the
 * compilers' code in the node binary nor holds their output: with 50 idle
 * agents, 57.5 → 50.6 MiB of RSS (docs/benchmarks.md, "Issue 13: the
 * compilers wait for work"); its idle work costs the same CPU interpreted.
 */
export const INTERPRETER_ONLY_FLAGS: readonly string[] = ['--no-opt', '--no-sparkplug']

export const DAEMON_NODE_FLAGS: readonly string[] = [
  // V8's gc(), for the scavenge the daemon makes once at rest after a burst (daemon/idle-gc.ts)
  '--expose-gc',
  // the interpreter only, until the daemon has work (daemon/tier-up.ts)
  ...INTERPRETER_ONLY_FLAGS,
]
