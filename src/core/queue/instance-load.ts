import { FIRST_INSTANCE_INDEX } from './constants.js'
import type { EntryCounts } from './entry-counts.js'

/** What one instance has to do, as `orch ls` shows it. */
export interface InstanceLoad {
  /** pending messages addressed to the instance, plus its share of those addressed to its agent's name */
  inbox: number
  /** messages leased to the instance, not yet acked or nacked */
  inFlight: number
}

/** `total` split over `n` takers as evenly as can be, the first ones one more: 10 over 3 → 4, 3, 3. */
export function shareAt(total: number, n: number, position: number): number {
  if (position < 0 || position >= n) return 0
  return Math.floor(total / n) + (position < total % n ? 1 : 0)
}

/**
 * Instance `id`'s share of `total` messages addressed to its agent's name.
 * They are shared among the instances that can take them now (`canTake`:
 * attached to the queue, i.e. consuming), in instance order; when none
 * can, among all the instances. Either way the shares add up to `total`.
 * A message to a name goes to whichever instance is least loaded when it
 * is delivered: a share says how much is waiting, not who will get what.
 */
export function nameShare(total: number, instances: readonly string[], id: string, canTake: (id: string) => boolean): number {
  const takers = instances.filter(canTake)
  const among = takers.length > 0 ? takers : instances
  return shareAt(total, among.length, among.indexOf(id))
}

/**
 * Inbox and in flight of instance `id` of agent `name`, whose instance ids
 * are `instances` (undefined when the queue does not know the name). A
 * single instance's id is the bare name, and it also takes 'name:0'.
 */
export function loadOfInstance(
  counts: EntryCounts,
  instances: readonly string[] | undefined,
  name: string,
  id: string,
  canTake: (id: string) => boolean,
): InstanceLoad {
  const inFlight = counts.inFlightOf(id)
  // not (yet) an instance the queue knows: only what is addressed to it
  if (!instances?.includes(id)) return { inbox: counts.pendingTo(id), inFlight }
  const own = counts.pendingTo(id === name ? `${name}:${FIRST_INSTANCE_INDEX}` : id)
  return { inbox: own + nameShare(counts.pendingTo(name), instances, id, canTake), inFlight }
}
