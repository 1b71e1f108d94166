import { AgentDirectory, agentOfKey, replyKeyOf } from './addressing.js'
import { buildMessage } from './build-message.js'
import { EXPIRED_REASON } from './constants.js'
import { Deadlines } from './deadlines.js'
import { DispatchOrder } from './dispatch-order.js'
import { EntryCounts } from './entry-counts.js'
import { IdempotencyKeys } from './idempotency-keys.js'
import { loadOfInstance, type InstanceLoad } from './instance-load.js'
import { AmbiguousIdError, NoDeadLetterError } from './errors/dead-letter-errors.js'
import { MessageNotLeasedError } from './errors/message-not-leased-error.js'
import { QueueClosedError } from './errors/queue-closed-error.js'
import { Leases } from './leases.js'
import { listEntries } from './listing.js'
import type { Message, QueueListing, QueueStats, SendInput } from './message.js'
import type { WireError } from '../protocol/frames.js'
import { newEntry, type QueueEntry } from './queue-entry.js'
import { toError, TypedEvents, type QueueEvents } from './queue-events.js'
import { resolveQueueOptions, type QueueOptions, type Recipient, type ResolvedQueueOptions } from './queue-options.js'
import { Recipients, type AttachedRecipient } from './recipients.js'
import type { QueueStore } from './store.js'
import { parseSubscription } from './subscription-input.js'
import { Topics } from './topics.js'
import { validateSend, type ValidSend } from './validate-send.js'

/** `replay(REPLAY_ALL)` replays every dead letter. */
export const REPLAY_ALL = 'all'

/** What a send stored (one message, one per topic subscriber, or none), and whether it was a duplicate of a held key. */
export interface SendOutcome {
  messages: Message[]
  duplicate: boolean
}

/**
 * The persistent priority queue between agents. Messages are written to the
 * store before `send` resolves; the dispatch order, leases and timers live in
 * memory and are rebuilt by `open` (nothing is leased after a restart).
 *
 * Delivery is at-least-once: a delivered message stays leased until acked; a
 * nack, a lease timeout or a detach puts it back with attempts + 1, and past
 * maxAttempts it becomes a dead letter.
 */
export class MessageQueue {
  private readonly opts: ResolvedQueueOptions
  private readonly store: QueueStore
  private readonly now: () => number
  private readonly entries = new Map<string, QueueEntry>()
  /** dead letters, oldest first */
  private readonly deadLetters = new Map<string, QueueEntry>()
  private readonly order = new DispatchOrder()
  private readonly counts = new EntryCounts()
  private readonly recipients: Recipients
  private readonly directory = new AgentDirectory()
  private readonly topics = new Topics()
  private readonly events = new TypedEvents<QueueEvents>()
  private readonly delays: Deadlines<QueueEntry>
  private readonly expiries: Deadlines<QueueEntry>
  private readonly leases: Leases<QueueEntry>
  private readonly keys: IdempotencyKeys
  private readonly backgroundWrites = new Set<Promise<void>>()
  private readonly dirtyKeys = new Set<string>()
  private readonly dirtyRecipients = new Set<AttachedRecipient>()
  private pumping = false
  private nextSeq = 1
  private compactTimer: NodeJS.Timeout | undefined
  private compaction: Promise<void> | undefined
  private closed = false

  private constructor(options: QueueOptions) {
    this.opts = resolveQueueOptions(options)
    this.store = this.opts.store
    this.now = this.opts.now
    this.delays = new Deadlines(this.now, (due) => this.onDelaysDue(due), (entry) => this.keepDelay(entry))
    this.expiries = new Deadlines(this.now, (due) => this.onExpiriesDue(due), (entry) => this.keepExpiry(entry))
    this.recipients = new Recipients({ maxInFlight: this.opts.maxInFlight, leaseMs: this.opts.leaseMs })
    this.leases = new Leases(this.now, (expired) => this.onLeasesExpired(expired))
    // acked keyed messages whose window passed leave the store
    this.keys = new IdempotencyKeys(this.now, this.opts.keyWindowMs, (done) => this.inBackground(this.store.remove(done.map((e) => e.msg.id))))
  }

  /** Loads the store and rebuilds the dispatch order in memory. */
  static async open(options: QueueOptions): Promise<MessageQueue> {
    const queue = new MessageQueue(options)
    await queue.restore()
    queue.scheduleCompaction()
    return queue
  }

  /** Known agent names → instance count; `send` checks `to` against them. */
  setAgents(agents: ReadonlyMap<string, number>): void {
    this.directory.set(agents)
  }

  /**
   * An instance id is gone for good (its agent was scaled down; call
   * `setAgents` with the new counts first). Its connections are dropped, so
   * what it held goes back at once; its topic subscriptions go; and what
   * waits addressed to it becomes a dead letter with `reason`, unless the id
   * is still served (`worker:0` is the instance of a `worker` run as one).
   * Nothing is re-routed to other instances behind the sender's back.
   */
  removeInstance(id: string, reason: string): void {
    this.assertOpen()
    this.detach(id, reason)
    for (const s of this.topics.ofSubscriber(id)) {
      this.topics.remove(s)
      this.inBackground(this.store.removeSubscription(s))
    }
    if (this.directory.serves(id)) return
    const dead: Message[] = []
    for (const entry of this.entries.values()) {
      if (entry.msg.to !== id || (entry.state !== 'ready' && entry.state !== 'delayed')) continue
      this.deadLetter(entry, reason)
      dead.push(entry.msg)
    }
    this.order.prune(id)
    this.order.prune(replyKeyOf(id))
    this.persistInBackground(dead)
  }

  /**
   * Validates, stores, then dispatches. Resolves with the stored message, or
   * one copy per subscriber for 'topic:NAME' (none when nobody subscribes).
   */
  async send(input: SendInput): Promise<Message[]> {
    return (await this.sendOnce(input)).messages
  }

  /** `sendOnce` of a send whose fields the caller already checked by the protocol's rules (SendParamsSchema): not checked twice. */
  sendChecked(input: SendInput): Promise<SendOutcome> {
    return this.sendOnce(input, true)
  }

  /**
   * Several checked sends (a `queue.sendMany` frame) as one: each is
   * validated on its own (a bad one fails alone, answered with its error),
   * and the valid ones are stored by ONE insert and answered when it is
   * written; a failed write fails them all. What `sendChecked` of each in
   * turn would do, without a promise and a store call per message. A frame
   * with a keyed send goes through `sendChecked` one by one: a key may have
   * to wait for an earlier send of itself.
   */
  async sendCheckedMany(inputs: readonly SendInput[]): Promise<Array<SendOutcome | Error>> {
    this.assertOpen()
    if (inputs.some((input) => input.key !== undefined)) {
      return Promise.all(inputs.map((input) => this.sendChecked(input).catch(toError)))
    }
    const outcomes: Array<SendOutcome | Error> = []
    const stored: Message[] = []
    const entries: QueueEntry[] = []
    const createdAt = this.now()
    for (const input of inputs) {
      let valid: ValidSend
      let targets: readonly string[]
      try {
        valid = validateSend(input, this.opts, true)
        targets = this.targetsOf(valid)
      } catch (err) {
        outcomes.push(toError(err))
        continue
      }
      const messages = targets.map((to) => buildMessage(valid, to, createdAt, this.nextSeq++))
      for (const m of messages) {
        stored.push(m)
        entries.push(newEntry(m, agentOfKey(m.to)))
      }
      outcomes.push({ messages, duplicate: false })
    }
    const write = this.store.insert(stored)
    this.dispatchWhileStored(entries)
    try {
      await write
    } catch (err) {
      this.withdraw(entries)
      const error = toError(err)
      return outcomes.map((o) => (o instanceof Error || o.messages.length === 0 ? o : error))
    }
    return outcomes
  }

  /**
   * `send`, telling whether it was a duplicate: with a `key` that is held
   * (its first send pending, in flight, or acked within keyWindowMs), nothing
   * is stored and the first send's messages come back.
   */
  async sendOnce(input: SendInput, fieldsChecked = false): Promise<SendOutcome> {
    this.assertOpen()
    const valid = validateSend(input, this.opts, fieldsChecked)
    if (valid.key !== undefined) {
      const first = this.keys.held(valid.key)
      if (first) {
        await first.stored
        return { messages: first.messages, duplicate: true }
      }
    }
    const targets = this.targetsOf(valid)
    if (targets.length === 0) return { messages: [], duplicate: false }
    const createdAt = this.now()
    const messages = targets.map((to) => buildMessage(valid, to, createdAt, this.nextSeq++))
    const entries = messages.map((m) => newEntry(m, agentOfKey(m.to)))
    const stored = this.store.insert(messages)
    // held before the write: a second send of the key in the same tick waits for this one
    if (valid.key !== undefined) this.keys.hold(valid.key, entries, stored)
    this.dispatchWhileStored(entries)
    try {
      await stored
    } catch (err) {
      this.withdraw(entries)
      throw err
    }
    return { messages, duplicate: false }
  }

  /**
   * New messages whose insert was just asked for are dispatched while the
   * write runs: a consumer may have one before its sender has the answer,
   * and a round trip never waits for the disk. The answer still waits for
   * the write (so no answered send is lost); a sender that gets none
   * because the daemon died sends again, which at-least-once allows. A
   * message acked before its batch is written is never written at all.
   */
  private dispatchWhileStored(entries: readonly QueueEntry[]): void {
    for (const entry of entries) {
      this.entries.set(entry.msg.id, entry)
      this.makePending(entry)
      this.events.emit('sent', entry.msg)
    }
    this.pump()
  }

  /** Whom a valid send goes to: its recipient key, or each subscriber of its topic (none: nothing is stored). */
  private targetsOf(valid: ValidSend): readonly string[] {
    return valid.topic !== undefined ? this.topics.of(valid.topic) : [this.directory.resolve(valid.to, (id) => this.recipients.has(id))]
  }

  /**
   * Messages whose write failed (the sender is told so): those still
   * waiting go; one already pushed to a consumer runs to its end (it
   * cannot be called back), and is then not in the store.
   */
  private withdraw(entries: readonly QueueEntry[]): void {
    for (const entry of entries) {
      if (entry.state !== 'ready' && entry.state !== 'delayed') continue
      // lazily out of the dispatch and timer heaps: they skip what is no longer ready or delayed
      this.counts.transition(entry, 'gone')
      this.entries.delete(entry.msg.id)
      this.keys.forget(entry)
    }
  }

  /**
   * A recipient connected: push to it from now on. One recipient per id
   * receives: a newer one with the same id takes over, with the leases (they
   * belong to the instance id), and the older waits in standby (told by
   * `replaced`) until the newer leaves or it is attached again.
   */
  attach(recipient: Recipient): void {
    this.assertOpen()
    const { attached, replaced } = this.recipients.attach(recipient)
    if (!attached) return
    this.dirtyRecipients.add(attached)
    if (replaced) this.notify(() => replaced.replaced?.())
    this.pump()
  }

  /**
   * A recipient disconnected or died: what was pushed to it and is not acked
   * goes back at once, attempts + 1. With `only` (one connection closed),
   * only that connection's deliveries go back, and when it was the one
   * receiving, the newest in standby resumes with the remaining leases.
   * Without `only` (the agent died), every connection of the id is dropped.
   */
  detach(id: string, reason: string, only?: Recipient): void {
    if (this.closed) return
    if (!only) {
      const removed = this.recipients.removeAll(id)
      if (removed) this.failLeases(removed, reason)
    } else {
      const left = this.recipients.leave(only)
      if (!left) return
      if (left.standby) {
        if (left.holder) {
          this.failLeases(left.holder, reason, only)
          // its freed slots take pending work, even when what failed went dead rather than back to pending
          this.dirtyRecipients.add(left.holder)
        }
      } else {
        this.failLeases(left.removed, reason, only)
        const next = this.recipients.resume(id, left.removed.leased)
        if (next) {
          this.dirtyRecipients.add(next)
          this.notify(() => next.recipient.resumed?.())
        } else {
          this.failLeases(left.removed, reason)
        }
      }
    }
    this.pump()
  }

  /** Renews leases the recipient holds, each by its own duration. Returns the ids it does not hold. */
  extend(recipientId: string, ids: readonly string[]): Array<{ id: string } & WireError> {
    this.assertOpen()
    const failed: Array<{ id: string } & WireError> = []
    for (const id of ids) {
      const entry = this.leasedEntry(recipientId, id)
      if (!entry) {
        const err = new MessageNotLeasedError(recipientId, id)
        failed.push({ id, code: err.code, message: err.message })
        continue
      }
      this.leases.renew(entry)
      this.events.emit('renewed', entry.msg, recipientId)
    }
    return failed
  }

  /** Records a handler's progress on a message it holds (shown in listings) and renews the lease. */
  progress(recipientId: string, messageId: string, progress: unknown): void {
    this.assertOpen()
    const entry = this.leasedEntry(recipientId, messageId)
    if (!entry) throw new MessageNotLeasedError(recipientId, messageId)
    entry.progress = progress
    this.leases.renew(entry)
    this.events.emit('renewed', entry.msg, recipientId, progress)
  }

  /** The message was handled; it is removed once the store has written that. */
  async ack(recipientId: string, messageId: string): Promise<void> {
    this.assertOpen()
    const entry = this.releaseLease(recipientId, messageId)
    const leaves = this.settleAcked(entry, recipientId)
    this.pump()
    if (leaves) return this.store.remove([messageId])
    await this.store.update([entry.msg])
  }

  /**
   * Acks several messages of one recipient (an SDK's acks of one tick) with
   * one write for all their removals: what ack() does for each, but one
   * promise for the lot. Answers the ids that could not be acked, each with
   * its error: not leased to it (the others are acked all the same), or the
   * write's error, for every id that write carried (a full disk fails them all).
   */
  async ackMany(recipientId: string, messageIds: readonly string[]): Promise<Array<{ id: string; error: Error }>> {
    this.assertOpen()
    const failed: Array<{ id: string; error: Error }> = []
    const removed: string[] = []
    const kept: Message[] = []
    for (const id of messageIds) {
      const entry = this.leasedEntry(recipientId, id)
      if (!entry) {
        failed.push({ id, error: new MessageNotLeasedError(recipientId, id) })
        continue
      }
      this.release(recipientId, entry)
      if (this.settleAcked(entry, recipientId)) removed.push(id)
      else kept.push(entry.msg)
    }
    this.pump()
    const failAll = (ids: string[]) => (error: unknown) => void failed.push(...ids.map((id) => ({ id, error: toError(error) })))
    await Promise.all([
      removed.length > 0 && this.store.remove(removed).catch(failAll(removed)),
      kept.length > 0 && this.store.update(kept).catch(failAll(kept.map((m) => m.id))),
    ])
    if (failed.length > 1) {
      const at = new Map(messageIds.map((id, i) => [id, i]))
      failed.sort((a, b) => at.get(a.id)! - at.get(b.id)!)
    }
    return failed
  }

  /**
   * An entry whose lease was released is acked: counted and forgotten.
   * Answers whether its message leaves the store; a keyed one is kept,
   * marked acked, until the key window passes (a duplicate send within it is
   * turned away; only its id matters then, so the payload goes).
   */
  private settleAcked(entry: QueueEntry, recipientId: string): boolean {
    this.counts.transition(entry, 'gone')
    this.entries.delete(entry.msg.id)
    this.events.emit('acked', entry.msg, recipientId, entry.deliveredAt)
    if (entry.msg.key === undefined) return true
    this.keys.acked(entry)
    entry.msg.payload = null
    return false
  }

  /** The recipient failed the message: back at once with attempts + 1 and lastError, or dead past maxAttempts. */
  async nack(recipientId: string, messageId: string, error: string): Promise<void> {
    this.assertOpen()
    const entry = this.releaseLease(recipientId, messageId)
    const reason = String(error)
    this.events.emit('nacked', entry.msg, recipientId, reason, entry.deliveredAt)
    const m = this.fail(entry, reason)
    this.pump()
    await this.store.update([m])
  }

  async subscribe(subscriberId: string, topic: string): Promise<void> {
    this.assertOpen()
    const s = parseSubscription(subscriberId, topic)
    if (!this.topics.add(s)) return
    try {
      await this.store.saveSubscription(s)
    } catch (err) {
      this.topics.remove(s)
      throw err
    }
  }

  async unsubscribe(subscriberId: string, topic: string): Promise<void> {
    this.assertOpen()
    const s = parseSubscription(subscriberId, topic)
    if (!this.topics.remove(s)) return
    try {
      await this.store.removeSubscription(s)
    } catch (err) {
      this.topics.add(s)
      throw err
    }
  }

  /** Copies of the queue's messages, for one agent (its name and its instances) or all. O(n): for inspection. */
  list(agent?: string): QueueListing {
    return listEntries(this.entries.values(), this.deadLetters.values(), agent)
  }

  /** Messages waiting for an agent (its name and its instances), delayed ones included; O(1). */
  inboxCount(agentName: string): number {
    return this.counts.inbox(agentName)
  }

  /**
   * One instance's inbox and in-flight count, O(instances of its agent):
   * see loadOfInstance (the instances of a name add up to exactly the
   * name's pending messages, nothing counted twice).
   */
  instanceLoad(name: string, id: string): InstanceLoad {
    return loadOfInstance(this.counts, this.directory.instancesOf(name), name, id, (i) => this.recipients.has(i))
  }

  /** Dead letters of an agent (its name and its instances); O(1). */
  deadCount(agentName: string): number {
    return this.counts.deadOf(agentName)
  }

  dead(): Message[] {
    return [...this.deadLetters.values()].map((e) => ({ ...e.msg }))
  }

  /**
   * Dead letter(s) back to pending with attempts 0 and no lastError or ttl.
   * REPLAY_ALL replays all; otherwise a full id or a prefix that starts
   * exactly one dead letter's id (NoDeadLetterError, AmbiguousIdError).
   * Returns how many.
   */
  async replay(idOrAll: string): Promise<number> {
    this.assertOpen()
    const entries = idOrAll === REPLAY_ALL ? [...this.deadLetters.values()] : [this.deadLetterOf(idOrAll)]
    for (const entry of entries) {
      this.deadLetters.delete(entry.msg.id)
      const m = entry.msg
      m.attempts = 0
      delete m.lastError
      delete m.deadAt
      // a replayed message that died of old age would die again at once
      delete m.expiresAt
      // alive again, it holds its key again (merged with a newer send of the key, if any)
      this.keys.restore(entry)
      this.makePending(entry)
      this.events.emit('replayed', m)
    }
    this.pump()
    await this.store.update(entries.map((e) => e.msg))
    return entries.length
  }

  /** The dead letter whose id is `idOrPrefix` or, failing that, the only one whose id starts with it. */
  private deadLetterOf(idOrPrefix: string): QueueEntry {
    const exact = this.deadLetters.get(idOrPrefix)
    if (exact) return exact
    const matches = idOrPrefix === '' ? [] : [...this.deadLetters.values()].filter((e) => e.msg.id.startsWith(idOrPrefix))
    if (matches.length === 0) throw new NoDeadLetterError(idOrPrefix)
    if (matches.length > 1) throw new AmbiguousIdError(idOrPrefix, matches.map((e) => e.msg.id))
    return matches[0]!
  }

  /** Removes the pending and dead messages of an agent (its name and its instances); in-flight ones stay. */
  async purge(agentName: string): Promise<number> {
    this.assertOpen()
    const ids: string[] = []
    const keys = new Set<string>()
    for (const entry of this.entries.values()) {
      if (entry.agent !== agentName || entry.state === 'leased') continue
      this.deadLetters.delete(entry.msg.id)
      this.counts.transition(entry, 'gone')
      this.entries.delete(entry.msg.id)
      this.keys.forget(entry)
      ids.push(entry.msg.id)
      keys.add(entry.key)
    }
    for (const key of keys) this.order.prune(key)
    await this.store.remove(ids)
    return ids.length
  }

  stats(): QueueStats {
    return this.counts.stats()
  }

  on<K extends keyof QueueEvents>(event: K, fn: QueueEvents[K]): this {
    this.events.on(event, fn)
    return this
  }

  off<K extends keyof QueueEvents>(event: K, fn: QueueEvents[K]): this {
    this.events.off(event, fn)
    return this
  }

  /** Compacts the store now (also done every compactEveryMs). */
  compact(): Promise<void> {
    this.assertOpen()
    this.compaction ??= this.store.compact().finally(() => {
      this.compaction = undefined
    })
    return this.compaction
  }

  /** Stops timers, waits for pending writes and closes the store. Leases are dropped: those messages are redelivered after the next open. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.compactTimer) clearInterval(this.compactTimer)
    this.delays.stop()
    this.expiries.stop()
    this.keys.stop()
    this.leases.stop()
    await Promise.allSettled([...this.backgroundWrites, this.compaction])
    await this.store.close()
  }

  private async restore(): Promise<void> {
    const { messages, subscriptions } = await this.store.load()
    for (const s of subscriptions) this.topics.add(s)
    const dead: QueueEntry[] = []
    const windowPassed: string[] = []
    let maxSeq = 0
    for (const m of messages) {
      if (m.seq > maxSeq) maxSeq = m.seq
      const entry = newEntry(m, agentOfKey(m.to))
      if (m.deadAt !== undefined) {
        this.entries.set(m.id, entry)
        dead.push(entry)
      } else if (!this.keys.restore(entry)) {
        windowPassed.push(m.id)
      } else if (m.ackedAt === undefined) {
        this.entries.set(m.id, entry)
        this.makePending(entry)
      }
    }
    // Not awaited as a condition of opening: on a full disk the removal fails (the store keeps it for
    // its next write) and the queue must open all the same; these messages are out of memory either way.
    if (windowPassed.length > 0) await this.store.remove(windowPassed).catch(() => {})
    dead.sort((a, b) => a.msg.deadAt! - b.msg.deadAt! || a.msg.seq - b.msg.seq)
    for (const entry of dead) {
      this.counts.transition(entry, 'dead')
      this.deadLetters.set(entry.msg.id, entry)
    }
    this.nextSeq = maxSeq + 1
    this.pump()
  }

  /** Puts an entry where it waits: the delay timer or its key's dispatch heap (marked for the next pump). */
  private makePending(entry: QueueEntry): void {
    const m = entry.msg
    if (m.notBefore !== undefined && m.notBefore > this.now()) {
      this.counts.transition(entry, 'delayed')
      if (!entry.inDelayHeap) {
        entry.inDelayHeap = true
        this.delays.add(m.notBefore, entry)
      }
    } else {
      this.counts.transition(entry, 'ready')
      this.order.push(entry)
      this.dirtyKeys.add(entry.key)
    }
    if (m.expiresAt !== undefined && !entry.inExpiryHeap) {
      entry.inExpiryHeap = true
      this.expiries.add(m.expiresAt, entry)
    }
  }

  /**
   * A delivery failed (lease already released): attempts + 1, then back to
   * pending or dead. A message whose ttl ran out while it was leased can
   * never be delivered again: it dies now, with the failure in its reason.
   */
  private fail(entry: QueueEntry, error: string): Message {
    const m = entry.msg
    this.clearLease(entry)
    m.attempts += 1
    m.lastError = error
    if (m.expiresAt !== undefined && m.expiresAt <= this.now()) this.deadLetter(entry, `${EXPIRED_REASON}; last delivery failed: ${error}`, true)
    else if (m.attempts >= this.opts.maxAttempts) this.deadLetter(entry, error)
    else this.makePending(entry)
    return m
  }

  private deadLetter(entry: QueueEntry, reason: string, expired = reason === EXPIRED_REASON): void {
    const m = entry.msg
    m.lastError = reason
    m.deadAt = this.now()
    this.counts.transition(entry, 'dead')
    // a dead message no longer holds its key: sending it again is how a user retries
    this.keys.forget(entry)
    this.deadLetters.set(m.id, entry)
    if (expired) this.events.emit('expired', m)
    this.events.emit('deadLettered', m, reason)
  }

  /** Checks that the message is leased to that recipient and ends the lease. */
  private releaseLease(recipientId: string, messageId: string): QueueEntry {
    const entry = this.leasedEntry(recipientId, messageId)
    if (!entry) throw new MessageNotLeasedError(recipientId, messageId)
    this.release(recipientId, entry)
    return entry
  }

  private release(recipientId: string, entry: QueueEntry): void {
    this.leases.release(entry)
    const attached = this.recipients.get(recipientId)
    if (attached) {
      this.dropLease(attached, entry)
      this.dirtyRecipients.add(attached)
    }
    this.clearLease(entry)
  }

  private leasedEntry(recipientId: string, messageId: string): QueueEntry | undefined {
    const entry = this.entries.get(messageId)
    return entry && entry.state === 'leased' && entry.leasedTo === recipientId ? entry : undefined
  }

  /** Forgets the lease's details; `leasedTo` goes with the state change that follows (EntryCounts.transition). */
  private clearLease(entry: QueueEntry): void {
    entry.deliveredTo = undefined
    entry.progress = undefined
  }

  private dropLease(attached: AttachedRecipient, entry: QueueEntry): void {
    if (attached.leased.delete(entry) && !entry.isReply) attached.busy--
  }

  /** Fails the leases of `attached` (only those pushed to `only`, when given): back to pending, attempts + 1. */
  private failLeases(attached: AttachedRecipient, reason: string, only?: Recipient): void {
    const failed: Message[] = []
    for (const entry of attached.leased) {
      if (only && entry.deliveredTo !== only) continue
      this.leases.release(entry)
      this.dropLease(attached, entry)
      const error = `recipient '${attached.recipient.id}' went away: ${reason}`
      this.events.emit('lost', entry.msg, attached.recipient.id, error)
      failed.push(this.fail(entry, error))
    }
    this.persistInBackground(failed)
  }

  /** A recipient callback that throws is reported, never breaks the queue. */
  private notify(fn: () => void): void {
    try {
      fn()
    } catch (err) {
      this.events.emit('error', toError(err))
    }
  }

  /**
   * Delivers whatever the dirty keys and recipients now allow. Not
   * re-entrant: a recipient that acks inside `deliver` only marks itself
   * dirty, and the running loop picks that up, so the stack stays flat.
   */
  private pump(): void {
    if (this.pumping || this.closed) return
    this.pumping = true
    try {
      while (this.dirtyRecipients.size > 0 || this.dirtyKeys.size > 0) {
        for (const attached of this.dirtyRecipients) {
          this.dirtyRecipients.delete(attached)
          this.fill([attached])
        }
        for (const key of this.dirtyKeys) {
          this.dirtyKeys.delete(key)
          const drawing = this.recipients.drawing(key)
          if (drawing) this.fill(drawing)
        }
      }
    } finally {
      this.pumping = false
    }
  }

  /** Delivers to these recipients until they are full or have nothing left, spreading by load. */
  private fill(candidates: readonly AttachedRecipient[]): void {
    // replies first, whatever the concurrency: a handler may be waiting for one
    for (const c of candidates) while (c.attached && this.deliverNext(c, c.replyKeys));
    if (candidates.length === 1) {
      const only = candidates[0]!
      while (only.attached && only.busy < only.maxInFlight && this.deliverNext(only, only.keys));
      return
    }
    for (;;) {
      const next = this.recipients.leastLoaded(candidates)
      if (!next || !this.deliverNext(next, next.keys)) return
    }
  }

  /** Leases and delivers the best ready message for a recipient; false when there is none. */
  private deliverNext(attached: AttachedRecipient, keys: readonly string[]): boolean {
    const entry = this.order.popBest(keys)
    if (!entry) return false
    const m = entry.msg
    if (m.expiresAt !== undefined && m.expiresAt <= this.now()) {
      this.deadLetter(entry, EXPIRED_REASON)
      this.persistInBackground([m])
      return true
    }
    const { recipient } = attached
    const id = recipient.id
    const leaseMs = m.lease ?? attached.leaseMs
    this.counts.transition(entry, 'leased', id)
    entry.deliveredTo = recipient
    entry.deliveredAt = this.now()
    this.leases.take(entry, leaseMs)
    attached.leased.add(entry)
    if (!entry.isReply) attached.busy++
    // before deliver(): a recipient may ack synchronously, and 'acked' must not precede 'delivered'
    this.events.emit('delivered', m, id)
    try {
      recipient.deliver(m, leaseMs)
    } catch (err) {
      // a recipient that cannot take a message is treated as gone; the daemon detaching it again is harmless
      this.detach(id, `deliver failed: ${toError(err).message}`, recipient)
    }
    return true
  }

  /** Whether a pruned delay heap keeps the entry; one dropped is marked out of it, so that it can come back. */
  private keepDelay(entry: QueueEntry): boolean {
    entry.inDelayHeap = entry.state === 'delayed'
    return entry.inDelayHeap
  }

  /** The same for the expiry heap: a leased message may come back (nack, lease lost) and must still expire then; acked or dead, it never will. */
  private keepExpiry(entry: QueueEntry): boolean {
    entry.inExpiryHeap = entry.state !== 'gone' && entry.state !== 'dead'
    return entry.inExpiryHeap
  }

  private onDelaysDue(due: QueueEntry[]): void {
    for (const entry of due) {
      entry.inDelayHeap = false
      if (entry.state === 'delayed') this.makePending(entry)
    }
    this.pump()
  }

  private onExpiriesDue(due: QueueEntry[]): void {
    const now = this.now()
    const expired: Message[] = []
    for (const entry of due) {
      entry.inExpiryHeap = false
      const { expiresAt } = entry.msg
      if (expiresAt === undefined || (entry.state !== 'ready' && entry.state !== 'delayed')) continue
      if (expiresAt > now) {
        entry.inExpiryHeap = true
        this.expiries.add(expiresAt, entry)
        continue
      }
      this.deadLetter(entry, EXPIRED_REASON)
      expired.push(entry.msg)
    }
    this.persistInBackground(expired)
  }

  private onLeasesExpired(expired: QueueEntry[]): void {
    const failed: Message[] = []
    for (const entry of expired) {
      if (entry.state !== 'leased') continue
      const holder = entry.leasedTo!
      const attached = this.recipients.get(holder)
      if (attached) {
        this.dropLease(attached, entry)
        this.dirtyRecipients.add(attached)
      }
      const expiredAfter = entry.leaseExpiresAt - (entry.msg.lease ?? attached?.leaseMs ?? this.opts.leaseMs)
      const error = `lease expired: '${holder}' did not ack or renew within ${this.now() - expiredAfter} ms`
      this.events.emit('lost', entry.msg, holder, error)
      failed.push(this.fail(entry, error))
    }
    this.persistInBackground(failed)
    this.pump()
  }

  /** Persists delivery-state changes nobody awaits. */
  private persistInBackground(messages: Message[]): void {
    if (messages.length > 0) this.inBackground(this.store.update(messages))
  }

  /** A write nobody awaits: `close` waits for it, and a failure goes to the 'error' event. */
  private inBackground(write: Promise<void>): void {
    const tracked: Promise<void> = write
      .catch((err: unknown) => this.events.emit('error', toError(err)))
      .finally(() => this.backgroundWrites.delete(tracked))
    this.backgroundWrites.add(tracked)
  }

  private scheduleCompaction(): void {
    if (this.opts.compactEveryMs === 0) return
    this.compactTimer = setInterval(() => {
      if (this.closed || this.compaction) return
      this.compact().catch((err: unknown) => this.events.emit('error', toError(err)))
    }, this.opts.compactEveryMs)
    this.compactTimer.unref()
  }

  private assertOpen(): void {
    if (this.closed) throw new QueueClosedError()
  }
}
