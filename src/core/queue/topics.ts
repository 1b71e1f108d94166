import type { Subscription } from './store.js'

/** Topic → subscriber instance ids, in subscription order. */
export class Topics {
  private readonly subscribers = new Map<string, Set<string>>()

  /** Returns false when it was already there. */
  add(s: Subscription): boolean {
    let set = this.subscribers.get(s.topic)
    if (!set) {
      set = new Set()
      this.subscribers.set(s.topic, set)
    }
    if (set.has(s.subscriber)) return false
    set.add(s.subscriber)
    return true
  }

  /** Returns false when it was not there. */
  remove(s: Subscription): boolean {
    const set = this.subscribers.get(s.topic)
    if (!set?.delete(s.subscriber)) return false
    if (set.size === 0) this.subscribers.delete(s.topic)
    return true
  }

  /** The subscriptions of one subscriber, every topic. */
  ofSubscriber(subscriber: string): Subscription[] {
    const out: Subscription[] = []
    for (const [topic, set] of this.subscribers) if (set.has(subscriber)) out.push({ topic, subscriber })
    return out
  }

  of(topic: string): readonly string[] {
    const set = this.subscribers.get(topic)
    return set ? [...set] : []
  }
}
