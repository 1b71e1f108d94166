// The Traces view: finished messages, and one message's trace across agents on a time axis.
import { $, clock, duration, h, short } from './dom.js'
import { api } from './state.js'

export async function loadHistory() {
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

export async function loadTrace(id) {
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
