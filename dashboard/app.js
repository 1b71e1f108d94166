// orch dashboard: no framework, no build step (see docs/dashboard.md). Live data
// arrives over Server-Sent Events (/api/events, and /api/agents/ID/logs for the
// selected agent's log); the page never polls. Every change is a POST to /api/.
import { loadDetail, renderAgents, renderDaemon, renderDetailHead, select } from './agents.js'
import { $ } from './dom.js'
import { renderGraph } from './graph.js'
import { renderQueue } from './queue.js'
import { setLive, signedOut, state } from './state.js'
import { loadHistory, loadTrace } from './traces.js'

function connect() {
  const events = new EventSource('/api/events')
  state.events = events
  events.addEventListener('open', () => setLive('live', true))
  events.addEventListener('snapshot', (ev) => {
    const data = JSON.parse(ev.data)
    state.metrics = data.metrics
    state.flow = data.flow
    if (data.queue) state.queue = data.queue
    renderDaemon()
    renderAgents()
    if (data.queue) renderQueue()
    renderGraph()
    renderDetailHead()
  })
  events.addEventListener('state', (ev) => {
    const s = JSON.parse(ev.data)
    const row = state.metrics?.agents.find((a) => a.id === s.id)
    if (row) {
      row.status = s.to
      row.pid = s.pid
    }
    state.flashing.set(s.id, setTimeout(() => state.flashing.delete(s.id), 1200))
    renderAgents()
    if (s.id === state.selected) void loadDetail()
  })
  events.addEventListener('error', () => {
    // the stream ended: the daemon went away, or another `orch dashboard` gave a new token (ask once which)
    const closed = events.readyState === EventSource.CLOSED
    if (!closed) setLive('reconnecting…', false)
    fetch('/api/snapshot', { method: 'HEAD' }).then(
      (r) => {
        if (r.status === 401) signedOut()
        else if (closed) setTimeout(connect, 2000)
      },
      () => {
        setLive('daemon unreachable, retrying…', false)
        if (closed) setTimeout(connect, 2000)
      },
    )
  })
}

function route() {
  const [view = 'agents', arg] = location.hash.slice(1).split('/')
  const known = ['agents', 'queue', 'traces', 'graph'].includes(view) ? view : 'agents'
  for (const v of ['agents', 'queue', 'traces', 'graph']) $(`#view-${v}`).hidden = v !== known
  for (const a of document.querySelectorAll('nav a')) a.toggleAttribute('aria-current', a.dataset.view === known) && a.setAttribute('aria-current', 'page')
  if (known === 'agents') select(arg ? decodeURIComponent(arg) : null)
  if (known === 'traces') {
    void loadHistory()
    if (arg) void loadTrace(decodeURIComponent(arg))
  }
  if (known === 'graph') renderGraph()
}

$('#traces-refresh').addEventListener('click', () => void loadHistory())
window.addEventListener('hashchange', route)
route()
connect()
