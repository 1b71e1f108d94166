import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { PARAMS_CHECKS } from '../../../src/core/protocol/methods.js'
import { SendParamsSchema } from '../../../src/core/protocol/schemas/send.js'
import { quickCheckOf } from '../../../src/core/schema/quick-check.js'
import { int, str } from '../../../src/core/schema/fields.js'

/** The quick check may only say yes to what Valibot accepts; on no, Valibot decides (and words the problems). */
const valibotSays = (schema: v.GenericSchema, x: unknown): boolean => v.safeParse(schema, x).success

// values of every kind a frame can carry, and the edges of the rules
const atoms: unknown[] = [
  undefined, null, true, false, 0, -1, 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER,
  1_000, 2_147_483_647, 2_147_483_648, '', 'a', 'x'.repeat(257), 'topic:news', '1', [], ['a'], [1], {}, { a: 1 },
]

function randomValue(rand: () => number, depth = 0): unknown {
  const r = rand()
  if (depth > 1 || r < 0.7) return atoms[Math.floor(rand() * atoms.length)]
  if (r < 0.85) return Array.from({ length: Math.floor(rand() * 3) }, () => randomValue(rand, depth + 1))
  return Object.fromEntries(Array.from({ length: Math.floor(rand() * 3) }, (_, i) => [`k${i}`, randomValue(rand, depth + 1)]))
}

function seeded(seed: number): () => number {
  let s = seed
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)
}

describe('quickCheckOf', () => {
  it("says yes to a plain send (the daemon's hot path skips Valibot) and no to each broken field", () => {
    const quick = quickCheckOf(SendParamsSchema)!
    expect(quick).toBeDefined()
    const good = { to: 'replier', type: 'ask', payload: { i: 1 }, priority: 5, correlationId: 'c', replyTo: 'r', hops: 2, delay: 0, ttl: 1_000, lease: 5_000, key: 'k', inReplyTo: 'i' }
    expect(quick(good)).toBe(true)
    expect(quick({ to: 'b', type: 't' })).toBe(true)
    expect(quick({ to: 'b', type: 't', extra: 'ignored, as the protocol says' })).toBe(true)
    for (const bad of [
      { ...good, to: '' }, { ...good, to: 1 }, { type: 't' }, { ...good, priority: 1.5 }, { ...good, priority: 2 ** 53 },
      { ...good, priority: Number.NaN }, { ...good, hops: -1 }, { ...good, lease: 1 }, { ...good, key: 'x'.repeat(257) },
      { ...good, correlationId: null }, [], null, 'x',
    ]) {
      expect(quick(bad), JSON.stringify(bad)).toBe(false)
      expect(valibotSays(SendParamsSchema, bad), JSON.stringify(bad)).toBe(false)
    }
  })

  it('never says yes where Valibot says no: every method\'s params, 20,000 random values each', () => {
    const rand = seeded(42)
    for (const [method, schema] of Object.entries(PARAMS_CHECKS)) {
      const quick = quickCheckOf(schema)
      if (!quick) continue
      const keys = Object.keys((schema as { entries: object }).entries)
      for (let i = 0; i < 20_000; i++) {
        // mostly the schema's own keys, so that values reach the field checks
        const x: Record<string, unknown> = {}
        for (const k of keys) if (rand() < 0.8) x[k] = randomValue(rand)
        if (quick(x)) expect(valibotSays(schema, x), `${method} ${JSON.stringify(x)}`).toBe(true)
      }
    }
  })

  it('leaves to Valibot what it cannot read (a union, a custom check, a default)', () => {
    expect(quickCheckOf(v.object({ a: v.union([v.string(), v.number()]) }))).toBeUndefined()
    expect(quickCheckOf(v.object({ a: v.custom<string>((x) => x === 'a') }))).toBeUndefined()
    expect(quickCheckOf(v.object({ a: v.optional(v.string(), 'd') }))).toBeUndefined()
    const known = quickCheckOf(v.object({ a: str({ nonEmpty: true, maxLength: 3, pattern: /^[a-z]+$/ }), n: int({ min: 1, max: 9 }) }))!
    expect([known({ a: 'ab', n: 3 }), known({ a: 'AB', n: 3 }), known({ a: 'abcd', n: 3 }), known({ a: 'ab', n: 10 })]).toEqual([true, false, false, false])
  })
})
