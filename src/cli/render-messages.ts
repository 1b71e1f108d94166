import type { DeadLettersResult, QueueListingResult, WireMessage } from '../core/protocol/types.js'
import { formatDuration, table } from './format.js'

/** Message ids are UUIDs; tables show this many characters, and `orch queue replay` accepts such a prefix. */
export const SHORT_ID_CHARS = 8
/** Long errors (stack-like nack reasons) are cut in `queue ls`; `queue dead` shows them whole. */
const LS_ERROR_CHARS = 60

export const shortId = (id: string): string => id.slice(0, SHORT_ID_CHARS)

const clip = (s: string | undefined, max: number): string => {
  if (!s) return '-'
  const line = s.replace(/\s+/g, ' ')
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

const age = (since: number, now: number): string => formatDuration(now - since)

/** Short leases are common (a handler renews them): below a second, show milliseconds. */
const leaseLeft = (ms: number): string => (ms < 1000 ? `${Math.max(0, Math.round(ms))}ms` : formatDuration(ms))

const HEADERS = ['id', 'from', 'to', 'type', 'priority', 'attempts', 'age', 'last error']

function row(m: WireMessage, now: number): Array<string | number> {
  return [shortId(m.id), m.from, m.to, m.type, m.priority, m.attempts, age(m.createdAt, now), clip(m.lastError, LS_ERROR_CHARS)]
}

/** A list's rows, and what a listing window leaves out (the daemon cuts by --limit and by a byte budget). */
function section(title: string, total: number, shown: string, listed: number, offset: number): string[] {
  if (total === 0) return []
  const after = offset + listed
  const from = offset > 0 ? ` from row ${offset + 1}` : ''
  const more = total > after ? `\n… ${total - after} more not listed (see them with --offset ${after})` : ''
  return ['', `${title} (${total})${from}`, shown + more]
}

/** The `orch queue ls` view: counts, then pending (best first), in flight and dead rows. */
export function renderQueueListing(l: QueueListingResult, agent: string | undefined, offset = 0, now = Date.now()): string {
  const { counts } = l
  const head = `${agent ? `queue of ${agent}` : 'queue'}: ${counts.pending} pending, ${counts.inFlight} in flight, ${counts.dead} dead`
  // a delayed message waits in the list at its priority's place; 'due' says when it may go
  const pending = table(
    [...HEADERS.slice(0, 7), 'due', HEADERS[7]!],
    l.pending.map((m) => {
      const r = row(m, now)
      const due = m.notBefore !== undefined && m.notBefore > now ? `in ${formatDuration(m.notBefore - now)}` : '-'
      return [...r.slice(0, 7), due, r[7]!]
    }),
  )
  const inFlight = table(
    [...HEADERS, 'leased to', 'lease left', 'progress'],
    l.inFlight.map((m) => [
      ...row(m, now),
      m.leasedTo,
      leaseLeft(m.leaseExpiresAt - now),
      m.progress === undefined ? '-' : clip(typeof m.progress === 'string' ? m.progress : JSON.stringify(m.progress), LS_ERROR_CHARS),
    ]),
  )
  return [
    head,
    ...section('pending', counts.pending, pending, l.pending.length, offset),
    ...section('in flight', counts.inFlight, inFlight, l.inFlight.length, offset),
    ...section('dead', counts.dead, table(HEADERS, l.dead.map((m) => row(m, now))), l.dead.length, offset),
  ].join('\n')
}

/** The `orch queue dead` view: the listed dead letters with their whole last error. */
export function renderDeadLetters(result: DeadLettersResult, offset = 0, now = Date.now()): string {
  const { dead, counts } = result
  if (counts.dead === 0) return 'no dead letters'
  const after = offset + dead.length
  return [
    table(
      ['id', 'from', 'to', 'type', 'priority', 'attempts', 'died', 'last error'],
      dead.map((m) => [shortId(m.id), m.from, m.to, m.type, m.priority, m.attempts, `${age(m.deadAt ?? m.createdAt, now)} ago`, clip(m.lastError, Infinity)]),
    ),
    ...(counts.dead > after ? [`… ${counts.dead - after} more not listed (see them with --offset ${after})`] : []),
    '',
    'put one back with: orch queue replay ID (full id or its first 8 characters), or all of them: orch queue replay all',
  ].join('\n')
}
