import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Leases, type LeaseLinks } from '../../../src/core/queue/leases.js'

interface Item extends LeaseLinks<Item> {
  name: string
}
const item = (name: string): Item => ({ name, leaseGroup: undefined, leasePrev: undefined, leaseNext: undefined, leaseExpiresAt: Number.NaN })

describe('Leases: lists linked through the items', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('expires each duration in the order taken or renewed, across durations; released ones never', () => {
    const expired: string[][] = []
    const leases = new Leases<Item>(() => Date.now(), (items) => expired.push(items.map((i) => i.name)))
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(item) as [Item, Item, Item, Item]
    const t0 = Date.now()
    expect(leases.take(a, 1_000)).toBe(t0 + 1_000)
    leases.take(b, 1_000)
    leases.take(c, 1_000)
    leases.take(d, 300)
    expect(leases.size).toBe(4)
    vi.advanceTimersByTime(100)
    // renewed: moves to its list's end
    expect(leases.renew(a)).toBe(t0 + 1_100)
    expect(leases.release(b)).toBe(true)
    expect(leases.release(b)).toBe(false)
    expect(leases.renew(b)).toBeUndefined()
    expect(leases.size).toBe(3)
    vi.advanceTimersByTime(200)
    expect(expired).toEqual([['d']])
    vi.advanceTimersByTime(700)
    expect(expired).toEqual([['d'], ['c']])
    vi.advanceTimersByTime(100)
    expect(expired).toEqual([['d'], ['c'], ['a']])
    expect(leases.size).toBe(0)
    // an item taken again after it expired is leased afresh
    leases.take(c, 50)
    vi.advanceTimersByTime(50)
    expect(expired.at(-1)).toEqual(['c'])
    expect([a, b, c, d].every((i) => i.leaseGroup === undefined && i.leasePrev === undefined && i.leaseNext === undefined)).toBe(true)
    leases.stop()
  })

  it('a lease taken again with another duration leaves its first list', () => {
    const expired: string[] = []
    const leases = new Leases<Item>(() => Date.now(), (items) => expired.push(...items.map((i) => i.name)))
    const [a, b] = [item('a'), item('b')]
    leases.take(a, 100)
    leases.take(b, 100)
    leases.take(a, 500)
    vi.advanceTimersByTime(100)
    expect(expired).toEqual(['b'])
    vi.advanceTimersByTime(400)
    expect(expired).toEqual(['b', 'a'])
    leases.stop()
  })
})
