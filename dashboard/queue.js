// The Queue view: counts by recipient, dead letters with a Replay button.
import { $, clock, h, short } from './dom.js'
import { api, state } from './state.js'

export function renderQueue() {
  const q = state.queue
  if (!q) return
  const metricsBy = new Map((state.metrics?.recipients ?? []).map((r) => [r.agent, r]))
  $('#recipients tbody').replaceChildren(
    ...q.recipients.map((r) => {
      const m = metricsBy.get(r.agent)
      return h(
        'tr',
        { 'data-agent': r.agent },
        h('td', {}, r.agent),
        h('td', { class: 'num' }, r.pending),
        h('td', { class: 'num' }, r.inFlight),
        h('td', { class: 'num' }, r.dead),
        h('td', { class: 'num' }, m?.sent ?? 0),
        h('td', { class: 'num' }, m?.acked ?? 0),
        h('td', { class: 'num' }, m?.nacked ?? 0),
      )
    }),
  )
  $('#dead-empty').hidden = q.dead.length > 0
  $('#dead tbody').replaceChildren(
    ...q.dead.map((m) =>
      h(
        'tr',
        { 'data-message': m.id },
        h('td', { class: 'mono', title: m.id }, short(m.id)),
        h('td', {}, `${m.from} → ${m.to}`),
        h('td', {}, m.type),
        h('td', { class: 'num' }, m.attempts),
        h('td', {}, clock(m.deadAt)),
        h('td', { class: 'mono' }, m.lastError ?? ''),
        h('td', { class: 'mono', title: m.payload }, m.payload.length > 60 ? `${m.payload.slice(0, 60)}…` : m.payload),
        h('td', {}, h('button', { type: 'button', 'aria-label': `Replay ${m.id}`, onclick: (e) => replay(m.id, e.currentTarget) }, 'Replay')),
      ),
    ),
  )
}

async function replay(id, button) {
  button.disabled = true
  try {
    await api(`/api/dead/${encodeURIComponent(id)}/replay`, { method: 'POST' })
  } catch (err) {
    button.disabled = false
    alert(`replay ${short(id)}: ${err.message}`)
  }
}
