// The page's small toolkit: elements, formatting, sparklines. No framework (see docs/dashboard.md).

const SVG = 'http://www.w3.org/2000/svg'

/** h('td', {class: 'num'}, 'text', child…): an element; null/false children are skipped. */
export function h(tag, attrs = {}, ...children) {
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
export const $ = (sel) => document.querySelector(sel)

export function bytes(n) {
  if (!n) return '0 B'
  const units = ['B', 'KB', 'MB', 'GB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++
  return `${n.toFixed(n >= 100 || i === 0 ? 0 : 1)} ${units[i]}`
}
export function duration(ms) {
  if (ms === undefined || ms === null) return ''
  if (ms < 1000) return `${Math.round(ms)}ms`
  const s = Math.floor(ms / 1000)
  if (s < 60) return `${(ms / 1000).toFixed(s < 10 ? 1 : 0)}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`
  const hh = Math.floor(m / 60)
  return hh < 24 ? `${hh}h${String(m % 60).padStart(2, '0')}m` : `${Math.floor(hh / 24)}d${hh % 24}h`
}
export const clock = (t) => (t ? new Date(t).toLocaleTimeString() : '')
export const short = (id) => (id ? id.slice(0, 8) : '')
export const status = (s) => h('span', { class: `status s-${s}` }, s)

export function sparkline(values, cls) {
  const svg = h('svg:svg', { viewBox: '0 0 64 16', preserveAspectRatio: 'none', 'aria-hidden': 'true' })
  if (values.length > 1) {
    const max = Math.max(...values, cls === 'cpu' ? 1 : 1)
    const pts = values.map((v, i) => `${((i / (values.length - 1)) * 64).toFixed(1)},${(15 - (v / max) * 14).toFixed(1)}`)
    svg.append(h('svg:polyline', { points: pts.join(' ') }))
  }
  return svg
}
