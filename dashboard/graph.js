// The Graph view: agents as nodes, messages between them over the last minutes as edges.
import { $, h } from './dom.js'
import { state } from './state.js'

const STATUS_RANK = ['errored', 'backoff', 'stopping', 'starting', 'stopped', 'online']
const STATUS_COLOUR = { online: '#3fb950', starting: '#d29922', stopping: '#d29922', backoff: '#db6d28', errored: '#f85149', stopped: '#6e7681' }

export function renderGraph() {
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
