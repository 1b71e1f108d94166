import { describe, expect, it } from 'vitest'
import {
  STABLE_UPTIME_MS,
  backoffDelay,
  decideRestart,
  describeExit,
  formatMs,
  type ExitInfo,
  type RestartDecision,
  type RestartHistory,
  type RestartPolicy,
} from '../../../src/core/supervisor/policy.js'

const T0 = 1_700_000_000_000

const policy: RestartPolicy = {
  autorestart: true,
  maxRestarts: 3,
  restartWindowMs: 60_000,
  backoff: { initialMs: 100, maxMs: 15_000, factor: 2 },
}

const fresh: RestartHistory = { restarts: [], consecutive: 0 }

function exit(over: Partial<ExitInfo> = {}): ExitInfo {
  return { code: 1, signal: null, at: T0, uptimeMs: 50, ...over }
}

function restart(d: RestartDecision): Extract<RestartDecision, { action: 'restart' }> {
  expect(d.action).toBe('restart')
  return d as Extract<RestartDecision, { action: 'restart' }>
}

/** Feeds exits at the given times through the policy, carrying the history as the supervisor does. */
function run(p: RestartPolicy, times: number[], over: Partial<ExitInfo> = {}): RestartDecision[] {
  let history = fresh
  return times.map((at) => {
    const d = decideRestart(p, history, exit({ at, ...over }))
    if (d.action === 'restart') history = d.history
    return d
  })
}

describe('describeExit', () => {
  it('says how a process ended', () => {
    expect(describeExit(exit({ code: 0 }))).toBe('exited with code 0')
    expect(describeExit(exit({ code: 137 }))).toBe('exited with code 137')
    expect(describeExit(exit({ code: null, signal: 'SIGKILL' }))).toBe('killed by SIGKILL')
    expect(describeExit(exit({ code: null, signal: null }))).toMatch(/exit status unknown/)
  })

  it('prefers the cause, such as a memory limit', () => {
    expect(describeExit(exit({ code: null, signal: 'SIGTERM', cause: 'memory 412MB > 300MB' }))).toBe('memory 412MB > 300MB')
  })
})

describe('formatMs', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [1_500, '1500ms'],
    [5_000, '5s'],
    [60_000, '1m'],
    [90_000, '90s'],
    [3_600_000, '1h'],
  ])('formats %d as %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text)
  })
})

describe('autorestart', () => {
  it('true restarts after a clean exit, a failure and a signal', () => {
    expect(decideRestart(policy, fresh, exit({ code: 0 })).action).toBe('restart')
    expect(decideRestart(policy, fresh, exit({ code: 1 })).action).toBe('restart')
    expect(decideRestart(policy, fresh, exit({ code: null, signal: 'SIGKILL' })).action).toBe('restart')
  })

  it("'on-failure' stops after exit 0", () => {
    const d = decideRestart({ ...policy, autorestart: 'on-failure' }, fresh, exit({ code: 0 }))
    expect(d.action).toBe('stop')
    expect(d.reason).toContain('exited with code 0')
    expect(d.reason).toContain('on-failure')
  })

  it("'on-failure' restarts after exit 1, after a signal and after a cause", () => {
    const p = { ...policy, autorestart: 'on-failure' as const }
    expect(decideRestart(p, fresh, exit({ code: 1 })).action).toBe('restart')
    expect(decideRestart(p, fresh, exit({ code: null, signal: 'SIGSEGV' })).action).toBe('restart')
    // Killed by orch for its memory, even if it then exited 0: that is a failure.
    expect(decideRestart(p, fresh, exit({ code: 0, cause: 'memory 412MB > 300MB' })).action).toBe('restart')
  })

  it('false never restarts: a clean exit stops, a failure gives up', () => {
    const p = { ...policy, autorestart: false }
    const clean = decideRestart(p, fresh, exit({ code: 0 }))
    expect(clean).toEqual({ action: 'stop', reason: 'exited with code 0; autorestart is off' })
    const failed = decideRestart(p, fresh, exit({ code: 2 }))
    expect(failed).toEqual({ action: 'give-up', reason: 'exited with code 2; autorestart is off' })
    expect(decideRestart(p, fresh, exit({ code: null, signal: 'SIGTERM' })).action).toBe('give-up')
  })
})

describe('the restart budget', () => {
  it('restarts exits 1 to 3 within the window and gives up on the 4th, with the numbers in the reason', () => {
    const d = run(policy, [T0, T0 + 1_000, T0 + 2_000, T0 + 3_000])
    expect(d.slice(0, 3).map((x) => x.action)).toEqual(['restart', 'restart', 'restart'])
    expect(d[3]!.action).toBe('give-up')
    expect(d[3]!.reason).toBe('exited with code 1; 4 exits in 1m, limit 3 restarts in 1m')
    expect(d[3]!.reason).toMatch(/\b4 exits\b/)
    expect(d[3]!.reason).toMatch(/limit 3 restarts/)
  })

  it('counts restarts in the reason of each restart', () => {
    const d = run(policy, [T0, T0 + 1, T0 + 2])
    expect(d.map((x) => x.reason)).toEqual([
      'exited with code 1; restart 1/3 in 100ms',
      'exited with code 1; restart 2/3 in 200ms',
      'exited with code 1; restart 3/3 in 400ms',
    ])
  })

  it('records each restart in the returned history without mutating the one passed in', () => {
    const history: RestartHistory = { restarts: [T0 - 5_000], consecutive: 1 }
    const frozen = structuredClone(history)
    const d = restart(decideRestart(policy, history, exit({ at: T0 })))
    expect(d.history).toEqual({ restarts: [T0 - 5_000, T0], consecutive: 2 })
    expect(history).toEqual(frozen)
  })

  it('does not count restarts older than the window', () => {
    const history: RestartHistory = { restarts: [T0 - 120_000, T0 - 90_000, T0 - 60_000], consecutive: 0 }
    const d = restart(decideRestart(policy, history, exit({ at: T0 })))
    expect(d.reason).toContain('restart 1/3')
    // The old entries are pruned, so the history does not grow without bound.
    expect(d.history.restarts).toEqual([T0])
  })

  it('counts a restart just inside the window', () => {
    const history: RestartHistory = { restarts: [T0 - 59_999, T0 - 1_000, T0 - 500], consecutive: 0 }
    expect(decideRestart(policy, history, exit({ at: T0 })).action).toBe('give-up')
  })

  it('slides: after giving up would be due, exits spread wider than the window keep restarting', () => {
    const d = run(policy, [T0, T0 + 30_000, T0 + 61_000, T0 + 92_000, T0 + 123_000, T0 + 154_000])
    expect(d.every((x) => x.action === 'restart')).toBe(true)
  })

  it('gives up on the first exit when maxRestarts is 0', () => {
    const d = decideRestart({ ...policy, maxRestarts: 0 }, fresh, exit())
    expect(d.action).toBe('give-up')
    expect(d.reason).toContain('limit 0 restarts in 1m')
  })

  it('uses the configured window in the reason', () => {
    const p = { ...policy, maxRestarts: 1, restartWindowMs: 10_000 }
    const d = run(p, [T0, T0 + 1_000])
    expect(d[1]!.reason).toBe('exited with code 1; 2 exits in 10s, limit 1 restarts in 10s')
  })

  it('puts the cause in the reason, such as a memory limit', () => {
    const cause = 'memory 412MB > 300MB'
    const d = decideRestart(policy, fresh, exit({ code: null, signal: 'SIGTERM', cause }))
    expect(d.reason.startsWith(cause)).toBe(true)
    const gaveUp = run(policy, [T0, T0 + 1, T0 + 2, T0 + 3], { cause })[3]!
    expect(gaveUp.action).toBe('give-up')
    expect(gaveUp.reason).toBe(`${cause}; 4 exits in 1m, limit 3 restarts in 1m`)
  })
})

describe('backoff', () => {
  it('grows 100, 200, 400 ... and is capped at max', () => {
    const delays = Array.from({ length: 12 }, (_, n) => backoffDelay(policy, n))
    expect(delays).toEqual([100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 15_000, 15_000, 15_000, 15_000])
  })

  it('never overflows for a very long failure streak', () => {
    expect(backoffDelay(policy, 10_000)).toBe(15_000)
  })

  it('follows the factor', () => {
    const p = { ...policy, backoff: { initialMs: 1_000, maxMs: 60_000, factor: 1.5 } }
    expect([0, 1, 2].map((n) => backoffDelay(p, n))).toEqual([1_000, 1_500, 2_250])
    const flat = { ...policy, backoff: { initialMs: 250, maxMs: 60_000, factor: 1 } }
    expect([0, 5, 50].map((n) => backoffDelay(flat, n))).toEqual([250, 250, 250])
  })

  it('is applied by decideRestart as failures pile up', () => {
    const p = { ...policy, maxRestarts: 100 }
    const d = run(p, Array.from({ length: 10 }, (_, i) => T0 + i))
    expect(d.map((x) => restart(x).delayMs)).toEqual([100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 15_000, 15_000])
  })

  it('starts over after an uptime of STABLE_UPTIME_MS', () => {
    const history: RestartHistory = { restarts: [], consecutive: 5 }
    const unstable = restart(decideRestart(policy, history, exit({ uptimeMs: STABLE_UPTIME_MS - 1 })))
    expect(unstable.delayMs).toBe(3_200)
    expect(unstable.history.consecutive).toBe(6)
    const stable = restart(decideRestart(policy, history, exit({ uptimeMs: STABLE_UPTIME_MS })))
    expect(stable.delayMs).toBe(100)
    expect(stable.history.consecutive).toBe(1)
  })
})
