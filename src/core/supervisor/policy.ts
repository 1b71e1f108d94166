import type { RestartHistory } from '../store/instance-record.js'

export type { RestartHistory }

/**
 * The restart policy as a pure function: (policy, history, exit) -> decision.
 * No clocks, no state: the supervisor passes `exit.at` and keeps the history.
 */
export interface RestartPolicy {
  autorestart: boolean | 'on-failure'
  maxRestarts: number
  restartWindowMs: number
  backoff: { initialMs: number; maxMs: number; factor: number }
}

export interface ExitInfo {
  code: number | null
  signal: string | null
  /** when the process exited (ms epoch) */
  at: number
  /** how long it ran */
  uptimeMs: number
  /** why it ended, when it was not a plain exit (memory limit, ready timeout) */
  cause?: string
}

export type RestartDecision =
  | { action: 'restart'; delayMs: number; reason: string; history: RestartHistory }
  | { action: 'stop'; reason: string }
  | { action: 'give-up'; reason: string }

/** An agent that ran this long is stable: its backoff starts over. */
export const STABLE_UPTIME_MS = 30_000

export function describeExit(exit: ExitInfo): string {
  if (exit.cause) return exit.cause
  if (exit.signal) return `killed by ${exit.signal}`
  if (exit.code === null) return 'died (exit status unknown: not a child of this daemon)'
  return `exited with code ${exit.code}`
}

export function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`
  if (ms % 1_000 === 0 && ms > 0) return `${ms / 1_000}s`
  return `${ms}ms`
}

export function backoffDelay(policy: RestartPolicy, consecutive: number): number {
  const { initialMs, maxMs, factor } = policy.backoff
  return Math.min(maxMs, Math.round(initialMs * factor ** Math.max(0, consecutive)))
}

export function decideRestart(policy: RestartPolicy, history: RestartHistory, exit: ExitInfo): RestartDecision {
  const what = describeExit(exit)
  const clean = exit.code === 0 && !exit.signal && !exit.cause
  if (policy.autorestart === false) {
    return clean ? { action: 'stop', reason: `${what}; autorestart is off` } : { action: 'give-up', reason: `${what}; autorestart is off` }
  }
  if (policy.autorestart === 'on-failure' && clean) {
    return { action: 'stop', reason: `${what}; autorestart is 'on-failure'` }
  }
  const windowStart = exit.at - policy.restartWindowMs
  const recent = history.restarts.filter((t) => t > windowStart)
  if (recent.length >= policy.maxRestarts) {
    const window = formatMs(policy.restartWindowMs)
    return {
      action: 'give-up',
      reason: `${what}; ${recent.length + 1} exits in ${window}, limit ${policy.maxRestarts} restarts in ${window}`,
    }
  }
  const consecutive = exit.uptimeMs >= STABLE_UPTIME_MS ? 0 : history.consecutive
  const delayMs = backoffDelay(policy, consecutive)
  return {
    action: 'restart',
    delayMs,
    reason: `${what}; restart ${recent.length + 1}/${policy.maxRestarts} in ${formatMs(delayMs)}`,
    history: { restarts: [...recent, exit.at], consecutive: consecutive + 1 },
  }
}
