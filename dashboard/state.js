// What the page knows, and its one way to call the daemon.
import { $ } from './dom.js'

export const state = {
  metrics: null,
  queue: null,
  flow: [],
  selected: null,
  detail: null,
  logPinned: true,
  logSource: null,
  flashing: new Map(),
  /** the /api/events stream */
  events: null,
}

export function setLive(text, ok) {
  const el = $('#live')
  el.textContent = text
  el.className = `live ${ok ? 'on' : 'off'}`
}

export async function api(path, opts) {
  const res = await fetch(path, opts)
  if (res.status === 401) {
    signedOut()
    throw new Error('signed out')
  }
  const body = res.headers.get('content-type')?.startsWith('application/json') ? await res.json() : { error: { message: await res.text() } }
  if (!res.ok) throw new Error(body.error?.message ?? res.statusText)
  return body
}

export function signedOut() {
  state.events?.close()
  state.logSource?.close()
  setLive("signed out: run 'orch dashboard' for a new link", false)
}
