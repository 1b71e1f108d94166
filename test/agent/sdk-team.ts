// Shared set-up for the SDK tests: a real daemon on a fresh ORCH_HOME, fixture agents, and clients from the test itself.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect, type Agent } from '../../src/agent/index.js'
import { DaemonClient } from '../../src/core/client/daemon-client.js'
import type { AgentInfo } from '../../src/core/protocol/types.js'
import { cleanup, makeHome, orchJson, waitFor, writeConfig, type TestHome } from '../helpers/orch.js'

/** Long enough that `online` can only come from the SDK's ready(). */
export const READY_ONLY = { startGrace: '60s' }

export class Team {
  private agents: Agent[] = []
  private clients: DaemonClient[] = []
  readonly t: TestHome = makeHome()

  /** Starts these agents and waits until each has signalled ready. */
  async start(agents: Array<Record<string, unknown>>): Promise<AgentInfo[]> {
    const cfg = writeConfig(this.t, agents.map((a) => ({ ...READY_ONLY, ...a })))
    await orchJson(['start', cfg])
    return waitFor(async () => {
      const ls = await orchJson<AgentInfo[]>(['ls'])
      return ls.every((a) => a.status === 'online') && ls
    }, 'every agent online')
  }

  /** An SDK agent inside the test process (an id no config defines: it can be addressed once it consumes). */
  async agent(id = 'tester'): Promise<Agent> {
    const a = await connect({ socket: this.t.paths.socket, id, logSink: () => {} })
    this.agents.push(a)
    return a
  }

  /** A plain CLI connection, for queue.send as 'cli' and queue.dead. */
  async cli(): Promise<DaemonClient> {
    const c = await DaemonClient.connect(this.t.paths.socket, { client: 'cli' })
    this.clients.push(c)
    return c
  }

  /** The JSON lines an agent instance wrote to stdout (other lines skipped). */
  logLines(id: string): Array<Record<string, unknown>> {
    let text = ''
    try {
      text = readFileSync(join(this.t.paths.logsDir, `${id.replace(':', '.')}.out.log`), 'utf8')
    } catch {
      return []
    }
    return text.split('\n').flatMap((l) => {
      try {
        const v: unknown = JSON.parse(l)
        return typeof v === 'object' && v !== null ? [v as Record<string, unknown>] : []
      } catch {
        return []
      }
    })
  }

  async ls(): Promise<AgentInfo[]> {
    return orchJson<AgentInfo[]>(['ls'])
  }

  /** Closes the test's own agents first: they would otherwise try to reconnect to the stopped daemon. */
  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.close()))
    for (const c of this.clients) c.close()
    await cleanup(this.t)
  }
}
