import * as v from 'valibot'
import { PushedEvent } from '../types.js'
import { integer, note } from './notes.js'
import { WireMessageSchema } from './shapes.js'

/** An event the daemon pushes: its data as a schema, and when it is pushed (for docs/protocol.md). */
export interface EventSpec<D extends v.GenericSchema = v.GenericSchema> {
  data: D
  pushed: string
}
const event = <D extends v.GenericSchema>(spec: EventSpec<D>): EventSpec<D> => spec

/** A delivered message: always with the lease it is delivered under. */
export const MessageEventSchema = v.object({
  ...WireMessageSchema.entries,
  leaseMs: note(integer(), 'ms this delivery is leased for; renew it (`queue.extend`) or ack before it runs out'),
})

/** Every event the daemon pushes (`{ event, data }`, no `id`). */
export const EVENTS = {
  [PushedEvent.MESSAGE]: event({
    data: MessageEventSchema,
    pushed: 'to a connection that called `queue.consume`, for each message leased to it',
  }),
  [PushedEvent.CONSUMER_REPLACED]: event({
    data: v.object({}),
    pushed: 'to a consuming connection when a newer connection with the same agent id calls `queue.consume`: no more `message` events come here until that one closes or this one calls `queue.consume` again ([one consumer per agent id](#6-one-consumer-per-agent-id))',
  }),
  [PushedEvent.CONSUMER_RESUMED]: event({
    data: v.object({}),
    pushed: 'to a replaced connection when the newer one closed: it receives again',
  }),
} as const
