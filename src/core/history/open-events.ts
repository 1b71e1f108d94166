import { historyLine, type HistoryEvent } from './history-event.js'

/** A message's events not written yet: its 'stored' and its first 'delivered', while they can still fold into one line. */
interface Open {
  stored?: HistoryEvent
  delivered?: HistoryEvent
}

/**
 * Folds the events of a message that come within one write of the history
 * into as few lines as they can be: most messages are stored, delivered and
 * acked within the flush interval, and are then ONE line (the 'stored' line
 * carrying `instance`, `attempt`, `deliveredAt` and `ackedAt`); one whose
 * ack comes later is a 'stored' line with its delivery, then an 'acked'
 * line. Any other event of a message writes what is held first, so that a
 * message's lines stay in the order its events came. `eventsOfLine` gives
 * the events back. One line instead of three is most of what the history
 * costs the daemon per message (building lines, buffers, the write).
 */
export class OpenEvents {
  private readonly open = new Map<string, Open>()

  /** `out` receives the lines, in order, with how many events each holds */
  constructor(private readonly out: (line: string, events: number) => void) {}

  add(e: HistoryEvent): void {
    const o = this.open.get(e.id)
    if (e.ev === 'delivered' && o !== undefined && o.delivered === undefined) {
      o.delivered = e
      return
    }
    if (e.ev === 'acked' && o?.delivered !== undefined && o.delivered.instance === e.instance) {
      this.open.delete(e.id)
      this.out(foldedLine(o, e), o.stored === undefined ? 2 : 3)
      return
    }
    if (o !== undefined) {
      this.open.delete(e.id)
      this.write(o)
    }
    if (e.ev === 'stored') this.open.set(e.id, { stored: e })
    else if (e.ev === 'delivered') this.open.set(e.id, { delivered: e })
    else this.out(historyLine(e), 1)
  }

  /** Writes everything held (before a write of the file). */
  drain(): void {
    for (const o of this.open.values()) this.write(o)
    this.open.clear()
  }

  clear(): void {
    this.open.clear()
  }

  private write(o: Open): void {
    if (o.delivered !== undefined) this.out(foldedLine(o), o.stored === undefined ? 1 : 2)
    else if (o.stored !== undefined) this.out(historyLine(o.stored), 1)
  }
}

/** The line of a delivery (with its message's 'stored' event and its ack when they are held). */
function foldedLine({ stored, delivered }: Open, acked?: HistoryEvent): string {
  const d = delivered!
  if (stored === undefined && acked === undefined) return historyLine(d)
  if (stored === undefined) {
    // an 'acked' that carries its delivery, as written before 'stored' lines could fold
    let s = historyLine({ t: acked!.t, ev: 'acked', id: d.id, instance: d.instance })
    s = s.slice(0, -1)
    if (d.attempt !== undefined) s += `,"attempt":${d.attempt}`
    return `${s},"deliveredAt":${d.t}}`
  }
  // the held events are the log's own (add() takes them over): no copy
  stored.instance = d.instance
  stored.attempt = d.attempt
  let s = historyLine(stored).slice(0, -1)
  s += `,"deliveredAt":${d.t}`
  if (acked !== undefined) s += `,"ackedAt":${acked.t}`
  return `${s}}`
}
