import type { DaemonClient } from '../../core/client/daemon-client.js'
import type { OrchPaths } from '../../core/paths.js'
import type { MetricsSnapshot } from '../../core/protocol/types.js'
import { parseKeys, type MonitAction } from './keys.js'
import { logTail } from './log-tail.js'
import { NO_RATES, ratesBetween, type Rates } from './rates.js'
import { renderFrame } from './render-frame.js'
import { Screen, type Tty } from './terminal.js'

/** How often the daemon is asked for a snapshot and the log tail is read again. */
export const MONIT_REFRESH_MS = 1_000

export interface MonitOptions {
  client: DaemonClient
  paths: OrchPaths
  tty: Tty
  colour: boolean
}

/** `orch monit`: polls `daemon.metrics`, draws, and acts on keys until `q` or Ctrl-C; the terminal is restored whatever happens. */
export async function runMonit(o: MonitOptions): Promise<void> {
  const screen = new Screen(o.tty)
  let snapshot: MetricsSnapshot | null = null
  let rates: Rates = NO_RATES
  let selectedId: string | null = null
  let notice = ''
  let polling = false
  let finish!: () => void
  const done = new Promise<void>((resolve) => (finish = resolve))

  const selectedIndex = (): number => {
    const agents = snapshot?.agents ?? []
    const i = agents.findIndex((a) => a.id === selectedId)
    return i >= 0 ? i : 0
  }
  const draw = (): void => {
    const agents = snapshot?.agents ?? []
    const selected = agents[selectedIndex()]
    const { columns, rows } = screen.size
    screen.draw(
      renderFrame({
        snapshot,
        selected: selectedIndex(),
        rates,
        logTitle: selected ? `${selected.id} logs` : 'logs',
        logLines: selected ? logTail(o.paths, selected.id, rows) : [],
        notice,
        colour: o.colour,
        columns,
        rows,
      }),
    )
  }
  const poll = async (): Promise<void> => {
    if (polling) return
    polling = true
    try {
      const next = await o.client.call('daemon.metrics', {})
      rates = ratesBetween(snapshot, next)
      snapshot = next
    } catch (err) {
      notice = `cannot reach the daemon: ${(err as Error).message}`
    } finally {
      polling = false
    }
    draw()
  }
  const act = (action: MonitAction): void => {
    const agents = snapshot?.agents ?? []
    const i = selectedIndex()
    if (action === 'quit') return finish()
    if (action === 'up' || action === 'down') {
      const next = agents[Math.min(agents.length - 1, Math.max(0, i + (action === 'up' ? -1 : 1)))]
      if (next) selectedId = next.id
      return draw()
    }
    const agent = agents[i]
    if (!agent) return
    const stopped = agent.status === 'stopped' || agent.status === 'errored'
    const [verb, method] = action === 'restart' ? ['restart', 'agents.restart'] as const : stopped ? ['start', 'agents.start'] as const : ['stop', 'agents.stop'] as const
    notice = `${verb === 'stop' ? 'stopping' : verb === 'start' ? 'starting' : 'restarting'} ${agent.id}…`
    draw()
    o.client.call(method, { target: agent.id }).then(
      () => {
        notice = `${verb === 'stop' ? 'stopped' : verb === 'start' ? 'started' : 'restarted'} ${agent.id}`
        void poll()
      },
      (err: Error) => {
        notice = `cannot ${verb} ${agent.id}: ${err.message}`
        draw()
      },
    )
  }

  const onData = (chunk: string): void => {
    for (const action of parseKeys(chunk)) act(action)
  }
  const onResize = (): void => draw()
  const onSignal = (): void => finish()
  const onClose = (): void => {
    notice = 'the daemon closed the connection'
    finish()
  }
  screen.enter()
  o.tty.input.on('data', onData)
  o.tty.output.on('resize', onResize)
  process.on('SIGTERM', onSignal)
  process.on('SIGHUP', onSignal)
  o.client.on('close', onClose)
  const timer = setInterval(() => void poll(), MONIT_REFRESH_MS)
  try {
    draw()
    await poll()
    draw()
    await done
  } finally {
    clearInterval(timer)
    o.tty.input.off('data', onData)
    o.tty.output.off('resize', onResize)
    process.off('SIGTERM', onSignal)
    process.off('SIGHUP', onSignal)
    o.client.off('close', onClose)
    screen.restore()
  }
  if (notice === 'the daemon closed the connection') throw new Error('the daemon closed the connection; run orch monit again once it runs')
}
