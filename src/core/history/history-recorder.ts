import type { QueueEvents } from '../queue/queue-events.js'
import type { MessageQueue } from '../queue/queue.js'
import type { HistoryLog } from './history-log.js'

/**
 * The SDK renews a lease every third of it: one 'renewed' event per message
 * per this interval is enough to show a handler was alive, and keeps a long
 * handler with a short lease from filling the history.
 */
export const RENEWAL_RECORD_MS = 10_000

/**
 * Records the queue's events in the history log. "Handler started" is not
 * an event of its own: the SDK starts a handler the moment its message
 * arrives, so 'delivered' (the push to the instance) stands for it, and
 * 'renewed' shows the handler still ran. Returns a function that stops it.
 */
export function recordQueueHistory(queue: MessageQueue, log: HistoryLog, now: () => number = Date.now): () => void {
  /** message id → when its last renewal was recorded */
  const renewals = new Map<string, number>()
  const settled = (id: string): void => {
    if (renewals.size > 0) renewals.delete(id)
  }
  const listeners: Partial<QueueEvents> = {
    sent: (m) => log.stored(m),
    delivered: (m, instance) => log.delivered(m.id, now(), instance, m.attempts + 1),
    renewed: (m, instance) => {
      const t = now()
      const last = renewals.get(m.id)
      if (last !== undefined && t - last < RENEWAL_RECORD_MS) return
      renewals.set(m.id, t)
      log.add({ t, ev: 'renewed', id: m.id, instance })
    },
    acked: (m, instance) => {
      settled(m.id)
      log.acked(m.id, now(), instance)
    },
    nacked: (m, instance, error) => {
      settled(m.id)
      log.add({ t: now(), ev: 'nacked', id: m.id, instance, error })
    },
    lost: (m, instance, error) => {
      settled(m.id)
      log.add({ t: now(), ev: 'lost', id: m.id, instance, error })
    },
    expired: (m) => log.add({ t: now(), ev: 'expired', id: m.id }),
    deadLettered: (m, reason) => log.add({ t: now(), ev: 'deadLettered', id: m.id, error: reason }),
    replayed: (m) => log.add({ t: now(), ev: 'replayed', id: m.id }),
  }
  for (const [event, fn] of Object.entries(listeners)) queue.on(event as 'sent', fn as never)
  return () => {
    for (const [event, fn] of Object.entries(listeners)) queue.off(event as 'sent', fn as never)
  }
}
