import type * as v from 'valibot'
import type { EventFrame } from './frames.js'
import type { EVENTS } from './schemas/events.js'

/** The events the daemon pushes and their data, from their schemas (./schemas/events.ts). */
export type EventName = keyof typeof EVENTS
export type Events = { [E in EventName]: v.InferOutput<(typeof EVENTS)[E]['data']> }

/** A pushed frame of one known event. */
export interface PushedFrame<E extends EventName> {
  event: E
  data: Events[E]
}

/** The frame the daemon writes for `event`. */
export const pushedFrame = <E extends EventName>(event: E, data: Events[E]): PushedFrame<E> => ({ event, data })

/**
 * Whether a pushed frame is `name`, typing its data. The daemon is trusted:
 * the name is checked, not the data. Unknown events are for the caller to
 * ignore (later versions may push more).
 */
export function isEvent<E extends EventName>(frame: EventFrame, name: E): frame is EventFrame & PushedFrame<E> {
  return frame.event === name
}
