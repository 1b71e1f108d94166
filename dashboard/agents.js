// The Agents view: the table, and the selected agent's detail with its live log.
import { $, bytes, clock, duration, h, sparkline, status } from './dom.js'
import { api, state } from './state.js'

const LOG_LINES_KEPT = 1000

export function renderDaemon() {
  const d = state.metrics?.daemon
  const q = state.metrics?.queue
  if (!d) return
  $('#daemon').textContent = `daemon ${d.pid} · up ${duration(d.uptime)} · ${d.cpu.toFixed(1)}% · ${bytes(d.memory)} · queue ${q.pending} pending, ${q.inFlight} in flight, ${q.dead} dead`
}

export function renderAgents() {
  const agents = state.metrics?.agents ?? []
  $('#agents-empty').hidden = agents.length > 0
  // rows are redrawn at each push: the one with the keyboard focus gets it back
  const focused = document.activeElement?.closest?.('#agents tbody tr')?.dataset.id
  const open = (a) => (location.hash = `#agents/${encodeURIComponent(a.id)}`)
  const rows = agents.map((a) =>
    h(
      'tr',
      {
        'data-id': a.id,
        'data-status': a.status,
        class: [a.id === state.selected ? 'selected' : '', state.flashing.has(a.id) ? 'flash' : ''].join(' ').trim() || undefined,
        tabindex: 0,
        onclick: () => open(a),
        onkeydown: (e) => e.key === 'Enter' && open(a),
      },
      h('td', { 'data-col': 'id' }, a.id),
      h('td', { 'data-col': 'status' }, status(a.status)),
      h('td', { 'data-col': 'pid', class: 'num' }, a.pid ?? '–'),
      h('td', { 'data-col': 'uptime', class: 'num' }, a.pid ? duration(a.uptime) : '–'),
      h('td', { 'data-col': 'restarts', class: 'num' }, a.restarts),
      h('td', { 'data-col': 'cpu' }, h('span', { class: 'spark cpu' }, sparkline(a.history.cpu, 'cpu'), `${a.cpu.toFixed(1)}%`)),
      h('td', { 'data-col': 'memory' }, h('span', { class: 'spark mem' }, sparkline(a.history.memory, 'mem'), bytes(a.memory))),
      h('td', { 'data-col': 'inbox', class: 'num' }, a.inbox),
      h('td', { 'data-col': 'inFlight', class: 'num' }, a.inFlight),
    ),
  )
  $('#agents tbody').replaceChildren(...rows)
  if (focused) rows.find((r) => r.dataset.id === focused)?.focus()
}

export async function loadDetail() {
  const id = state.selected
  if (!id) return
  try {
    const d = await api(`/api/agents/${encodeURIComponent(id)}`)
    if (state.selected === id) {
      state.detail = d
      renderDetail()
    }
  } catch (err) {
    if (state.selected === id) $('#detail').replaceChildren(h('p', { class: 'hint' }, `${id}: ${err.message}`))
  }
}

async function act(id, action, button) {
  button.disabled = true
  try {
    await api(`/api/agents/${encodeURIComponent(id)}/${action}`, { method: 'POST' })
  } catch (err) {
    alert(`${action} ${id}: ${err.message}`)
  } finally {
    button.disabled = false
    void loadDetail()
  }
}

function detailHead(d) {
  const live = (state.metrics?.agents ?? []).find((a) => a.id === d.id) ?? d
  // a backoff or a start can be stopped; only what is stopped or gave up can be started
  const down = live.status === 'stopped' || live.status === 'errored'
  const key = `${live.status}|${live.pid}`
  const old = $('#detail .detail-head')
  if (old && old.dataset.key === key && old.dataset.id === d.id) return old
  return h(
    'div',
    { class: 'detail-head', 'data-key': key, 'data-id': d.id },
    h('h2', {}, d.id),
    status(live.status),
    h('span', { class: 'hint' }, live.pid ? `pid ${live.pid}` : 'not running'),
    h('button', { type: 'button', onclick: (e) => act(d.id, 'restart', e.currentTarget) }, 'Restart'),
    h('button', { type: 'button', class: 'danger', disabled: down, onclick: (e) => act(d.id, 'stop', e.currentTarget) }, 'Stop'),
    h('button', { type: 'button', disabled: !down, onclick: (e) => act(d.id, 'start', e.currentTarget) }, 'Start'),
  )
}

/** The head (status, pid, buttons) follows each snapshot; the rest is redrawn when the agent's description is read again. */
export function renderDetailHead() {
  const old = $('#detail .detail-head')
  if (!old || !state.detail) return
  const next = detailHead(state.detail)
  if (next !== old) old.replaceWith(next)
}

function renderDetail() {
  const box = $('#detail')
  const d = state.detail
  if (!state.selected || !d) {
    box.hidden = true
    return
  }
  box.hidden = false
  const events = h(
    'table',
    { class: 'grid', id: 'transitions' },
    h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'From → to'), h('th', {}, 'Reason'))),
    h(
      'tbody',
      {},
      [...d.events].reverse().map((e) => h('tr', {}, h('td', {}, clock(e.at)), h('td', {}, `${e.from ?? '·'} → `, status(e.to)), h('td', { class: 'mono' }, e.reason))),
    ),
  )
  const definition = h('pre', {}, JSON.stringify(d.definition, null, 2))
  const facts = h('pre', {}, [`command  ${d.command} ${d.args.join(' ')}`, `cwd      ${d.cwd}`, `config   ${d.configPath ?? '(none)'}`, `logs     ${d.logs.out}`, `         ${d.logs.err}`].join('\n'))
  const body = h('div', { class: 'cols' }, h('div', {}, h('h3', {}, 'State changes'), events), h('div', {}, h('h3', {}, 'Definition'), definition, h('h3', {}, 'Process'), facts))
  const log = $('#log')
  if (log?.isConnected && $('#detail .detail-head')?.dataset.id === d.id) {
    // keep the log (and where it is scrolled to): replace what is above it
    $('#detail .detail-head').replaceWith(detailHead(d))
    $('#detail .cols').replaceWith(body)
    return
  }
  box.replaceChildren(detailHead(d), body, h('h3', {}, 'Log (stdout and stderr, live)'), log ?? logElement())
  pinLog()
}

/** The log follows its newest line unless the reader scrolled up. */
function pinLog() {
  const pre = $('#log')
  if (pre && state.logPinned) pre.scrollTop = pre.scrollHeight
}

function logElement() {
  const pre = h('pre', { id: 'log', class: 'log', 'aria-label': 'log' })
  pre.addEventListener('scroll', () => {
    // only a person's scroll: ours lands at the bottom
    if (pre.clientHeight > 0) state.logPinned = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8
  })
  return pre
}

function followLog(id) {
  state.logSource?.close()
  state.logSource = null
  const pre = $('#log') ?? logElement()
  pre.replaceChildren()
  if (!id) return
  const src = new EventSource(`/api/agents/${encodeURIComponent(id)}/logs`)
  state.logSource = src
  state.logPinned = true
  src.addEventListener('lines', (ev) => {
    for (const l of JSON.parse(ev.data)) pre.append(h('div', { class: l.stream === 'err' ? 'err-line' : undefined }, l.line))
    while (pre.childElementCount > LOG_LINES_KEPT) pre.firstElementChild.remove()
    pinLog()
  })
  if (!pre.isConnected) $('#detail').append(pre)
}

export function select(id) {
  if (id === state.selected) return
  state.selected = id
  state.detail = null
  renderAgents()
  renderDetail()
  followLog(id)
  void loadDetail()
}
