import { compareNames } from '../compare-names.js'
import type { DaemonContext } from '../daemon/context.js'
import type { Message } from '../queue/message.js'
import { agentOf, type FlowCounter } from './flow.js'

/** Dead letters a page shows (newest first); `orch queue dead` lists them all. */
export const DEAD_LETTERS_SHOWN = 100
/** A dead letter's payload as the page shows it, cut to this many characters. */
const PAYLOAD_CHARS = 500

/** What every push carries: the daemon's metrics snapshot (agents, their CPU/memory history, recipients, daemon) and the team graph's edges. */
export function overview(ctx: DaemonContext, flow: FlowCounter) {
  return { metrics: ctx.observer.snapshot(), flow: flow.edges() }
}

export interface RecipientCounts {
  agent: string
  pending: number
  inFlight: number
  dead: number
}

const shortPayload = (m: Message): string => {
  let text: string
  try {
    text = JSON.stringify(m.payload) ?? ''
  } catch {
    text = String(m.payload)
  }
  return text.length > PAYLOAD_CHARS ? `${text.slice(0, PAYLOAD_CHARS)}…` : text
}

/** The queue by recipient agent (every defined agent, even at 0), and the newest dead letters with why they died. O(messages). */
export function queueView(ctx: DaemonContext) {
  const l = ctx.queue.list()
  const by = new Map<string, RecipientCounts>()
  const of = (to: string): RecipientCounts => {
    const agent = agentOf(to)
    let c = by.get(agent)
    if (!c) by.set(agent, (c = { agent, pending: 0, inFlight: 0, dead: 0 }))
    return c
  }
  for (const inst of ctx.supervisor.all()) of(inst.record.name)
  for (const m of l.pending) of(m.to).pending++
  for (const m of l.inFlight) of(m.to).inFlight++
  for (const m of l.dead) of(m.to).dead++
  const dead = [...l.dead]
    .sort((a, b) => (b.deadAt ?? b.createdAt) - (a.deadAt ?? a.createdAt))
    .slice(0, DEAD_LETTERS_SHOWN)
    .map((m) => ({
      id: m.id,
      from: m.from,
      to: m.to,
      type: m.type,
      attempts: m.attempts,
      lastError: m.lastError ?? null,
      createdAt: m.createdAt,
      deadAt: m.deadAt ?? null,
      payload: shortPayload(m),
    }))
  return {
    recipients: [...by.values()].sort((a, b) => compareNames(a.agent, b.agent)),
    counts: { pending: l.pending.length, inFlight: l.inFlight.length, dead: l.dead.length },
    dead,
  }
}
