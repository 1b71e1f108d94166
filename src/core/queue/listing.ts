import { dispatchesBefore } from './dispatch-order.js'
import type { InFlightMessage, Message, QueueListing } from './message.js'
import type { QueueEntry } from './queue-entry.js'

/**
 * Copies of the queue's messages for inspection (`orch queue`), optionally
 * for one agent (its name and its instances). O(n log n): not a hot path.
 */
export function listEntries(
  entries: Iterable<QueueEntry>,
  deadLetters: Iterable<QueueEntry>,
  agent?: string,
): QueueListing {
  const pending: QueueEntry[] = []
  const inFlight: InFlightMessage[] = []
  for (const entry of entries) {
    if (agent !== undefined && entry.agent !== agent) continue
    if (entry.state === 'ready' || entry.state === 'delayed') pending.push(entry)
    else if (entry.state === 'leased') {
      const m: InFlightMessage = { ...entry.msg, leasedTo: entry.leasedTo!, leaseExpiresAt: entry.leaseExpiresAt }
      if (entry.progress !== undefined) m.progress = entry.progress
      inFlight.push(m)
    }
  }
  pending.sort((a, b) => (dispatchesBefore(a, b) ? -1 : 1))
  inFlight.sort((a, b) => a.leaseExpiresAt - b.leaseExpiresAt)
  const dead: Message[] = []
  for (const entry of deadLetters) {
    if (agent === undefined || entry.agent === agent) dead.push({ ...entry.msg })
  }
  return { pending: pending.map((e) => ({ ...e.msg })), inFlight, dead }
}
