// orch dashboard: no framework, no build step (see docs/dashboard.md). Live data
// arrives over Server-Sent Events (/api/events, and /api/agents/ID/logs for the
// selected agent's log); the page never polls. Every change is a POST to /api/.

const SVG = 'http://www.w3.org/2000/svg'
const LOG_LINES_KEPT = 1000

/** h('td', {class: 'num'}, 'text', child…): an element; null/false children are skipped. */
function h(tag, attrs = {}, ...children) {
  const el = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag)
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v)
    // through the CSSOM: the page's Content-Security-Policy refuses style attributes
    else if (k === 'style') Object.assign(el.style, v)
    else el.setAttribute(k, v === true ? '' : String(v))
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c))
  return el
}
const $ = (sel) => document.querySelector(sel)

// ---- formatting ------------------------------------------------------------

function bytes(n) {
  if (!n) return '0 B'
  const units = ['B', 'KB', 'MB', 'GB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++
  return `${n.toFixed(n >= 100 || i === 0 ? 0 : 1)} ${units[i]}`
}
function duration(ms) {
  if (ms === undefined || ms === null) return ''
  if (ms < 1000) return `${Math.round(ms)}ms`
  const s = Math.floor(ms / 1000)
  if (s < 60) return `${(ms / 1000).toFixed(s < 10 ? 1 : 0)}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`
  const hh = Math.floor(m / 60)
  return hh < 24 ? `${hh}h${String(m % 60).padStart(2, '0')}m` : `${Math.floor(hh / 24)}d${hh % 24}h`
}
const clock = (t) => (t ? new Date(t).toLocaleTimeString() : '')
const short = (id) => (id ? id.slice(0, 8) : '')
const status = (s) => h('span', { class: `status s-${s}` }, s)

function sparkline(values, cls) {
  const svg = h('svg:svg', { viewBox: '0 0 64 16', preserveAspectRatio: 'none', 'aria-hidden': 'true' })
  if (values.length > 1) {
    const max = Math.max(...values, cls === 'cpu' ? 1 : 1)
    const pts = values.map((v, i) => `${((i / (values.length - 1)) * 64).toFixed(1)},${(15 - (v / max) * 14).toFixed(1)}`)
    svg.append(h('svg:polyline', { points: pts.join(' ') }))
  }
  return svg
}

// ---- state -------------------------------------------------------------------

const state = {
  metrics: null,
  queue: null,
  flow: [],
  selected: null,
  detail: null,
  logPinned: true,
  logSource: null,
  flashing: new Map(),
}

function setLive(text, ok) {
  const el = $('#live')
  el.textContent = text
  el.className = `live ${ok ? 'on' : 'off'}`
}

// ---- agents --------------------------------------------------------------------

function renderDaemon() {
  const d = state.metrics?.daemon
  const q = state.metrics?.queue
  if (!d) return
  $('#daemon').textContent = `daemon ${d.pid} · up ${duration(d.uptime)} · ${d.cpu.toFixed(1)}% · ${bytes(d.memory)} · queue ${q.pending} pending, ${q.inFlight} in flight, ${q.dead} dead`
}

function renderAgents() {
  const agents = state.metrics?.agents ?? []
  $('#agents-empty').hidden = agents.length > 0
  const rows = agents.map((a) =>
    h(
      'tr',
      {
        'data-id': a.id,
        'data-status': a.status,
        class: [a.id === state.selected ? 'selected' : '', state.flashing.has(a.id) ? 'flash' : ''].join(' ').trim() || undefined,
        onclick: () => (location.hash = `#agents/${encodeURIComponent(a.id)}`),
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
}

async function api(path, opts) {
  const res = await fetch(path, opts)
  if (res.status === 401) {
    signedOut()
    throw new Error('signed out')
  }
  const body = res.headers.get('content-type')?.startsWith('application/json') ? await res.json() : { error: { message: await res.text() } }
  if (!res.ok) throw new Error(body.error?.message ?? res.statusText)
  return body
}

async function loadDetail() {
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
  const running = live.pid !== null && live.status !== 'stopped' && live.status !== 'errored'
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
    h('button', { type: 'button', class: 'danger', disabled: !running, onclick: (e) => act(d.id, 'stop', e.currentTarget) }, 'Stop'),
    h('button', { type: 'button', disabled: running, onclick: (e) => act(d.id, 'start', e.currentTarget) }, 'Start'),
  )
}

/** The head (status, pid, buttons) follows each snapshot; the rest is redrawn when the agent's description is read again. */
function renderDetailHead() {
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

function select(id) {
  if (id === state.selected) return
  state.selected = id
  state.detail = null
  renderAgents()
  renderDetail()
  followLog(id)
  void loadDetail()
}

// ---- queue -----------------------------------------------------------------------

function renderQueue() {
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

// ---- traces ------------------------------------------------------------------------

async function loadHistory() {
  try {
    const { messages } = await api('/api/history?limit=100')
    $('#history tbody').replaceChildren(
      ...messages.map((m) =>
        h(
          'tr',
          { 'data-message': m.id, onclick: () => (location.hash = `#traces/${encodeURIComponent(m.id)}`) },
          h('td', { class: 'mono', title: m.id }, short(m.id)),
          h('td', {}, `${m.from ?? '?'} → ${m.to ?? '?'}`),
          h('td', {}, m.type ?? ''),
          h('td', { class: `s-${m.outcome}` }, m.outcome),
          h('td', { class: 'num' }, m.attempts),
          h('td', { class: 'num' }, duration(m.totalMs)),
          h('td', {}, clock(m.endedAt)),
        ),
      ),
    )
  } catch (err) {
    $('#history tbody').replaceChildren(h('tr', {}, h('td', { colspan: 7, class: 'hint' }, err.message)))
  }
}

async function loadTrace(id) {
  const box = $('#trace')
  box.replaceChildren(h('p', { class: 'hint' }, 'loading…'))
  try {
    const tree = await api(`/api/trace/${encodeURIComponent(id)}`)
    const all = []
    const walk = (n, depth) => {
      all.push([n, depth])
      for (const c of n.children) walk(c, depth + 1)
    }
    for (const r of tree.roots) walk(r, 0)
    const start = Math.min(...all.map(([n]) => n.queuedAt ?? n.deliveredAt ?? Infinity))
    const end = Math.max(...all.map(([n]) => n.endedAt ?? n.deliveredAt ?? n.queuedAt ?? 0), start + 1)
    const pct = (t) => `${(((t - start) / (end - start)) * 100).toFixed(2)}%`
    box.replaceChildren(
      h('h3', {}, `Trace ${tree.traceId} · ${all.length} message${all.length === 1 ? '' : 's'} · ${duration(end - start)}`),
      ...all.map(([n, depth]) => {
        const q = n.queuedAt ?? start
        const d = n.deliveredAt ?? q
        const e = n.endedAt ?? d
        return h(
          'div',
          { class: 'span', 'data-message': n.id },
          h(
            'div',
            { class: 'label', style: { paddingLeft: `${depth * 14}px` }, title: `${n.id}${n.error ? `\n${n.error}` : ''}` },
            `${n.type ?? '?'} `,
            h('span', { class: 'hint' }, `${n.from ?? '?'} → ${n.instance ?? n.to ?? '?'} `),
            h('span', { class: `s-${n.outcome}` }, n.outcome),
            n.attempts > 1 ? h('span', { class: 'hint' }, ` ×${n.attempts}`) : null,
          ),
          h(
            'div',
            { class: 'bar-track', title: `waited ${duration(n.waitedMs)} · handled ${duration(n.handledMs)} · total ${duration(n.totalMs)}` },
            h('div', { class: 'wait', style: { left: pct(q), width: `calc(${pct(d)} - ${pct(q)})` } }),
            h('div', { class: `run ${n.outcome === 'dead' || n.outcome === 'expired' ? 'failed' : ''}`, style: { left: pct(d), width: `calc(${pct(e)} - ${pct(d)})` } }),
          ),
          n.logs.length ? h('div', { class: 'span-logs mono' }, n.logs.map((l) => h('div', {}, `${l.level ?? ''} ${l.msg ?? l.line}`))) : null,
        )
      }),
    )
  } catch (err) {
    box.replaceChildren(h('p', { class: 'hint' }, err.message))
  }
}

// ---- graph ---------------------------------------------------------------------------

const STATUS_RANK = ['errored', 'backoff', 'stopping', 'starting', 'stopped', 'online']
const STATUS_COLOUR = { online: '#3fb950', starting: '#d29922', stopping: '#d29922', backoff: '#db6d28', errored: '#f85149', stopped: '#6e7681' }

function renderGraph() {
  const svg = $('#graph')
  if (!svg || $('#view-graph').hidden) return
  const agents = state.metrics?.agents ?? []
  const nodes = new Map()
  for (const a of agents) {
    const n = nodes.get(a.name) ?? { name: a.name, instances: 0, online: 0, worst: 'online', external: false }
    n.instances++
    if (a.status === 'online') n.online++
    if (STATUS_RANK.indexOf(a.status) < STATUS_RANK.indexOf(n.worst)) n.worst = a.status
    nodes.set(a.name, n)
  }
  for (const e of state.flow) for (const who of [e.from, e.to]) if (!nodes.has(who)) nodes.set(who, { name: who, instances: 0, online: 0, worst: 'stopped', external: true })
  const list = [...nodes.values()]
  const W = 900
  const H = 560
  const R = Math.min(W, H) / 2 - 70
  const pos = new Map(list.map((n, i) => [n.name, { x: W / 2 + R * Math.cos((2 * Math.PI * i) / list.length - Math.PI / 2), y: H / 2 + R * Math.sin((2 * Math.PI * i) / list.length - Math.PI / 2) }]))
  const defs = h('svg:defs', {}, h('svg:marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' }, h('svg:path', { d: 'M0,0 L10,5 L0,10 z', fill: '#58a6ff' })))
  const maxCount = Math.max(1, ...state.flow.map((e) => e.count))
  const edges = state.flow.map((e) => {
    const a = pos.get(e.from)
    const b = pos.get(e.to)
    const width = 1 + 5 * Math.sqrt(e.count / maxCount)
    if (e.from === e.to) {
      const p = `M${a.x - 10},${a.y - 30} C${a.x - 60},${a.y - 110} ${a.x + 60},${a.y - 110} ${a.x + 10},${a.y - 30}`
      return h('svg:g', { 'data-edge': `${e.from}->${e.to}` }, h('svg:path', { class: 'edge', d: p, 'stroke-width': width, 'marker-end': 'url(#arrow)' }), h('svg:text', { class: 'edge-label', x: a.x, y: a.y - 95 }, `${e.count} · ${e.perMinute}/min`))
    }
    // bend each direction its own way, so a↔b shows as two arcs
    const mx = (a.x + b.x) / 2
    const my = (a.y + b.y) / 2
    const dx = b.x - a.x
    const dy = b.y - a.y
    const len = Math.hypot(dx, dy) || 1
    const cx = mx - (dy / len) * 40
    const cy = my + (dx / len) * 40
    const end = { x: b.x - (dx / len) * 32, y: b.y - (dy / len) * 32 }
    const start = { x: a.x + (dx / len) * 32, y: a.y + (dy / len) * 32 }
    return h(
      'svg:g',
      { 'data-edge': `${e.from}->${e.to}` },
      h('svg:path', { class: 'edge', d: `M${start.x},${start.y} Q${cx},${cy} ${end.x},${end.y}`, 'stroke-width': width, 'marker-end': 'url(#arrow)' }),
      h('svg:text', { class: 'edge-label', x: (mx + cx) / 2, y: (my + cy) / 2 }, `${e.count} · ${e.perMinute}/min`),
    )
  })
  const circles = list.map((n) => {
    const p = pos.get(n.name)
    return h(
      'svg:g',
      { class: 'node', 'data-node': n.name },
      h('svg:circle', { cx: p.x, cy: p.y, r: 30, stroke: n.external ? '#8b949e' : STATUS_COLOUR[n.worst], 'stroke-dasharray': n.external ? '4 3' : undefined }),
      h('svg:text', { x: p.x, y: p.y + 4 }, n.name),
      h('svg:text', { class: 'sub', x: p.x, y: p.y + 46 }, n.external ? 'sender' : `${n.online}/${n.instances} online`),
    )
  })
  svg.replaceChildren(defs, ...edges, ...circles)
  if (list.length === 0) svg.append(h('svg:text', { x: W / 2, y: H / 2, fill: '#8b949e', 'text-anchor': 'middle' }, 'no agents yet'))
}

// ---- live feed and navigation ----------------------------------------------------------

let events = null

function signedOut() {
  events?.close()
  state.logSource?.close()
  setLive("signed out: run 'orch dashboard' for a new link", false)
}

function connect() {
  events = new EventSource('/api/events')
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
