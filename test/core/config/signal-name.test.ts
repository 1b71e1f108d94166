import { constants } from 'node:os'
import { expect, it } from 'vitest'
import type { SignalName } from '../../../src/core/config/signal-name.js'

// Both ways assignable: the same union. tsc --noEmit fails here when @types/node's list changes.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const same: Same<SignalName, NodeJS.Signals> = true

it("orch's SignalName is NodeJS.Signals, and holds every signal this platform knows", () => {
  expect(same).toBe(true)
  const names: SignalName[] = Object.keys(constants.signals) as SignalName[]
  expect(names).toContain('SIGTERM')
})
