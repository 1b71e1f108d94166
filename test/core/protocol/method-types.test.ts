import { describe, expectTypeOf, it } from 'vitest'
import type { Events } from '../../../src/core/protocol/events.js'
import type { SendManyResult, SendParams } from '../../../src/core/protocol/methods.js'
import type { SendInput } from '../../../src/core/queue/message.js'
import type { AgentDescription, AgentInfo, DaemonStatus, DeadLettersResult, QueueListingResult, WireMessage } from '../../../src/core/protocol/types.js'
import type * as Old from './fixtures/old-protocol-types.js'

// Checked by `tsc --noEmit` (the test files are part of the project): the
// types derived from the schemas are exactly the hand-written ones they replace.

/** Spells an intersection (`WireMessage & {…}`) as one object type, at every depth, so equal types compare equal. */
type Flat<T> = T extends (...a: never[]) => unknown ? T : T extends object ? { [K in keyof T]: Flat<T[K]> } : T
describe('types derived from the protocol schemas', () => {
  it('are the hand-written shapes', () => {
    expectTypeOf<Flat<AgentInfo>>().toEqualTypeOf<Flat<Old.AgentInfo>>()
    expectTypeOf<Flat<AgentDescription>>().toEqualTypeOf<Flat<Old.AgentDescription>>()
    expectTypeOf<Flat<DaemonStatus>>().toEqualTypeOf<Flat<Old.DaemonStatus>>()
    expectTypeOf<Flat<WireMessage>>().toEqualTypeOf<Flat<Old.WireMessage>>()
    expectTypeOf<Flat<QueueListingResult>>().toEqualTypeOf<Flat<Old.QueueListingResult>>()
    expectTypeOf<Flat<DeadLettersResult>>().toEqualTypeOf<Flat<Old.DeadLettersResult>>()
    expectTypeOf<Flat<SendParams>>().toEqualTypeOf<Flat<Old.SendParams>>()
    expectTypeOf<Flat<SendManyResult>>().toEqualTypeOf<Flat<Old.SendManyResult>>()
    expectTypeOf<Flat<SendInput>>().toEqualTypeOf<Flat<Old.SendInput>>()
  })

  it('type the pushed events', () => {
    expectTypeOf<Flat<Events['message']>>().toEqualTypeOf<Flat<Omit<Old.WireMessage, 'leaseMs'> & { leaseMs: number }>>()
    expectTypeOf<Events['consumer.replaced']>().toEqualTypeOf<{}>()
  })
})
