/**
 * Env variables of the daemon's watchdog machinery (daemon/watchdog.ts). A
 * leaf, so that the client that starts a daemon and the supervisor that keeps
 * them out of agents' environments need not import the daemon.
 */

/** Set in the environment of a daemon that runs in the background (started by the CLI or by its watchdog). */
export const DETACHED_ENV = 'ORCH_DAEMON_DETACHED'
/** The restart delay the watchdog used to start this daemon, so a crash loop backs off. */
export const DELAY_ENV = 'ORCH_WATCHDOG_DELAY_MS'
/** How many daemons in a row died young before this one. */
export const FAILS_ENV = 'ORCH_WATCHDOG_FAILS'

/** Env variables of the watchdog machinery, which agents need not see. */
export const WATCHDOG_ENV = [DETACHED_ENV, DELAY_ENV, FAILS_ENV]
