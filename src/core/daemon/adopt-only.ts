/**
 * Set by `orch kill` when it starts a daemon only to stop what a dead daemon
 * left: that daemon re-adopts live agents but does not start the ones it
 * finds dead. Read once at start and removed from the environment, so that
 * agents and a daemon the watchdog starts later do not inherit it.
 */
export const ADOPT_ONLY_ENV = 'ORCH_ADOPT_ONLY'

export function takeAdoptOnly(): boolean {
  const on = process.env[ADOPT_ONLY_ENV] === '1'
  delete process.env[ADOPT_ONLY_ENV]
  return on
}
