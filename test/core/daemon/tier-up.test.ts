import { describe, expect, it } from 'vitest'
import { TierUp, type SentSource } from '../../../src/core/daemon/tier-up.js'

/** The queue's 'sent' events, by hand. */
class FakeSource implements SentSource {
  readonly listeners = new Set<() => void>()
  on(_event: 'sent', fn: () => void): void {
    this.listeners.add(fn)
  }
  off(_event: 'sent', fn: () => void): void {
    this.listeners.delete(fn)
  }
  send(n: number): void {
    for (let i = 0; i < n; i++) for (const fn of this.listeners) fn()
  }
}

/** Keeps the event loop busy for `ms` within one turn, then lets the turn end. */
async function busyFor(ms: number): Promise<void> {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // spin
  }
  await new Promise((r) => setImmediate(r))
}

describe('TierUp', () => {
  it('is made only for a process started interpreter-only', () => {
    expect(TierUp.create(['--expose-gc'])).toBeNull()
    expect(TierUp.create(['--expose-gc', '--no-opt', '--no-sparkplug'])).toBeInstanceOf(TierUp)
  })

  it('turns the compilers on once, at the first interval with enough messages, and stops counting', () => {
    let raised = 0
    const tiers = new TierUp(() => raised++, { busyMessages: 100, busyUtilization: 2, busyChecks: 1 })
    const source = new FakeSource()
    tiers.start(source, () => {}, 60_000)
    source.send(99)
    expect(tiers.check()).toBe(false) // 99 in the interval: not yet
    source.send(60)
    source.send(50)
    expect(tiers.check()).toBe('110 messages in a check\'s interval')
    expect(raised).toBe(1)
    expect(tiers.on).toBe(true)
    expect(source.listeners.size).toBe(0) // nothing counted any more
    source.send(1_000)
    expect(tiers.check()).toBe(false)
    expect(raised).toBe(1)
  })

  it('turns them on after the event loop was busy enough checks in a row, and not for one busy interval', async () => {
    let raised = 0
    const tiers = new TierUp(() => raised++, { busyMessages: Number.POSITIVE_INFINITY, busyUtilization: 0.5, busyChecks: 2 })
    tiers.start(new FakeSource(), () => {}, 60_000)
    await busyFor(100)
    expect(tiers.check()).toBe(false) // one busy interval
    await new Promise((r) => setTimeout(r, 150))
    expect(tiers.check()).toBe(false) // at rest: the count starts again
    await busyFor(100)
    expect(tiers.check()).toBe(false)
    await busyFor(100)
    expect(tiers.check()).toBe('event loop busy 2 checks in a row')
    expect(raised).toBe(1)
    tiers.stop()
  })
})
